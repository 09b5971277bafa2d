"""The network file: a small fully connected network and one training sample.

A network file is TOML::

    learning_rate = 0.5
    loss = "half_sse"              # or "mse" (Keras' MeanSquaredError)
    inputs = [0.05, 0.10]
    targets = [0.01, 0.99]         # one per output unit

    [[layers]]                     # hidden layer(s) first, output layer last
    activation = "sigmoid"         # sigmoid | tanh | relu | linear
    weights = [[0.15, 0.20],       # row r: the weights into unit r of this layer,
               [0.25, 0.30]]       # one per unit of the previous layer
    biases = [0.35, 0.35]          # optional: no biases when absent
    train_biases = false           # optional, default true

    [[layers]]
    activation = "sigmoid"
    weights = [[0.40, 0.45], [0.50, 0.55]]
    biases = [0.60, 0.60]

``title`` and ``description`` strings are allowed too; any other key is an
error, so that a typo is caught instead of silently ignored. Errors name the
file and the key, counting layers and rows from 1: ``layers[2].weights[1]``
is the first row of the second ``[[layers]]`` table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn

from backprop_tutor.core import names
from backprop_tutor.core.activations import ACTIVATIONS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.errors import NetworkFileError, shown
from backprop_tutor.io import files

EXAMPLES = Path(__file__).parent.parent / "examples"
DEFAULT_NETWORK = EXAMPLES / "tutorial.toml"

#: Reports a bad key of the file (None: the whole file) with its message, and never returns.
Fail = Callable[[str | None, str], NoReturn]


@dataclass(frozen=True)
class Layer:
    """One layer: ``weights[r][c]`` connects unit c of the previous layer to unit r of this one."""

    activation: str
    weights: tuple[tuple[float, ...], ...]
    biases: tuple[float, ...] | None = None
    train_biases: bool = True


@dataclass(frozen=True)
class Network:
    """A network with one training sample, as read from a network file."""

    inputs: tuple[float, ...]
    targets: tuple[float, ...]
    layers: tuple[Layer, ...]
    learning_rate: float
    loss: str = "half_sse"
    title: str = ""
    description: str = ""
    #: Where the network was read from, to name it in errors found later (a worked
    #: step that overflows); not part of the network itself.
    source: str = field(default="network", compare=False, repr=False)

    @property
    def sizes(self) -> list[int]:
        """Units per layer, input layer first: ``[2, 2, 1]`` for a 2-2-1 network."""
        return [len(self.inputs)] + [len(layer.weights) for layer in self.layers]

    @property
    def hidden_activation(self) -> str | None:
        """The first hidden layer's activation (None without hidden layers)."""
        return self.layers[0].activation if len(self.layers) > 1 else None

    @property
    def output_activation(self) -> str:
        return self.layers[-1].activation

    def parameters(self) -> dict[str, float]:
        """Every weight and bias by name: ``w1 ... wN`` first, then ``b_h1 ...``, ``b_o1 ...``."""
        weight_names = names.weight_names(self.sizes)
        values = {name: w
                  for layer, layer_names in zip(self.layers, weight_names, strict=True)
                  for row, name_row in zip(layer.weights, layer_names, strict=True)
                  for w, name in zip(row, name_row, strict=True)}
        for layer, units in zip(self.layers, names.unit_names(self.sizes)[1:], strict=True):
            if layer.biases is not None:
                values.update({f"b_{unit}": b for unit, b in zip(units, layer.biases, strict=True)})
        return values

    def with_parameters(self, values: dict[str, float]) -> Network:
        """A copy whose weights and biases are taken, by name, from ``values``."""
        layers = []
        for layer, layer_names, units in zip(self.layers, names.weight_names(self.sizes),
                                             names.unit_names(self.sizes)[1:], strict=True):
            weights = tuple(tuple(float(values[n]) for n in row) for row in layer_names)
            biases = None if layer.biases is None else tuple(float(values[f"b_{u}"]) for u in units)
            layers.append(replace(layer, weights=weights, biases=biases))
        return replace(self, layers=tuple(layers))

    def with_options(self, *, hidden_activation: str | None = None,
                     output_activation: str | None = None, loss: str | None = None,
                     learning_rate: float | None = None) -> Network:
        """A copy with the given options changed (None leaves one as it is).

        ``hidden_activation`` applies to every hidden layer.

        >>> net = load_network(DEFAULT_NETWORK).with_options(hidden_activation="tanh")
        >>> net.hidden_activation
        'tanh'
        """
        for option, value, allowed in (("hidden_activation", hidden_activation, ACTIVATIONS),
                                       ("output_activation", output_activation, ACTIVATIONS),
                                       ("loss", loss, LOSSES)):
            if value is not None and value not in allowed:
                raise ValueError(f"{option} must be one of {', '.join(allowed)}; got {value!r}")
        if learning_rate is not None and not (math.isfinite(learning_rate) and learning_rate > 0):
            raise ValueError(f"learning_rate must be a positive finite number; got {learning_rate!r}")
        layers = [replace(layer, activation=hidden_activation or layer.activation)
                  for layer in self.layers[:-1]]
        layers.append(replace(self.layers[-1],
                              activation=output_activation or self.layers[-1].activation))
        return replace(self, layers=tuple(layers), loss=loss or self.loss,
                       learning_rate=learning_rate or self.learning_rate)


