"""The error contract against hostile files, huge numbers and odd streams (issue 9).

Each test is one reproduction from the issue: the command must end with one
short line on stderr naming the file (and the key), status 2 and nothing on
stdout, or succeed with output that is what it claims to be (strict JSON).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading

import pytest

from backprop_tutor.core.network import DEFAULT_NETWORK
from backprop_tutor.core.worksheet import MAX_UNITS, evaluate
from backprop_tutor.io.files import MAX_BYTES

TUTORIAL = DEFAULT_NETWORK.read_text()


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity, as a browser's JSON.parse does."""
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


def assert_one_line_error(result, *parts):
    status, out, err = result
    assert (status, out) == (2, ""), result
    assert err.count("\n") == 1 and err.startswith("backprop-tutor: error: "), err
    assert "Traceback" not in err and len(err) < 400, err
    for part in parts:
        assert part in err, err


def write(tmp_path, text: str, name: str = "net.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- huge numbers ------------------------------------------------------------------

HUGE_TARGET = TUTORIAL.replace("targets = [0.9]", "targets = [1e200]")
LINEAR_1E300 = """\
learning_rate = 0.5
inputs = [1.0]
targets = [0.5]
[[layers]]
activation = "linear"
weights = [[1e300]]
"""


@pytest.mark.parametrize("text", [HUGE_TARGET, LINEAR_1E300])
@pytest.mark.parametrize("command", ["solve", "derive", "keras"])
def test_a_step_that_overflows_is_refused(run, tmp_path, text, command):
    # (t - out)**2 with |t - out| >= 1e200 is beyond 1.8e308: E_o1 is the first quantity lost.
    path = write(tmp_path, text)
    assert_one_line_error(run(command, str(path)), f"{path}: ", "not finite from E_o1 on")


def test_check_refuses_a_step_that_overflows(run, tmp_path):
    path = write(tmp_path, LINEAR_1E300)
    answers = write(tmp_path, "out_o1 = 1e300\n", "answers.toml")
    assert_one_line_error(run("check", str(answers), str(path)), "not finite from E_o1 on")


def test_json_output_maps_non_finite_numbers_to_null():
    from backprop_tutor.io.json_data import dumps

    text = dumps({"a": [math.inf, -math.inf, math.nan, 1.5], "b": (math.nan,), "c": "NaN"})
    assert strict_json(text) == {"a": [None, None, None, 1.5], "b": [None], "c": "NaN"}


def test_squares_overflow_to_infinity_like_products():
    assert evaluate("1/2 * (t1 - out_o1)**2", {"t1": 1e200, "out_o1": 0.5}) == math.inf
    assert evaluate("(1 - out_h1**2)", {"out_h1": 0.5}) == 0.75


def test_train_that_overflows_still_writes_strict_json(run, tmp_path):
    status, out, _ = run("train", str(write(tmp_path, LINEAR_1E300)), "--epochs", "2",
                         "--format", "json")
    document = strict_json(out)
    assert status == 0
    # E = 1/2 (0.5 - 1e300)^2 overflows: written as null, as JSON.stringify writes Infinity.
    assert document["final_loss"] is None


@pytest.mark.parametrize("digits", [401, 5000])
def test_integers_too_large_for_a_float(run, tmp_path, digits):
    path = write(tmp_path, TUTORIAL.replace("learning_rate = 0.5", f"learning_rate = 1{'0' * digits}"))
    key = "learning_rate" if digits < 4300 else "4,300 digits"
    assert_one_line_error(run("solve", str(path)), f"{path}: ", key)


@pytest.mark.parametrize("name, text", [
    ("answers.toml", f"net_h1 = 1{'0' * 400}\n"),
    ("answers.json", f'{{"net_h1": 1{"0" * 400}}}'),
    ("answers.json", f'{{"net_h1": 1{"0" * 5000}}}'),
])
def test_integers_too_large_in_answer_files(run, tmp_path, name, text):
    path = write(tmp_path, text, name)
    assert_one_line_error(run("check", str(path)), f"{path}: ")


def test_deeply_nested_brackets(run, tmp_path):
    network = write(tmp_path, f"inputs = {'[' * 3000}{']' * 3000}\n")
    assert_one_line_error(run("solve", str(network)), "nested too deeply")
    answers = write(tmp_path, f'{{"net_h1": {"[" * 3000}{"]" * 3000}}}', "answers.json")
    assert_one_line_error(run("check", str(answers)), "nested too deeply")


def wide_network(n_inputs: int) -> str:
    return (f"learning_rate = 0.5\ninputs = [{', '.join(['0.1'] * n_inputs)}]\n"
            f"targets = [0.5]\n[[layers]]\nactivation = \"linear\"\n"
            f"weights = [[{', '.join(['0.01'] * n_inputs)}]]\n")


def test_a_unit_with_too_many_inputs_is_refused_not_a_recursion_error(run, tmp_path):
    path = write(tmp_path, wide_network(3000))
    assert_one_line_error(run("solve", str(path)), "inputs: 3000 units", str(MAX_UNITS))


def test_the_widest_layer_allowed_is_solved(run, tmp_path):
    status, out, _ = run("solve", str(write(tmp_path, wide_network(MAX_UNITS))), "--format", "json")
    assert status == 0
    # 1000 inputs of 0.1 times weights of 0.01: net = 1000 * 0.001 = 1.
    assert strict_json(out)["values"]["net_o1"] == pytest.approx(1.0, rel=1e-12)


def test_train_has_no_layer_limit(run, tmp_path):
    status, out, _ = run("train", str(write(tmp_path, wide_network(3000))), "--epochs", "1",
                         "--format", "json")
    # net = 3000 * 0.001 = 3, E = 1/2 (0.5 - 3)^2 = 3.125
    assert status == 0 and strict_json(out)["loss"][0] == pytest.approx(3.125, rel=1e-12)


# --- wrong types --------------------------------------------------------------------

@pytest.mark.parametrize("old, new, key", [
    ('activation = "sigmoid"', 'activation = ["relu"]', "layers[1].activation"),
    ('loss = "half_sse"', 'loss = {name = "mse"}', "loss"),
    ('title = "Tutorial network (2-2-1)"', 'title = 3', "title"),
    ('learning_rate = 0.5', 'learning_rate = [0.5]', "learning_rate"),
    ('biases = [0.1, 0.1]', 'biases = [0.1, 0.1]\ntrain_biases = "yes"', "layers[1].train_biases"),
    ('inputs = [0.5, 1.0]', 'inputs = [[0.5], 1.0]', "inputs[1]"),
    ('inputs = [0.5, 1.0]', 'inputs = {a = 1}', "inputs"),
])
def test_values_of_the_wrong_type(run, tmp_path, old, new, key):
    assert old in TUTORIAL
    path = write(tmp_path, TUTORIAL.replace(old, new, 1))
    assert_one_line_error(run("solve", str(path)), f"{path}: {key}: ")


# --- messages stay one short line ---------------------------------------------------

def test_a_key_with_newlines_is_escaped(run, tmp_path):
    path = write(tmp_path, TUTORIAL + '"a\\nb\\nc\\u001b[31m" = 1\n')
    assert_one_line_error(run("solve", str(path)), "a\\nb\\nc\\x1b[31m: unknown key")


def test_long_keys_values_and_paths_are_shortened(run, tmp_path):
    path = write(tmp_path, TUTORIAL + f'"{"k" * 3000}" = 1\n')
    assert_one_line_error(run("solve", str(path)), "kkk…kkk")
    path = write(tmp_path, TUTORIAL.replace('activation = "sigmoid"', f'activation = "{"v" * 5000}"', 1))
    assert_one_line_error(run("solve", str(path)), "got 'vvv", "vvv...vvv")
    long_path = str(tmp_path) + ("/" + "d" * 200) * 30 + "/net.toml"   # 6 KB
    assert_one_line_error(run("solve", long_path), "ddd…ddd", "ddd/net.toml: cannot be read")


def test_option_values_are_one_line_too(run):
    assert_one_line_error(run("solve", "--hidden-activation", "x\ny\n" * 500), "--hidden-activation")


# --- paths and streams --------------------------------------------------------------

def test_a_fifo_without_writer_is_refused_at_once(run, tmp_path):
    fifo = tmp_path / "net.toml"
    os.mkfifo(fifo)
    result = {}
    worker = threading.Thread(target=lambda: result.update(r=run("solve", str(fifo))))
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():   # unblock the reader so that the test run can end, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO without a writer blocked")
    assert_one_line_error(result["r"], "is not a regular file")


@pytest.mark.parametrize("device", ["/dev/urandom", "/dev/zero", "/dev/null"])
def test_devices_are_refused(run, device):
    assert_one_line_error(run("solve", device), f"{device}: is not a regular file")


def test_files_over_a_megabyte_are_refused_before_reading(run, tmp_path):
    path = tmp_path / "net.toml"
    path.write_text(TUTORIAL + "#" * MAX_BYTES)
    assert_one_line_error(run("solve", str(path)), "bytes; a network file has at most 1,000,000")
    answers = tmp_path / "answers.toml"
    answers.write_text("#" * (MAX_BYTES + 1))
    assert_one_line_error(run("check", str(answers)), "an answer file has at most")


def test_an_empty_file_name_is_an_error_not_the_default_network(run):
    assert_one_line_error(run("solve", ""), 'error: "": an empty name is no network file')
    assert_one_line_error(run("check", ""), "an empty name is no answer file")


def test_a_byte_order_mark_is_accepted(run, tmp_path):
    path = tmp_path / "net.toml"
    path.write_bytes(b"\xef\xbb\xbf" + TUTORIAL.encode())
    status, out, _ = run("solve", str(path), "--format", "json")
    # The tutorial network: net_h1 = 0.3 * 0.5 + 0.4 * 1.0 + 0.1 = 0.65.
    assert status == 0 and strict_json(out)["values"]["net_h1"] == pytest.approx(0.65)
    answers = tmp_path / "answers.json"
    answers.write_bytes(b"\xef\xbb\xbf" + b'{"net_h1": 0.65}')
    status, out, _ = run("check", str(answers), "--hidden-activation", "sigmoid")
    assert status == 0 and "net_h1" in out


def test_a_name_twice_in_a_json_answer_file(run, tmp_path):
    path = write(tmp_path, '{"net_h1": 0.65, "net_h1": 0.7}', "answers.json")
    assert_one_line_error(run("check", str(path)), f"{path}: net_h1: given twice")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_are_not_numbers(run, tmp_path, constant):
    path = write(tmp_path, f'{{"net_h1": {constant}}}', "answers.json")
    assert_one_line_error(run("check", str(path)), f"{path}: is not valid JSON")


def test_bare_command_prints_help_on_stdout(run):
    status, out, err = run()
    assert (status, err) == (0, "")
    assert out.startswith("Usage: backprop-tutor") and "solve" in out


def test_seed_beyond_32_bits_is_a_usage_error(run):
    assert_one_line_error(run("keras", "--random-weights", "--seed", str(2**64)),
                          "'--seed'", "4294967295")


def run_process(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "backprop_tutor", *args],
                          stderr=subprocess.PIPE, text=True, **kwargs)


