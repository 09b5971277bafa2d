"""Rounding as you go: decimal arithmetic, ties away from zero, in the keys and in `check`.

The reference here is hand work done independently of the package: the 2-2-1
step written out line by line in exact fractions (Python's ``fractions``),
σ and tanh from mpmath at 60 digits, every value rounded to 4 decimals on its
decimal value, a tie away from zero. A class of 40 variants is worked that way
and compared with the keys (keys.csv) and with `check --variant`.
"""

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest

from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.output.classkit import keys_csv
from backprop_tutor.teaching.exercise import answers, asked_quantities
from backprop_tutor.teaching.rounding import (
    ROUNDING_RULE,
    Rounding,
    round_half_away,
    rounded_sheet,
    sigmoid,
    tanh,
    worked_by_hand,
)
from backprop_tutor.teaching.variants import by_hidden_activation, generate_variants

ACTIVATIONS = ("sigmoid", "tanh", "relu")
PLACES = 4


# ---------------------------------------------------------------- the independent hand work

def away(x: Fraction, places: int = PLACES) -> Fraction:
    """x rounded to ``places`` decimals, a tie away from zero: by hand, on the fraction."""
    scaled = abs(x) * 10**places
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Fraction(whole if x >= 0 else -whole, 10**places)


def is_tie(x: Fraction, places: int = PLACES) -> bool:
    scaled = abs(x) * 10**places
    return scaled - scaled.numerator // scaled.denominator == Fraction(1, 2)


def transcendental(function, x: Fraction) -> Fraction:
    with mpmath.workdps(60):
        return Fraction(mpmath.nstr(function(mpmath.mpf(x.numerator) / x.denominator), 55,
                                    min_fixed=-mpmath.inf, max_fixed=mpmath.inf))


def mp_sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def by_hand(network, activation: str, one_step: bool = False) -> tuple[dict, int]:
    """The 2-2-1 step as a student works it, and how many results were ties.

    ``one_step``: each weight updated as w − η·δ·x in one line, δ·x not rounded.
    """
    ties = 0

    def r(x: Fraction) -> Fraction:
        nonlocal ties
        ties += is_tie(x)
        return away(x)

    def f(net):
        if activation == "relu":
            return max(Fraction(0), net)
        return transcendental(mp_sigmoid if activation == "sigmoid" else mpmath.tanh, net)

    def f_prime(net, out):
        return {"sigmoid": out * (1 - out), "tanh": 1 - out**2,
                "relu": Fraction(1 if net > 0 else 0)}[activation]

    d = lambda x: Fraction(repr(x))          # noqa: E731 (the file's decimals)
    i1, i2 = map(d, network.inputs)
    [t1] = map(d, network.targets)
    hidden, output = network.layers
    (w1, w2), (w3, w4) = [map(d, row) for row in hidden.weights]
    b_h1, b_h2 = map(d, hidden.biases)
    [(w5, w6)] = [map(d, row) for row in output.weights]
    [b_o1] = map(d, output.biases)
    eta = d(network.learning_rate)
    v = {}
    v["net_h1"] = r(w1 * i1 + w2 * i2 + b_h1)
    v["out_h1"] = r(f(v["net_h1"]))
    v["net_h2"] = r(w3 * i1 + w4 * i2 + b_h2)
    v["out_h2"] = r(f(v["net_h2"]))
    v["net_o1"] = r(w5 * v["out_h1"] + w6 * v["out_h2"] + b_o1)
    v["out_o1"] = r(transcendental(mp_sigmoid, v["net_o1"]))
    v["E_o1"] = r(Fraction(1, 2) * (t1 - v["out_o1"]) ** 2)
    v["E"] = v["E_o1"]
    v["delta_o1"] = r((v["out_o1"] - t1) * v["out_o1"] * (1 - v["out_o1"]))
    v["delta_h1"] = r(w5 * v["delta_o1"] * f_prime(v["net_h1"], v["out_h1"]))
    v["delta_h2"] = r(w6 * v["delta_o1"] * f_prime(v["net_h2"], v["out_h2"]))
    sources = {"w1": ("h1", i1), "w2": ("h1", i2), "w3": ("h2", i1), "w4": ("h2", i2),
               "w5": ("o1", v["out_h1"]), "w6": ("o1", v["out_h2"])}
    old = {"w1": w1, "w2": w2, "w3": w3, "w4": w4, "w5": w5, "w6": w6}
    for w, (unit, x) in sources.items():
        v[f"dE_d{w}"] = r(v[f"delta_{unit}"] * x)
    for unit in ("h1", "h2", "o1"):
        v[f"dE_db_{unit}"] = v[f"delta_{unit}"]
    for w, (unit, x) in sources.items():
        gradient = v[f"delta_{unit}"] * x if one_step else v[f"dE_d{w}"]
        v[f"{w}_new"] = r(old[w] - eta * gradient)
    for unit, b in (("h1", b_h1), ("h2", b_h2), ("o1", b_o1)):
        v[f"b_{unit}_new"] = r(b - eta * v[f"dE_db_{unit}"])
    return v, ties


