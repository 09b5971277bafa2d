"""The package's layers only point down.

The order is the one in docs/architecture.md ("How the code is organised"): a module may
import from its own layer and from the layers below it, never from above. Every
import is read from the source (also those inside functions), so a lazy import
cannot hide an upward one.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "backprop_tutor"

# Lowest first. The top-level modules errors.py and extras.py are the floor;
# __init__.py (the lazy public API) and __main__.py are the roof.
LAYERS = ["errors", "extras", "io", "core", "document", "networks", "symbolic", "teaching",
          "output", "cli"]
ROOF = {"__init__", "__main__"}


def layer_of(module: str) -> str:
    """``backprop_tutor.core.network`` → ``core``; ``backprop_tutor.errors`` → ``errors``."""
    return module.split(".")[1]


def imports(path: Path, package: Path = PACKAGE) -> list[tuple[int, str]]:
    """Every ``backprop_tutor`` module imported by the file, with its line."""
    module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:   # relative: resolve against the importing module
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name == "backprop_tutor":   # from backprop_tutor import extras
                found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, name))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return [(line, name) for line, name in found if name.startswith("backprop_tutor.")]


def test_the_layers_are_the_package_folders():
    """Every sub-package and top-level module has its place in LAYERS."""
    present = {p.stem for p in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir()
                                                       if (p / "__init__.py").exists()}
    assert present - ROOF == set(LAYERS)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path):
    own = layer_of(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
    if own in ROOF:
        return
    upward = [f"line {line}: {name}" for line, name in imports(path)
              if LAYERS.index(layer_of(name)) > LAYERS.index(own)]
    assert not upward, f"{own} imports from a layer above it: {upward}"


def test_an_upward_import_is_found(tmp_path):
    """The reader sees imports inside functions and relative ones."""
    source = tmp_path / "backprop_tutor" / "core" / "x.py"
    source.parent.mkdir(parents=True)
    source.write_text("def f():\n    from ..output import pack\n    import backprop_tutor.cli\n")
    found = imports(source, package=tmp_path / "backprop_tutor")
    assert found == [(2, "backprop_tutor.output"), (3, "backprop_tutor.cli")]
