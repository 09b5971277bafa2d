"""Variants: every constraint holds (checked by the NumPy network, not by the generator), IDs
make the same network again, rosters and --ask are checked."""

import itertools
import re

import numpy as np
import pytest

from backprop_tutor.core.network import EXAMPLES, load_network
from backprop_tutor.errors import InputError, RosterFileError, VariantError
from backprop_tutor.networks.numpy_network import NumpyNetwork
from backprop_tutor.teaching.exercise import answers, asked_quantities, key_lines, parse_ask
from backprop_tutor.teaching.variants import (
    Settings,
    generate_variants,
    parse_variant_id,
    read_roster,
    variant_id,
    variant_network,
)

TEMPLATE = load_network(EXAMPLES / "tutorial.toml")


def near_ratio(a: float, b: float) -> bool:
    """a/b within 0.1 % of 2, 1/2 or −1."""
    return any(abs(a / b - r) <= 1e-3 * abs(r) for r in (2.0, 0.5, -1.0))


def constraint_breaks(network, inactive_relu="one") -> list[str]:
    """The documented constraints (docs/commands/variants.md), for each activation.

    Checked on the NumPy network (matrix form).
    """
    broken = []
    inputs = list(network.inputs)
    if len(set(inputs)) < len(inputs) or 1.0 in inputs:
        broken.append("inputs not distinct, or an input is 1")
    if any(near_ratio(a, b) for a, b in itertools.permutations([*inputs, 1.0], 2)):
        broken.append("inputs in a simple ratio")
    given = [*network.inputs, *network.targets, *network.parameters().values()]
    if any(v == 0 or round(v, 1) != v for v in given):
        broken.append("a given number is 0 or has more than 1 decimal")
    for activation in ("sigmoid", "tanh", "relu"):
        net = network.with_options(hidden_activation=activation)
        model = NumpyNetwork.from_network(net)
        nets, outs = ([row[0] for row in rows] for rows in model.forward(net.inputs))  # 1 sample
        if min(abs(v) for layer in nets for v in layer) < 0.05:
            broken.append(f"{activation}: |net| < 0.05")
        for layer, out in zip(net.layers, outs[1:], strict=True):
            if layer.activation == "sigmoid" and not all(0.05 <= v <= 0.95 for v in out):
                broken.append(f"{activation}: saturated sigmoid")
        if activation == "relu" and inactive_relu != "any":
            inactive = sum(int((layer <= 0).sum()) for layer in nets[:-1])
            if inactive != {"one": 1, "none": 0}[inactive_relu]:
                broken.append(f"relu: {inactive} inactive units")
        weight_grads, deltas = model.gradients(net.inputs, net.targets)   # dE/db is the delta
        if any(0 < abs(d) < 1e-3 for layer in deltas for d in layer):
            broken.append(f"{activation}: a delta below 1e-3")
        before = model.loss_value(net.inputs, net.targets)
        model.sgd_step(net.inputs, net.targets, net.learning_rate)
        if not model.loss_value(net.inputs, net.targets) < before:
            broken.append(f"{activation}: E does not fall")
        # Quantities a student writes (one output: E is E_o1; dE/db is the delta: not twice).
        arrays = [*nets, *outs[1:], *deltas, *weight_grads, *model.weights,
                  *(b for b, layer in zip(model.biases, net.layers, strict=True)
                    if b is not None and layer.train_biases)]   # a frozen bias is a given
        quantities = [before, *(v for a in arrays for v in np.ravel(a))]
        nonzero = [float(q) for q in quantities if q != 0]
        pairs = [(a, b) for a, b in itertools.combinations(nonzero, 2) if near_ratio(a, b)]
        if pairs:
            broken.append(f"{activation}: quantities in a simple ratio {pairs[:2]}")
    return broken


