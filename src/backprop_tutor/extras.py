"""The optional libraries: which extra of the package brings each, and a clear error without it.

``pip install backprop-tutor`` brings NumPy and click: enough for solve, check
and train. The rest comes with extras (``pip install 'backprop-tutor[all]'``).
"""

from __future__ import annotations

import importlib.util
import sys

import click

#: module -> (the library's name, the extra that installs it)
EXTRAS = {
    "tensorflow": ("TensorFlow", "keras"),
    "sympy": ("SymPy", "derive"),
    "matplotlib": ("matplotlib", "plots"),
    "typst": ("Typst", "pdf"),
    "tex2typst": ("tex2typst", "pdf"),
    "pikepdf": ("pikepdf", "pdf"),
    "threadpoolctl": ("threadpoolctl", "lab"),
}


class MissingLibrary(click.ClickException, ImportError):
    """An optional library is not installed; the message says how to install it.

    A ``click.ClickException`` with exit status 2, as for bad input.

    >>> print(MissingLibrary("sympy"))
    SymPy is not installed; install it with: pip install 'backprop-tutor[derive]'
    """

    exit_code = 2

    def __init__(self, module: str, extra: str | None = None):
        library, own_extra = EXTRAS[module]
        self.module, self.extra = module, extra
        super().__init__(f"{library} is not installed; install it with: "
                         f"pip install 'backprop-tutor[{extra or own_extra}]'")

    def __reduce__(self):
        return MissingLibrary, (self.module, self.extra)


def require(*modules: str, extra: str | None = None) -> None:
    """Raise MissingLibrary for the first of ``modules`` that cannot be imported.

    The message names ``extra`` to install, if given, or the module's own extra.
    The modules are looked up without being imported, so this costs nothing. A
    module set to None in sys.modules counts as missing, as it does for ``import``.
    """
    for module in modules:
        found = (sys.modules[module] is not None if module in sys.modules
                 else importlib.util.find_spec(module) is not None)
        if not found:
            raise MissingLibrary(module, extra)
