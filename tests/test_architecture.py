"""The shape of the code, checked: the import graph has no cycle and points only down the layers of
``shared/architecture.md``; no feature imports another feature's views or the demo; views stay thin.

The graph is read from the source (every ``import``, also those inside functions, which a lazy import
cannot hide), so the check needs no app and cannot be fooled by import order. Each check also runs on a
planted fault, so a check that cannot fail would show.
"""

import ast
import inspect
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "circles"

#: The layers, lowest first. A feature may import from its own layer's package and from lower layers only;
#: features in one layer are beside each other and import nothing of each other.
LAYERS = [
    {"core"},
    {"reference"},
    {"accounts"},
    {"groups"},
    {"meetings", "workpackages"},
    {"newsletter", "progress", "pages"},
    {"demo"},  # the seed command: it puts every feature's demo together
    {"circles"},  # create_app: it puts every feature together
]
LAYER_OF = {name: level for level, names in enumerate(LAYERS) for name in names}

#: A view function (an endpoint) is at most this many lines, from its ``def`` to its last line.
MAX_VIEW_LINES = 25


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package but the migrations."""
    modules = {}
    for path in package.rglob("*.py"):
        if "migrations" in path.relative_to(package).parts:
            continue
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def imports_of(name: str, source: str, modules: set[str], is_package: bool) -> set[str]:
    """The project modules ``name`` imports. ``from a import b`` counts as importing ``a.b`` when that is a
    module (a sub-module), else ``a`` (a name defined there)."""
    here = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
    return {target for target in found if target in modules and target != name}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    files = module_files(package)
    names = set(files)
    return {name: imports_of(name, path.read_text(encoding="utf-8"), names, path.name == "__init__.py")
            for name, path in files.items()}


def feature_of(module: str) -> str:
    """``circles.meetings.rsvp.views`` -> ``meetings``; the unbound extensions and the config count as core."""
    parts = module.split(".")
    feature = parts[1] if len(parts) > 1 else parts[0]
    return "core" if feature in ("extensions", "config") else feature


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each a cycle or a knot of them."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports that point up or sideways between features."""
    wrong = []
    for module, targets in graph.items():
        mine = feature_of(module)
        for target in targets:
            theirs = feature_of(target)
            if theirs != mine and LAYER_OF.get(theirs, 0) >= LAYER_OF.get(mine, 0):
                wrong.append(f"{module} -> {target}")
    return sorted(wrong)


def foreign_views_and_demo(graph: dict[str, set[str]]) -> list[str]:
    """A feature importing another feature's views (for a loader, say), or any feature importing the demo."""
    wrong = []
    for module, targets in graph.items():
        if feature_of(module) in ("circles", "demo"):
            continue
        for target in targets:
            is_views = target.rsplit(".", 1)[-1] == "views" or target.endswith("_views")
            if is_views and feature_of(target) not in (feature_of(module), "core"):  # core has no routes
                wrong.append(f"{module} -> {target}")
            if target == "circles.demo" or target.startswith("circles.demo."):
                wrong.append(f"{module} -> {target}")
    return sorted(wrong)


def long_views(app) -> list[str]:
    """Endpoints whose function is longer than MAX_VIEW_LINES (decorators not counted)."""
    wrong = []
    for endpoint, fn in app.view_functions.items():
        fn = inspect.unwrap(fn)
        if not fn.__module__.startswith("circles."):
            continue  # Flask's own static view
        lines, _start = inspect.getsourcelines(fn)
        tree = ast.parse(inspect.cleandoc("\n" + "".join(lines)) if lines[0][:1].isspace() else "".join(lines))
        definition = next(node for node in ast.walk(tree)
                          if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))
        length = definition.end_lineno - definition.lineno + 1
        if length > MAX_VIEW_LINES:
            wrong.append(f"{endpoint} ({fn.__module__}.{fn.__qualname__}): {length} lines")
    return sorted(wrong)


# --- the checks on the code ----------------------------------------------------------------------------

def test_the_import_graph_has_no_cycle():
    assert cycles(import_graph()) == []


def test_features_import_only_what_lies_below_them():
    assert upward_imports(import_graph()) == []


def test_no_feature_imports_another_features_views_or_the_demo():
    assert foreign_views_and_demo(import_graph()) == []


def test_no_view_function_is_longer_than_25_lines(app):
    assert long_views(app) == []


# --- the checks can fail: each on a planted fault --------------------------------------------------------

def _plant(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "circles"
    for name, source in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return package


def test_the_checks_catch_planted_faults(tmp_path):
    package = _plant(tmp_path, {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/db.py": "from circles.groups import services\n",  # core reaching up: a layer fault
        "groups/__init__.py": "from flask import Blueprint\nbp = Blueprint('groups', __name__)\n",
        "groups/services.py": "from circles.core import db\n",  # ... and with core/db.py a cycle
        "groups/views.py": "from circles.groups import bp\n",
        "meetings/__init__.py": "",
        "meetings/views.py": "def later():\n    from circles.groups.views import bp\n",  # foreign views
        "meetings/demo.py": "from circles import demo\n",  # the demo, from below
        "workpackages/__init__.py": "",
        "workpackages/services.py": "from circles.meetings import views\n",  # sideways
        "demo.py": "",
    })
    graph = import_graph(package)
    assert cycles(graph) == [["circles.core.db", "circles.groups.services"]]
    assert upward_imports(graph) == ["circles.core.db -> circles.groups.services",
                                     "circles.meetings.demo -> circles.demo",
                                     "circles.workpackages.services -> circles.meetings.views"]
    assert foreign_views_and_demo(graph) == ["circles.meetings.demo -> circles.demo",
                                             "circles.meetings.views -> circles.groups.views",
                                             "circles.workpackages.services -> circles.meetings.views"]


def test_the_view_length_check_catches_a_long_view(tmp_path, monkeypatch):
    import importlib

    from flask import Flask

    short = "".join(f"    x{i} = {i}\n" for i in range(MAX_VIEW_LINES - 1))  # def line + 24 = 25 lines
    (tmp_path / "planted_views.py").write_text(
        "import functools\n\n\ndef wrap(fn):\n    @functools.wraps(fn)\n    def inner(*a):\n"
        "        return fn(*a)\n    return inner\n\n\n"
        f"@wrap\ndef short_view():\n{short}\n\n@wrap\ndef long_view():\n{short}    x = 0\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    planted = importlib.import_module("planted_views")
    app = Flask(__name__)
    for fn in (planted.short_view, planted.long_view):
        inspect.unwrap(fn).__module__ = "circles.planted"
        app.add_url_rule(f"/{fn.__name__}", view_func=fn)
    assert long_views(app) == ["long_view (circles.planted.long_view): 26 lines"]
