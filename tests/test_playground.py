"""The playground: a folder that works from file://, whose numbers are `solve`'s and `train`'s.

The browser tests drive Debian's Chromium with Playwright (as tests/test_page.py
does). The page's step is held to `solve` and its training to `train` on
random networks, shapes, activations, losses, data and batch sizes: two
independent implementations (Python's worksheet and NumPy network; the page's
JavaScript) that must agree. axe-core (the npm package's axe.min.js, as
shipped in the axe-playwright-python wheel) checks accessibility.
"""

import itertools
import json
import math
import random
import re
import tomllib
from html import unescape
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from playwright.sync_api import expect

from backprop_tutor.core.network import DEFAULT_NETWORK, EXAMPLES, load_network, network_from_dict
from backprop_tutor.core.worksheet import definitions, solve
from backprop_tutor.document import notation
from backprop_tutor.output.playground import write_playground

ARTIFACTS = Path(__file__).parent / "artifacts"
ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("playground")
    write_playground(load_network(DEFAULT_NETWORK), folder)
    return folder


@pytest.fixture
def opened(browser, folder, watch):
    """The playground opened from file:// on a desktop screen, with its console and requests."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems, requests = watch(page)
    page.goto((folder / "index.html").as_uri())
    yield page, problems, requests
    page.close()


def random_network(rng: random.Random, max_inputs=4, max_layers=3, max_units=4, max_outputs=3):
    """A network file (as a dict) of random shape, activations, loss, biases and numbers."""
    hidden = [rng.randint(1, max_units) for _ in range(rng.randint(0, max_layers))]
    sizes = [rng.randint(1, max_inputs), *hidden, rng.randint(1, max_outputs)]
    layers = []
    for n_in, n_out in itertools.pairwise(sizes):
        layer = {"activation": rng.choice(ACTIVATIONS),
                 "weights": [[rng.uniform(-1.5, 1.5) for _ in range(n_in)] for _ in range(n_out)]}
        if rng.random() < 0.8:
            layer["biases"] = [rng.uniform(-1, 1) for _ in range(n_out)]
            if rng.random() < 0.2:
                layer["train_biases"] = False
        layers.append(layer)
    return {"learning_rate": rng.uniform(0.05, 1.0), "loss": rng.choice(["half_sse", "mse"]),
            "inputs": [rng.uniform(-2, 2) for _ in range(sizes[0])],
            "targets": [rng.uniform(0, 1) for _ in range(sizes[-1])], "layers": layers}


def close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(1.0, abs(b))


# ---------------------------------------------------------------- the folder


def test_command_writes_a_static_folder_whole(run, tmp_path):
    out = tmp_path / "playground"
    status, text, err = run("playground", "--out", str(out))
    assert (status, err) == (0, "") and "index.html" in text
    assert sorted(p.name for p in out.iterdir()) == [
        ".backprop-tutor", "app.js", "data.js", "drawing.js", "formulas.js", "index.html", "network.js",
        "playground.css", "playground.js", "step.js", "toml.js", "train.js", "worksheet.js"]
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run("playground", "--out", str(out))[0] == 2                 # not overwritten silently
    assert run("playground", "--out", str(out), "--force")[0] == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first       # byte-identical
    # The evaluator is the practice page's own file, not a copy of its code.
    shared = Path(__file__).parents[1] / "src/backprop_tutor/output/page_assets/formulas.js"
    assert first["formulas.js"] == shared.read_bytes()
    html = first["index.html"].decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)[1]
    assert "default-src 'none'" in unescape(policy) and "script-src 'self'" in unescape(policy)
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('src="' in s or 'type="application/json"' in s for s in scripts)   # no inline script
    assert not re.search(r"\son[a-z]+=", html)                                    # no inline handler


def test_too_many_outputs_is_one_line_naming_the_key(run, tmp_path, network_file):
    path = network_file(f"""
        learning_rate = 0.5
        inputs = [1.0]
        targets = {[0.5] * 17}
        [[layers]]
        activation = "sigmoid"
        weights = {[[0.1]] * 17}
        """)
    status, out, err = run("playground", str(path), "--out", str(tmp_path / "out"))
    assert (status, out) == (2, "") and "targets" in err and "at most 16" in err
    assert not (tmp_path / "out").exists()


def test_a_file_from_the_data_escapes_in_html(tmp_path, network_file):
    path = network_file('title = "</script><b>x</b>"\nlearning_rate = 0.5\ninputs = [1.0]\n'
                        'targets = [0.5]\n[[layers]]\nactivation = "sigmoid"\nweights = [[0.1]]\n')
    write_playground(load_network(path), tmp_path)
    html = (tmp_path / "index.html").read_text()
    assert "</script><b>" not in html and "&lt;/script&gt;&lt;b&gt;" in html


def test_the_data_sets_are_the_labs(folder):
    """moons is scikit-learn's make_moons, spirals the documented formula; split 160/40."""
    from sklearn.datasets import make_moons

    html = (folder / "index.html").read_text()
    data = json.loads(re.search(r'<script id="playground-data" type="application/json">(.*?)</script>',
                                html, re.S)[1])
    moons = data["datasets"]["moons"]["1"]
    assert (len(moons["X"]), len(moons["validation"]["X"])) == (160, 40)
    X, y = make_moons(n_samples=200, noise=0.1, random_state=1)
    page = sorted(map(tuple, np.hstack([moons["X"] + moons["validation"]["X"],
                                        moons["T"] + moons["validation"]["T"]]).tolist()))
    assert page == sorted(map(tuple, np.column_stack([X, y]).tolist()))
    rng = np.random.default_rng(2)
    r = rng.uniform(0.05, 1.0, 200)
    t = np.arange(200) % 2
    points = np.column_stack([r * np.cos(3 * np.pi * r + np.pi * t), r * np.sin(3 * np.pi * r + np.pi * t)])
    points += rng.normal(0, 0.1, (200, 2))
    spirals = data["datasets"]["spirals"]["2"]
    page_points = spirals["X"] + spirals["validation"]["X"]
    assert sorted(map(tuple, page_points)) == sorted(map(tuple, points.tolist()))
    assert data["datasets"]["xor"]["0"] == {"X": [[0, 0], [0, 1], [1, 0], [1, 1]],
                                            "T": [[0], [1], [1], [0]], "validation": None}