def written(x: Fraction) -> str:
    return f"{Decimal(x.numerator) / Decimal(x.denominator):.{PLACES}f}"


@pytest.fixture(scope="module")
def kit():
    """40 variants (seed 2026) worked by hand: {(variant ID, activation): (values, ties)}."""
    variants = generate_variants(n=40, seed=2026)
    worked = {(v.id, a): by_hand(net, a)
              for v in variants for a, net in by_hidden_activation(v.network).items()}
    return variants, worked


# ---------------------------------------------------------------- ties

@pytest.mark.parametrize("value, places, rounded", [
    ("0.00765", 4, "0.0077"), ("-0.80975", 4, "-0.8098"), ("0.30765", 4, "0.3077"),
    ("0.0076499", 4, "0.0076"), ("2.5", 0, "3"), ("-2.5", 0, "-3"), ("0.125", 2, "0.13"),
])
def test_a_tie_goes_away_from_zero_on_the_decimal(value, places, rounded):
    # The floats nearest to 0.00765 and −0.80975 lie below the tie: rounding the float
    # would give 0.0076 and −0.8097.
    assert round_half_away(Decimal(value), -places) == Decimal(rounded)
    assert away(Fraction(value), places) == Fraction(rounded)


def test_significant_figures_round_each_value_at_its_own_place():
    rule = Rounding("sig_figs", 3)
    assert rule.round(Decimal("0.0076549")) == Decimal("0.00765")
    assert rule.round(Decimal("-0.0076550")) == Decimal("-0.00766")
    assert rule.round(Decimal("0.099951")) == Decimal("0.100")
    assert rule.round(Decimal("123.45")) == Decimal("123")


def test_sigma_and_tanh_are_worked_to_far_more_digits_than_any_rule_keeps():
    for x in ("0.65", "-0.1", "3.2", "-17.5", "1e-9"):
        with mpmath.workdps(110):
            exact_sigmoid = mp_sigmoid(mpmath.mpf(x))
            exact_tanh = mpmath.tanh(mpmath.mpf(x))
            assert abs(mpmath.mpf(str(sigmoid(Decimal(x)))) - exact_sigmoid) < mpmath.mpf("1e-100")
            assert abs(mpmath.mpf(str(tanh(Decimal(x)))) - exact_tanh) < mpmath.mpf("1e-100")


def test_the_rule_in_words_says_how_ties_go():
    assert ROUNDING_RULE.startswith("Round every value to 4 decimals as you go")
    assert "away from zero (0.12345 → 0.1235, −0.12345 → −0.1235)" in ROUNDING_RULE
    assert "3 significant figures" in Rounding("sig_figs", 3).sentence


def test_the_tutorial_worked_by_hand():
    # By hand: net_h1 = 0.3·0.5 + 0.4·1 + 0.1 = 0.65; σ(0.65) = 0.65701… → 0.6570;
    # net_o1 = 0.7·0.6570 − 0.5·0.4750 + 0.2 = 0.4224; w1⁺ = 0.3 − 0.5·(−0.0056) = 0.3028.
    values = worked_by_hand(load_network(DEFAULT_NETWORK))
    assert [values[n] for n in ("net_h1", "out_h1", "net_o1", "w1_new")] == [
        Decimal("0.6500"), Decimal("0.6570"), Decimal("0.4224"), Decimal("0.3028")]
    sheet = rounded_sheet(load_network(DEFAULT_NETWORK), 4)
    assert f"{sheet['out_o1']:.4f}" == "0.6041"


