"""The check cells of the Problem 3 and 4 notebooks: a line per quantity, never a traceback.

A check calls the student's function on the tutorial's network and reads what
it returns as quantities of Problem 2's worked step (``net_h1``, ``delta_o1``,
``dE_dw1``, ...), marked by ``check_answers`` against ``solve``'s numbers, so a
wrong number gets the slip hints of ``backprop-tutor check``. It prints::

    ✓ hidden sigmoid: net_h1 net_h2 out_h1 out_h2 net_o1 out_o1 as Problem 2 (out_o1 = 0.604057)
    ✗ delta_o1 (hidden sigmoid): expected -0.0707812, got 0.0707812 (off by 0.141562)
      hint: the sign of (out − t) flipped: (t1 − out_o1) instead of (out_o1 − t1)
    not written yet: fill in `out = ...  # σ(net)` in activation above

An exercise is not written yet while its function is None, raises
NotImplementedError or still holds a blank ``...``: the check names the first
blank left (read from the function's source) and stops there. Any other error
is one line: its type, its message and the line of the student's code.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
import textwrap

import numpy as np

from backprop_tutor.core.activations import (
    ACTIVATIONS,
    FORMULA_FUNCTIONS,
    TUTORIAL_ACTIVATIONS,
)
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.names import unit_names, weight_names
from backprop_tutor.core.worksheet import evaluate, solve
from backprop_tutor.document.notation import format_number
from backprop_tutor.networks.numpy_network import NumpyNetwork
from backprop_tutor.teaching.marking import check_answers
from backprop_tutor.teaching.slips import WRONG_DERIVATIVES


class _Stop(Exception):
    """The check cannot go on; why has been printed."""


def number(value) -> str:
    """A value as the checks print it: six significant figures, enough to see a difference."""
    return f"{float(value):.6g}" if np.isfinite(value) else str(float(value))


# ---------------------------------------------------------------- calling the student's code

def call(function, name: str, *args):
    """``function(*args)``; prints why and raises _Stop when the exercise cannot give results."""
    if function is None:
        _not_written(name)
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 -- the student's error, shown as one line
        # The student's functions the error went through (the notebook's cells run in __main__).
        frames = [(tb.tb_frame.f_code.co_name, tb.tb_frame.f_globals[tb.tb_frame.f_code.co_name],
                   tb.tb_lineno) for tb in _walk(error.__traceback__)
                  if tb.tb_frame.f_globals.get("__name__") == "__main__"
                  and tb.tb_frame.f_code.co_name in tb.tb_frame.f_globals]
        if isinstance(error, NotImplementedError) or "ellipsis" in str(error):
            # The unwritten part is in the deepest of them that still has a blank, if any.
            blanks = [(n, f) for n, f, _ in frames if first_blank(f)] or frames[-1:]
            _not_written(*(blanks[-1][:2] if blanks else (name, function)))
        where = f" (line `{_line(*frames[-1][1:])}` of {frames[-1][0]})" if frames else ""
        print(f"✗ {name} raised {type(error).__name__}: {error}{where}")
        raise _Stop from None


def _line(function, lineno: int) -> str:
    """The text of line ``lineno`` (counted in its file) of ``function``'s source."""
    try:
        lines, first = inspect.getsourcelines(function)
        return lines[lineno - first].strip()
    except (OSError, TypeError, IndexError):
        return f"{lineno}"


