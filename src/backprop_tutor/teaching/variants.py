"""Variants: a different network for every student, with numbers fit for pen and paper.

A variant is the template network (its shape, output activation, loss, η,
which biases exist and which are frozen) with new inputs, targets, weights and
biases drawn on a grid of ``decimals`` places (1 by default: 0.3, -0.7) from
the ranges of ``Settings``. No drawn number is 0 (a zero hides a term of a sum).

Every variant meets these constraints with each tutorial hidden activation
(sigmoid, tanh, relu; the template's output activation), checked by
``problems``; numbers are drawn again until they hold (rejection sampling, at
most ``MAX_TRIES`` draws per variant, then ``VariantError``):

* no weighted sum near 0:       |net_u| >= 0.05 for every unit (no doubt at relu's kink or in rounding)
* no saturated sigmoid:         0.05 <= out_u <= 0.95 for every sigmoid unit
* the dead-unit lesson:         with relu, exactly one hidden unit has net <= 0
                                (``inactive_relu="one"``; "none": no such unit; "any": no rule)
* slips stay tellable apart:    the inputs are distinct and none is 1; no two of them, no input
                                and 1, and no two computed quantities of a case are in a ratio
                                2, 1/2 or −1 (within 0.1 %); a quantity that is another by
                                definition (dE_db_h1 = delta_h1) and exact zeros are not compared
* no vanishing delta:           every |delta_u| >= 1e-3, unless it is exactly 0
* the update helps:             E after the update < E before it, at the template's η

A variant's ID, e.g. ``007-03R``, is the seed (Crockford base 32: no I, L,
O, U), the variant's number and a check letter over both, the template's
shape and the settings. Variant k is drawn from its own random stream, seeded
by (seed, k), so ``variant_network(id)`` makes it again without the others;
the check letter catches a mistyped ID, or one made from another template.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import random
import re
from dataclasses import dataclass, replace

from backprop_tutor.core import names
from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
from backprop_tutor.core.network import DEFAULT_NETWORK, Network, load_network
from backprop_tutor.core.worksheet import Shape, Worksheet, definitions, given_values, solve
from backprop_tutor.errors import RosterFileError, VariantError, shown
from backprop_tutor.teaching.rounding import DEFAULT_DECIMALS

NET_MARGIN = 0.05
SIGMOID_BAND = (0.05, 0.95)
MIN_DELTA = 1e-3
RATIOS = (2.0, 0.5, -1.0)
RATIO_TOLERANCE = 1e-3
MAX_TRIES = 2000
#: Decimals a sheet asks the student to round to as they go (``variants --answer-decimals``):
#: the default rule of ``check``.
ANSWER_DECIMALS = DEFAULT_DECIMALS
#: Seeds are below 2^64: an ID's seed part has at most 13 characters.
MAX_SEED = 2**64
INACTIVE_RELU = ("none", "one", "any")

# Crockford's base 32: no I, L, O, U, so an ID read aloud or handwritten stays unambiguous.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# The check character is a letter, so that it never reads as part of the number before it.
_CHECK = _ALPHABET[10:]
# An ID: the seed (at most 13 characters), "-", the number (at most 8 ASCII digits), a check
# letter. Anything longer is refused before it is read: no time or memory goes to a long text.
_ID = re.compile(f"([{_ALPHABET}]{{1,13}})-([0-9]{{2,8}})([{_CHECK}])", re.ASCII)


@dataclass(frozen=True)
class Settings:
    """Where the numbers of a variant come from: (low, high) ranges and their decimals."""

    inputs: tuple[float, float] = (-1.0, 1.0)
    targets: tuple[float, float] = (0.1, 0.9)
    weights: tuple[float, float] = (-1.0, 1.0)
    biases: tuple[float, float] = (-0.5, 0.5)
    decimals: int = 1
    inactive_relu: str = "one"

    def __post_init__(self):
        if self.inactive_relu not in INACTIVE_RELU:
            raise VariantError("--inactive-relu", None,
                               f"must be one of {', '.join(INACTIVE_RELU)}; got {self.inactive_relu!r}")
        for kind in ("inputs", "targets", "weights", "biases"):
            low, high = getattr(self, kind)
            if not (math.isfinite(low) and math.isfinite(high) and low <= high):
                raise VariantError(f"--{kind}", None, f"expected LOW,HIGH with LOW <= HIGH; "
                                                      f"got {low},{high}")
            if not self.grid(kind):
                raise VariantError(f"--{kind}", None,
                                   f"the range {low},{high} holds no non-zero number with "
                                   f"{self.decimals} decimal(s)")

    def grid(self, kind: str) -> list[int]:
        """The allowed values of ``kind`` in units of 10^-decimals, zero left out."""
        low, high = getattr(self, kind)
        scale = 10 ** self.decimals
        # The small slack keeps a bound such as 0.3 * 10 = 2.9999999999999996 on the grid.
        first, last = math.ceil(low * scale - 1e-9), math.floor(high * scale + 1e-9)
        return [k for k in range(first, last + 1) if k != 0]


@dataclass(frozen=True)
class Variant:
    """One student's network: its ID, its number in the class, and the student (if known)."""

    id: str
    index: int
    network: Network
    student: str = ""


