"""The demo config of `make run` (examples/) stays valid."""
import pathlib

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def test_examples_load_without_errors(jibd):
    j = jibd(config_dir_path=EXAMPLES)  # ready, on free ports
    errors = j.log_lines(r"\.ya?ml:\d+:")
    assert errors == [], "\n".join(errors)
    assert j.syncz() == []  # no proxy connected
