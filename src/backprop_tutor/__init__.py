"""backprop-tutor: backpropagation worked by hand and checked in code.

The Python API in a few lines::

    import backprop_tutor as bt

    network = bt.load_network(bt.DEFAULT_NETWORK).with_options(hidden_activation="tanh")
    sheet = bt.solve(network)                      # one SGD step, every quantity named
    sheet["delta_o1"], sheet.values["w5_new"]
    print(bt.render_text([bt.Case(sheet)]))        # the worked solution
    model = bt.NumpyNetwork.from_network(network)  # Problem 3
    history = model.fit(network.inputs, network.targets, learning_rate=network.learning_rate, epochs=100)

The names below are imported from their modules when first used, so that
``backprop-tutor solve`` does not pay for NumPy, which it does not need.
"""

import importlib
from typing import TYPE_CHECKING

#: Each public name and the module it lives in (below ``backprop_tutor``).
_API = {
    "Case": "output.reports.worksheet", "render_json": "output.reports.worksheet",
    "render_latex": "output.reports.worksheet", "render_markdown": "output.reports.worksheet",
    "render_text": "output.reports.worksheet", "render_typst": "output.reports.worksheet",
    "DEFAULT_NETWORK": "core.network", "EXAMPLES": "core.network", "Layer": "core.network",
    "Network": "core.network", "load_network": "core.network",
    "InputError": "errors", "NetworkFileError": "errors", "AnswerFileError": "errors",
    "OutputFolderError": "errors",
    "NumpyNetwork": "networks.numpy_network",
    "Worksheet": "core.worksheet", "solve": "core.worksheet",
    "check_gradients": "networks.gradcheck",
    "check_answers": "teaching.marking", "render_marks": "output.reports.marks",
    "rounded_sheet": "teaching.rounding",
    "compare_with_numpy": "networks.keras_network",
    "derive": "symbolic.derivation", "render_derivation": "output.reports.derivation",
    "build_pack": "output.pack",
    "generate_variants": "teaching.variants", "variant_network": "teaching.variants",
    "build_class_kit": "output.classkit", "write_blank_sheet": "output.classkit",
}

if TYPE_CHECKING:  # the same names for type checkers and editors (tests/test_api.py keeps them equal)
    from .core.network import DEFAULT_NETWORK as DEFAULT_NETWORK
    from .core.network import EXAMPLES as EXAMPLES
    from .core.network import Layer as Layer
    from .core.network import Network as Network
    from .core.network import load_network as load_network
    from .core.worksheet import Worksheet as Worksheet
    from .core.worksheet import solve as solve
    from .errors import AnswerFileError as AnswerFileError
    from .errors import InputError as InputError
    from .errors import NetworkFileError as NetworkFileError
    from .errors import OutputFolderError as OutputFolderError
    from .networks.gradcheck import check_gradients as check_gradients
    from .networks.keras_network import compare_with_numpy as compare_with_numpy
    from .networks.numpy_network import NumpyNetwork as NumpyNetwork
    from .output.classkit import build_class_kit as build_class_kit
    from .output.classkit import write_blank_sheet as write_blank_sheet
    from .output.pack import build_pack as build_pack
    from .output.reports.derivation import render_derivation as render_derivation
    from .output.reports.marks import render_marks as render_marks
    from .output.reports.worksheet import Case as Case
    from .output.reports.worksheet import render_json as render_json
    from .output.reports.worksheet import render_latex as render_latex
    from .output.reports.worksheet import render_markdown as render_markdown
    from .output.reports.worksheet import render_text as render_text
    from .output.reports.worksheet import render_typst as render_typst
    from .symbolic.derivation import derive as derive
    from .teaching.marking import check_answers as check_answers
    from .teaching.rounding import rounded_sheet as rounded_sheet
    from .teaching.variants import generate_variants as generate_variants
    from .teaching.variants import variant_network as variant_network

__all__ = sorted(_API)


if not TYPE_CHECKING:  # hidden from type checkers, so that they report a name not above
    def __getattr__(name: str) -> object:
        if name not in _API:
            raise AttributeError(f"module 'backprop_tutor' has no attribute {name!r}")
        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