def test_a_full_disk_on_stdout(tmp_path):
    with open("/dev/full", "w") as full:
        result = run_process("solve", stdout=full)
    assert result.returncode == 2
    assert result.stderr == "backprop-tutor: error: cannot write the output (No space left on device)\n"


def test_a_closed_pipe_on_stdout():
    read, write_end = os.pipe()
    os.close(read)   # nobody reads: the first write fails with EPIPE
    try:
        result = run_process("solve", stdout=write_end)
    finally:
        os.close(write_end)
    assert result.returncode == 2
    assert result.stderr == "backprop-tutor: error: cannot write the output (Broken pipe)\n"


def test_a_closed_stdout_from_the_start():
    command = f"exec '{sys.executable}' -m backprop_tutor solve >&-"
    result = subprocess.run(["sh", "-c", command], stderr=subprocess.PIPE, text=True)
    assert result.returncode == 2
    assert result.stderr == "backprop-tutor: error: cannot write the output (stdout is closed)\n"


def test_an_unwritable_stderr_still_gives_status_2(tmp_path):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "backprop_tutor", "solve",
                                 str(tmp_path / "missing.toml")], stdout=subprocess.PIPE,
                                stderr=full, text=True)
    assert (result.returncode, result.stdout) == (2, "")


def test_a_folder_is_written_whole_when_stdout_is_full(tmp_path):
    # The folder is moved into place before its summary is printed: it is complete; the
    # summary is lost, and the status says so.
    with open("/dev/full", "w") as full:
        result = run_process("page", "--out", str(tmp_path / "p"), stdout=full)
    assert result.returncode == 2
    assert result.stderr == "backprop-tutor: error: cannot write the output (No space left on device)\n"
    from backprop_tutor.core.network import load_network
    from backprop_tutor.output.page import write_page  # the same page, written directly
    (tmp_path / "q").mkdir()
    write_page({"tutorial": load_network(DEFAULT_NETWORK)}, tmp_path / "q", 3)
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == sorted(
        [".backprop-tutor", *(p.name for p in (tmp_path / "q").iterdir())])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p", "q"]   # no temporary folder


