"""The practice page: written whole, works from file:// in Chromium, marks as `check` does.

The browser tests drive Debian's Chromium with Playwright. The marking test
types ≥ 500 generated answer sets (right, each slip, rounded, truncated,
junk) into the page's own marker and requires the very verdicts, rules,
follow-through and hints that `check` (teaching/marking.py) gives.
"""

import json
import math
import random
import re
from decimal import Decimal
from pathlib import Path

import mpmath
import pytest

from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network
from backprop_tutor.core.worksheet import definitions, evaluate, given_values
from backprop_tutor.output.page import write_page
from backprop_tutor.teaching.marking import check_answers, exact_values, marking_lines, slip_sentence
from backprop_tutor.teaching.precision import written
from backprop_tutor.teaching.rounding import Rounding, exact_value, round_half_away
from backprop_tutor.teaching.slips import SLIPS
from backprop_tutor.teaching.variants import generate_variants

ARTIFACTS = Path(__file__).parent / "artifacts"
NETWORKS = {"tutorial": DEFAULT_NETWORK, "mazur": EXAMPLES / "mazur.toml",
            "deep": EXAMPLES / "deep.toml", "two_outputs_mse": EXAMPLES / "two_outputs_mse.toml",
            "no_biases": EXAMPLES / "no_biases.toml"}


@pytest.fixture(scope="module")
def tutorial_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    write_page({"tutorial": load_network(DEFAULT_NETWORK)}, folder)
    return folder / "index.html"