def by_hidden_activation(network: Network) -> dict[str, Network]:
    """The network once per hidden activation a sheet works through (sigmoid, tanh, relu).

    A network without hidden layers has one case, keyed by its output activation.
    """
    if len(network.layers) == 1:
        return {network.output_activation: network}
    return {a: network.with_options(hidden_activation=a) for a in TUTORIAL_ACTIVATIONS}


# ---------------------------------------------------------------- generation

def generate_variants(template: Network | None = None, n: int | None = None, seed: int = 0,
                      settings: Settings = Settings(), students: list[str] | None = None
                      ) -> list[Variant]:
    """One variant per student (or ``n`` variants), numbered from 1, in order.

    >>> variants = generate_variants(n=2, seed=7)
    >>> [v.id for v in variants] == [variant_id(7, 1), variant_id(7, 2)]
    True
    >>> variant_network(variants[1].id) == variants[1].network
    True
    """
    template = template or load_network(DEFAULT_NETWORK)
    if not 0 <= seed < MAX_SEED:
        raise VariantError("--seed", None, f"must be from 0 to 2^64 - 1; got {shown(seed)}")
    students = list(students) if students is not None else [""] * (n or 0)
    return [Variant(variant_id(seed, k, template, settings), k,
                    draw_variant(template, seed, k, settings), student)
            for k, student in enumerate(students, start=1)]


def variant_network(variant: str, template: Network | None = None,
                    settings: Settings = Settings(), source: str = "variant") -> Network:
    """The network of a variant ID, made again from the template and settings it was made with.

    ``source`` names where the ID came from in an error (an option, a file's key).
    """
    template = template or load_network(DEFAULT_NETWORK)
    seed, index = parse_variant_id(variant, source)
    if variant_id(seed, index, template, settings) != variant.strip().upper():
        raise VariantError(source, variant, "was not made from this template and these "
                           "settings (or is mistyped): its check character does not match")
    return draw_variant(template, seed, index, settings)


def draw_variant(template: Network, seed: int, index: int, settings: Settings) -> Network:
    """Variant ``index`` of ``seed``: numbers drawn until every constraint holds."""
    rng = random.Random(f"backprop-tutor variant {seed} {index}")
    grids = {kind: settings.grid(kind) for kind in ("inputs", "targets", "weights", "biases")}
    for _ in range(MAX_TRIES):
        candidate = _draw(template, rng, grids, 10 ** settings.decimals)
        if not problems(candidate, settings.inactive_relu):
            vid = variant_id(seed, index, template, settings)
            return replace(candidate, title=f"Variant {vid}",
                           description=f"Variant {index} of seed {seed}, drawn from "
                                       f"{template.title or 'the template'} by backprop-tutor variants.")
    raise VariantError("variants", None,
                       f"no network met the constraints in {MAX_TRIES} draws; widen the ranges "
                       f"(--inputs, --targets, --weights, --biases) or allow --inactive-relu any")


