"""What the adversarial tests share: process memory and config objects."""


def rss_mib(pid):
    """Resident memory of a process, in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


def service_entry(name, host):
    return (f"apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n"
            f"metadata: {{name: {name}, namespace: default}}\nspec:\n  hosts: [{host}]\n"
            f"  ports: [{{number: 80, name: http, protocol: HTTP}}]\n  resolution: DNS\n")


def alias_bomb():
    """Nine levels of ten aliases: ~10^9 nodes once expanded, from well under 1 KiB, in a
    WasmPlugin's free-form pluginConfig."""
    text = ("apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\n"
            "metadata: {name: bomb, namespace: default}\nspec:\n  url: oci://example/bomb\n"
            "  pluginConfig:\n    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
    for i in range(1, 10):
        text += f"    a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    return text