ESCAPES = "\\u001b[2J\\u001b]0;pwned\\u0007\\r\\u009b31m\\u0085\\u007f\\u0008"


@pytest.mark.parametrize("output_format", ["text", "markdown", "latex", "typst", "json"])
def test_titles_reach_the_terminal_without_control_characters(run, tmp_path, output_format):
    path = write(tmp_path, TUTORIAL.replace('title = "Tutorial network (2-2-1)"',
                                            f'title = "Net{ESCAPES} end"'))
    status, out, err = run("solve", str(path), "--format", output_format)
    assert status == 0 and err == ""
    controls = [c for c in out if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]
    assert controls == []
    if output_format == "json":   # the title is kept, escaped
        assert strict_json(out)["title"] == (
            "Net\x1b[2J\x1b]0;pwned\x07\r\x9b31m\x85\x7f\x08 end")
    elif output_format == "text":
        assert "Net end" in out   # each sequence is removed whole, not only its ESC


# --- every input file goes through one reader --------------------------------------

def file_commands(tmp_path):
    """kind → (the command reading FILE, the largest size of such a file)."""
    from backprop_tutor.io.files import MAX_DATA_BYTES

    out = str(tmp_path / "out")
    return {
        "network": (lambda f: ["solve", f], MAX_BYTES),
        "answers": (lambda f: ["check", f], MAX_BYTES),
        "data": (lambda f: ["train", "--data", f, "--epochs", "1"], MAX_DATA_BYTES),
        "roster": (lambda f: ["variants", "--roster", f, "--seed", "1", "--out", out], MAX_BYTES),
        "config": (lambda f: ["lab", "sweep", "--config", f], MAX_BYTES),
    }