def _walk(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def given(value, function, name: str):
    """``value``, or "not written yet" when it still holds a blank ``...``."""
    if _holds_blank(value):
        _not_written(name, function)
    return value


def _not_written(name: str, function=None):
    blank = first_blank(function) if function is not None else None
    print(f"not written yet: fill in {f'`{blank}` in ' if blank else ''}{name} above")
    raise _Stop


def first_blank(function) -> str | None:
    """The first line of ``function``'s source that holds a blank ``...`` (None if none)."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
        lines = sorted(node.lineno for node in ast.walk(ast.parse(source))
                       if isinstance(node, ast.Constant) and node.value is Ellipsis)
    except (OSError, TypeError, SyntaxError):
        return None
    return re.sub(r"\s{2,}", "  ", source.splitlines()[lines[0] - 1].strip()) if lines else None


def _holds_blank(value) -> bool:
    return value is Ellipsis or (isinstance(value, (tuple, list))
                                 and any(_holds_blank(v) for v in value))


def _parts(result, count: int, what: str, function) -> tuple:
    """``result`` as the tuple of ``count`` values a function must return, or _Stop."""
    given(result, function, what.partition("(")[0])
    if not isinstance(result, tuple) or len(result) != count:
        print(f"✗ {what} returned {result!r:.60}; expected a tuple of {count}")
        raise _Stop
    return tuple(given(part, function, what.partition("(")[0]) for part in result)


def _floats(value, shape: tuple, what: str) -> np.ndarray:
    """``value`` as a float array of ``shape``; a wrong shape is printed and stops the check."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        print(f"✗ {what} is {type(value).__name__} {value!r:.60}, not an array of numbers")
        raise _Stop from None
    if array.shape != shape:
        print(f"✗ {what} has shape {array.shape}; expected {shape}")
        raise _Stop
    return array


# ---------------------------------------------------------------- comparing

def mark(network, got: dict, label: str = "") -> bool:
    """Mark the student's values of named quantities (``check_answers``); print the wrong ones."""
    wrong = [m for m in check_answers(network, got) if not m.right]
    for m in wrong:
        off = "" if m.answer is None else f" (off by {number(m.answer - m.exact)})"
        print(f"✗ {m.name}{label}: expected {number(m.exact)}, got {number(m.answer)}{off}")
        if m.hint:
            print(f"  hint: {m.hint}")
    return not wrong


def _list(values) -> str:
    return "[" + ", ".join(number(v) for v in values) + "]"


def close(got, expected) -> bool:
    return bool(np.allclose(got, expected, rtol=1e-9, atol=1e-12))


def differ(label: str, got, expected, hint: str = "") -> bool:
    """Print the first entry where ``got`` differs from ``expected``; True if one does."""
    # Not strict: a run of the package that diverged stops early, so ``expected`` may be shorter.
    for k, (g, e) in enumerate(zip(np.ravel(got), np.ravel(expected), strict=False)):
        if not close(g, e):
            print(f"✗ {label.format(k + 1)}: expected {number(e)}, got {number(g)} "
                  f"(off by {number(g - e)})" + (f"\n  hint: {hint}" if hint else ""))
            return True
    return False


def _run_check(check):
    """A check's body; a _Stop ends it quietly (the reason is printed)."""
    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except _Stop:
            return None
    return wrapper


# ---------------------------------------------------------------- Problem 3

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

    @_run_check
    def activation(self, activation):
        """activation(name, net) at Problem 2's hidden weighted sums, and relu′(0) = 0."""
        hidden = self.units[1]
        for name in TUTORIAL_ACTIVATIONS:
            sheet, symbol = self.sheets[name], ACTIVATIONS[name].symbol
            values = {**sheet.given, **sheet.values}
            net = np.array([sheet[f"net_{u}"] for u in hidden])
            out, derivative = _parts(call(activation, "activation", name, net.copy()), 2,
                                     f"activation({name!r}, net)", activation)
            out = _floats(out, net.shape, f"{symbol}(net)")
            if not mark(sheet.network, dict(zip([f"out_{u}" for u in hidden], out, strict=True)),
                        f" = {symbol}(net) at Problem 2's net"):
                continue
            derivative = _floats(given(derivative, activation, "activation"), net.shape,
                                 f"{symbol}′(net)")
            expected = [evaluate(ACTIVATIONS[name].derivative_of(u), values) for u in hidden]
            hints = [hint.format(net="net_h", out="out_h") for _, formula, hint
                     in WRONG_DERIVATIVES[name] if close(derivative, [evaluate(
                         formula.format(net=f"net_{u}", out=f"out_{u}"), values) for u in hidden])]
            if not differ(f"{symbol}′(net_h{{}})", derivative, expected, "".join(hints[:1])):
                print(f"✓ {symbol}(net_h) = {_list(out)}, Problem 2's out_h; "
                      f"{symbol}′(net_h) = {_list(derivative)}")
        zero = _parts(call(activation, "activation", "relu", np.zeros(1)), 2,
                      "activation('relu', net)", activation)[1]
        if not differ("relu′(0)", _floats(zero, (1,), "relu′(0)"), [FORMULA_FUNCTIONS["step"](0)],
                      "relu′(0) is 0 here, as in TensorFlow: (net > 0), not (net >= 0)"):
            print("✓ relu′(0) = 0")

    @_run_check
    def forward(self, forward):
        """forward(W1, b1, W2, b2, x, hidden) against Problem 2's forward pass."""
        _, hidden, outputs = self.units
        for name in TUTORIAL_ACTIVATIONS:
            W1, b1, W2, b2, x, _ = self.arrays()
            result = _parts(call(forward, "forward", W1, b1, W2, b2, x, name), 4, "forward", forward)
            got: dict[str, float] = {}
            for what, value in zip(("net_h", "out_h", "net_o", "out_o"), result, strict=True):
                units = hidden if what.endswith("h") else outputs
                got |= zip([f"{what[:3]}_{u}" for u in units],
                           _floats(value, (len(units),), f"{what} (hidden {name})"), strict=True)
            if not mark(self.sheets[name].network, got, f" (hidden {name})"):
                return
            print(f"✓ hidden {name}: {' '.join(got)} as Problem 2 "
                  f"(out_{outputs[0]} = {format_number(got[f'out_{outputs[0]}'])})")

    @_run_check
    def backward(self, backward):
        """backward(W1, b1, W2, b2, x, t, hidden) against Problem 2's deltas and gradients."""
        units = self.units[1] + self.units[2]
        for name in TUTORIAL_ACTIVATIONS:
            arrays = self.arrays()
            result = _parts(call(backward, "backward", *arrays, name), 4, "backward", backward)
            dW1, db1, dW2, db2 = (_floats(g, a.shape, f"dE/d{n} (hidden {name})")
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

    @_run_check
    def train(self, train, updates: int = 100):
        """train(W1, b1, W2, b2, x, t, hidden, eta, updates): E before each update."""
        eta, outputs = self.network.learning_rate, self.units[-1]
        for name in TUTORIAL_ACTIVATIONS:
            sheet = self.sheets[name]
            losses = given(call(train, "train", *self.arrays(), name, eta, updates), train, "train")
            losses = _floats(losses, (updates,), f"train's list of losses (hidden {name})")
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


# ---------------------------------------------------------------- Problem 4

class Problem4:
    """Checks of Problem 4's Keras model: its weights, one update, a random start.

    Every check runs Keras in float64, where it agrees with Problem 2 to rounding.
    """

    def __init__(self, network):
        self.network = network
        self.names = [n for layer in weight_names(network.sizes) for row in layer for n in row]
        self.x, self.t = np.array([network.inputs]), np.array([network.targets])

    def parameters(self, model) -> dict[str, float]:
        """The model's weights and biases by name (each Dense kernel is W.T), or _Stop."""
        sizes = [len(layer.weights) for layer in self.network.layers]
        try:
            got = [dense.get_weights() for dense in model.layers]
            shapes = [tuple(w.shape for w in pair) for pair in got]
        except (AttributeError, TypeError):
            print(f"✗ the model is {type(model).__name__}, not a keras.Sequential")
            raise _Stop from None
        expected = [((n_in, n), (n,)) for n_in, n in zip(self.network.sizes[:-1], sizes, strict=True)]
        if shapes != expected:
            print(f"✗ the model's (kernel, bias) shapes are {shapes}; expected {expected}")
            raise _Stop
        weights = [w for kernel, _ in got for w in kernel.T.ravel()]
        units = [u for layer in unit_names(self.network.sizes)[1:] for u in layer]
        biases = [b for _, bias in got for b in bias]
        return {**dict(zip(self.names, weights, strict=True)),
                **{f"b_{u}": b for u, b in zip(units, biases, strict=True)}}

    @_run_check
    def weights(self, build_model):
        """build_model(network) holds the network's weights and biases."""
        with _float64():
            got = self.parameters(call(build_model, "build_my_model", self.network))
        if not _differ_named(got, self.network.parameters()):
            print(f"✓ {' '.join(got)} as the network file (each kernel is W.T)")

    @_run_check
    def update(self, build_model, train_step, loss: str = "mse"):
        """One train_step of build_model(network) against the step worked by hand with ``loss``.

        Returns the weights and biases after the update (None if they are wrong).
        """
        with _float64():
            model = call(build_model, "build_my_model", self.network)
            before = given(call(train_step, "train_step", model, self.x.copy(), self.t.copy()),
                           train_step, "train_step")
            after = self.parameters(model)
        sheet = solve(self.network.with_options(loss=loss))
        other = solve(self.network.with_options(loss="half_sse" if loss == "mse" else "mse"))
        hint = (f"that is the step with {LOSSES[other.network.loss].description}"
                if close(list(after.values()), [other[f"{p}_new"] for p in after]) else "")
        if _differ_named(after, {p: sheet[f"{p}_new"] for p in after}, hint, " after the update"):
            return None
        before = _floats(before, (), "train_step's loss")
        if loss == "mse" and differ("Keras' loss before the update (E with Keras' MSE)",
                                    before, sheet["E"]):
            return None
        print(f"✓ Keras' loss before the update: {format_number(float(before))}; after it "
              f"{', '.join(after)} as the step worked by hand with {LOSSES[loss].formula} "
              f"(w5_new = {format_number(after['w5'])})")
        return after

    @_run_check
    def random_start(self, build_random_model, train_step, seed: int = 42, updates: int = 10,
                     loss: str = "mse"):
        """build_random_model(network, seed) trained ``updates`` times, as the NumPy network."""
        with _float64():
            model = call(build_random_model, "build_random_model", self.network, seed)
            start = self.parameters(model)
            for _ in range(updates):
                given(call(train_step, "train_step", model, self.x.copy(), self.t.copy()),
                      train_step, "train_step")
            after = self.parameters(model)
            again = self.parameters(call(build_random_model, "build_random_model",
                                         self.network, seed))
        if close(list(start.values()), list(self.network.parameters().values())):
            print("✗ the model starts from the network file's weights, not from random ones")
        elif not close(list(again.values()), list(start.values())):
            print(f"✗ seed {seed} gave other weights the second time: seed Keras in the function")
        else:
            numpy = NumpyNetwork.from_network(self.network.with_parameters(start)
                                              .with_options(loss=loss))
            numpy.fit(self.network.inputs, self.network.targets,
                      learning_rate=self.network.learning_rate, epochs=updates)
            if not _differ_named(after, numpy.parameters(), "",
                                 f" after {updates} updates (the NumPy network's)"):
                print(f"✓ seed {seed}: w1 = {format_number(start['w1'])} at the start; after "
                      f"{updates} updates every weight as the NumPy network's from the same start")


def _differ_named(got: dict, expected: dict, hint: str = "", when: str = "") -> bool:
    return any(differ(f"{name}{when}", got[name], value, hint) for name, value in expected.items())


def _float64():
    """Keras in float64 inside the ``with`` block (TensorFlow is imported here, not before)."""
    from backprop_tutor.networks.keras_network import keras_precision

    return keras_precision("float64")
