"""Fuzzing the error contract: random and mutated network and answer files.

Whatever the file holds (wrong types, nesting, huge and tiny numbers, non-finite
values, junk bytes, a byte-order mark), ``solve``, ``check`` and ``train``
either succeed with strict JSON on stdout (no bare NaN/Infinity) or end with
status 2, nothing on stdout and at most 3 short lines on stderr. Never a
traceback, never a Python warning.
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_tutor.cli import main

EXTREME = st.sampled_from([0.0, -0.0, 1e-320, 5e-324, 1e-200, 1e200, -1e200, 1e300, 1.7e308,
                           -1.7e308, float("inf"), float("-inf"), float("nan"),
                           10**400, -(10**400), 2**63, 10**20])
NUMBER = st.one_of(st.floats(-3, 3), st.integers(-3, 3), EXTREME)
HOSTILE = st.one_of(
    EXTREME, st.booleans(), st.text(max_size=12), st.just(""), st.just([]), st.just({}),
    st.lists(NUMBER, max_size=3), st.dictionaries(st.text(max_size=4), NUMBER, max_size=2),
    st.recursive(NUMBER, lambda inner: st.lists(inner, min_size=1, max_size=2), max_leaves=6),
    st.sampled_from(["sigmoid", "relu", "tanh", "linear", "mse", "half_sse", "softmax"]),
)


@st.composite
def leaf(draw, usual, chaos: float):
    """Mostly the ``usual`` value; with probability ``chaos`` a hostile one."""
    if draw(st.floats(0, 1)) < chaos:
        return draw(HOSTILE)
    return draw(usual)


def _finite(number) -> bool:
    return abs(number) < float("inf")


@st.composite
def network_document(draw):
    chaos = draw(st.sampled_from([0.0, 0.0, 0.03, 0.15, 0.5]))
    sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))
    # Every number finite and of the right type, but some of them huge or tiny.
    extreme = draw(st.booleans())
    weight = leaf(st.one_of(st.floats(-2, 2), EXTREME.filter(_finite)) if extreme
                  else st.floats(-2, 2), chaos)
    layers = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        layer = {"activation": draw(leaf(st.sampled_from(["sigmoid", "tanh", "relu", "linear"]),
                                         chaos)),
                 "weights": [[draw(weight) for _ in range(n_in)] for _ in range(n_out)]}
        if draw(st.booleans()):
            layer["biases"] = [draw(weight) for _ in range(n_out)]
        if draw(st.booleans()):
            layer["train_biases"] = draw(leaf(st.booleans(), chaos))
        layers.append(layer)
    document = {
        "learning_rate": draw(leaf(st.floats(0.01, 2), chaos)),
        "loss": draw(leaf(st.sampled_from(["half_sse", "mse"]), chaos)),
        "inputs": [draw(weight) for _ in range(sizes[0])],
        "targets": [draw(weight) for _ in range(sizes[-1])],
        "layers": layers,
    }
    for key in draw(st.lists(st.sampled_from(list(document)), max_size=2)):
        if draw(st.floats(0, 1)) < chaos:
            document[key] = draw(HOSTILE)
    if chaos and draw(st.integers(0, 9)) == 0:
        document[draw(st.text(max_size=8))] = draw(HOSTILE)   # an unknown (odd) key
    return document


NAMES = st.sampled_from(["net_h1", "out_h1", "net_o1", "out_o1", "E_o1", "E", "delta_o1",
                         "delta_h1", "dE_dw1", "dE_dw5", "w1_new", "b_h1_new", "eta", "x",
                         "net_h1\n", "n" * 100])


@st.composite
def answer_pairs(draw):
    chaos = draw(st.sampled_from([0.0, 0.1, 0.5]))
    return draw(st.lists(st.tuples(NAMES, leaf(st.floats(-2, 2), chaos)), max_size=5))


def answer_text(pairs, as_json: bool, wrapped: bool) -> str:
    if as_json:   # written pair by pair: a name may come twice, NaN may appear
        body = "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs) + "}"
        return '{"values": ' + body + "}" if wrapped else body
    return tomli_w.dumps(dict(pairs))


@st.composite
def mutated(draw, text: str) -> bytes:
    """``text`` as UTF-8 bytes, sometimes with a BOM, junk bytes or cut short."""
    data = text.encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 2))):
        position = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["bom", "junk", "cut", "none"]))
        if kind == "bom":
            data = b"\xef\xbb\xbf" + data
        elif kind == "junk":
            data = data[:position] + draw(st.binary(min_size=1, max_size=4)) + data[position:]
        elif kind == "cut":
            data = data[:position]
    return data


def strict_json(text: str):
    def refuse(constant):
        raise AssertionError(f"bare {constant} in JSON output")
    return json.loads(text, parse_constant=refuse)


def run(*args: str):
    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as caught, \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        warnings.simplefilter("always")
        try:
            main(list(args))
        except SystemExit as exit:
            status = exit.code
    return status, out.getvalue(), err.getvalue(), [str(w.message) for w in caught]


def assert_contract(result, *, wrong_answers_allowed: bool = False):
    status, out, err, caught = result
    assert caught == [], caught
    assert "Traceback" not in err and "Warning" not in err, err
    if status == 2:
        assert out == "", out
        lines = err.splitlines()
        assert 1 <= len(lines) <= 3 and all(len(line) < 500 for line in lines), err
        assert lines[0].startswith("backprop-tutor: error: "), err
        return
    assert status == 0 or (wrong_answers_allowed and status == 1), result
    assert err == "", err
    strict_json(out)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=network_document(), data=st.data())
def test_network_files(tmp_path_factory, document, data):
    path = tmp_path_factory.mktemp("fuzz") / "net.toml"
    path.write_bytes(data.draw(mutated(tomli_w.dumps(document))))
    assert_contract(run("solve", str(path), "--format", "json"))
    assert_contract(run("train", str(path), "--epochs", "3", "--format", "json"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=answer_pairs(), as_json=st.booleans(), wrapped=st.booleans(), data=st.data())
def test_answer_files(tmp_path_factory, pairs, as_json, wrapped, data):
    path = tmp_path_factory.mktemp("fuzz") / ("answers.json" if as_json else "answers.toml")
    path.write_bytes(data.draw(mutated(answer_text(pairs, as_json, wrapped))))
    result = run("check", str(path), "--hidden-activation", "sigmoid", "--format", "json")
    assert_contract(result, wrong_answers_allowed=True)