KINDS = ["network", "answers", "data", "roster", "config"]


def run_with_deadline(run, args):
    """Run in a thread: a read that blocks fails the test instead of hanging it."""
    result = {}
    worker = threading.Thread(target=lambda: result.update(r=run(*args)))
    worker.start()
    worker.join(timeout=60)
    return worker, result


@pytest.mark.parametrize("kind", KINDS)
def test_a_fifo_of_any_kind_is_refused_at_once(run, tmp_path, kind):
    command, _ = file_commands(tmp_path)[kind]
    fifo = tmp_path / "in.csv"
    os.mkfifo(fifo)
    worker, result = run_with_deadline(run, command(str(fifo)))
    if worker.is_alive():   # unblock the reader so that the test run can end, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO without a writer blocked")
    assert_one_line_error(result["r"], f"{fifo}: is not a regular file")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_link_to_dev_zero_of_any_kind_is_refused(run, tmp_path, kind):
    command, _ = file_commands(tmp_path)[kind]
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    assert_one_line_error(run(*command(str(link))), f"{link}: is not a regular file")


@pytest.mark.parametrize("kind", KINDS)
def test_a_huge_file_of_any_kind_is_refused_before_reading(run, tmp_path, kind):
    command, limit = file_commands(tmp_path)[kind]
    path = tmp_path / "huge.csv"
    with open(path, "wb") as file:   # sparse: no disk used
        file.truncate(limit + 1)
    assert_one_line_error(run(*command(str(path))), f"{path}: is {limit + 1:,} bytes", f"{limit:,}")


@pytest.mark.parametrize("kind, text", [("data", "i1,t1\n1,"), ("roster", "student\ns1\n")])
def test_a_csv_cell_beyond_the_csv_modules_limit(run, tmp_path, kind, text):
    command, _ = file_commands(tmp_path)[kind]
    path = write(tmp_path, text + "x" * 200_000 + "\n", "in.csv")
    line = text.count("\n") + 1
    assert_one_line_error(run(*command(str(path))),
                          f"{path}: line {line}: is not valid CSV (field larger than field limit")


def test_lab_config_dev_zero(run):
    assert_one_line_error(run("lab", "sweep", "--config", "/dev/zero"),
                          "/dev/zero: is not a regular file")


