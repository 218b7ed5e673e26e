"""Hostile config input: an alias bomb, a huge file, and the config directory replaced under
jibd. jibd stays alive and small, says what it refused and why, and keeps serving the last good
config; what is valid is applied."""
import json
import os
import shutil

from adversarial.attacks import alias_bomb, rss_mib, service_entry


def has_object(jibd, name):
    status, body = jibd.get("/debug/configz")
    assert status == 200, body
    return any(o["name"] == name for o in json.loads(body)["objects"])


def envoy_has_cluster(envoy, host):
    return host in json.dumps(envoy.admin.dynamic_clusters())


def test_alias_bomb_is_refused_and_the_last_good_config_stays(config_dir, jibd, envoy,
                                                             wait_until):
    config_dir.write("good.yaml", service_entry("good", "good.example.com"))
    j = jibd()
    e = envoy(j)
    wait_until(lambda: envoy_has_cluster(e, "good.example.com"), 10, "Envoy has the good cluster")
    baseline = rss_mib(j.pid)
    bomb = alias_bomb()
    assert len(bomb) < 1024
    config_dir.write("bomb.yaml", bomb)
    j.wait_for_log(r"bomb\.yaml:\d+: .*aliases are expanded", timeout=10)
    config_dir.write("later.yaml", service_entry("later", "later.example.com"))
    wait_until(lambda: has_object(j, "later"), 10, "a later good file is applied")
    assert j.alive() and has_object(j, "good") and not has_object(j, "bomb")
    assert rss_mib(j.pid) < baseline + 50
    assert envoy_has_cluster(e, "good.example.com")
    assert not any(e.update_rejected().values())

    # A restart with the bomb still there starts, refuses it again and serves the rest.
    j.stop()
    again = jibd()
    again.wait_for_log(r"bomb\.yaml:\d+: .*aliases are expanded", timeout=10)
    assert has_object(again, "good") and has_object(again, "later")


def test_huge_file_is_refused_from_its_size(config_dir, jibd, wait_until):
    config_dir.write("good.yaml", service_entry("good", "good.example.com"))
    j = jibd()
    baseline = rss_mib(j.pid)
    huge = config_dir.file("huge.yaml")
    with open(huge, "wb") as f:
        f.truncate(8 << 30)  # 8 GiB of holes: nothing on disk, everything to read
    j.wait_for_log(r"huge\.yaml: 8589934592 bytes, more than the limit of 4194304 bytes",
                   timeout=10)
    config_dir.write("later.yaml", service_entry("later", "later.example.com"))
    wait_until(lambda: has_object(j, "later"), 10, "a later good file is applied")
    assert j.alive() and has_object(j, "good")
    assert rss_mib(j.pid) < baseline + 50
    huge.unlink()


def test_the_file_size_limit_is_a_flag(config_dir, jibd):
    config_dir.write("good.yaml", service_entry("good", "good.example.com"))
    j = jibd(extra_args=["--config-file-max-bytes", "1024"])
    assert has_object(j, "good")
    config_dir.write("big.yaml", service_entry("big", "big.example.com") + "#" + "x" * 2000 + "\n")
    j.wait_for_log(r"big\.yaml: \d+ bytes, more than the limit of 1024 bytes", timeout=10)
    assert not has_object(j, "big")


def test_config_dir_deleted_and_made_again(tmp_path, jibd, wait_until):
    d = tmp_path / "mesh"
    d.mkdir()
    (d / "a.yaml").write_text(service_entry("a", "a.example.com"))
    j = jibd(str(d))
    shutil.rmtree(d)
    j.wait_for_log(r"cannot read directory.*keeping the config", timeout=10)
    assert has_object(j, "a")  # nothing is unloaded while the directory is missing
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "b.yaml").write_text(service_entry("b", "b.example.com"))
    os.rename(staging, d)
    wait_until(lambda: has_object(j, "b") and not has_object(j, "a"), 10,
               "the new directory's config is applied")
    (d / "c.yaml").write_text(service_entry("c", "c.example.com"))
    wait_until(lambda: has_object(j, "c"), 10, "the new directory is watched")


def test_config_dir_as_a_symlink_pointed_elsewhere(tmp_path, jibd, wait_until):
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    v1.mkdir()
    v2.mkdir()
    (v1 / "a.yaml").write_text(service_entry("a", "a.example.com"))
    (v2 / "b.yaml").write_text(service_entry("b", "b.example.com"))
    link = tmp_path / "current"
    link.symlink_to(v1)
    j = jibd(str(link))
    assert has_object(j, "a")
    tmp_link = tmp_path / "current.tmp"
    tmp_link.symlink_to(v2)
    os.replace(tmp_link, link)  # as `ln -sfn v2 current`
    wait_until(lambda: has_object(j, "b") and not has_object(j, "a"), 10,
               "the directory the link names now is applied")


def test_config_map_mount_swap(tmp_path, jibd, wait_until):
    # The layout kubelet gives a mounted ConfigMap: files link through ..data to a timestamped
    # directory, and an update swaps ..data by rename.
    mount = tmp_path / "mount"
    (mount / "..2026_01").mkdir(parents=True)
    (mount / "..2026_01" / "mesh.yaml").write_text(service_entry("a", "a.example.com"))
    (mount / "..data").symlink_to("..2026_01")
    (mount / "mesh.yaml").symlink_to("..data/mesh.yaml")
    j = jibd(str(mount))
    assert has_object(j, "a")
    (mount / "..2026_02").mkdir()
    (mount / "..2026_02" / "mesh.yaml").write_text(service_entry("b", "b.example.com"))
    (mount / "..data_tmp").symlink_to("..2026_02")
    os.replace(mount / "..data_tmp", mount / "..data")
    shutil.rmtree(mount / "..2026_01")
    wait_until(lambda: has_object(j, "b") and not has_object(j, "a"), 10,
               "the swapped ConfigMap is applied")
