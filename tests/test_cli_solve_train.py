"""The solve and train commands: every format, the JSON contract, the options."""

import json
import subprocess
import sys

import pytest

from backprop_tutor.core.network import EXAMPLES

# mpmath, 50 digits, by a separate script (see test_worksheet.py).
SIGMOID_DELTA_O1 = -0.0707814204954064
RELU_W1_NEW = 0.309523082327515


def test_default_solve_prints_three_cases(run):
    status, out, err = run("solve")
    assert (status, err) == (0, "")
    for n, activation in enumerate(["sigmoid", "tanh", "relu"], start=1):
        assert f"Case {n} of 3" in out and f"hidden {activation}, output sigmoid" in out
    assert "delta_o1 = (out_o1 − t1) · out_o1 · (1 − out_o1)" in out
    assert "The backward pass uses the weights from before the update." in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_default_json_has_three_cases_with_contract_names(run):
    _, out, _ = run("solve", "--format", "json")
    cases = json.loads(out)["cases"]
    assert [c["hidden_activation"] for c in cases] == ["sigmoid", "tanh", "relu"]
    names = list(cases[0]["values"])
    assert names[:6] == ["net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1"]
    for name in ["E_o1", "E", "delta_o1", "delta_h1", "delta_h2", "dE_dw1", "dE_dw6",
                 "dE_db_h1", "dE_db_o1", "w1_new", "w6_new", "b_h1_new", "b_o1_new"]:
        assert name in names
    assert cases[0]["values"]["delta_o1"] == pytest.approx(SIGMOID_DELTA_O1, rel=1e-12)
    assert cases[2]["values"]["w1_new"] == pytest.approx(RELU_W1_NEW, rel=1e-12)


def test_json_has_full_precision_whatever_the_decimals(run):
    _, out, _ = run("solve", "--hidden-activation", "sigmoid", "--format", "json", "--decimals", "2")
    document = json.loads(out)
    assert "cases" not in document
    assert document["values"]["delta_o1"] == pytest.approx(SIGMOID_DELTA_O1, rel=1e-14)


def test_file_without_bias_has_no_bias_names(run):
    _, out, _ = run("solve", str(EXAMPLES / "no_biases.toml"), "--format", "json")
    values = json.loads(out)["values"]
    assert not [n for n in values if "b_" in n]


def test_frozen_biases_keep_their_value(run):
    _, out, _ = run("solve", str(EXAMPLES / "mazur.toml"), "--format", "json")
    values = json.loads(out)["values"]
    assert values["b_h1_new"] == 0.35 and values["b_o1_new"] == 0.6
    assert values["dE_db_o1"] != 0


def test_file_activations_are_used_unless_overridden(run):
    _, out, _ = run("solve", str(EXAMPLES / "two_outputs_mse.toml"), "--format", "json")
    document = json.loads(out)
    assert (document["hidden_activation"], document["loss"]) == ("tanh", "mse")
    _, out, _ = run("solve", str(EXAMPLES / "two_outputs_mse.toml"), "--format", "json",
                    "--hidden-activation", "relu", "--output-activation", "linear",
                    "--loss", "half_sse", "--learning-rate", "0.1")
    document = json.loads(out)
    assert document["activations"] == ["relu", "linear"]
    assert (document["loss"], document["learning_rate"]) == ("half_sse", 0.1)


def test_markdown_and_latex(run):
    _, markdown, _ = run("solve", "--format", "markdown")
    assert [line for line in markdown.splitlines() if line.startswith("# ")] == [
        f"# Case {n} of 3: Tutorial network (2-2-1)" for n in (1, 2, 3)]
    assert (r"\delta_{o1} &= (\mathrm{out}_{o1} - t_{1}) \cdot \mathrm{out}_{o1} \cdot "
            r"(1 - \mathrm{out}_{o1}) \\" "\n" r"&= (0.604057 - 0.9) \cdot 0.604057") in markdown
    _, latex, _ = run("solve", "--format", "latex", "--hidden-activation", "relu")
    assert latex.count(r"\begin{align*}") == latex.count(r"\end{align*}") == 5
    assert r"\operatorname{step}(-0.1) = 0" in latex


def test_round_as_you_go_and_decimals(run):
    _, out, _ = run("solve", "--hidden-activation", "sigmoid", "--round-as-you-go", "4")
    assert "rounded to 4 decimals" in out
    assert "out_h1 = σ(net_h1) = σ(0.65) = 0.657\n" in out  # 0.6570 by hand, trailing zero dropped
    _, out, _ = run("solve", "--hidden-activation", "sigmoid", "--decimals", "3")
    assert "= -0.071\n" in out


def test_check_shows_finite_differences(run):
    status, out, _ = run("solve", str(EXAMPLES / "mazur.toml"), "--check")
    assert status == 0
    assert "backpropagation agrees with finite differences" in out
    _, out, _ = run("solve", str(EXAMPLES / "mazur.toml"), "--check", "--format", "json")
    check = json.loads(out)["check"]
    assert check["max_relative_error"] < 1e-5
    assert set(check["finite_difference"]) >= {"w1", "w8", "b_h1", "b_o2"}


def test_train_json(run):
    _, out, _ = run("train", str(EXAMPLES / "mazur.toml"), "--epochs", "1", "--format", "json")
    document = json.loads(out)
    assert document["loss"] == [pytest.approx(0.298371109, abs=1e-9)]   # Mazur's E
    assert document["values"]["w5"] == pytest.approx(0.35891648, abs=1e-8)
    assert document["values"]["b_h1"] == 0.35  # frozen


def test_train_text_reports_falling_loss(run):
    status, out, _ = run("train", "--epochs", "1000", "--hidden-activation", "tanh")
    assert status == 0
    rows = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    updates = [int(r[0]) for r in rows]
    losses = [float(r[1]) for r in rows]
    assert updates[0] == 1 and updates[-1] == 1000 and len(updates) == 11
    assert losses == sorted(losses, reverse=True)
    assert "w1" in out and "b_o1" in out


def test_version_and_help(run):
    status, out, _ = run("--version")
    assert status == 0 and "0.1.0" in out
    for command in ("solve", "train"):
        status, out, _ = run(command, "--help")
        assert status == 0 and "--hidden-activation" in out


def test_console_script_end_to_end(tmp_path):
    """The installed command, as a user runs it: no traceback on a bad file, status 2."""
    bad = tmp_path / "bad.toml"
    bad.write_text("inputs = [")
    result = subprocess.run([sys.executable, "-m", "backprop_tutor", "solve", str(bad)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"backprop-tutor: error: {bad}: is not valid TOML")


def test_solve_imports_nothing_heavy():
    """solve starts fast: no NumPy, TensorFlow, SymPy, matplotlib or Typst behind it."""
    code = ("import sys; from backprop_tutor.cli import main\n"
            "try:\n    main(['solve', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
            "heavy = {'numpy', 'tensorflow', 'keras', 'sympy', 'matplotlib', 'typst'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr.strip() == "[]"
