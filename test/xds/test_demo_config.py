"""The demo config of `make run` (examples/) stays valid."""
import pathlib

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def test_examples_load_without_errors(jibd):
    # Ports 0: jibd picks them and logs them (so a running `make run` is no obstacle).
    j = jibd(config_dir_path=EXAMPLES, xds_port=0, http_port=0)
    assert 0 not in (j.xds_port, j.http_port, j.ca_port), j.tail()
    errors = j.log_lines(r"\.ya?ml:\d+:")
    assert errors == [], "\n".join(errors)
    assert j.syncz() == []  # no proxy connected
