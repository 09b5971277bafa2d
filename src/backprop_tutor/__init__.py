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

_API = {
    "Case": "output.reports.worksheet", "render_json": "output.reports.worksheet", "render_latex": "output.reports.worksheet",
    "render_markdown": "output.reports.worksheet", "render_text": "output.reports.worksheet", "render_typst": "output.reports.worksheet",
    "DEFAULT_NETWORK": "core.network", "EXAMPLES": "core.network", "Layer": "core.network",
    "Network": "core.network", "InputError": "errors", "NetworkFileError": "errors", "AnswerFileError": "errors", "OutputFolderError": "errors", "load_network": "core.network",
    "NumpyNetwork": "networks.numpy_network",
    "Worksheet": "core.worksheet", "solve": "core.worksheet",
    "check_gradients": "networks.gradcheck",
    "check_answers": "teaching.marking", "render_marks": "output.reports.marks",
    "compare_with_numpy": "networks.keras_network",
    "derive": "symbolic.derivation", "render_derivation": "output.reports.derivation",
    "build_pack": "output.pack",
    "generate_variants": "teaching.variants", "variant_network": "teaching.variants",
    "build_class_kit": "output.classkit", "write_blank_sheet": "output.classkit",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'backprop_tutor' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_API[name]}", __name__), name)


def __dir__():
    return sorted([*globals(), *_API])