@pytest.fixture
def opened(browser, tutorial_page, watch):
    """The tutorial page opened from file:// at phone width, with its console and requests."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems, requests = watch(page)
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
    tanh_steps = definitions(network.with_options(hidden_activation="tanh"))
    assert [(line["name"], line["formula"]) for line in case["lines"]] == [
        (step.name, step.formula) for step in tanh_steps]
    assert data["networks"]["tutorial"]["activations"] == ["sigmoid", "tanh", "relu"]
    [out_h1] = [line for line in case["lines"] if line["name"] == "out_h1"]
    assert out_h1["shown"] == "0.57167"                     # tanh(0.65) = 0.5716699660851172, mpmath
    assert out_h1["numbers"] == "tanh(0.65)"


def test_the_browser_works_the_exact_values_from_the_formulas(opened):
    page, problems, _ = opened
    exact = page.evaluate("""() => {
        const data = JSON.parse(document.getElementById("page-data").textContent);
        const c = data.networks.tutorial.cases.tanh, values = Object.assign({}, c.given);
        c.lines.forEach(l => { values[l.name] = BackpropMarking.valueOf(l.formula, values); });
        return values;
    }""")
    assert exact["out_h1"] == pytest.approx(0.571669966085117225, rel=1e-14)   # tanh(0.65), mpmath
    assert problems == []


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
    page.fill("#answer-delta_o1", "-0.0708")          # 4 decimals: right
    assert page.inner_text("#verdict-delta_o1") == "✓ right: rounded"
    page.fill("#answer-delta_o1", "-0.07")
    assert page.inner_text("#verdict-delta_o1") == "~ too imprecise: 4 decimals needed"
    page.fill("#answer-delta_o1", "-0,0708")          # a decimal comma: read, with a note
    assert page.inner_text("#verdict-delta_o1") == "✓ right: rounded"
    assert page.inner_text("#detail-delta_o1") == (
        "read as -0.0708: write a decimal point, not a comma")
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
        assert page.locator("input.answer").count() == len(definitions(network)), key
        assert (page.locator("#activation").count() == 1) == (network.hidden_activation is not None)
    assert problems == []
    page.close()


def test_one_page_holds_many_networks_chosen_by_id(browser, tmp_path):
    write_page({"A1": load_network(DEFAULT_NETWORK), "B2": load_network(EXAMPLES / "mazur.toml")},
               tmp_path)
    page = browser.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    assert page.inner_text("h1") == "Tutorial network (2-2-1)"
    page.fill("#variant", " b2")                              # IDs in any case
    page.press("#variant", "Enter")
    assert "Mazur" in page.inner_text("h1")
    assert page.locator("#answer-w8_new").count() == 1        # a 2-2-2 network
    page.fill("#variant", "C3")
    page.press("#variant", "Enter")
    assert page.inner_text("#announce") == "No variant “C3” on this page."
    page.close()


# ---- the page marks as check does ---------------------------------------------------------

JUNK = ["", "abc", "1.2.3", "0,5", "0,475", "1,2,3", "-0,0708", "NaN", "Infinity", "1e999", "1e-400", "+.5",
        " 0.65 ", "-0", "0", "1e300", "−0.0708", "0x10", "1_000", ".", "-", "5e", "١٢"]


def _text(value: float, figures: int) -> str:
    return f"{value:.{figures}g}"


def _truncated(value: float, figures: int) -> str:
    if value == 0 or not math.isfinite(value):
        return _text(value, figures)
    exponent = math.floor(math.log10(abs(value))) - figures + 1
    digits = math.trunc(value / 10.0 ** exponent)
    return f"{digits}e{exponent}"


def _hand_work(network, decimals: int):
    """Each line worked by hand at ``decimals``: its rounded value and whether it was a tie."""
    rule, values, found = Rounding("decimals", decimals), dict(given_values(network)), {}
    values = {k: Decimal(repr(v)) for k, v in values.items()}
    for step in definitions(network):
        worked = exact_value(step.formula, values)
        values[step.name] = rule.round(worked)
        found[step.name] = (values[step.name], abs(worked.scaleb(decimals)) % 1 == Decimal("0.5"))
    return found


def answer_sets(cases, rng, count):
    """``count`` answer sets: (network ID, activation, {name: text}, sig figs, sheet decimals)."""
    kinds = ["right", "slip", "rounded", "truncated", "junk", "mixed", "as you go", "tie"]
    for n in range(count):
        key, activation, network = cases[n % len(cases)]
        marked = marking_lines(network)
        given = given_values(network)
        exact = exact_values(marked, given)
        names = [line.name for line in marked]
        chosen = rng.sample(names, rng.randint(1, min(len(names), 12)))
        kind = kinds[n % len(kinds)]
        answers = {}
        decimals = rng.choice([None, None, 3, 4]) if kind not in ("as you go", "tie") \
            else rng.choice([3, 4])
        by_hand = _hand_work(network, decimals or 4)
        if kind == "tie":      # the lines that land on a tie, rounded either way, and a few more
            chosen = [name for name in names if by_hand[name][1]] + chosen[:3]
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
            elif kind in ("as you go", "tie"):   # as a class kit sheet asks: round as you go
                hand, tie = by_hand[name]
                if tie and rng.random() < 0.5:   # the tie rounded toward zero: not the rule
                    hand -= Decimal(1).scaleb(-(decimals or 4)).copy_sign(hand)
                answers[name] = f"{hand:.{decimals or 4}f}"
            else:
                answers[name] = rng.choice([_text(value, 6), _text(-value, 4), _text(value * 2, 5),
                                            rng.choice(JUNK), _text(value, 2)])
        if kind == "slip":     # one slipped line, worked from the exact earlier values
            slipped = [line for line in marked if line.slips]
            line = rng.choice(slipped)
            slip = rng.choice(line.slips)
            values = {**given, **exact}
            if slip.round_to is not None:
                values.update({d: float(round_half_away(Decimal(repr(values[d])), -slip.round_to))
                               for d in line.depends if d in exact})
            answers = {line.name: _text(float(evaluate(slip.formula, values)), rng.randint(2, 7))}
        yield key, activation, answers, rng.choice([3, 3, 3, 2, 4]), decimals


def test_page_marks_like_check_on_800_answer_sets(browser, tmp_path):
    networks = {key: load_network(path) for key, path in NETWORKS.items()}
    # Variants of a class kit: their updates w − 0.5·g often land on a tie.
    networks.update({v.id: v.network for v in generate_variants(n=4, seed=2026)})
    write_page(networks, tmp_path)
    cases = [(key, activation, net.with_options(hidden_activation=activation))
             for key, net in networks.items() for activation in ("sigmoid", "tanh", "relu")]
    sets = list(answer_sets(cases, random.Random(20260611), 800))
    page = browser.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    in_browser = page.evaluate("""sets => {
        const data = JSON.parse(document.getElementById("page-data").textContent);
        return sets.map(([key, activation, answers, sigFigs, decimals]) => {
            const c = data.networks[key].cases[activation], values = Object.assign({}, c.given);
            c.lines.forEach(l => { values[l.name] = BackpropMarking.valueOf(l.formula, values); });
            const exact = Object.fromEntries(c.lines.map(l => [l.name, values[l.name]]));
            return BackpropMarking.markLines(c.lines, c.given, exact, answers, sigFigs, decimals);
        });
    }""", [list(s) for s in sets])
    page.close()
    seen_rules, seen_slips, seen_verdicts, ties = set(), set(), set(), 0
    for (key, activation, answers, sig_figs, decimals), js_marks in zip(sets, in_browser, strict=True):
        network = networks[key].with_options(hidden_activation=activation)
        py_marks = check_answers(network, answers, decimals=decimals,
                                 sig_figs=sig_figs if decimals is None else None)
        assert len(py_marks) == len(js_marks), (key, activation, answers)
        for py, js in zip(py_marks, js_marks, strict=True):
            where = (key, activation, answers, py.name)
            assert (py.name, py.verdict, py.rule, py.hint, py.follows_from, py.slips, py.note) == (
                js["name"], js["verdict"], js["rule"], js["hint"], js["follows_from"],
                js["slips"], js["note"]), where
            if math.isfinite(py.expected):
                assert js["expected"] == pytest.approx(py.expected, rel=1e-12, abs=1e-300), where
            seen_rules.add(py.rule)
            seen_verdicts.add(py.verdict)
            seen_slips.update(py.slips)
        if decimals:
            hand = _hand_work(network, decimals)
            ties += sum(hand[name][1] for name in answers)
    # The sets reach every verdict, every rule, most slips and many ties: not vacuous.
    assert seen_verdicts == {"right", "wrong", "imprecise"}
    assert seen_rules >= {"exact", "rounded", "truncated", "too imprecise", "old value", "zero",
                          "not close", "not a number", "rounded as you go"}
    assert len(seen_slips) >= 12, sorted(set(SLIPS) - seen_slips)
    assert ties >= 50


def test_the_page_rounds_ties_on_the_decimal_and_works_sigma_and_tanh_to_120_digits(
        browser, tutorial_page):
    page = browser.new_page()
    page.goto(tutorial_page.as_uri())
    rounded = page.evaluate("""() => [["0.00765", -4], ["-0.80975", -4], ["0.30765", -4],
        ["0.0076499", -4], ["2.5", 0], ["-2.5", 0], ["0.125", -2]].map(
        ([x, e]) => BackpropMarking.roundDecimal(x, e))""")
    assert rounded == ["77e-4", "-8098e-4", "3077e-4", "76e-4", "3e0", "-3e0", "13e-2"]
    text = page.evaluate("""xs => xs.map(x => {
        const d = BackpropMarking.decimalOf(x);
        const s = BackpropMarking.functions.sigmoid(d), t = BackpropMarking.functions.tanh(d);
        return [s.m.toString() + "e" + s.e, t.m.toString() + "e" + t.e];
    })""", ["0.65", "-0.1", "3.2", "-17.5", "1e-9"])
    sentences = page.evaluate("""pairs => pairs.map(([explains, wrong]) =>
        BackpropMarking.slipSentence({description: "X", explains: explains, wrong: wrong}))""",
                              [[1, 6], [3, 6], [4, 6], [2, 2], [1, 1]])
    page.close()
    with mpmath.workdps(130):
        for x, (s, t) in zip(["0.65", "-0.1", "3.2", "-17.5", "1e-9"], text, strict=True):
            assert abs(mpmath.mpf(s) - 1 / (1 + mpmath.exp(-mpmath.mpf(x)))) < mpmath.mpf("1e-110")
            assert abs(mpmath.mpf(t) - mpmath.tanh(mpmath.mpf(x))) < mpmath.mpf("1e-110")
    assert sentences == [slip_sentence({"description": "X", "explains": e, "wrong": w})
                         for e, w in [[1, 6], [3, 6], [4, 6], [2, 2], [1, 1]]]


def test_junk_is_not_a_number():
    assert [written(text) is None for text in ("NaN", "0x10", "1_000", "١٢", "5e", "1,2,3")] == [True] * 6


# ---- text from a file is data: no script runs, whatever the title -------------------------

PAYLOADS = [
    "{data}<img src=x onerror=alert(1)>",
    "Net <!--<script>",
    "</script><script>window.__pwned = 1</script>",
    "<svg onload=\"window.__pwned = 2\"></svg>{title}",
    "\"'><img src=x onerror=\"window.__pwned = 3\">",
    "{{ 7 * 7 }} {% raw %} \u2028\u2029 & &amp; <!-- -->",
    "<script type=\"module\">window.__pwned = 4</script>",
]


def test_no_payload_in_a_title_or_a_file_name_runs_script(browser, tmp_path, run):
    for n, payload in enumerate(PAYLOADS):
        source = tmp_path / f"net{n}"
        source.mkdir()
        text = DEFAULT_NETWORK.read_text(encoding="utf-8")
        network = source / f"{payload[:20].replace('/', '_')}.toml"      # the ID is the file's stem
        title = f"title = {json.dumps(payload)}"   # a function: re.sub reads no escapes in it
        network.write_text(re.sub(r'(?m)^title = .*$', lambda _: title, text),  # noqa: B023 (at once)
                           encoding="utf-8")
        assert load_network(network).title == payload
        status, _, err = run("page", str(network), "--out", str(tmp_path / f"page{n}"))
        assert (status, err) == (0, "")
        page = browser.new_page()
        dialogs, problems = [], []
        # B023: the handlers belong to this iteration's page, closed before the next one.
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))  # noqa: B023
        page.on("pageerror", lambda error: problems.append(str(error)))  # noqa: B023
        page.goto((tmp_path / f"page{n}" / "index.html").as_uri())
        page.wait_for_selector("#answer-net_h1")
        assert page.evaluate("window.__pwned") is None, payload
        assert dialogs == [] and problems == [], payload
        assert page.locator("img, iframe, script:not([src]):not([type='application/json'])").count() == 0
        # The title is shown as the text it is, and the page still works.
        assert page.eval_on_selector("h1", "n => n.textContent") == payload
        assert page.locator("input.answer").count() == 29
        page.fill("#answer-net_h1", "0.65")
        assert page.inner_text("#verdict-net_h1") == "✓ right: exact"
        page.close()


def test_the_page_allows_only_its_own_script_files(tutorial_page):
    html = tutorial_page.read_text(encoding="utf-8")
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)[1]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'none'"
    # Every <script> is a file of the page or the JSON data; no on...= attribute anywhere.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script id="page-data" type="application/json">', '<script src="formulas.js">',
        '<script src="marking.js">', '<script src="page.js">']
    assert not re.search(r"\son\w+\s*=", html)


def test_json_in_a_script_element_escapes_what_the_html_parser_reads():
    from backprop_tutor.output.page import script_json

    text = script_json({"t": "</script><!--<script>&\u2028\u2029"})
    assert not set(text) & set("<>&\u2028\u2029")
    assert json.loads(text) == {"t": "</script><!--<script>&\u2028\u2029"}


def test_a_page_larger_than_a_phone_holds_is_refused(run, tmp_path, monkeypatch):
    from backprop_tutor.output import page

    status, _, _ = run("page", "--out", str(tmp_path / "small"))
    size = len((tmp_path / "small" / "index.html").read_bytes())
    monkeypatch.setattr(page, "MAX_PAGE_BYTES", size // 2)
    status, out, err = run("page", "--out", str(tmp_path / "big"))
    assert (status, out) == (2, "") and err.count("\n") == 1
    assert "tutorial.toml: the practice page would be 0.0 MB" not in err
    assert re.search(r"tutorial\.toml: the practice page would be [\d.]+ MB, more than the "
                     r"[\d.]+ MB a phone's browser opens", err)
    assert not (tmp_path / "big").exists()
    assert page.MAX_PAGE_BYTES < 10_000_000 <= 5 * 2 ** 21       # 5 MB: what the docs state


# ---- every student can read the givens ------------------------------------------------------

def test_axe_finds_no_violation(opened, axe):
    page, problems, _ = opened
    page.fill("#answer-delta_o1", "0.0707814")           # a wrong answer and its hint shown
    page.click("#show-net_h1")
    assert axe(page) == []
    assert problems == []


def test_the_givens_are_text_and_the_drawing_says_them(opened):
    from playwright.sync_api import expect

    page, _, _ = opened
    tree = page.locator("main").aria_snapshot()
    assert '- table "The given numbers"' in tree
    for row in ('row "inputs i1 = 0.5, i2 = 1"', 'row "targets t1 = 0.9"',
                'row "weights w1 = 0.3, w2 = 0.4, w3 = -0.6, w4 = 0.1, w5 = 0.7, w6 = -0.5"',
                'row "biases b_h1 = 0.1, b_h2 = 0.1, b_o1 = 0.2"', 'row "learning rate η = 0.5"'):
        assert row in tree, row
    drawing = page.get_by_role("img")
    expect(drawing).to_have_accessible_name("The 2-2-1 network with its given numbers")
    expect(drawing).to_have_accessible_description(
        "Inputs i1 = 0.5, i2 = 1. Into h1 (bias b_h1 = 0.1): w1 = 0.3 from i1, w2 = 0.4 from i2. "
        "Into h2 (bias b_h2 = 0.1): w3 = -0.6 from i1, w4 = 0.1 from i2. "
        "Into o1 (bias b_o1 = 0.2): w5 = 0.7 from h1, w6 = -0.5 from h2. Target t1 = 0.9. "
        "Learning rate η = 0.5.")


def test_only_the_verdict_of_the_box_just_left_is_announced(opened):
    page, _, _ = opened
    live = page.eval_on_selector_all("[aria-live], [role=status], [role=alert], [role=log]",
                                     "nodes => nodes.map(n => n.id)")
    assert live == ["announce"]
    page.focus("#answer-net_h1")
    page.keyboard.type("0.6")
    assert page.inner_text("#announce") == ""            # nothing read out while typing
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    assert page.inner_text("#announce") == "net_h1: ✓ right: exact"
    page.focus("#answer-out_h1")
    page.keyboard.type("0.9")
    assert page.inner_text("#announce") == "net_h1: ✓ right: exact"
    page.keyboard.press("Tab")
    assert page.inner_text("#announce") == "out_h1: ✗ wrong"


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_drawings_edges_and_labels_contrast_with_the_background(opened):
    page, _, _ = opened
    background = page.eval_on_selector("figure", "n => getComputedStyle(n).backgroundColor")
    for selector, prop, needed in (("line.edge", "stroke", 3), ("circle.unit", "stroke", 3),
                                   ("text.weight", "fill", 4.5), ("text.value", "fill", 4.5)):
        colour = page.eval_on_selector(selector, f"n => getComputedStyle(n).{prop}")
        ratio = (max(_luminance(colour), _luminance(background)) + 0.05) / (
            min(_luminance(colour), _luminance(background)) + 0.05)
        assert ratio >= needed, (selector, colour, ratio)      # WCAG 1.4.11 and 1.4.3


@pytest.mark.parametrize("standalone", [False, True], ids=["page", "sheet"])
@pytest.mark.parametrize("name", ["tutorial", "mazur", "two_outputs_mse", "no_biases"])
def test_no_two_labels_of_the_drawing_overlap(browser, tmp_path, name, standalone):
    # 2-2-1 and 2-2-2 networks: every text of the drawing, and every weight label's white box,
    # against each other and against the units' circles (a label's box may cover edges only).
    # The same drawing in the page and alone, as the sheets print it (its own style).
    from backprop_tutor.output.drawing import network_svg

    network = load_network(NETWORKS[name])
    if standalone:
        (tmp_path / "drawing.svg").write_text(network_svg(network, standalone=True))
    else:
        write_page({name: network}, tmp_path)
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    page.goto((tmp_path / ("drawing.svg" if standalone else "index.html")).as_uri())
    boxes = page.eval_on_selector_all("svg text, svg rect.halo, svg circle", """nodes => nodes.map(n => {
        const b = n.getBBox();
        return [n.tagName, n.textContent, b.x, b.y, b.x + b.width, b.y + b.height]; })""")
    page.close()
    labels = [b for b in boxes if b[0] != "circle" and not (b[0] == "text" and b[1][:1] in "iho"
                                                            and "=" not in b[1])]
    halos = {(round(b[2]), round(b[3])) for b in boxes if b[0] == "rect"}
    assert len(halos) == len([b for b in boxes if b[0] == "text" and b[1].startswith("w")])

    def meet(a, b):
        return a[2] < b[4] and b[2] < a[4] and a[3] < b[5] and b[3] < a[5]

    clashes = [(a[1], b[1]) for k, a in enumerate(labels) for b in labels[k + 1:] if meet(a, b)
               and not (a[0] != b[0] and _inside(a, b))]
    clashes += [(a[1], "a unit") for a in labels for c in boxes if c[0] == "circle" and meet(a, c)]
    assert clashes == []


def _inside(a, b) -> bool:
    # A weight's text inside its own white box is no clash.
    inner, outer = (a, b) if a[0] == "text" else (b, a)
    return outer[2] <= inner[2] and inner[4] <= outer[4] and outer[3] <= inner[3] + 1 \
        and inner[5] <= outer[5] + 1


# ---- the class kit's pages: one variant each, marking only unless --reveal -------------------

@pytest.fixture(scope="module")
def kit_pages(tmp_path_factory):
    from backprop_tutor.output.classkit import build_class_kit
    from backprop_tutor.teaching.variants import generate_variants

    folder = tmp_path_factory.mktemp("kits")
    variants = generate_variants(n=2, seed=11)
    build_class_kit(variants, folder / "plain", ask="delta_o1")
    build_class_kit(variants, folder / "reveal", ask="delta_o1", reveal=True)
    return folder, variants


def test_a_kit_page_marks_and_shows_nothing_the_student_has_not_typed(browser, kit_pages, axe):
    folder, variants = kit_pages
    variant = variants[1]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto((folder / "plain" / "page" / "index.html").as_uri())
    page.fill("#variant", f"  {variant.id.lower()} ")            # as a student types it
    page.press("#variant", "Enter")
    page.wait_for_selector("#answer-net_h1")
    assert page.url.endswith(f"/page/{variant.id}.html")
    assert page.locator("button").count() == 0                 # no Show buttons
    assert "This page shows no value you have not typed." in page.inner_text("main")
    network = variant.network
    (i1, i2), ((w1, w2), _) = network.inputs, network.layers[0].weights
    net_h1 = w1 * i1 + w2 * i2 + network.layers[0].biases[0]     # by hand
    page.fill("#answer-net_h1", f"{net_h1 + 0.3:.4f}")
    assert page.inner_text("#verdict-net_h1") == "✗ wrong"
    assert page.inner_text("#detail-net_h1") == ""              # no "but ... = value"
    page.fill("#answer-net_h1", f"{net_h1:.4f}")
    assert page.inner_text("#verdict-net_h1").startswith("✓ right")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "kit-page-phone.png"), full_page=True)
    assert axe(page) == [] and problems == []
    page.goto((folder / "plain" / "page" / "index.html").as_uri())
    page.fill("#variant", "K7Q")
    page.press("#variant", "Enter")
    assert page.inner_text("#message") == "“K7Q” is not a variant ID (like 007-03R)."
    page.close()


def test_variants_reveal_gives_the_kit_pages_their_show_buttons(browser, kit_pages):
    folder, variants = kit_pages
    page = browser.new_page()
    page.goto((folder / "reveal" / "page" / f"{variants[0].id}.html").as_uri())
    page.click("#show-net_h1")
    page.click("#show-net_h1")
    assert page.inner_text("#reveal-net_h1").split("\n")[0] == "net_h1 = w1 · i1 + w2 · i2 + b_h1"
    page.close()
