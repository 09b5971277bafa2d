"""Fuzzing the error contract: random files and option values.

Whatever a file holds (wrong types, nesting, huge and tiny numbers, non-finite
values, junk bytes, a byte-order mark) and whatever an option is given (0,
negative, NaN, huge, text where a number goes), a command either succeeds with
strict JSON on stdout (no bare NaN/Infinity) or ends with status 2, nothing on
stdout and one short line on stderr. Never a traceback, never a Python warning.
Network files, answer files, option values, data CSVs and variant IDs go
through the command line; rosters and lab configs through their readers (a
valid roster or sweep would start minutes of work), which must return data
or raise one ``InputError``.
"""

from __future__ import annotations

import itertools
import json
import warnings

import tomli_w
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_tutor.cli import cli
from backprop_tutor.errors import InputError

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
    for n_in, n_out in itertools.pairwise(sizes):
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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception   # a traceback the user would see
    return result.exit_code, result.stdout, result.stderr, [str(w.message) for w in caught]


def assert_contract(result, *, wrong_answers_allowed: bool = False, json_out: bool = True):
    status, out, err, caught = result
    assert caught == [], caught
    assert "Traceback" not in err and "Warning" not in err, err
    if status == 2:
        assert out == "", out
        assert err.count("\n") == 1 and len(err) < 500, err
        assert err.startswith("backprop-tutor: error: "), err
        return
    assert status == 0 or (wrong_answers_allowed and status == 1), result
    assert err == "", err
    if json_out:
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


# --- option values ------------------------------------------------------------------

#: What a user may type for a number: 0, negative, NaN, huge, tiny, text, another kind.
OPTION = st.one_of(
    st.sampled_from(["0", "-0", "-1", "nan", "NaN", "inf", "-inf", "1e309", "1e-320", "5e-324",
                     str(10**30), "1" + "0" * 5000, "", " ", "abc", "[1]", "1.5", "full", "true",
                     "0x10", "1_0", "١٢", "½", "-1,1", "1,-1", "nan,1", "0,0", "1e308,1e309"]),
    st.integers(-10**6, 10**6).map(str),
    st.floats().map(repr),
    st.text(st.characters(blacklist_characters="\x00"), max_size=8),   # argv holds no NUL
)


def small_epochs(value: str) -> bool:
    # A huge --epochs is obeyed (and takes that long): keep the fuzz quick.
    try:
        return float(value) <= 50
    except ValueError:
        return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_option_values(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    answers = folder / "answers.toml"
    answers.write_text("net_h1 = 0.65\nout_h1 = 0.657\n")
    value = data.draw(OPTION)
    command = data.draw(st.sampled_from([
        ["solve", "--format", "json", "--decimals", value],
        ["solve", "--format", "json", "--round-as-you-go", value],
        ["solve", "--format", "json", "--learning-rate", value],
        ["solve", "--format", "json", "--hidden-activation", value],
        ["solve", "--format", "json", "--loss", value],
        ["check", str(answers), "--format", "json", "--sig-figs", value],
        ["check", str(answers), "--format", "json", "--learning-rate", value],
        ["train", "--format", "json", "--epochs", value if small_epochs(value) else "3"],
        ["train", "--format", "json", "--epochs", "2", "--learning-rate", value],
        ["train", "--format", "json", "--epochs", "2", "--data", "xor", "--batch-size", value],
        ["train", "--format", "json", "--epochs", "2", "--data", "moons", "--validation", value],
        ["train", "--format", "json", "--epochs", "2", "--data", "xor", "--init", "he_normal",
         "--seed", value],
        ["train", "--format", "json", "--epochs", "2", "--data", "xor", "--shuffle-seed", value],
        ["train", "--format", "json", "--epochs", "2", "--data", value],
        ["page", "--out", str(folder / "page"), "--sig-figs", value],
        ["variants", "--n", "1", "--seed", "1", "--out", str(folder / "kit"), "--weights", value],
        ["variants", "--n", value, "--seed", "1", "--out", str(folder / "kit"), "--decimals", "9"],
    ]))
    result = run(*command)
    assert_contract(result, wrong_answers_allowed=True, json_out="json" in command)
    if result[0] == 2:   # an error writes no folder, and leaves no temporary one
        assert sorted(p.name for p in folder.iterdir()) == ["answers.toml"]


# --- data sets, variant IDs, rosters, lab configs -------------------------------------

CELL = st.one_of(st.floats(-3, 3).map(repr), st.sampled_from(["nan", "inf", "1e309", "", " ", "x",
                                                                "1" + "0" * 400, "0x1", "1_0"]),
                 st.text(max_size=5))


@st.composite
def csv_text(draw, header) -> str:
    head = draw(header)
    width = max(1, len(head))
    rows = draw(st.lists(st.lists(CELL, min_size=width - 1, max_size=width + 1), max_size=6))
    return "\n".join(",".join(row) for row in [head, *rows])


DATA_HEADER = st.one_of(st.sampled_from([["i1", "i2", "t1"], ["i1", "t1"], ["i1", "t1", "t2"]]),
                        st.lists(st.sampled_from(["i1", "i2", "t1", "t2", "x", "", " i1"]),
                                 max_size=4))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=csv_text(DATA_HEADER), data=st.data())
