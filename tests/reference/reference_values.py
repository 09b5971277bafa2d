"""The reference values the tests state, computed with mpmath at 50 significant digits.

    python tests/reference/reference_values.py        # prints every case, 30 digits per value

Written independently of backprop_tutor (nothing of it is imported): the
network numbers are read from the shipped TOML files with tomllib, and one SGD
step is worked with mpmath, unit by unit, by the chain rule. Every gradient is
then checked against mpmath's own numerical derivative of the loss (mpmath.diff,
which needs no chain rule), so the script stops if its backward pass is wrong.

Names follow the naming contract of the README: units i1.., h1.. (numbered on
across hidden layers), o1..; weights w1.. layer by layer, unit by unit, input by
input; biases b_<unit>; quantities net_, out_, E_<output>, E, delta_, dE_dw<k>,
dE_db_<unit>, w<k>_new, b_<unit>_new. One more quantity, E_after, is the loss of
a second forward pass with the updated weights and biases.

Output: a line ``[case]`` per case, then one ``name value`` line per quantity.
tests/reference/test_reference_values.py compares it with the numbers the tests
state.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import mpmath
from mpmath import mpf

PRECISION = 50  # significant digits of every computation (mpmath.workdps in main)
DIGITS = 30     # printed; the gradient check below holds them to 1e-30 or better

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "backprop_tutor" / "examples"

#: (file, hidden activation or None for the file's own, loss or None for the file's own).
CASES = [(file, hidden, loss) for file in ("tutorial.toml",)
         for loss in ("half_sse", "mse") for hidden in ("sigmoid", "tanh", "relu")]
CASES.append(("mazur.toml", None, None))

FUNCTIONS = {   # f(x) and f'(x); relu'(0) = 0 as in TensorFlow
    "sigmoid": (lambda x: 1 / (1 + mpmath.exp(-x)),
                lambda x: mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2),
    "tanh": (mpmath.tanh, lambda x: mpmath.sech(x) ** 2),
    "relu": (lambda x: max(mpf(0), x), lambda x: mpf(1) if x > 0 else mpf(0)),
    "linear": (lambda x: x, lambda x: mpf(1)),
}


def read_case(file: str, hidden: str | None, loss: str | None) -> dict:
    """The network file's numbers as mpf, with the case's options applied."""
    with open(EXAMPLES / file, "rb") as handle:
        doc = tomllib.load(handle)
    layers = []
    for number, table in enumerate(doc["layers"]):
        is_hidden = number < len(doc["layers"]) - 1
        layers.append({
            "activation": hidden if (hidden and is_hidden) else table["activation"],
            "weights": [[mpf(str(w)) for w in row] for row in table["weights"]],
            "biases": [mpf(str(b)) for b in table["biases"]] if "biases" in table else None,
            "train_biases": table.get("train_biases", True),
        })
    return {"inputs": [mpf(str(x)) for x in doc["inputs"]],
            "targets": [mpf(str(t)) for t in doc["targets"]],
            "eta": mpf(str(doc["learning_rate"])), "loss": loss or doc["loss"], "layers": layers}


def unit_names(net: dict) -> list[list[str]]:
    names = [[f"i{k + 1}" for k in range(len(net["inputs"]))]]
    hidden = 0
    for number, layer in enumerate(net["layers"]):
        size = len(layer["weights"])
        if number == len(net["layers"]) - 1:
            names.append([f"o{k + 1}" for k in range(size)])
        else:
            names.append([f"h{hidden + k + 1}" for k in range(size)])
            hidden += size
    return names


def forward(net: dict) -> tuple[list[list], list[list], mpf, list]:
    """net and out of every layer (out[0] = the inputs), E and each output's share."""
    outs, nets = [net["inputs"]], [None]
    for layer in net["layers"]:
        f = FUNCTIONS[layer["activation"]][0]
        biases = layer["biases"] or [mpf(0)] * len(layer["weights"])
        s = [mpmath.fsum(w * o for w, o in zip(row, outs[-1], strict=True)) + b
             for row, b in zip(layer["weights"], biases, strict=True)]
        nets.append(s)
        outs.append([f(x) for x in s])
    errors = [(t - o) ** 2 for t, o in zip(net["targets"], outs[-1], strict=True)]
    k = len(errors)
    shares = [e / 2 for e in errors] if net["loss"] == "half_sse" else [e / k for e in errors]
    return nets, outs, mpmath.fsum(shares), shares


