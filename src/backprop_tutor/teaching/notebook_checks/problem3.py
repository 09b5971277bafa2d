"""The check cells of the Problem 3 notebook (NumPy): activation, forward, backward, train."""

from __future__ import annotations

import numpy as np

from backprop_tutor.core.activations import (
    ACTIVATIONS,
    FORMULA_FUNCTIONS,
    TUTORIAL_ACTIVATIONS,
)
from backprop_tutor.core.names import unit_names, weight_names
from backprop_tutor.core.worksheet import evaluate, solve
from backprop_tutor.document.notation import format_number
from backprop_tutor.networks.numpy_network import NumpyNetwork
from backprop_tutor.teaching.notebook_checks.cells import (
    as_floats,
    call,
    close,
    differ,
    given,
    listed,
    mark,
    number,
    parts_of,
    run_check,
)
from backprop_tutor.teaching.slips import WRONG_DERIVATIVES


class Problem3:
    """Checks of Problem 3's ``activation``, ``forward``, ``backward`` and ``train``.

    The network must have one hidden layer (W1, b1, W2, b2); every check runs
    for each hidden activation of the tutorial against Problem 2's worked step.
    """

    def __init__(self, network):
        if len(network.layers) != 2:
            raise ValueError("Problem 3's network has one hidden layer")
        self.network = network
        self.units, self.weights = unit_names(network.sizes), weight_names(network.sizes)
        self.sheets = {a: solve(network.with_options(hidden_activation=a))
                       for a in TUTORIAL_ACTIVATIONS}

    def arrays(self):
        """Fresh copies of W1, b1, W2, b2, x, t."""
        (W1, b1), (W2, b2) = [(np.array(layer.weights), np.array(layer.biases))
                              for layer in self.network.layers]
        return W1, b1, W2, b2, np.array(self.network.inputs), np.array(self.network.targets)

    @run_check
    def activation(self, activation):
        """activation(name, net) at Problem 2's hidden weighted sums, and relu′(0) = 0."""
        hidden = self.units[1]
        for name in TUTORIAL_ACTIVATIONS:
            sheet, symbol = self.sheets[name], ACTIVATIONS[name].symbol
            values = {**sheet.given, **sheet.values}
            net = np.array([sheet[f"net_{u}"] for u in hidden])
            out, derivative = parts_of(call(activation, "activation", name, net.copy()), 2,
                                     f"activation({name!r}, net)", activation)
            out = as_floats(out, net.shape, f"{symbol}(net)")
            if not mark(sheet.network, dict(zip([f"out_{u}" for u in hidden], out, strict=True)),
                        f" = {symbol}(net) at Problem 2's net"):
                continue
            derivative = as_floats(given(derivative, activation, "activation"), net.shape,
                                 f"{symbol}′(net)")
            expected = [evaluate(ACTIVATIONS[name].derivative_of(u), values) for u in hidden]
            hints = [hint.format(net="net_h", out="out_h") for _, formula, hint
                     in WRONG_DERIVATIVES[name] if close(derivative, [evaluate(
                         formula.format(net=f"net_{u}", out=f"out_{u}"), values) for u in hidden])]
            if not differ(f"{symbol}′(net_h{{}})", derivative, expected, "".join(hints[:1])):
                print(f"✓ {symbol}(net_h) = {listed(out)}, Problem 2's out_h; "
                      f"{symbol}′(net_h) = {listed(derivative)}")
        zero = parts_of(call(activation, "activation", "relu", np.zeros(1)), 2,
                      "activation('relu', net)", activation)[1]
        if not differ("relu′(0)", as_floats(zero, (1,), "relu′(0)"), [FORMULA_FUNCTIONS["step"](0)],
                      "relu′(0) is 0 here, as in TensorFlow: (net > 0), not (net >= 0)"):
            print("✓ relu′(0) = 0")

    @run_check
    def forward(self, forward):
        """forward(W1, b1, W2, b2, x, hidden) against Problem 2's forward pass."""
        _, hidden, outputs = self.units
        for name in TUTORIAL_ACTIVATIONS:
            W1, b1, W2, b2, x, _ = self.arrays()
            result = parts_of(call(forward, "forward", W1, b1, W2, b2, x, name), 4, "forward", forward)
            got: dict[str, float] = {}
            for what, value in zip(("net_h", "out_h", "net_o", "out_o"), result, strict=True):
                units = hidden if what.endswith("h") else outputs
                got |= zip([f"{what[:3]}_{u}" for u in units],
                           as_floats(value, (len(units),), f"{what} (hidden {name})"), strict=True)
            if not mark(self.sheets[name].network, got, f" (hidden {name})"):
                return
            print(f"✓ hidden {name}: {' '.join(got)} as Problem 2 "
                  f"(out_{outputs[0]} = {format_number(got[f'out_{outputs[0]}'])})")

    @run_check
    def backward(self, backward):
        """backward(W1, b1, W2, b2, x, t, hidden) against Problem 2's deltas and gradients."""
        units = self.units[1] + self.units[2]
        for name in TUTORIAL_ACTIVATIONS:
            arrays = self.arrays()
            result = parts_of(call(backward, "backward", *arrays, name), 4, "backward", backward)
            dW1, db1, dW2, db2 = (as_floats(g, a.shape, f"dE/d{n} (hidden {name})")
                                  for g, a, n in zip(result, arrays[:4], ("W1", "b1", "W2", "b2"),
                                                     strict=True))
            # dE/db_u is delta_u: marked as both, so that a slip in a delta gets its hint.
            got = {f"delta_{u}": d for u, d in zip(units, [*db1, *db2], strict=True)}
            for matrix, names in zip((dW1, dW2), self.weights, strict=True):
                got |= zip([f"dE_d{n}" for row in names for n in row], matrix.ravel(), strict=True)
            got |= {f"dE_db_{u}": d for u, d in zip(units, [*db1, *db2], strict=True)}
            if not mark(self.sheets[name].network, got, f" (hidden {name})"):
                return
            print(f"✓ hidden {name}: {len(got) - len(units)} gradients as Problem 2 "
                  f"(delta_{units[-1]} = {format_number(got[f'delta_{units[-1]}'])}, "
                  f"dE_dw1 = {format_number(got['dE_dw1'])})")

    @run_check
    def train(self, train, updates: int = 100):
        """train(W1, b1, W2, b2, x, t, hidden, eta, updates): E before each update."""
        eta, outputs = self.network.learning_rate, self.units[-1]
        for name in TUTORIAL_ACTIVATIONS:
            sheet = self.sheets[name]
            losses = given(call(train, "train", *self.arrays(), name, eta, updates), train, "train")
            losses = as_floats(losses, (updates,), f"train's list of losses (hidden {name})")
            # E_o1 carries the slip of the other loss convention; E follows from it.
            first = {f"E_{o}": losses[0] for o in outputs} if len(outputs) == 1 else {"E": losses[0]}
            if not mark(sheet.network, first, f" before the first update (hidden {name})"):
                return
            updated = sheet.network.with_parameters({p: sheet[f"{p}_new"]
                                                     for p in sheet.network.parameters()})
            if differ(f"E before update 2 (hidden {name}), with Problem 2's new weights",
                      losses[1], solve(updated)["E"]):
                return
            package = NumpyNetwork.from_network(sheet.network).fit(
                self.network.inputs, self.network.targets, learning_rate=eta, epochs=updates)
            if differ(f"E before update {{}} (hidden {name}), as the package's NumpyNetwork",
                      losses, package.loss[:updates]):
                return
            print(f"✓ hidden {name}: E = {format_number(losses[0])} before the first update, "
                  f"{format_number(losses[1])} before the second (Problem 2's), "
                  f"{number(losses[-1])} before update {updates}")


