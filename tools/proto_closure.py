#!/usr/bin/env python3
"""Prints the import closure of the root protos, one path per line, relative to the
import root. Imports that resolve only in the system include dir (google/protobuf/*)
are left out: libprotobuf already ships their generated code."""
import re
import sys
from pathlib import Path

IMPORT = re.compile(r'^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;', re.M)


def closure(import_root: Path, roots: list[str]) -> list[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        path = import_root / name
        if not path.exists():
            if name.startswith("google/protobuf/"):
                continue
            sys.exit(f"proto_closure: {name} not found under {import_root}")
        seen.add(name)
        stack.extend(IMPORT.findall(path.read_text()))
    return sorted(seen)


def main() -> None:
    import_root = Path(sys.argv[1])
    roots = [line.split("#")[0].strip() for line in Path(sys.argv[2]).read_text().splitlines()]
    for name in closure(import_root, [r for r in roots if r]):
        print(name)


if __name__ == "__main__":
    main()
