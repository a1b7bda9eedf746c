"""The house: modules import one way through the layers, with no cycle, and stay light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Each package or module of the library, lowest first; a module may import only from its own
#: layer or a lower one. Keep in step with the README's architecture section.
LAYERS = [
    (
        "lotting.errors",
        "lotting.scenario",
        "lotting.settings",
        "lotting.files",
        "lotting.text",
        "lotting.progress",
        "lotting.parallel",
        "lotting.stop",
    ),
    ("lotting.inputs",),
    ("lotting.rules",),
    ("lotting.generate", "lotting.mip", "lotting.mip.colgen"),
    ("lotting.plot",),
    ("lotting.ocds",),
    ("lotting.plan",),
    ("lotting.optimise",),
    ("lotting.frontier", "lotting.sweep"),
    ("lotting.present",),
    ("lotting", "lotting.cli"),
]


def module_name(path: Path) -> str:
    """Dotted module name of a source file (cli/ is installed as lotting.cli)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] == "cli":
        parts = ["lotting", *parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """The lotting modules a file imports, anywhere in it (lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("lotting"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lotting"):
            found.add(node.module or "")
    return found


def graph() -> nx.DiGraph:
    """Module → imported module, over the library and the CLI."""
    g = nx.DiGraph()
    for path in sorted([*ROOT.glob("lotting/**/*.py"), *ROOT.glob("cli/*.py")]):
        name = module_name(path)
        g.add_node(name)
        g.add_edges_from((name, target) for target in imports(path) if target != name)
    return g


def layer(module: str) -> int:
    """The layer of a module: that of the longest package prefix listed in LAYERS."""
    best, depth = None, -1
    for number, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and name.count(".") > depth:
                best, depth = number, name.count(".")
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best


def test_no_import_cycles():
    g = graph()
    assert g.number_of_edges() > 50  # the walk found the imports
    cycles = list(nx.simple_cycles(g))
    assert not cycles, f"import cycles: {cycles}"


def test_imports_point_down_the_layers():
    upward = [
        f"{a} (layer {layer(a)}) imports {b} (layer {layer(b)})"
        for a, b in graph().edges
        if a != "lotting" and layer(b) > layer(a)
    ]
    assert not upward, "\n".join(upward)


def test_every_module_is_listed_in_the_architecture_page():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = sorted([*ROOT.glob("lotting/**/*.py"), *ROOT.glob("cli/*.py")])
    missing = [
        str(p.relative_to(ROOT))
        for p in modules
        if p.name != "__init__.py" and f"`{p.relative_to(ROOT)}`" not in page
    ]
    assert missing == []


def test_every_module_has_a_layer():
    for module in graph().nodes:
        layer(module)


@pytest.mark.parametrize("module", ["lotting", "lotting.optimise", "lotting.plan"])
def test_importing_the_library_does_not_load_pyplot(module):
    code = f"import sys, {module}; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_command_line_starts_without_charts_report_or_schema_libraries():
    """A short --time-limit counts loading: matplotlib, jinja2 and jsonschema load only when a
    chart is drawn, a report written or an OCDS file validated."""
    heavy = ("matplotlib", "jinja2", "jsonschema", "distributed")
    code = (
        "import sys, lotting.cli.main; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
