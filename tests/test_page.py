"""The practice page: written whole, works from file:// in Chromium, marks as `check` does.

The browser tests drive Debian's Chromium with Playwright. The marking test
types ≥ 500 generated answer sets (right, each slip, rounded, truncated,
junk) into the page's own marker and requires the very verdicts, rules,
follow-through and hints that `check` (teaching/marking.py) gives.
"""

import json
import math
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.core.worksheet import evaluate, given_values, solve, steps
from backprop_tutor.output.page import write_page
from backprop_tutor.teaching.marking import check_answers, exact_values, lines, written
from backprop_tutor.teaching.slips import SLIPS

ARTIFACTS = Path(__file__).parent / "artifacts"
NETWORKS = {"tutorial": DEFAULT_NETWORK, "mazur": EXAMPLES / "mazur.toml",
            "deep": EXAMPLES / "deep.toml", "two_outputs_mse": EXAMPLES / "two_outputs_mse.toml",
            "no_biases": EXAMPLES / "no_biases.toml"}


def chromium() -> str:
    """Debian's Chromium, installed on first use (Playwright cannot download browsers here)."""
    if shutil.which("chromium") is None and shutil.which("apt-get") and os.geteuid() == 0:
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            subprocess.run(command, check=True, capture_output=True)
    path = shutil.which("chromium")
    assert path, "the page's tests need Chromium: apt-get install -y chromium"
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(),
                                             headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def tutorial_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    write_page({"tutorial": load_network(DEFAULT_NETWORK)}, folder)
    return folder / "index.html"


