"""A directory of YAML config files that jibd watches."""
import os
import pathlib

import yaml


class ConfigDir:
    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.path.mkdir(parents=True, exist_ok=True)

    def file(self, name):
        return self.path / name

    @staticmethod
    def _text(content):
        if isinstance(content, str):
            return content
        if isinstance(content, dict):
            content = [content]
        return yaml.safe_dump_all(list(content), sort_keys=False)

    def write(self, name, content):
        """Replaces `name` atomically: writes a hidden temp file in the same dir, then renames.

        `content` is YAML text, one object (dict) or a list of objects (multi-document).
        Returns the path written.
        """
        target = self.file(name)
        tmp = self.path / f".{name}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write(self._text(content))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
        return target

    def write_in_place(self, name, content):
        """Rewrites `name` in place (open, truncate, write), as many editors do."""
        target = self.file(name)
        with open(target, "r+" if target.exists() else "w") as f:
            f.seek(0)
            f.truncate()
            f.write(self._text(content))
            f.flush()
            os.fsync(f.fileno())
        return target

    def remove(self, name):
        self.file(name).unlink()

    def files(self):
        return sorted(p.name for p in self.path.iterdir() if not p.name.startswith("."))