# ---------------------------------------------------------------- step mode equals solve


def test_step_equals_solve_on_random_networks(opened):
    """40 random networks: every formula string and every value as `solve`; step() as solve's update."""
    page, problems, _ = opened
    rng = random.Random(20)
    cases = [random_network(rng) for _ in range(40)]
    results = page.evaluate("""texts => texts.map(text => {
        playground.load(text);
        const before = playground.values();
        const file = BackpropToml.read(text, JSON.parse(
            document.getElementById("playground-data").textContent).registry);
        const lines = BackpropWorksheet.definitions(file).map(l => [l.section, l.name, l.formula]);
        const shown = BackpropWorksheet.definitions(file).map(l => BackpropWorksheet.text(l.formula, before));
        playground.step();
        return {before, lines, shown, after: playground.values()};
    })""", [tomli_w.dumps(case) for case in cases])
    for case, result in zip(cases, results, strict=True):
        network = network_from_dict(case)
        sheet = solve(network)
        assert result["lines"] == [[s.section, s.name, s.formula] for s in definitions(network)]
        expected = {**sheet.given, **sheet.values}
        assert result["before"].keys() == expected.keys()
        for name, value in expected.items():
            assert close(result["before"][name], value, 1e-12), (name, result["before"][name], value)
        assert result["shown"] == [notation.text(q.formula, expected) for q in sheet.quantities]
        updated = {name[:-4]: v for name, v in sheet.values.items() if name.endswith("_new")}
        after = solve(network.with_parameters(updated))
        for name, value in {**after.given, **after.values}.items():
            assert close(result["after"][name], value, 1e-12), name
    assert problems == []


