"""The benchmark scripts still read the package: every name they import from it exists.

They are not run by the tests (they print figures and take minutes), so a
renamed function would only show when someone next measured.
"""

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).parent.parent / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda path: path.name)
def test_every_name_a_benchmark_imports_from_the_package_exists(script):
    imports = [node for node in ast.walk(ast.parse(script.read_text(encoding="utf-8")))
               if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("backprop_tutor")]
    for node in imports:
        module = importlib.import_module(node.module)
        missing = [alias.name for alias in node.names if not hasattr(module, alias.name)
                   and importlib.util.find_spec(f"{node.module}.{alias.name}") is None]
        assert not missing, f"{script.name}: from {node.module} import {', '.join(missing)}"


def test_the_benchmarks_are_found():
    assert {"core.py", "grading.py", "variants.py", "tutorial.py"} <= {p.name for p in BENCHMARKS}
