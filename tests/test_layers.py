"""The layers of DESIGN.md hold: imports run one way, downward, and no two modules import each
other, even inside a function or only for type checking.

Read from the source with `ast`, so an import inside a function or under TYPE_CHECKING counts
as much as one at the top. Importing `a.b.c` also runs the packages `a` and `a.b` first, so a
module that imports into another package depends on that package's `__init__` as well. The
engine's facade names the modules it loads on first use in its `_HOMES` table: those count as
its imports. The last tests run the same checks on a small package with a cycle and a
forbidden import, and see both reported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Top to bottom: a module may import modules of its own layer and of the layers below it.
LAYERS = (
    # the command (it starts the window)
    ("studio.__main__", "studio.cli", "studio.cli_edit", "studio.cli_errors", "studio.cli_export",
     "studio.cli_progress", "studio.cli_project"),
    ("studio.ui",),
    # an open project (engine and project file) and the settings every process reads
    ("studio.workspace", "studio.voice_profiles", "studio.settings"),
    ("studio.project",),
    ("studio.engine",),
    ("studio",),
)
# Outside libraries only one part of the studio may use.
ONLY_IN = {
    "PySide6": ("studio.ui",),
    "sqlalchemy": ("studio.project",),
    "alembic": ("studio.project",),
}
# (importer, imported) edges left out of the cycle check: a function-level import that only
# saves start-up time and would otherwise close a cycle. None is needed today.
ALLOWED_IN_CYCLES: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Import:
    """One import of one module: what it names, where, and how (top, function, type-checking;
    implied: a package run because a module inside it was imported)."""

    target: str
    line: int
    how: str


def modules_of(root: Path, package: str) -> dict[str, Path]:
    """Every module of a package under `root`, by its dotted name."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(name: str, path: Path, known: dict[str, Path]) -> list[Import]:
    """The imports one module makes, each resolved to a module where it names one."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, how: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = how
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                inner = "function"
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                inner = "type-checking"
            if isinstance(child, ast.Import):
                found.extend(Import(a.name, child.lineno, how) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(child, package)
                for alias in child.names:
                    module = f"{base}.{alias.name}"
                    found.append(Import(module if module in known else base, child.lineno, how))
            elif _is_lazy_table(child):
                found.extend(Import(key.value, child.lineno, "on first use")
                             for key in child.value.keys if isinstance(key, ast.Constant))
            visit(child, inner)

    visit(tree, "top")
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_lazy_table(node: ast.AST) -> bool:
    return (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
            and any(isinstance(t, ast.Name) and t.id == "_HOMES" for t in node.targets))


def import_graph(root: Path, package: str) -> dict[str, list[Import]]:
    """Each module's imports of modules of the package, with the packages they imply."""
    known = modules_of(root, package)
    graph: dict[str, list[Import]] = {}
    for name, path in known.items():
        edges = []
        for found in imports_of(name, path, known):
            if found.target not in known:
                continue
            edges.append(found)
            parts = found.target.split(".")
            for end in range(1, len(parts)):
                parent = ".".join(parts[:end])
                if parent in known and not _inside(name, parent):
                    edges.append(Import(parent, found.line, "implied"))
        graph[name] = edges
    return graph


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def layer_of(module: str, layers=LAYERS) -> int:
    """The index of the module's layer (0 is the top); the most specific prefix wins."""
    best, index = "", len(layers)
    for at, prefixes in enumerate(layers):
        for prefix in prefixes:
            if _inside(module, prefix) and len(prefix) > len(best):
                best, index = prefix, at
    return index


def layer_violations(root: Path, package: str, layers=LAYERS, only_in=ONLY_IN) -> list[str]:
    """Every import that reaches up a layer or uses a library outside its part."""
    known = modules_of(root, package)
    found = []
    for name, path in known.items():
        for imp in imports_of(name, path, known):
            library = imp.target.split(".")[0]
            if library in only_in and not any(_inside(name, p) for p in only_in[library]):
                found.append(f"{name}:{imp.line} imports {imp.target} ({imp.how})")
            elif imp.target in known and layer_of(imp.target, layers) < layer_of(name, layers):
                found.append(f"{name}:{imp.line} imports {imp.target} from a layer above "
                             f"({imp.how})")
    return found