def test_tutorial_step_has_the_published_numbers(opened):
    """The default network's numbers, worked by hand: net_h1 = 0.3·0.5 + 0.4·1 + 0.1 = 0.65."""
    page, _, _ = opened
    values = page.evaluate("playground.values()")
    assert values["net_h1"] == pytest.approx(0.65, abs=1e-15)
    assert values["out_h1"] == pytest.approx(1 / (1 + math.exp(-0.65)), rel=1e-14)
    assert page.inner_text("#drawing").count("net = 0.65") == 1


def test_editing_a_weight_works_the_step_again(opened):
    page, problems, _ = opened
    page.fill("#edit-w1", "-0.2")              # net_h1 = -0.2·0.5 + 0.4·1 + 0.1 = 0.4
    assert page.evaluate("playground.values().net_h1") == pytest.approx(0.4, abs=1e-15)
    assert "net = 0.4" in page.inner_text("#drawing")
    page.fill("#edit-w2", "")
    page.type("#edit-w2", "-0.25")             # key by key: what is typed stays as typed
    assert page.input_value("#edit-w2") == "-0.25"
    assert page.evaluate("playground.values().w2") == -0.25
    page.select_option("#edit-activation-0", "relu")
    assert page.evaluate("playground.values().out_h2") == 0   # net_h2 = -0.1: inactive
    page.fill("#edit-eta", "-1")
    assert page.get_attribute("#edit-eta", "aria-invalid") == "true"
    assert page.evaluate("playground.values().eta") == 0.5
    assert problems == []


def test_stepping_through_highlights_each_formula_with_its_numbers(opened):
    page, _, _ = opened
    page.click("button.section[data-section=deltas]")
    panel = page.inner_text("#formula")
    assert "delta_o1 = (out_o1 − t1) · out_o1 · (1 − out_o1)" in panel
    assert "= (0.604057 − 0.9) · 0.604057 · (1 − 0.604057)" in panel
    assert page.locator("#drawing [data-name=delta_o1].current").count() == 1
    assert page.locator("#drawing [data-name=out_o1].reads").count() >= 1
    assert page.text_content("#drawing [data-name=w1_new]") == "w1⁺ = ?"   # not worked out yet
    page.focus("#next")
    page.keyboard.press("Enter")                   # the keyboard alone walks on
    assert page.inner_text("#formula").startswith("delta_h1 = ")
    page.click("#show-all")
    page.click("#take-step")                       # w5 ← w5_new = 0.7 − 0.5·(−0.070781·0.65701)
    assert page.input_value("#edit-w5").startswith("0.72325")


# ---------------------------------------------------------------- training equals train


def _csv(rows_in, rows_out) -> str:
    header = [f"i{k + 1}" for k in range(len(rows_in[0]))] + [f"t{k + 1}" for k in range(len(rows_out[0]))]
    return "\n".join([",".join(header)] + [",".join(repr(v) for v in x + t)
                                           for x, t in zip(rows_in, rows_out, strict=True)]) + "\n"