# ---------------------------------------------------------------- a class of 40

def test_the_keys_of_40_variants_equal_the_hand_work(kit):
    variants, worked = kit
    asked = {v.id: asked_quantities(v.network, "all", ACTIVATIONS) for v in variants}
    boxes = {v.id: answers(by_hidden_activation(v.network), asked[v.id], PLACES) for v in variants}
    rows = list(csv.DictReader(io.StringIO(keys_csv(variants, boxes))))
    differences = [(row["variant"], row["hidden_activation"], row["quantity"], row["expected"])
                   for row in rows
                   if row["expected"] != written(worked[row["variant"], row["hidden_activation"]]
                                                 [0][row["quantity"]])]
    assert len(rows) == 40 * 3 * 29 and differences == []
    # Not vacuous: the class meets ties (w⁺ = w − 0.5·g ends in 5 about half the time).
    assert sum(ties for _, ties in worked.values()) >= 40


def test_the_tolerance_covers_a_weight_updated_in_one_step(kit):
    variants, _ = kit
    covered = 0
    for variant in variants[:10]:
        asked = asked_quantities(variant.network, "default", ACTIVATIONS)
        for box in answers(by_hidden_activation(variant.network), asked, PLACES):
            if box.quantity.endswith("_new"):
                network = by_hidden_activation(variant.network)[box.activation]
                one_step = by_hand(network, box.activation, one_step=True)[0][box.quantity]
                assert abs(float(one_step) - box.expected) <= box.tolerance + 1e-12
                covered += one_step != Fraction(box.written)
    assert covered >= 1      # some weights differ in one step: the tolerance matters


@pytest.mark.parametrize("written_down", ["every line", "the boxes", "one-step updates"])
def test_check_variant_marks_the_hand_work_of_40_variants_right(kit, run, tmp_path, written_down):
    """Each line written (4 decimals, as strings: 0.6500), or only what the sheet's boxes ask,
    or every line but the weights' gradients, each weight updated in one step."""
    variants, worked = kit
    wrong, rules = [], set()
    for variant in variants:
        boxes = asked_quantities(variant.network, "default", ACTIVATIONS)
        for activation, network in by_hidden_activation(variant.network).items():
            values = worked[variant.id, activation][0]
            if written_down == "the boxes":
                values = {k: values[k] for k in boxes[activation]}
            elif written_down == "one-step updates":
                values = {k: v for k, v in by_hand(network, activation, one_step=True)[0].items()
                          if not k.startswith("dE_dw")}
            answers_file = tmp_path / "answers.toml"
            answers_file.write_text(f"variant = '{variant.id}'\nhidden_activation = '{activation}'\n"
                                    + "".join(f'{k} = "{written(x)}"\n' for k, x in values.items()))
            _, out, _ = run("check", str(answers_file), "--format", "json")
            marks = json.loads(out)["marks"]
            wrong += [(variant.id, activation, m["name"], m["answer"], m["rule"])
                      for m in marks if m["verdict"] != "right"]
            rules |= {m["rule"] for m in marks}
    assert wrong == []
    assert "truncated" not in rules     # never said of an answer rounded as the sheet says
    if written_down == "the boxes":
        assert "rounded as you go" in rules     # the rule this test is about was needed


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_the_tutorial_worked_as_the_sheet_says_is_right_without_options(run, tmp_path, activation):
    network = load_network(DEFAULT_NETWORK).with_options(hidden_activation=activation)
    values, _ = by_hand(network, activation)
    for chosen in (values, {k: values[k] for k in ("delta_h2", "dE_dw3", "w1_new", "w5_new")}):
        answers_file = tmp_path / "answers.toml"
        answers_file.write_text(f"hidden_activation = '{activation}'\n"
                                + "".join(f"{k} = {written(x)}\n" for k, x in chosen.items()))
        status, out, _ = run("check", str(answers_file), "--format", "json")
        marks = json.loads(out)["marks"]
        assert status == 0, [m for m in marks if m["verdict"] != "right"]
        assert not any(m["rule"] == "truncated" for m in marks)


