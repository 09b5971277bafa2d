"""backprop-tutor: backpropagation worked by hand and checked in code.

The Python API in a few lines::

    import backprop_tutor as bt

    network = bt.load_network(bt.DEFAULT_NETWORK).with_options(hidden_activation="tanh")
    sheet = bt.solve(network)                      # one SGD step, every quantity named
    sheet["delta_o1"], sheet.values["w5_new"]
    print(bt.render_text([bt.Case(sheet)]))        # the worked solution
    model = bt.NumpyNetwork.from_network(network)  # Problem 3
    losses = model.train(network.inputs, network.targets, network.learning_rate, epochs=100)
"""

from .gradcheck import check_gradients
from .network import DEFAULT_NETWORK, EXAMPLES, Layer, Network, NetworkFileError, load_network
from .numpy_network import NumpyNetwork
from .render import Case, render_json, render_latex, render_markdown, render_text
from .worksheet import Worksheet, solve

__all__ = [
    "Case", "DEFAULT_NETWORK", "EXAMPLES", "Layer", "Network", "NetworkFileError",
    "NumpyNetwork", "Worksheet", "check_gradients", "load_network", "render_json",
    "render_latex", "render_markdown", "render_text", "solve",
]