def test_training_equals_train_on_random_networks_and_data(opened, run, tmp_path):
    """25 random networks, CSVs and batch sizes, in order: the losses and weights of `train` to 1e-9."""
    page, problems, _ = opened
    rng = random.Random(9)
    cases = []
    for _ in range(25):
        network = random_network(rng, max_inputs=3, max_layers=2, max_units=5, max_outputs=2)
        n = rng.randint(2, 30)
        X = [[rng.uniform(-1, 1) for _ in network["inputs"]] for _ in range(n)]
        T = [[rng.uniform(0, 1) for _ in network["targets"]] for _ in range(n)]
        batch = rng.choice(["full", 1, 2, 5, n, n + 3])
        cases.append((network, _csv(X, T), batch, rng.randint(1, 25)))
    # One that diverges: linear units, a large learning rate.
    cases.append(({"learning_rate": 3.0, "inputs": [1.0, 2.0], "targets": [0.0],
                   "layers": [{"activation": "linear", "weights": [[1.0, 1.0], [0.5, -1.0]]},
                              {"activation": "linear", "weights": [[1.0, 2.0]]}]},
                  _csv([[1.0, 2.0], [3.0, -1.0], [2.0, 2.0]], [[1.0], [0.0], [0.5]]), 1, 40))
    results = page.evaluate("""cases => cases.map(([text, data, batch, epochs]) => {
        playground.load(text);
        return playground.train({data, batch, epochs});
    })""", [[tomli_w.dumps(net), data, batch, epochs] for net, data, batch, epochs in cases])
    for k, ((network, data, batch, epochs), result) in enumerate(zip(cases, results, strict=True)):
        (tmp_path / f"{k}.toml").write_text(tomli_w.dumps(network))
        (tmp_path / f"{k}.csv").write_text(data)
        status, out, err = run("train", str(tmp_path / f"{k}.toml"), "--data", str(tmp_path / f"{k}.csv"),
                               "--batch-size", str(batch), "--epochs", str(epochs), "--format", "json")
        assert (status, err) == (0, "")
        expected = json.loads(out)
        assert result["epoch_loss"] == expected["epoch_loss"] == "full"
        assert result["diverged_at"] == expected["diverged_at"]
        losses = result["loss"] + [result["final_loss"]]
        for mine, theirs in zip(losses, expected["loss"] + [expected["final_loss"]], strict=True):
            same = (theirs is None and not math.isfinite(mine)) or close(mine, theirs, 1e-9)
            assert same, (k, mine, theirs)
        if expected["diverged_at"] is None:
            assert result["values"].keys() == expected["values"].keys()
            for name, value in expected["values"].items():
                assert close(result["values"][name], value, 1e-9), (k, name)
    assert results[-1]["diverged_at"] is not None                    # the one meant to diverge did
    assert problems == []


def test_training_on_the_networks_own_sample_is_one_sgd_update(opened):
    """One epoch on a one-row CSV is the tutorial's step, worked here with math.exp."""
    page, _, _ = opened
    result = page.evaluate('playground.train({data: "i1,i2,t1\\n0.5,1,0.9\\n", batch: "full", epochs: 1})')
    sigmoid = lambda x: 1 / (1 + math.exp(-x))                                   # noqa: E731
    out_h1, out_h2 = sigmoid(0.3 * 0.5 + 0.4 * 1 + 0.1), sigmoid(-0.6 * 0.5 + 0.1 * 1 + 0.1)
    out_o1 = sigmoid(0.7 * out_h1 - 0.5 * out_h2 + 0.2)
    delta_o1 = (out_o1 - 0.9) * out_o1 * (1 - out_o1)
    assert result["loss"] == [pytest.approx(0.5 * (0.9 - out_o1) ** 2, rel=1e-12)]
    assert result["values"]["w5"] == pytest.approx(0.7 - 0.5 * delta_o1 * out_h1, rel=1e-12)
    assert result["values"]["b_o1"] == pytest.approx(0.2 - 0.5 * delta_o1, rel=1e-12)


def test_step_mode_shows_the_weights_as_trained(opened):
    page, problems, _ = opened
    page.click("#mode-train")
    for _ in range(3):
        page.click("#one-epoch")
    assert page.inner_text("#train-status").startswith("Epoch 3 of 500")
    page.click("#mode-step")
    w1 = page.evaluate("playground.values().w1")
    assert w1 != 0.3 and float(page.input_value("#edit-w1")) == w1
    assert page.text_content("#drawing text[data-name=w1]") == f"w1 = {w1:.6f}".rstrip("0")
    assert problems == []


def test_bad_data_and_bad_files_say_what_is_wrong(opened):
    page, _, _ = opened
    def error(script):
        return page.evaluate(f"(() => {{ try {{ {script}; return null; }} "
                             "catch (e) { return e.message; } })()")
    assert "header" in error('playground.train({data: "x,y\\n1,2\\n", epochs: 1})')
    assert "line 3, i2" in error('playground.train({data: "i1,i2,t1\\n1,2,0\\n1,x,0\\n", epochs: 1})')
    assert "layers[1].colour: unknown key" in error(
        'playground.load("learning_rate = 0.5\\ninputs = [1]\\ntargets = [1]\\n[[layers]]\\n'
        'activation = \\"relu\\"\\nweights = [[1]]\\ncolour = 1\\n")')
    assert "layers[1].weights[1]" in error(
        'playground.load("learning_rate = 0.5\\ninputs = [1, 2]\\ntargets = [1]\\n[[layers]]\\n'
        'activation = \\"relu\\"\\nweights = [[1]]\\n")')