def _draw(template: Network, rng: random.Random, grids: dict[str, list[int]], scale: int) -> Network:
    """The template with numbers drawn from ``grids`` (of ``Settings.grid``), divided by ``scale``."""
    def pick(kind: str, count: int) -> tuple[float, ...]:
        return tuple(rng.choice(grids[kind]) / scale for _ in range(count))

    layers = []
    for layer in template.layers:
        n_in = len(layer.weights[0])
        weights = tuple(pick("weights", n_in) for _ in layer.weights)
        biases = None if layer.biases is None else pick("biases", len(layer.weights))
        layers.append(replace(layer, weights=weights, biases=biases))
    return replace(template, inputs=pick("inputs", len(template.inputs)),
                   targets=pick("targets", len(template.targets)), layers=tuple(layers))


# ---------------------------------------------------------------- constraints

def problems(network: Network, inactive_relu: str = "one") -> list[str]:
    """The constraints ``network`` breaks (see the module's docstring); empty if it is fit.

    >>> problems(load_network(DEFAULT_NETWORK))   # the tutorial's inputs 0.5 and 1.0
    ['inputs i1 and i2 are in a simple ratio', 'inputs i1 and 1 are in a simple ratio', 'input i2 is 1']
    """
    # 1 joins the inputs: with an input of ±1/2, ±1 or ±2, dE_dw = delta · input would be in
    # a simple ratio with delta. Checked first, as it costs nothing.
    inputs = dict(zip(names.unit_names(network.sizes)[0], network.inputs, strict=True))
    found = _ratio_problems("inputs", {**inputs, "1": 1.0})
    if len(set(network.inputs)) < len(network.inputs):
        found.append("two inputs are equal")
    found += [f"input {name} is 1" for name, value in inputs.items() if value == 1]
    if found:
        return found
    for activation, net in by_hidden_activation(network).items():
        sheet = solve(net)
        found += [f"{activation}: {p}" for p in _case_problems(sheet, inactive_relu)]
        if found:    # one broken case is enough to draw again
            return found
    return found


