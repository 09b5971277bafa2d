"""Every reference number the tests state agrees with the mpmath script, to the digits stated.

tests/reference/reference_values.py works the shipped networks with mpmath at
50 digits, independently of the package. Here it is run as a user runs it, and
every decimal number with 6 or more significant digits written anywhere in
tests/ (in code, strings, comments) must be one of its values (up to sign)
rounded to the decimals written, or be listed in ELSEWHERE with where it comes
from. So a mistyped digit in a stated value fails here, and so does a new
stated number nobody can trace.
"""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
SCRIPT = HERE / "reference_values.py"

#: Stated numbers that do not come from the script, with their source.
ELSEWHERE = {
    "0.8807970779778823": "1/(1 + e^-2), by hand with math.exp (test_activation_cost.py)",
    "0.2689414213699951": "1/(1 + e^1), by hand with math.exp (test_activation_cost.py)",
    "0.0000351085": "Mazur's published error after 10,000 updates (test_numpy_network.py)",
    "0.302884": "w1_new worked from a student's wrong delta_h1, by hand (test_notebooks.py)",
    "0.225348": "σ′(net_h1) = out_h1·(1 − out_h1) = 0.657010·0.342990, by hand (test_notebooks.py)",
    "0.249376": "σ′(net_h2) = out_h2·(1 − out_h2) = 0.475021·0.524979, by hand (test_notebooks.py)",
    "0.00215229": "0.65·(1 − 0.65) − σ′(net_h1) = 0.2275 − 0.225348, a slip's offset, by hand",
    "0.0722036": "delta_o1 with σ′ taken from net: (0.604057 − 0.9)·0.422397·(1 − 0.422397), "
                 "by hand (test_notebooks.py)",
    "595.276": "A4's width in points, 210 mm · 72/25.4, as pdfinfo prints it (test_classkit.py)",
}

NUMBER = re.compile(r"(?<![\w.])\d*\.\d+(?:[eE]-?\d+)?")


@pytest.fixture(scope="module")
def reference() -> dict[str, dict[str, Decimal]]:
    """The script's output: {case: {quantity: value}}."""
    run = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                         check=True, timeout=120)
    cases, case = {}, None
    for line in run.stdout.splitlines():
        if line.startswith("["):
            case = cases.setdefault(line.strip("[]"), {})
        elif line.strip():
            name, value = line.split()
            case[name] = Decimal(value)
    return cases


def stated_numbers() -> list[tuple[str, int, str]]:
    """(file, line, text) of every decimal with 6 or more significant digits in tests/.

    This folder is left out: its own numbers are the reference, or examples of the check.
    """
    found = []
    for path in sorted(set(TESTS.rglob("*.py")) - set(HERE.rglob("*.py"))):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in NUMBER.finditer(line):
                digits = Decimal(match.group()).normalize().as_tuple().digits
                if len(digits) >= 6:
                    found.append((str(path.relative_to(TESTS)), number, match.group()))
    return found


def agrees(stated: str, value: Decimal) -> bool:
    """``value`` rounded to the decimals written in ``stated`` is ``stated`` (up to sign)."""
    written = Decimal(stated)
    with localcontext(prec=60):   # the script prints 30 digits; the default 28 cannot hold them
        return abs(value).quantize(Decimal(1).scaleb(written.as_tuple().exponent),
                                   rounding=ROUND_HALF_EVEN) == written


def test_the_script_works_the_tutorial_network_as_the_readme_says(reference):
    # By hand: net_h1 = 0.3·0.5 + 0.4·1 + 0.1 = 0.65, net_h2 = -0.6·0.5 + 0.1·1 + 0.1 = -0.1;
    # with ReLU h2 is inactive: out_h2 = 0, delta_h2 = 0, w3 keeps its value -0.6.
    relu = reference["tutorial.toml hidden=relu loss=half_sse"]
    assert relu["net_h1"] == Decimal("0.65") and relu["net_h2"] == Decimal("-0.1")
    assert relu["out_h2"] == 0 and relu["delta_h2"] == 0 and relu["w3_new"] == Decimal("-0.6")
    # Keras' mse with one output: E and every gradient twice the tutorial's.
    half, mse = (reference[f"tutorial.toml hidden=sigmoid loss={loss}"] for loss in ("half_sse", "mse"))
    for name in ("E", "delta_o1", "dE_dw1", "dE_db_o1"):
        assert abs(mse[name] - 2 * half[name]) < Decimal("1e-28"), name
    # Mazur's published numbers, to the digits of his post.
    mazur = reference["mazur.toml"]
    for name, published in {"E": "0.298371109", "w5_new": "0.35891648", "w1_new": "0.149780716"}.items():
        assert agrees(published, mazur[name]), name


def test_every_stated_reference_number_agrees_with_the_script(reference):
    values = [value for case in reference.values() for value in case.values()]
    untraced = [f"{file}:{line}: {text}" for file, line, text in stated_numbers()
                if text not in ELSEWHERE and not any(agrees(text, v) for v in values)]
    assert not untraced, (
        "stated numbers that are no value of tests/reference/reference_values.py to the digits "
        "written (a wrong digit? else add the case to the script, or the number to ELSEWHERE "
        "with its source):\n" + "\n".join(untraced))


def test_the_scan_sees_the_stated_numbers():
    """The scan finds the mpmath values of test_worksheet.py, so it is not vacuous."""
    texts = {text for _, _, text in stated_numbers()}
    assert {"0.0707814204954064", "0.657010462673499", "0.309523082327515"} <= texts
    assert not agrees("0.0707814204954063", Decimal("-0.0707814204954064124876952403806"))


def test_every_listed_exception_is_still_stated():
    texts = {text for _, _, text in stated_numbers()}
    assert set(ELSEWHERE) <= texts, set(ELSEWHERE) - texts