# ---------------------------------------------------------------- the network file


def test_every_example_reads_as_tomllib_reads_it(opened):
    page, _, _ = opened
    for path in sorted(EXAMPLES.glob("*.toml")):
        text = path.read_text()
        assert page.evaluate("text => BackpropToml.parse(text)", text) == tomllib.loads(text), path.name


def test_export_is_a_file_the_cli_reads_with_the_same_numbers(opened, run, tmp_path):
    page, _, _ = opened
    rng = random.Random(4)
    for k in range(10):
        case = random_network(rng)
        case["title"] = 'A "quoted" title \\ with ü'
        case["description"] = "two\nlines\t"
        exported = page.evaluate("text => { playground.load(text); return playground.exportToml(); }",
                                 tomli_w.dumps(case))
        (tmp_path / f"{k}.toml").write_text(exported, encoding="utf-8")
        assert load_network(tmp_path / f"{k}.toml") == network_from_dict(case)
        status, _, err = run("solve", str(tmp_path / f"{k}.toml"), "--format", "json")
        assert (status, err) == (0, "")


# ---------------------------------------------------------------- the page as a whole


def typed(page, selector: str, value: str) -> None:
    """``value`` typed into a field and the field left, as a user does (its change event)."""
    page.fill(selector, value)
    page.dispatch_event(selector, "change")


def test_every_control_used_no_error_no_request_and_axe_clean(opened, axe):
    page, problems, requests = opened
    assert axe(page) == []
    page.click("button.section[data-section=gradients]")
    page.click("#take-step")
    page.click("#mode-train")
    for name in ("xor", "circles", "spirals", "moons"):
        page.select_option("#dataset", name)
        page.click("#one-epoch")
    page.select_option("#data-seed", "2")
    typed(page, "#hidden-layers", "2")
    typed(page, "#hidden-units", "8")
    page.select_option("#hidden-activation", "tanh")
    typed(page, "#batch", "16")
    page.click("#run")
    expect(page.locator("#train-status")).to_contain_text(re.compile(r"Epoch ([4-9]\d|\d{3})"))
    page.click("#run")                                            # pause
    assert axe(page) == []
    page.select_option("#dataset", "csv")
    typed(page, "#csv", "i1,i2,t1\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    page.click("#one-epoch")
    assert page.inner_text("#train-status").startswith("Epoch 1 of 500")
    page.click("#export")
    assert "[[layers]]" in page.input_value("#toml")
    page.click("#load")
    assert page.inner_text("#file-status") == "Loaded."
    page.click("#mode-step")
    assert axe(page) == []
    assert problems == []
    assert requests and all(url.startswith("file://") for url in requests)


def test_screenshots_at_phone_and_desktop_width(browser, folder):
    """Kept in tests/artifacts/ (ignored by git): step and train mode, 390 px and 1280 px wide."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height, name in ((390, 844, "phone"), (1280, 900, "desktop")):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto((folder / "index.html").as_uri())
        page.click("button.section[data-section=deltas]")
        assert page.evaluate("document.documentElement.scrollWidth") <= width   # nothing wider
        page.screenshot(path=ARTIFACTS / f"playground-step-{name}.png", full_page=name == "desktop")
        page.click("#mode-train")
        typed(page, "#hidden-layers", "2")
        typed(page, "#hidden-units", "8")
        page.select_option("#hidden-activation", "tanh")
        typed(page, "#batch", "10")
        typed(page, "#epochs", "300")
        page.click("#run")
        expect(page.locator("#train-status")).to_contain_text("Done", timeout=30_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=ARTIFACTS / f"playground-train-{name}.png", full_page=True)
        page.close()