def parameter_slots(net: dict) -> list[tuple[str, int, str, int, int | None]]:
    """(name, layer, kind, row, column) of every weight and bias, in the contract's order."""
    units = unit_names(net)
    slots, k = [], 0
    for number, layer in enumerate(net["layers"]):
        for r, row in enumerate(layer["weights"]):
            for c in range(len(row)):
                k += 1
                slots.append((f"w{k}", number, "weights", r, c))
    for number, layer in enumerate(net["layers"]):
        if layer["biases"] is not None:
            slots += [(f"b_{u}", number, "biases", r, None) for r, u in enumerate(units[number + 1])]
    return slots


def get(net: dict, slot) -> mpf:
    _, number, kind, r, c = slot
    values = net["layers"][number][kind]
    return values[r][c] if kind == "weights" else values[r]


def with_value(net: dict, slot, value) -> dict:
    _, number, kind, r, c = slot
    layers = [dict(layer, weights=[list(row) for row in layer["weights"]],
                   biases=None if layer["biases"] is None else list(layer["biases"]))
              for layer in net["layers"]]
    if kind == "weights":
        layers[number]["weights"][r][c] = value
    else:
        layers[number]["biases"][r] = value
    return dict(net, layers=layers)


def one_step(net: dict) -> dict[str, mpf]:
    """Every quantity of one SGD step, by name."""
    units = unit_names(net)
    nets, outs, loss, shares = forward(net)
    values = {}
    for names, n, o in zip(units[1:], nets[1:], outs[1:], strict=True):
        for name, x, y in zip(names, n, o, strict=True):
            values[f"net_{name}"], values[f"out_{name}"] = x, y
    for name, share in zip(units[-1], shares, strict=True):
        values[f"E_{name}"] = share
    values["E"] = loss

    # Backward: dE/dout of the outputs, then delta = dE/dout * f'(net) layer by layer.
    k = len(net["targets"])
    scale = 1 if net["loss"] == "half_sse" else mpf(2) / k
    d_out = [scale * (o - t) for o, t in zip(outs[-1], net["targets"], strict=True)]
    deltas = [None] * len(net["layers"])
    for number in range(len(net["layers"]) - 1, -1, -1):
        derivative = FUNCTIONS[net["layers"][number]["activation"]][1]
        deltas[number] = [g * derivative(x) for g, x in zip(d_out, nets[number + 1], strict=True)]
        weights = net["layers"][number]["weights"]
        d_out = [mpmath.fsum(weights[r][c] * deltas[number][r] for r in range(len(weights)))
                 for c in range(len(weights[0]))]
    for number in range(len(net["layers"]) - 1, -1, -1):   # output deltas first, as worked
        for name, delta in zip(units[number + 1], deltas[number], strict=True):
            values[f"delta_{name}"] = delta

    slots = parameter_slots(net)
    for slot in slots:
        name, number, kind, r, c = slot
        gradient = deltas[number][r] * (outs[number][c] if kind == "weights" else 1)
        check_gradient(net, slot, gradient)
        values[f"dE_d{name}"] = gradient
    updated = net
    for slot in slots:
        name, number, kind = slot[:3]
        trained = kind == "weights" or net["layers"][number]["train_biases"]
        new = get(net, slot) - net["eta"] * values[f"dE_d{name}"] if trained else get(net, slot)
        values[f"{name}_new"] = new
        updated = with_value(updated, slot, new)
    values["E_after"] = forward(updated)[2]
    return values


def check_gradient(net: dict, slot, gradient: mpf) -> None:
    """Stop unless the chain-rule gradient is mpmath's numerical derivative of E."""
    numerical = mpmath.diff(lambda v: forward(with_value(net, slot, v))[2], get(net, slot))
    if abs(numerical - gradient) > mpf(10) ** -(DIGITS + 5):
        raise SystemExit(f"backward pass wrong for {slot[0]}: {gradient} vs {numerical}")


def case_label(file: str, hidden: str | None, loss: str | None) -> str:
    parts = [file] + ([f"hidden={hidden}"] if hidden else []) + ([f"loss={loss}"] if loss else [])
    return " ".join(parts)


def main() -> None:
    with mpmath.workdps(PRECISION):   # not set at import: the tests import this file too
        for file, hidden, loss in CASES:
            print(f"[{case_label(file, hidden, loss)}]")
            for name, value in one_step(read_case(file, hidden, loss)).items():
                text = mpmath.nstr(value, DIGITS, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)
                print(f"{name:<10} {text}")
            print()


if __name__ == "__main__":
    main()