def read_roster(path) -> list[str]:
    """The student IDs of a roster: a UTF-8 CSV with a header row, the IDs in its first column.

    The file is read by ``files.read_csv``, as every input file is.
    """
    from backprop_tutor.io.files import read_csv

    rows = [(line, row) for line, row in read_csv(path, RosterFileError, "roster (CSV file)")
            if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise RosterFileError(path, None, "has no students (expected a header row, then one "
                                          "student ID per row in the first column)")
    first_row: dict[str, int] = {}
    for line, row in rows[1:]:   # rows[0] is the header
        student = row[0].strip()
        if not student:
            raise RosterFileError(path, f"row {line}", "the student ID (first column) is empty")
        if student in first_row:
            raise RosterFileError(path, f"row {line}", f"student ID {shown(student)} again "
                                                       f"(first on row {first_row[student]})")
        first_row[student] = line
    return list(first_row)


@dataclass(frozen=True)
class _Checked:
    """What the constraints look at in every network of one shape."""

    units: list[str]            # every unit but the inputs
    sigmoid: list[str]          # the units of them with sigmoid activation
    hidden: list[str]
    compared: list[str]         # the quantities compared for ratios: not just another's name


#: What the constraints look at, by the shape of the network: worked out once per shape, as the
#: constraints are checked on thousands of draws of one shape.
_CHECKED: dict[Shape, _Checked] = {}


def _checked(network: Network) -> _Checked:
    shape = Shape.of(network)
    if shape not in _CHECKED:
        layers = names.unit_names(network.sizes)[1:]
        units = [u for layer in layers for u in layer]
        sigmoid = [u for layer, units_of in zip(network.layers, layers, strict=True)
                   for u in units_of if layer.activation == "sigmoid"]
        steps = definitions(network)
        named = set(given_values(network)) | {step.name for step in steps}
        # dE_db_h1 = delta_h1 is one number written twice: no slip to tell apart.
        compared = [step.name for step in steps if step.formula not in named]
        _CHECKED[shape] = _Checked(units, sigmoid, [u for u in units if u.startswith("h")],
                                   compared)
    return _CHECKED[shape]


def _case_problems(sheet: Worksheet, inactive_relu: str) -> list[str]:
    network, values = sheet.network, sheet.values
    checked = _checked(network)
    found = [f"|net_{u}| < {NET_MARGIN}" for u in checked.units
             if abs(values[f"net_{u}"]) < NET_MARGIN]
    low, high = SIGMOID_BAND
    found += [f"out_{u} saturated" for u in checked.sigmoid
              if not low <= values[f"out_{u}"] <= high]
    if checked.hidden and network.hidden_activation == "relu" and inactive_relu != "any":
        inactive = sum(values[f"net_{u}"] <= 0 for u in checked.hidden)
        wanted = 1 if inactive_relu == "one" else 0
        if inactive != wanted:
            found.append(f"{inactive} inactive relu units, not {wanted}")
    found += [f"|delta_{u}| below {MIN_DELTA}" for u in checked.units
              if 0 < abs(values[f"delta_{u}"]) < MIN_DELTA]
    if found:
        return found
    found += _ratio_problems("quantities", {name: values[name] for name in checked.compared
                                            if values[name] != 0})
    after = solve(network.with_parameters({name[:-4]: v for name, v in values.items()
                                           if name.endswith("_new")}))
    if not after["E"] < values["E"]:
        found.append("E does not fall after the update")
    return found


def _ratio_problems(kind: str, values: dict) -> list[str]:
    """Pairs of ``values`` in a ratio of RATIOS, found among neighbours in log size."""
    ordered = sorted(values.items(), key=lambda item: abs(item[1]))
    sizes = [abs(value) for _, value in ordered]
    found = []
    for k, (a, x) in enumerate(ordered):
        # |y| >= |x|: y/x = 1/2 shows as x/y = 2 (x, y swapped), and no ratio is near past
        # |y| = 2.01 |x|. A ratio of size < 1 cannot hold within RATIO_TOLERANCE.
        end = bisect.bisect_right(sizes, 2.01 * sizes[k], k + 1)
        multiples = [r * x for r in RATIOS if abs(r) >= 1]   # once per x: this runs every draw
        for b, y in ordered[k + 1:end]:
            tolerance = RATIO_TOLERANCE * abs(y)
            for multiple in multiples:
                if abs(y - multiple) <= tolerance:
                    found.append(f"{kind} {a} and {b} are in a simple ratio")
                    break
    return found


# ---------------------------------------------------------------- IDs

def variant_id(seed: int, index: int, template: Network | None = None,
               settings: Settings = Settings()) -> str:
    """The ID of variant ``index`` of ``seed``: seed in base 32, the index, a check character.

    >>> variant_id(7, 3)
    '007-03R'
    """
    template = template or load_network(DEFAULT_NETWORK)
    stem = f"{_base32(seed):0>3}-{index:02d}"
    shape = (template.sizes, template.loss, template.learning_rate, settings,
             [(layer.activation, layer.biases is None, layer.train_biases)
              for layer in template.layers])
    digest = hashlib.sha256(f"{stem} {shape}".encode()).digest()
    return stem + _CHECK[digest[0] % len(_CHECK)]


def parse_variant_id(variant: str, source: str = "variant") -> tuple[int, int]:
    """(seed, index) of an ID such as ``007-03R``; VariantError if it is not one."""
    match = _ID.fullmatch(variant.strip().upper()) if len(variant) <= 40 else None
    if match is None:
        raise VariantError(source, variant, "is not a variant ID (like 007-03R: seed, "
                           "number, check character)")
    seed = 0
    for c in match[1]:
        seed = 32 * seed + _ALPHABET.index(c)
    return seed, int(match[2])


def _base32(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 32)
        digits = _ALPHABET[digit] + digits
        if number == 0:
            return digits