def test_a_thousand_variants_meet_every_constraint_and_come_back_from_their_ids():
    variants = generate_variants(TEMPLATE, 500, seed=1) + generate_variants(TEMPLATE, 500, seed=2)
    assert len({v.id for v in variants}) == 1000
    for variant in variants:
        assert constraint_breaks(variant.network) == [], variant.id
        assert variant_network(variant.id, TEMPLATE) == variant.network


@pytest.mark.parametrize("template", ["two_outputs_mse.toml", "mazur.toml", "no_biases.toml"])
def test_other_templates_keep_their_shape_and_the_constraints(template):
    template = load_network(EXAMPLES / template)
    for variant in generate_variants(template, 10, seed=4):
        network = variant.network
        assert network.sizes == template.sizes and network.loss == template.loss
        assert [(layer.biases is None, layer.train_biases) for layer in network.layers] == \
               [(layer.biases is None, layer.train_biases) for layer in template.layers]
        assert constraint_breaks(network) == []


def test_inactive_relu_none_and_any():
    for variant in generate_variants(TEMPLATE, 30, seed=5, settings=Settings(inactive_relu="none")):
        assert constraint_breaks(variant.network, "none") == []
    for variant in generate_variants(TEMPLATE, 30, seed=5, settings=Settings(inactive_relu="any")):
        assert constraint_breaks(variant.network, "any") == []


def test_same_seed_same_networks_other_seed_other_networks():
    first = [v.network for v in generate_variants(TEMPLATE, 20, seed=9)]
    assert first == [v.network for v in generate_variants(TEMPLATE, 20, seed=9)]
    other = [v.network for v in generate_variants(TEMPLATE, 20, seed=10)]
    assert all(a.parameters() != b.parameters() for a, b in zip(first, other, strict=True))


def test_variant_ids_are_short_and_checked():
    assert variant_id(0, 1) == "000-01" + variant_id(0, 1)[-1]
    vid = variant_id(12345, 7)   # 12345 = 12·32² + 1·32 + 25: "C1S" in Crockford's digits
    assert vid.startswith("C1S-07") and len(vid) == 7
    assert parse_variant_id(vid) == (12345, 7)
    assert parse_variant_id(vid.lower()) == (12345, 7)
    with pytest.raises(VariantError, match="check character"):
        variant_network(vid[:-1] + ("A" if vid[-1] != "A" else "B"))
    with pytest.raises(VariantError, match="check character"):
        variant_network(variant_id(3, 1), load_network(EXAMPLES / "mazur.toml"))
    for bad in ("", "K7Q", "K7Q-", "K7Q-0", "K!Q-03M", "K7Q-03",
                "000-¹²A", "000-١٢A", "０００-01A",  # noqa: RUF001 -- digits, but not ASCII ones
                "000-" + "1" * 5000 + "A",                  # beyond int()'s 4,300 digits
                "1" * 14 + "-01A", "7" * 200_000):          # long: refused before it is read
        with pytest.raises(VariantError, match="not a variant ID"):
            parse_variant_id(bad)
    largest = variant_id(2**64 - 1, 99_999_999)
    assert parse_variant_id(largest) == (2**64 - 1, 99_999_999)
    with pytest.raises(VariantError, match="--seed: must be from 0 to 2\\^64 - 1"):
        generate_variants(TEMPLATE, 1, seed=2**64)


def test_ranges_that_admit_no_network_end_with_an_error_not_a_hang():
    # Equal weights and biases make h1 and h2 equal: never exactly one inactive relu unit.
    settings = Settings(weights=(0.3, 0.3), biases=(0.2, 0.2))
    with pytest.raises(VariantError, match="no network met the constraints in 2000 draws"):
        generate_variants(TEMPLATE, 1, seed=0, settings=settings)
    with pytest.raises(VariantError, match=r"--weights: the range 0\.01,0\.04 holds no non-zero"):
        Settings(weights=(0.01, 0.04))
    with pytest.raises(VariantError, match="--biases: expected LOW,HIGH"):
        Settings(biases=(0.5, -0.5))


