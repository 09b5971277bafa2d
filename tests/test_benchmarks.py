"""The benchmark scripts still read the package: every name they take from it exists.

They are not run by the tests (they print figures and take minutes), so a
renamed function would only show when someone next measured.
"""

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).parent.parent / "benchmarks").glob("*.py"))


def _submodule(module, name: str):
    """``module.name`` if ``module`` is a package and ``name`` one of its modules, else None."""
    if hasattr(module, "__path__") and importlib.util.find_spec(f"{module.__name__}.{name}"):
        return importlib.import_module(f"{module.__name__}.{name}")
    return None


def _exists(module, name: str) -> bool:
    return hasattr(module, name) or _submodule(module, name) is not None


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda path: path.name)
def test_every_name_a_benchmark_takes_from_the_package_exists(script):
    """``from backprop_tutor.x import a``, and ``m.b`` where ``m`` is a module imported so."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    modules, missing = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("backprop_tutor"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                if not _exists(module, alias.name):
                    missing.append(f"from {node.module} import {alias.name}")
                elif isinstance(value := getattr(module, alias.name, None), type(module)) or \
                        (value := _submodule(module, alias.name)) is not None:
                    modules[alias.asname or alias.name] = value
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules and not _exists(modules[node.value.id], node.attr)):
            missing.append(f"{node.value.id}.{node.attr}")
    assert not missing, f"{script.name}: {', '.join(missing)}"


def test_the_benchmarks_are_found():
    assert {"core.py", "grading.py", "variants.py", "tutorial.py"} <= {p.name for p in BENCHMARKS}
