"""The package's lazy public names: the same for type checkers as at run time, and cheap to import."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import backprop_tutor

INIT = Path(backprop_tutor.__file__)


def _type_checking_imports() -> dict[str, str]:
    """{name: module} of the ``if TYPE_CHECKING:`` block of ``backprop_tutor/__init__.py``."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    found = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.level == 1, ast.unparse(node)
        for alias in node.names:
            assert alias.asname == alias.name, f"{alias.name}: re-exported as itself (`X as X`)"
            found[alias.name] = node.module
    return found


def test_type_checkers_see_every_lazy_name_from_its_module():
    assert _type_checking_imports() == backprop_tutor._API
    assert backprop_tutor.__all__ == sorted(backprop_tutor._API)


def test_every_lazy_name_is_defined_where_the_table_says():
    for name, module in backprop_tutor._API.items():
        home = importlib.import_module(f"backprop_tutor.{module}")
        value = getattr(backprop_tutor, name)
        assert value is getattr(home, name), name
        if callable(value):   # a class or a function, not one imported from elsewhere
            assert value.__module__ == home.__name__, name


def test_importing_the_package_imports_none_of_its_modules():
    code = ("import sys, backprop_tutor; "
            "print(sorted(m for m in sys.modules if m.startswith('backprop_tutor.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