# ---------------------------------------------------------------- found by mutation testing
# (benchmarks/mutation.py): faults no test noticed before, each now caught.

@pytest.mark.parametrize("rule, example", [
    (Rounding("decimals", 0), "(2.5 → 3, −2.5 → −3)"),
    (Rounding("sig_figs", 3), "(1.235 → 1.24, −1.235 → −1.24)"),
    (Rounding("sig_figs", 1), "(1.5 → 2, −1.5 → −2)"),
])
def test_each_rule_shows_a_tie_of_its_own_precision(rule, example):
    # By hand: the tie is a 5 just after the last digit kept, rounded away from zero.
    assert rule.sentence.endswith(f"rounds away from zero {example}.")


def test_tanh_saturates_to_plus_or_minus_one_far_out():
    # |tanh(x) − sign(x)| < 2·e^(−2|x|) = 2·e^(−1600) at |x| = 800: 1 to every digit kept.
    assert tanh(Decimal(800)) == Decimal(1) and tanh(Decimal(-800)) == Decimal(-1)


@pytest.mark.parametrize("x", ["1e-30", "-2.5e-12", "3e-7"])
def test_tanh_of_a_small_number_keeps_every_working_digit(x):
    """tanh(x) ≈ x for small x: the digits must not be lost to the leading zeros."""
    with mpmath.workdps(200):
        exact = mpmath.tanh(mpmath.mpf(x))
        assert abs(mpmath.mpf(str(tanh(Decimal(x)))) / exact - 1) < mpmath.mpf("1e-115")


def test_the_step_of_zero_is_zero_as_in_tensorflow():
    """relu'(0) = 0: a relu hidden unit whose net is exactly 0 passes no delta back."""
    from backprop_tutor.teaching.rounding import exact_value

    assert exact_value("step(x)", {"x": Decimal(0)}) == 0
    assert exact_value("step(x)", {"x": Decimal("1e-30")}) == 1
    assert exact_value("relu(x)", {"x": Decimal("-0.5")}) == 0


def test_the_rounded_sheet_is_the_network_worked_to_its_decimals():
    """2 decimals, by hand: out_h1 = σ(0.65) = 0.657 → 0.66; out_h2 = σ(−0.1) = 0.475 → 0.48
    (0.47502…); net_o1 = 0.7·0.66 − 0.5·0.48 + 0.2 = 0.422 → 0.42."""
    network = load_network(DEFAULT_NETWORK)
    sheet = rounded_sheet(network, decimals=2)
    assert sheet.network is network
    assert [sheet[name] for name in ("out_h1", "out_h2", "net_o1")] == [0.66, 0.48, 0.42]
    first = sheet.quantities[0]
    assert (first.section, first.name, first.formula) == ("forward", "net_h1", "w1 * i1 + w2 * i2 + b_h1")


def test_sigmoid_saturates_to_one_and_zero_far_out():
    # σ(800) = 1 − e^(−800): 1 to the 120 digits kept. σ(−800) = e^(−800) ≈ 3.7e-348 is past
    # the saturation at |x| = 700 and written 0, below every rounding rule's last digit.
    assert sigmoid(Decimal(800)) == Decimal(1) and sigmoid(Decimal(-800)) == Decimal(0)


@pytest.mark.parametrize("x", ["-30", "-0.5", "0", "2.25"])
def test_sigmoid_keeps_every_working_digit_on_both_sides(x):
    with mpmath.workdps(200):
        exact = 1 / (1 + mpmath.exp(-mpmath.mpf(x)))
        assert abs(mpmath.mpf(str(sigmoid(Decimal(x)))) / exact - 1) < mpmath.mpf("1e-115")


def test_a_rule_keeps_decimals_or_significant_figures_not_both():
    from backprop_tutor.teaching.rounding import rounding_rule

    with pytest.raises(ValueError, match="not both"):
        rounding_rule(decimals=2, sig_figs=3)
    assert rounding_rule(sig_figs=3) == Rounding("sig_figs", 3)
    assert rounding_rule() == Rounding("decimals", 4)
    with pytest.raises(ValueError):
        Rounding("places", 2)