def cycles(graph: dict[str, list[Import]],
           allowed: frozenset[tuple[str, str]] = ALLOWED_IN_CYCLES) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    edges = {m: sorted({i.target for i in imps if (m, i.target) not in allowed})
             for m, imps in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return groups


def package_cycles(graph: dict[str, list[Import]], engine: str = "studio.engine") -> list:
    """Cycles between the engine's packages and top modules (compose, sound, model ...)."""
    def part(module: str) -> str | None:
        if not module.startswith(engine + "."):
            return None
        return module[len(engine) + 1:].split(".")[0]

    collapsed: dict[str, list[Import]] = {}
    for module, imps in graph.items():
        source = part(module)
        if source is None:
            continue
        collapsed.setdefault(source, [])
        collapsed[source] += [Import(part(i.target), i.line, i.how) for i in imps
                              if part(i.target) not in (None, source)
                              and (module, i.target) not in ALLOWED_IN_CYCLES]
    return cycles(collapsed, frozenset())


def test_each_layer_imports_only_itself_and_the_layers_below():
    assert layer_violations(ROOT, "studio") == []


def test_no_two_studio_modules_import_each_other():
    assert cycles(import_graph(ROOT, "studio")) == []


def test_the_engine_packages_depend_on_each_other_one_way():
    assert package_cycles(import_graph(ROOT, "studio")) == []


def test_the_allowed_cycle_edges_are_real_function_level_imports():
    graph = import_graph(ROOT, "studio")
    for importer, imported in ALLOWED_IN_CYCLES:
        assert any(i.target == imported and i.how == "function" for i in graph[importer])


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_cycle_and_a_forbidden_import_are_reported(tmp_path):
    _write(tmp_path, {
        "studio/__init__.py": "",
        "studio/ui/__init__.py": "",
        "studio/ui/window.py": "import PySide6\n",
        "studio/project/__init__.py": "",
        "studio/engine/__init__.py": "",
        "studio/engine/mix.py": "from studio.engine import master\n",
        "studio/engine/master.py": (
            "def ride():\n    from studio.engine.mix import gain\n    return gain\n"),
        "studio/engine/loudness.py": (
            "from typing import TYPE_CHECKING\n\n"
            "if TYPE_CHECKING:\n    from studio.ui.window import Meter\n\n\n"
            "def show():\n    import PySide6.QtWidgets\n\n"
            "    from ..project import open_file\n"),
    })
    assert cycles(import_graph(tmp_path, "studio")) == [["studio.engine.master",
                                                         "studio.engine.mix"]]
    assert layer_violations(tmp_path, "studio") == [
        "studio.engine.loudness:4 imports studio.ui.window from a layer above (type-checking)",
        "studio.engine.loudness:8 imports PySide6.QtWidgets (function)",
        "studio.engine.loudness:10 imports studio.project from a layer above (function)",
    ]


def test_a_cycle_through_a_package_init_is_reported(tmp_path):
    """sound/__init__ runs sound.renderer; the singer importing sound.soundfont runs the
    package first, so renderer -> singer -> sound -> renderer is a cycle."""
    _write(tmp_path, {
        "studio/__init__.py": "",
        "studio/engine/__init__.py": "",
        "studio/engine/sound/__init__.py": "from studio.engine.sound.renderer import render\n",
        "studio/engine/sound/soundfont.py": "",
        "studio/engine/sound/renderer.py": (
            "def render():\n    from studio.engine.singing.voice import sing\n"),
        "studio/engine/singing/__init__.py": "",
        "studio/engine/singing/voice.py": "from studio.engine.sound import soundfont\n",
    })
    graph = import_graph(tmp_path, "studio")
    assert cycles(graph) == [["studio.engine.singing.voice", "studio.engine.sound",
                              "studio.engine.sound.renderer"]]
    assert package_cycles(graph) == [["singing", "sound"]]
    allowed = frozenset({("studio.engine.sound.renderer", "studio.engine.singing.voice")})
    assert cycles(graph, allowed) == []