@pytest.mark.parametrize("text, message", [
    (f"epochs = 1{'0' * 5000}\n", "is not valid TOML: an integer has more than 4,300 digits"),
    (f"learning_rate = {'[' * 1000}0.5{']' * 1000}\n", "nested too deeply"),
    (f"learning_rate = {'[' * 200}0.5{']' * 200}\n", "learning_rate[1]: expected a positive"),
    ("hidden_layers = 1000000\n", "hidden_layers: expected a whole number from 1 to 20, got 1000000"),
    ("hidden_units = 1001\n", "hidden_units: expected a whole number from 1 to 1,000"),
    ("samples = 100001\n", "samples: expected a whole number from 4 to 100,000"),
    ("epochs = 100001\n", "epochs: expected a whole number from 1 to 100,000"),
    ("batch_size = 1e6\n", "batch_size: expected a whole number from 1 to 100,000, got 1000000.0"),
    ("seeds = [0, -1]\n", "seeds: expected different whole numbers from 0 to 4,294,967,295"),
    ("dataset = {a = 1}\n", "dataset: expected one of"),
    ("noise = false\n", "noise: expected a positive finite number, got False"),
    # 4 keys of 100 values, 100 seeds: 10^10 runs, counted, not made
    ("".join(f"{k} = [{', '.join(str(v) for v in range(4, 104))}]\n"
             for k in ["epochs", "hidden_units", "samples", "batch_size"]) + "seeds = 100\n",
     "10,000,000,000 runs; at most 5,000 are allowed"),
])
def test_hostile_lab_configs(run, tmp_path, text, message):
    path = write(tmp_path, text, "sweep.toml")
    assert_one_line_error(run("lab", "sweep", "--config", str(path)), f"{path}: ", message)


# --- wide layers in the proof ---------------------------------------------------------

def test_the_error_analysis_of_a_long_sum_needs_no_deep_stack():
    import ast
    from fractions import Fraction

    import mpmath

    from backprop_tutor.core.worksheet import MAX_UNITS
    from backprop_tutor.symbolic.exact import value_and_error

    n = MAX_UNITS   # the widest layer a worked step has; Python's recursion limit is 1,000
    formula = ast.parse(" + ".join(f"w{k} * i{k}" for k in range(1, n + 1)), mode="eval").body
    known = {f"w{k}": (mpmath.mpf(k) / 1000, mpmath.mpf(0)) for k in range(1, n + 1)}
    known |= {f"i{k}": (mpmath.mpf(k) / 7, mpmath.mpf(0)) for k in range(1, n + 1)}
    value, error = value_and_error(formula, known, {})
    # Σ k² / 7000 for k = 1..n = n(n+1)(2n+1) / 42000, exact in fractions.
    assert float(value) == float(Fraction(n * (n + 1) * (2 * n + 1), 42000))
    assert error > abs(value)   # every one of the n - 1 additions rounds


def test_derive_proves_a_unit_fed_by_500_units(run, tmp_path):
    n = 500
    status, out, err = run("derive", str(write(tmp_path, wide_network(n).replace("linear", "sigmoid"))),
                           "--format", "json")
    assert (status, err) == (0, "")
    proof = strict_json(out)["proof"]
    # net_o1 = 500 · 0.1 · 0.01 = 0.5; dE/dw_k = (out − t) · out · (1 − out) · 0.1 for every k.
    out_o1 = 1 / (1 + math.exp(-0.5))
    expected = (out_o1 - 0.5) * out_o1 * (1 - out_o1) * 0.1
    assert proof["proven"] is True and len(proof["gradients"]) == n
    assert proof["gradients"]["dE_dw500"]["value"] == pytest.approx(expected, rel=1e-12)


# --- text in figures is text ------------------------------------------------------------

def test_a_title_with_dollars_is_drawn_as_written(tmp_path):
    from backprop_tutor.core.network import load_network
    from backprop_tutor.core.worksheet import solve
    from backprop_tutor.output.figures import plot_network

    path = write(tmp_path, TUTORIAL.replace('title = "Tutorial network (2-2-1)"',
                                            'title = "Net $\\\\foo$ end"'))
    fig = plot_network(solve(load_network(path)), tmp_path / "network.png")   # was a ValueError
    assert (tmp_path / "network.png").stat().st_size > 0 and (tmp_path / "network.svg").exists()
    assert fig.texts[0].get_text().startswith("Net $\\foo$ end\n")


def test_lab_sweep_with_dollars_in_the_config_name(run, tmp_path):
    config = write(tmp_path, "dataset = \"xor\"\nepochs = 2\nseeds = 1\nlearning_rate = [0.1, 0.2]\n",
                   "sw$\\foo$.toml")
    status, _, err = run("lab", "sweep", "--config", str(config), "--out", str(tmp_path / "o"),
                           "--jobs", "1")
    assert (status, err) == (0, "")
    assert (tmp_path / "o" / "curves.png").stat().st_size > 0   # was a ValueError after the runs


def test_a_variant_seed_beyond_32_bits_is_a_usage_error(run, tmp_path):
    # Its ID (the seed in base 32) would make file names longer than the file system allows.
    result = run("variants", "--n", "1", "--seed", "1" + "0" * 60, "--out", str(tmp_path / "kit"))
    assert_one_line_error(result, "'--seed'", "4294967295")
    assert list(tmp_path.iterdir()) == []