def load_network(path) -> Network:
    """Read and check a network file; raise NetworkFileError naming the file and key.

    The file is read by ``files.read_text``: a regular UTF-8 file of at most 1 MB.
    """
    text = files.read_text(path, NetworkFileError, "network file")
    return network_from_dict(files.parse_toml(text, path, NetworkFileError), source=path)


def network_from_dict(document: dict, source="network") -> Network:
    """Check a parsed network file and build the Network; ``source`` names it in errors."""
    def fail(key: str | None, message: str) -> NoReturn:
        raise NetworkFileError(source, key, message)

    if not document:
        fail(None, "is empty; a network file needs inputs, targets, learning_rate and [[layers]]")
    allowed = {"title", "description", "learning_rate", "loss", "inputs", "targets", "layers"}
    _reject_unknown(document, allowed, "", fail)
    for key in ("inputs", "targets", "learning_rate", "layers"):
        if key not in document:
            fail(key, "missing")

    inputs = _numbers(document["inputs"], "inputs", fail)
    learning_rate = _number(document["learning_rate"], "learning_rate", fail)
    if learning_rate <= 0:
        fail("learning_rate", f"must be positive, got {learning_rate}")
    loss = _choice(document.get("loss", "half_sse"), LOSSES, "loss", fail)
    for key in ("title", "description"):
        if not isinstance(document.get(key, ""), str):
            fail(key, "must be a string")

    tables = document["layers"]
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
        fail("layers", "expected one or more [[layers]] tables")
    layers, n_previous = [], len(inputs)
    for index, table in enumerate(tables, start=1):
        layers.append(_layer(table, f"layers[{index}]", n_previous, fail))
        n_previous = len(layers[-1].weights)

    targets = _numbers(document["targets"], "targets", fail)
    if len(targets) != n_previous:
        fail("targets", f"expected {counted(n_previous, 'number')} (one per output unit), got {len(targets)}")
    return Network(inputs=inputs, targets=targets, layers=tuple(layers),
                   learning_rate=learning_rate, loss=loss,
                   title=document.get("title", ""), description=document.get("description", ""),
                   source=str(source))


def _layer(table: dict, key: str, n_previous: int, fail: Fail) -> Layer:
    _reject_unknown(table, {"activation", "weights", "biases", "train_biases"}, f"{key}.", fail)
    for required in ("activation", "weights"):
        if required not in table:
            fail(f"{key}.{required}", "missing")
    activation = _choice(table["activation"], ACTIVATIONS, f"{key}.activation", fail)
    rows = table["weights"]
    if not isinstance(rows, list) or not rows or not all(isinstance(row, list) for row in rows):
        fail(f"{key}.weights", "expected a list of rows, one row of numbers per unit of this layer")
    weights = []
    for r, row in enumerate(rows, start=1):
        row_key = f"{key}.weights[{r}]"
        weights.append(_numbers(row, row_key, fail))
        if len(row) != n_previous:
            fail(row_key, f"expected {counted(n_previous, 'number')} (one per unit of the previous layer), "
                          f"got {len(row)}")
    biases = None
    if "biases" in table:
        biases = _numbers(table["biases"], f"{key}.biases", fail)
        if len(biases) != len(weights):
            fail(f"{key}.biases",
                 f"expected {counted(len(weights), 'number')} (one per unit), got {len(biases)}")
    train_biases = table.get("train_biases", True)
    if not isinstance(train_biases, bool):
        fail(f"{key}.train_biases", f"must be true or false, got {shown(train_biases)}")
    return Layer(activation, tuple(weights), biases, train_biases)


def _reject_unknown(table: dict, allowed: set[str], prefix: str, fail: Fail) -> None:
    for key in table:
        if key not in allowed:
            fail(f"{prefix}{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})")


def counted(number: int, noun: str) -> str:
    """``number`` and ``noun``, plural but for 1, as an error message says it.

    >>> counted(1, "number"), counted(3, "input")
    ('1 number', '3 inputs')
    """
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _choice(value, allowed: dict, key: str, fail: Fail) -> str:
    # isinstance first: a list or table is not hashable, so `in allowed` would raise.
    if not isinstance(value, str) or value not in allowed:
        fail(key, f"must be one of {', '.join(allowed)}; got {shown(value)}")
    return value


def _number(value, key: str, fail: Fail) -> float:
    try:
        return files.finite_number(value)
    except ValueError as why:
        fail(key, str(why))


def _numbers(values, key: str, fail: Fail) -> tuple[float, ...]:
    if not isinstance(values, list) or not values:
        fail(key, f"expected a non-empty list of numbers, got {shown(values)}")
    return tuple(_number(v, f"{key}[{n}]", fail) for n, v in enumerate(values, start=1))
