"""The house rules of classic/, checked: the maintainers' page lists every module, module-level
imports between the course's modules run one way (no cycles), every file stays under 600 lines
and every function under 100 lines of code (its docstring aside)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASSIC = ROOT / "classic"
MODULES = sorted(CLASSIC.rglob("*.py"))
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 100


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {_name(path): path for path in MODULES}


def _readme_layout() -> list[str]:
    """The paths the layout block of docs/maintainers.md lists, as classic/... file paths."""
    text = (ROOT / "docs" / "maintainers.md").read_text(encoding="utf-8")
    block = re.search(r"## The layout of `classic/`.*?```\n(classic/\n.*?)```", text, re.S)
    assert block, "docs/maintainers.md has no layout block under '## The layout of `classic/`'"
    paths, folders = [], []
    for line in block.group(1).splitlines()[1:]:
        indent = (len(line) - len(line.lstrip())) // 2
        entry = line.split()[0]
        folders = folders[: indent - 1]
        if entry.endswith("/"):
            folders.append(entry.rstrip("/"))
        else:
            paths.append("/".join(["classic", *folders, entry]))
    return paths


def test_the_layout_lists_every_module_and_no_other():
    listed = _readme_layout()
    on_disk = [str(path.relative_to(ROOT)) for path in MODULES]
    assert sorted(listed) == sorted(on_disk)
    assert len(listed) == len(set(listed))


def _imports(path: Path, *, everywhere: bool = False) -> set[str]:
    """The course's modules that ``path`` imports when it is imported (its top-level imports),
    or ``everywhere`` (inside functions too, which run later)."""
    found = set()
    package = _name(path) if path.name == "__init__.py" else _name(path).rsplit(".", 1)[0]
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree) if everywhere else tree.body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            for alias in node.names:  # `from package import module` imports the module
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in NAMES else base)
    return {name for name in found if name in NAMES}


def _assert_acyclic(graph: dict[str, set[str]]) -> None:
    state: dict[str, str] = {}

    def visit(name, trail):
        state[name] = "open"
        for other in sorted(graph[name]):
            assert state.get(other) != "open", "a cycle: " + " -> ".join([*trail, name, other])
            if other not in state:
                visit(other, [*trail, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_imports_between_modules_run_one_way():
    # a package imports its own modules to re-export them; a module's import of its package is
    # that same edge the other way round, so edges to one's own ancestors are left out
    _assert_acyclic({name: {other for other in _imports(path)
                            if not name.startswith(other + ".")}
                     for name, path in NAMES.items()})


def test_imports_between_the_parts_of_classic_run_one_way():
    """The parts (classic.data, classic.train, classic.shapes, ...), imports inside functions
    included: a lower part never reaches up to one that uses it."""
    def part(name):
        return ".".join(name.split(".")[:2])

    graph: dict[str, set[str]] = {part(name): set() for name in NAMES}
    for name, path in NAMES.items():
        graph[part(name)] |= {part(other) for other in _imports(path, everywhere=True)
                              if part(other) not in (part(name), "classic")}
    _assert_acyclic(graph)


def test_files_and_functions_stay_short():
    long_files = {str(p.relative_to(ROOT)): n for p in MODULES
                  if (n := len(p.read_text().splitlines())) > MAX_FILE_LINES}
    assert not long_files
    long_functions = {}
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if ast.get_docstring(node) is not None:
                    doc = node.body[0]
                    lines -= doc.end_lineno - doc.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long_functions[f"{path.relative_to(ROOT)}:{node.name}"] = lines
    assert not long_functions


def test_every_module_says_what_it_holds():
    missing = [str(p.relative_to(ROOT)) for p in MODULES
               if not ast.get_docstring(ast.parse(p.read_text()))]
    assert not missing