@pytest.fixture
def opened(browser, tutorial_page):
    """The tutorial page opened from file:// at phone width, with its console and requests."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems, requests = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(tutorial_page.as_uri())
    yield page, problems, requests
    page.close()


def test_page_command_writes_a_folder_whole(run, tmp_path):
    out = tmp_path / "page"
    status, text, err = run("page", "--out", str(out))
    assert (status, err) == (0, "") and "index.html" in text
    assert sorted(p.name for p in out.iterdir()) == [".backprop-tutor", "formulas.js", "index.html",
                                                     "marking.js", "page.css", "page.js"]
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    status, _, err = run("page", "--out", str(out))
    assert status == 2 and "is not empty (use --force" in err
    assert run("page", "--out", str(out), "--force")[0] == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first       # byte-identical
    assert [p.name for p in tmp_path.iterdir()] == ["page"]               # no debris


def test_the_page_data_is_the_worksheet(tutorial_page):
    html = tutorial_page.read_text()
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html
    data = json.loads(re.search(r'<script id="page-data" type="application/json">(.*?)</script>',
                                html, re.S)[1])
    network = load_network(DEFAULT_NETWORK)
    case = data["networks"]["tutorial"]["cases"]["tanh"]
    tanh_steps = steps(network.with_options(hidden_activation="tanh"))
    assert [(line["name"], line["formula"]) for line in case["lines"]] == [
        (step.name, step.formula) for step in tanh_steps]
    assert data["networks"]["tutorial"]["activations"] == ["sigmoid", "tanh", "relu"]
    [out_h1] = [line for line in case["lines"] if line["name"] == "out_h1"]
    assert out_h1["value"] == pytest.approx(0.571669966085117225, rel=1e-14)   # tanh(0.65), mpmath


def test_loads_from_file_with_no_error_and_no_network(opened):
    page, problems, requests = opened
    page.wait_for_selector("#answer-b_o1_new")
    assert problems == []
    assert requests and all(url.startswith("file://") for url in requests)
    assert page.inner_text("#summary") == "No answers yet."
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390                                   # nothing wider than the phone


def test_screenshot_at_phone_width(opened):
    """Kept in tests/artifacts/ (ignored by git): the page with answers typed, at 390 px."""
    page, problems, _ = opened
    page.fill("#answer-net_h1", "0.65")
    page.fill("#answer-out_h1", "0.66")                 # 2 figures: too imprecise
    page.fill("#answer-out_o1", "0.604057")
    page.fill("#answer-delta_o1", "0.07078")            # the sign slip
    page.click("#show-delta_o1")
    page.click("#show-delta_o1")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-phone.png"), full_page=True)
    print(f"screenshot: {ARTIFACTS / 'page-phone.png'}")
    assert problems == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_typing_a_known_slip_shows_its_hint(opened):
    page, problems, _ = opened
    page.fill("#answer-delta_o1", "0.0707814")        # by hand: (t − out)·out·(1 − out), sign slip
    assert page.inner_text("#verdict-delta_o1") == "✗ wrong"
    assert "hint: the sign of (out − t) flipped" in page.inner_text("#detail-delta_o1")
    page.fill("#answer-delta_o1", "-0.0708")          # 3 significant figures: right
    assert page.inner_text("#verdict-delta_o1") == "✓ right: rounded"
    page.fill("#answer-delta_o1", "-0.07")
    assert page.inner_text("#verdict-delta_o1") == (
        "~ too imprecise: at least 3 significant figures needed")
    page.fill("#answer-delta_o1", "")
    page.select_option("#activation", "relu")          # by hand: w6·δ_o1·1 = 0.027209
    page.fill("#answer-delta_h2", "0.027209")
    assert "hint: either f′(net_h2) missing at the hidden unit, or relu′(net_h2)" in \
        page.inner_text("#detail-delta_h2")
    assert problems == []


def test_reveals_formula_then_numbers_then_value(opened):
    page, _, _ = opened
    page.focus("#show-net_h1")
    for _ in range(3):
        page.keyboard.press("Enter")
    assert page.inner_text("#reveal-net_h1").split("\n") == [
        "net_h1 = w1 · i1 + w2 · i2 + b_h1", "= 0.3 · 0.5 + 0.4 · 1 + 0.1", "= 0.65"]
    assert page.inner_text("#show-net_h1") == "Hide"


def test_keyboard_alone_reaches_every_box(opened):
    page, _, _ = opened
    boxes = page.eval_on_selector_all("input.answer", "nodes => nodes.map(n => n.id)")
    assert len(boxes) == 29                            # every quantity of the 2-2-1 step
    reached = []
    for _ in range(3 * len(boxes) + 10):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id"))
    assert set(boxes) <= set(reached)
    assert "activation" in reached
    # Enter in a box moves on to the next box, in worksheet order.
    page.focus("#answer-net_h1")
    page.keyboard.type("0.65")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "answer-out_h1"
    assert page.inner_text("#verdict-net_h1") == "✓ right: exact"


def test_every_example_and_a_network_without_hidden_units(browser, tmp_path, network_file):
    networks = {key: load_network(path) for key, path in NETWORKS.items()}
    networks["perceptron"] = load_network(network_file("""
        learning_rate = 0.1
        inputs = [1.0, -2.0]
        targets = [0.5]
        [[layers]]
        activation = "sigmoid"
        weights = [[0.2, 0.3]]
        """))
    write_page(networks, tmp_path)
    page = browser.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto((tmp_path / "index.html").as_uri())
    for key, network in networks.items():
        page.fill("#variant", key)
        page.press("#variant", "Enter")
        assert page.locator("input.answer").count() == len(steps(network)), key
        assert (page.locator("#activation").count() == 1) == (network.hidden_activation is not None)
    assert problems == []
    page.close()


def test_one_page_holds_many_networks_chosen_by_id(browser, tmp_path):
    write_page({"A1": load_network(DEFAULT_NETWORK), "B2": load_network(EXAMPLES / "mazur.toml")},
               tmp_path)
    page = browser.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    assert page.inner_text("h1") == "Tutorial network (2-2-1)"
    page.fill("#variant", "B2")
    page.press("#variant", "Enter")
    assert "Mazur" in page.inner_text("h1")
    assert page.locator("#answer-w8_new").count() == 1        # a 2-2-2 network
    page.fill("#variant", "C3")
    page.press("#variant", "Enter")
    assert page.inner_text("#variant-message") == "No variant “C3” on this page."
    page.close()


# ---- the page marks as check does ---------------------------------------------------------

JUNK = ["", "abc", "1.2.3", "0,5", "NaN", "Infinity", "1e999", "1e-400", "+.5", " 0.65 ", "-0",
        "0", "1e300", "−0.0708", "0x10", "1_000", ".", "-", "5e", "١٢"]


def _text(value: float, figures: int) -> str:
    return f"{value:.{figures}g}"


def _truncated(value: float, figures: int) -> str:
    if value == 0 or not math.isfinite(value):
        return _text(value, figures)
    exponent = math.floor(math.log10(abs(value))) - figures + 1
    digits = math.trunc(value / 10.0 ** exponent)
    return f"{digits}e{exponent}"


def answer_sets(cases, rng, count):
    """``count`` answer sets: (network ID, activation, {name: text}, sig figs, sheet decimals)."""
    kinds = ["right", "slip", "rounded", "truncated", "junk", "mixed", "as you go"]
    for n in range(count):
        key, activation, network = cases[n % len(cases)]
        marked = lines(network)
        given = given_values(network)
        exact = exact_values(marked, given)
        names = [line.name for line in marked]
        chosen = rng.sample(names, rng.randint(1, min(len(names), 12)))
        kind = kinds[n % len(kinds)]
        answers = {}
        decimals = rng.choice([None, None, 3, 4]) if kind != "as you go" else rng.choice([3, 4])
        as_you_go = solve(network, round_to=decimals or 4)
        for name in chosen:
            value = exact[name]
            if kind == "right":
                answers[name] = _text(value, rng.randint(3, 9))
            elif kind == "rounded":
                answers[name] = _text(value, rng.randint(1, 3))
            elif kind == "truncated":
                answers[name] = _truncated(value, rng.randint(3, 7))
            elif kind == "junk":
                answers[name] = rng.choice(JUNK)
            elif kind == "as you go":   # as a class kit sheet asks: round as you go
                answers[name] = f"{as_you_go[name] + 0.0:.{decimals}f}"
            else:
                answers[name] = rng.choice([_text(value, 6), _text(-value, 4), _text(value * 2, 5),
                                            rng.choice(JUNK), _text(value, 2)])
        if kind == "slip":     # one slipped line, worked from the exact earlier values
            slipped = [line for line in marked if line.slips]
            line = rng.choice(slipped)
            slip = rng.choice(line.slips)
            values = {**given, **exact}
            if slip.round_to is not None:
                values.update({d: round(values[d], slip.round_to) for d in line.depends
                               if d in exact})
            answers = {line.name: _text(float(evaluate(slip.formula, values)), rng.randint(4, 7))}
        yield key, activation, answers, rng.choice([3, 3, 3, 2, 4]), decimals


def test_page_marks_like_check_on_700_answer_sets(browser, tmp_path):
    networks = {key: load_network(path) for key, path in NETWORKS.items()}
    write_page(networks, tmp_path)
    cases = [(key, activation, net.with_options(hidden_activation=activation))
             for key, net in networks.items() for activation in ("sigmoid", "tanh", "relu")]
    sets = list(answer_sets(cases, random.Random(20260611), 700))
    page = browser.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    in_browser = page.evaluate("""sets => {
        const data = JSON.parse(document.getElementById("page-data").textContent);
        return sets.map(([key, activation, answers, sigFigs, decimals]) => {
            const c = data.networks[key].cases[activation];
            const exact = Object.fromEntries(c.lines.map(l => [l.name, l.value]));
            return BackpropMarking.markLines(c.lines, c.given, exact, answers, sigFigs, decimals);
        });
    }""", [list(s) for s in sets])
    page.close()
    seen_rules, seen_slips, seen_verdicts = set(), set(), set()
    for (key, activation, answers, sig_figs, decimals), js_marks in zip(sets, in_browser):
        network = networks[key].with_options(hidden_activation=activation)
        py_marks = check_answers(network, answers, sig_figs=sig_figs, decimals=decimals)
        assert len(py_marks) == len(js_marks), (key, activation, answers)
        for py, js in zip(py_marks, js_marks):
            where = (key, activation, answers, py.name)
            assert (py.name, py.verdict, py.rule, py.hint, py.follows_from, py.slips) == (
                js["name"], js["verdict"], js["rule"], js["hint"], js["follows_from"],
                js["slips"]), where
            if math.isfinite(py.expected):
                assert js["expected"] == pytest.approx(py.expected, rel=1e-12, abs=1e-300), where
            seen_rules.add(py.rule)
            seen_verdicts.add(py.verdict)
            seen_slips.update(py.slips)
    # The sets reach every verdict, every rule and most slips: the comparison is not vacuous.
    assert seen_verdicts == {"right", "wrong", "imprecise"}
    assert seen_rules >= {"exact", "rounded", "truncated", "too imprecise", "old value", "zero",
                          "not close", "not a number", "rounded as you go"}
    assert len(seen_slips) >= 12, sorted(set(SLIPS) - seen_slips)


def test_junk_is_not_a_number():
    assert [written(text) is None for text in ("NaN", "0x10", "1_000", "١٢", "5e")] == [True] * 5
