"""The source tree's dependency rules, read from its #include lines: no include cycle between
files, none between folders, and the store built without the parser. The folders are the units
docs/architecture.md describes (mesh/api, mesh/config, mesh/model, xds/translate, xds/serve, ...).
"""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE_DIRS = ["base", "mesh", "xds", "ca", "k8s", "agent", "cmd"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def source_files():
    for top in SOURCE_DIRS:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in (".h", ".cpp"):
                yield path.relative_to(ROOT).as_posix()


def include_graph():
    """Includes between files."""
    files = set(source_files())
    graph = {}
    for f in files:
        text = (ROOT / f).read_text()
        graph[f] = sorted(inc for inc in INCLUDE.findall(text) if inc in files and inc != f)
    return graph


def component_graph():
    """Includes between components: a header and its source file are one (x.h + x.cpp = x), so
    two files whose sources include each other's headers are a cycle too. An `x_internal.h`
    belongs to x's implementation."""

    def component(path):
        return re.sub(r"_internal$", "", path.rsplit(".", 1)[0])

    graph = {}
    for f, incs in include_graph().items():
        graph.setdefault(component(f), set()).update(component(i) for i in incs)
    return {n: sorted(v - {n}) for n, v in graph.items()}


def folder_of(path):
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0] in ("mesh", "xds", "cmd") and len(parts) > 2 else parts[0]


def find_cycle(graph):
    """A list of nodes forming a cycle, or None (iterative DFS, colours)."""
    colour = {n: 0 for n in graph}
    for start in sorted(graph):
        if colour[start]:
            continue
        stack = [(start, iter(graph[start]))]
        path = [start]
        colour[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = 2
                stack.pop()
                path.pop()
            elif colour.get(child, 2) == 1:
                return path[path.index(child):] + [child]
            elif colour.get(child, 2) == 0:
                colour[child] = 1
                stack.append((child, iter(graph[child])))
                path.append(child)
    return None


def test_no_include_cycle_between_files():
    cycle = find_cycle(component_graph())
    assert cycle is None, "include cycle: " + " -> ".join(cycle)


def test_no_dependency_cycle_between_folders():
    folders = {}
    for f, incs in include_graph().items():
        edges = folders.setdefault(folder_of(f), set())
        edges.update(folder_of(i) for i in incs if folder_of(i) != folder_of(f))
    cycle = find_cycle({k: sorted(v) for k, v in folders.items()})
    assert cycle is None, "folder cycle: " + " -> ".join(cycle)


def test_the_store_needs_neither_parser_nor_validators():
    graph = include_graph()
    seen, todo = set(), ["mesh/config/config_store.cpp"]
    while todo:
        f = todo.pop()
        if f not in seen:
            seen.add(f)
            todo.extend(graph.get(f, []))
    forbidden = sorted(f for f in seen if re.search(r"mesh/api/(parse|validate|decode|kind_registry|yaml_)", f))
    assert forbidden == [], f"the store includes {forbidden}"


def test_the_folder_checks_can_fail():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": [], "c": ["a"]}) is None
    assert folder_of("mesh/api/parse.h") == "mesh/api"
    assert folder_of("base/log.h") == "base"