def test_roster(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("\ufeffstudent,name\ns2,Bo\n\ns1,Al\n s3 ,Cy\n", encoding="utf-8")
    assert read_roster(good) == ["s2", "s1", "s3"]
    cases = {"empty.csv": b"", "header.csv": b"student\n", "twice.csv": b"id\na\nb\na\n",
             "latin1.csv": "id\nJos\xe9\n".encode("latin-1"), "blank.csv": b"id,name\n,Al\n"}
    messages = {"empty.csv": "has no students", "header.csv": "has no students",
                "twice.csv": "row 4: student ID 'a' again (first on row 2)",
                "latin1.csv": "not UTF-8", "blank.csv": "row 2: the student ID (first column) is empty"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(RosterFileError, match=re.escape(messages[name])):
            read_roster(tmp_path / name)
    with pytest.raises(RosterFileError, match="no such file"):
        read_roster(tmp_path / "missing.csv")


def test_ask_presets_and_names():
    assert parse_ask("default", TEMPLATE) == "default"
    assert parse_ask(" all ", TEMPLATE) == "all"
    assert parse_ask("w5_new,delta_o1,w5_new", TEMPLATE) == ("w5_new", "delta_o1")
    for bad in ("net_h9", "delta_o1,foo", ","):
        with pytest.raises(VariantError, match="--ask: unknown quantity"):
            parse_ask(bad, TEMPLATE)
    default = asked_quantities(TEMPLATE, "default", ("sigmoid", "tanh", "relu"))
    assert default["sigmoid"] == ["net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "E",
                                  "delta_o1", "delta_h1", "delta_h2", "w1_new", "w5_new"]
    assert default["tanh"] == default["relu"] == ["out_h1", "out_h2", "delta_o1", "delta_h1",
                                                  "delta_h2", "w1_new", "w5_new"]
    # 2-2-1 with biases: 6 forward, 2 loss, 3 deltas, 9 gradients, 9 updates.
    assert len(asked_quantities(TEMPLATE, "all", ("relu",))["relu"]) == 29
    named = asked_quantities(TEMPLATE, ("w5_new", "net_h1"), ("tanh",))
    assert named == {"tanh": ["net_h1", "w5_new"]}     # in the worked solution's order


def test_the_key_works_what_an_answer_needs():
    # delta_o1 = (out_o1 − t1)·out_o1·(1 − out_o1) needs the whole forward pass.
    assert key_lines(TEMPLATE, ["delta_o1"]) == ["net_h1", "out_h1", "net_h2", "out_h2",
                                                 "net_o1", "out_o1", "delta_o1"]
    assert key_lines(TEMPLATE, ["net_h2"]) == ["net_h2"]


def test_answers_round_as_you_go_with_a_tolerance_that_covers_the_exact_value():
    # The tutorial network, sigmoid hidden units; values by hand and mpmath (see test_pack.py):
    # net_h1 = 0.3·0.5 + 0.4·1 + 0.1 = 0.65, delta_o1 = -0.070781..., w1_new = 0.302791...
    network = TEMPLATE.with_options(hidden_activation="sigmoid")
    found = {a.quantity: a for a in answers({"sigmoid": network},
                                            {"sigmoid": ["net_h1", "delta_o1", "w1_new"]}, 4)}
    assert found["net_h1"].written == "0.6500" and found["net_h1"].written_tolerance == "0.0001"
    assert abs(found["delta_o1"].exact - -0.070781) < 5e-7
    assert abs(found["w1_new"].exact - 0.302791) < 5e-7
    for answer in found.values():
        assert abs(answer.expected - answer.exact) <= answer.tolerance
        assert round(answer.tolerance / 1e-4, 9) == round(answer.tolerance / 1e-4)


def test_errors_are_input_errors():
    assert issubclass(RosterFileError, InputError) and issubclass(VariantError, InputError)