def test_data_files(tmp_path_factory, text, data):
    path = tmp_path_factory.mktemp("fuzz") / "data.csv"
    path.write_bytes(data.draw(mutated(text)))
    assert_contract(run("train", "--data", str(path), "--epochs", "2", "--format", "json"))


VARIANT_ID = st.one_of(
    st.text(max_size=12),
    st.from_regex(r"[0-9A-Za-z]{1,4}-[0-9]{1,3}[0-9A-Z]", fullmatch=True),
    st.sampled_from(["007-03R", "000-01A", "000-¹²A", "٠٠٧-٠٣R", "0" * 5000 + "-01A",  # noqa: RUF001 (digits not ASCII)
                     "7" * 300 + "-1" + "2" * 300 + "A", "-", "--", " 007-03R "]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(variant=VARIANT_ID.filter(lambda text: "\x00" not in text))
def test_variant_ids(tmp_path_factory, variant):
    answers = tmp_path_factory.mktemp("fuzz") / "answers.toml"
    answers.write_text("net_h1 = 0.65\n")
    assert_contract(run("check", str(answers), "--variant", variant, "--format", "json"),
                    wrong_answers_allowed=True)


def one_input_error(error: InputError) -> None:
    message = str(error)
    assert "\n" not in message and len(message) < 500, message


@settings(max_examples=150, deadline=None)
@given(text=csv_text(st.just(["student"])), data=st.data())
def test_rosters(tmp_path_factory, text, data):
    from backprop_tutor.teaching.variants import read_roster

    path = tmp_path_factory.mktemp("fuzz") / "roster.csv"
    path.write_bytes(data.draw(mutated(text)))
    try:
        students = read_roster(path)
    except InputError as error:
        one_input_error(error)
        return
    assert students and len(set(students)) == len(students)
    assert all(student == student.strip() and student for student in students)


CONFIG_VALUE = st.one_of(HOSTILE, st.integers(-5, 30), st.sampled_from(
    ["moons", "xor", "full", "relu", "tanh", "he_normal", "mse", 1_000_000, 10**30]),
    st.lists(st.integers(1, 40), min_size=1, max_size=3))
CONFIG_KEYS = st.sampled_from(["dataset", "samples", "noise", "learning_rate", "epochs",
                               "batch_size", "hidden_activation", "output_activation",
                               "hidden_units", "hidden_layers", "init", "loss", "seeds", "x"])


@settings(max_examples=150, deadline=None)
@given(config=st.dictionaries(CONFIG_KEYS, CONFIG_VALUE, max_size=5), data=st.data())
def test_lab_configs(tmp_path_factory, config, data):
    from backprop_tutor.teaching.lab.sweep import BOUNDS, MAX_RUNS, read_config

    path = tmp_path_factory.mktemp("fuzz") / "sweep.toml"
    try:
        text = tomli_w.dumps(config)
    except (TypeError, ValueError):   # a value TOML cannot hold (None, NaN in some writers)
        return
    path.write_bytes(data.draw(mutated(text)))
    try:
        settings_ = read_config(path)
    except InputError as error:
        one_input_error(error)
        return
    assert 1 <= len(settings_) <= MAX_RUNS
    for setting in settings_:
        for key, (low, high) in BOUNDS.items():
            value = getattr(setting, "seed" if key == "seeds" else key)
            assert value is None or low <= value <= high, (key, value)
