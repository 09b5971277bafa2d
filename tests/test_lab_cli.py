"""The lab from the command line: result files, what it prints against its data, Ctrl-C, errors.

Small settings keep every experiment to a second or two. Expected values are
computed here from the result files (CSV) with plain Python, not by the lab's
own summary code.
"""

import csv
import itertools
import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import time

import pytest

SMALL = ["--samples", "60", "--epochs", "6", "--seeds", "2"]


def read_csv(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


def number(text):
    return math.inf if text in ("inf", "nan") else float(text)


@pytest.fixture(scope="module")
def learning_rate_runs(tmp_path_factory):
    """lab learning-rate, linear output, run with --jobs 1 and with --jobs 2."""
    root = tmp_path_factory.mktemp("lab")
    printed = {}
    for jobs in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "backprop_tutor", "lab", "learning-rate", *SMALL,
             "--output-activation", "linear", "--jobs", jobs, "--out", str(root / jobs)],
            capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        printed[jobs] = result.stdout
    return root, printed


def test_jobs_1_and_2_write_identical_files(learning_rate_runs):
    root, printed = learning_rate_runs
    names = sorted(name for name in os.listdir(root / "1") if name != ".backprop-tutor")
    assert names == ["curves.csv", "learning_rate.png", "learning_rate.svg", "results.json",
                     "runs.csv", "seconds.csv"]
    for name in names:
        if name != "seconds.csv":
            assert (root / "1" / name).read_bytes() == (root / "2" / name).read_bytes(), name
    assert printed["1"].replace(f"{root}/1/", "") == printed["2"].replace(f"{root}/2/", "")


def test_divergence_epoch_agrees_with_the_curves(learning_rate_runs):
    root, _ = learning_rate_runs
    curves = {}
    for row in read_csv(root / "1" / "curves.csv"):
        curves.setdefault(int(row["run"]), []).append(number(row["train_loss"]))
    diverged = 0
    for row in read_csv(root / "1" / "runs.csv"):
        losses = curves[int(row["run"])]
        above = [not (loss <= losses[0]) for loss in losses]   # nan and inf count as above
        expected = None
        if above[-1]:
            expected = max(k for k in range(1, len(above)) if not above[k - 1]) \
                if not all(above[1:]) else 1
        assert row["diverged_at"] == ("" if expected is None else str(expected)), row["run"]
        diverged += expected is not None
    assert diverged > 0      # η up to 100 with a linear output: some runs do diverge


def by_rate(root):
    """activation → η → (mean final validation loss, seeds diverged, first diverged epoch)."""
    groups = {}
    for row in read_csv(root / "runs.csv"):
        groups.setdefault(row["hidden_activation"], {}).setdefault(
            float(row["learning_rate"]), []).append(row)
    return {activation: {rate: (statistics.fmean(number(r["final_val_loss"]) for r in rows),
                                sum(r["diverged_at"] != "" for r in rows),
                                min((int(r["diverged_at"]) for r in rows if r["diverged_at"]),
                                    default=None), len(rows))
                         for rate, rows in rates.items()}
            for activation, rates in groups.items()}


def test_printed_best_rate_and_divergence_agree_with_the_runs(learning_rate_runs):
    root, printed = learning_rate_runs
    table = by_rate(root / "1")
    for activation, rates in table.items():
        line = next(line for line in printed["1"].splitlines()
                    if line.startswith(f"With {activation} hidden units"))
        calm = {rate: mean for rate, (mean, diverged, _, seeds) in rates.items()
                if 2 * diverged < seeds}
        best = min(calm, key=calm.get)
        assert f"the best η is {best:g} " in line, line
        for stretch in re.findall(r"η = ([\d.e+-]+)(?: to ([\d.e+-]+))?: diverging "
                                  r"\(first at epoch (\d+)\)", line):
            low, high, epoch = float(stretch[0]), float(stretch[1] or stretch[0]), int(stretch[2])
            inside = [v for rate, v in rates.items() if low <= rate <= high]
            assert all(2 * diverged >= seeds for _, diverged, _, seeds in inside)
            assert epoch == min(first for _, _, first, _ in inside)


def test_results_json_regions_match_the_table(learning_rate_runs):
    root, printed = learning_rate_runs
    summary = json.loads((root / "1" / "results.json").read_text())["summary"]
    rows = []   # a table row, and the lines of a last cell wrapped below it
    for line in printed["1"].splitlines():
        if re.match(r" *[\d.]+ {2}\S", line):
            rows.append(line.split())
        elif rows and line.startswith(" " * 10) and line.strip():
            rows[-1] += line.split()
    columns = [[r["region"] for r in summary["learning_rates"][a]] for a in ("sigmoid", "tanh", "relu")]
    assert [len(regions) for regions in columns] == [13, 13, 13]
    for row, *regions in zip(rows, *columns, strict=True):   # each row's regions, column by column
        shown = re.findall(r"good|too small|stalled|oscillating|too large|diverging|dead|collapsed",
                           " ".join(row))
        assert shown == [region for region in regions if region], (row, regions)


def test_ctrl_c_stops_cleanly_and_writes_nothing(tmp_path):
    out = tmp_path / "lr"
    process = subprocess.Popen(
        [sys.executable, "-m", "backprop_tutor", "lab", "learning-rate", "--seeds", "30",
         "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    time.sleep(4)
    os.killpg(process.pid, signal.SIGINT)     # Ctrl-C reaches the whole process group
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stdout == "" and stderr == "backprop-tutor: interrupted; nothing was written\n"
    assert list(tmp_path.iterdir()) == []


def test_sweep_from_a_config_file(run, tmp_path):
    config = tmp_path / "sweep.toml"
    config.write_text('dataset = "xor"\nlearning_rate = [0.5, 2.0]\nhidden_units = 4\n'
                      'epochs = 30\nseeds = 2\n')
    status, out, err = run("lab", "sweep", "--config", str(config), "--jobs", "1",
                           "--out", str(tmp_path / "out"))
    assert (status, err) == (0, "")
    assert "learning_rate=0.5 " in out and "learning_rate=2.0 " in out
    runs = read_csv(tmp_path / "out" / "runs.csv")
    assert [(r["learning_rate"], r["seed"]) for r in runs] == [("0.5", "0"), ("0.5", "1"),
                                                               ("2.0", "0"), ("2.0", "1")]
    finals = {rate: statistics.fmean(float(r["final_val_loss"]) for r in runs
                                     if r["learning_rate"] == rate) for rate in ("0.5", "2.0")}
    best = min(finals, key=finals.get)
    assert f"Lowest final validation loss: learning_rate={best} " in " ".join(out.split())


def test_sweep_with_an_unknown_data_set(run, tmp_path):
    config = tmp_path / "sweep.toml"
    config.write_text('dataset = ["moons", "mnist"]\n')
    status, out, err = run("lab", "sweep", "--config", str(config))
    assert (status, out) == (2, "")
    assert err.startswith(f"backprop-tutor: error: {config}: dataset[2]: expected one of xor, ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("args, message", [
    (["learning-rate", "--dataset", "mnist"], "--dataset"),
    (["activation", "--seeds", "0"], "--seeds"),
])
def test_bad_options_one_line(run, args, message):
    status, out, err = run("lab", *args)
    assert (status, out) == (2, "") and message in err and err.count("\n") == 1


def test_a_non_empty_out_is_refused_before_any_run(run, tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    status, out, err = run("lab", "depth", "--out", str(tmp_path))
    assert (status, out) == (2, "")
    assert "is not empty (use --force" in err
    assert os.listdir(tmp_path) == ["mine.txt"]


def test_batch_size_at_each_own_best_rate_counts_updates(run, tmp_path):
    status, out, err = run("lab", "batch-size", "--samples", "50", "--epochs", "3", "--seeds", "2",
                           "--jobs", "1", "--out", str(tmp_path / "b"))
    assert (status, err) == (0, "")
    # 40 training rows: b = 1 makes 40 updates an epoch, b = 8 five, b = 32 two, full one
    rows = {" ".join(line.split()[:2]): line.split() for line in out.splitlines()
            if line.split()[:1] in (["batch"], ["full"]) and len(line.split()) > 6}
    assert [rows[b][3] for b in ("batch 1", "batch 8", "batch 32", "full batch")] == [
        "120", "15", "6", "3"]
    # each batch size's best η: the lowest mean final validation loss of its η (from runs.csv)
    finals = {}
    for row in read_csv(tmp_path / "b" / "runs.csv"):
        finals.setdefault((row["batch_size"], float(row["learning_rate"])), []).append(
            (number(row["final_val_loss"]), row["diverged_at"] != ""))
    summary = json.loads((tmp_path / "b" / "results.json").read_text())["summary"]
    for entry in summary["batch_sizes"]:
        size = "" if entry["batch_size"] is None else str(entry["batch_size"])
        calm = {rate: statistics.fmean(v for v, _ in runs) for (b, rate), runs in finals.items()
                if b == size and 2 * sum(d for _, d in runs) < len(runs)}
        assert entry["best_learning_rate"] == min(calm, key=calm.get)
        label = "full batch" if size == "" else f"batch {size}"
        assert rows[label][2] == f"{entry['best_learning_rate']:g}"
    assert (tmp_path / "b" / "batch_size.png").exists()


def test_init_zeros_never_breaks_symmetry(run, tmp_path):
    status, out, err = run("lab", "init", "--samples", "50", "--epochs", "20", "--seeds", "1",
                           "--jobs", "1", "--out", str(tmp_path / "i"))
    assert (status, err) == (0, "")
    rows = {line.split()[0]: line.split()[-1] for line in out.splitlines()
            if line.split() and line.split()[0] in ("zeros", "glorot_uniform")}
    assert rows["zeros"] == "1" and rows["glorot_uniform"] == "16"     # distinct hidden units
    runs = json.loads((tmp_path / "i" / "results.json").read_text())["runs"]
    assert {r["distinct_hidden_units"] for r in runs if r["setting"]["init"] == "zeros"} == {1}


def test_depth_sentences_agree_with_the_gradient_norms(run, tmp_path):
    status, out, err = run("lab", "depth", "--samples", "50", "--epochs", "3", "--seeds", "1",
                           "--jobs", "2", "--out", str(tmp_path / "d"))
    assert (status, err) == (0, "")
    document = json.loads((tmp_path / "d" / "results.json").read_text())
    for run_ in document["runs"]:
        norms = run_["gradient_norms"]
        assert len(norms[0]) == run_["setting"]["hidden_layers"] + 1
    start = document["summary"]["start_norms"]
    for activation in ("sigmoid", "tanh", "relu"):
        norms = start[activation]["6"]
        ratio = norms[-2] / norms[0]
        said = re.search(rf"With 6 {activation} layers, .*? is ([\d.e+]+) × (smaller|larger)",
                         " ".join(out.split()))
        value = float(said.group(1))
        assert value == pytest.approx(ratio if said.group(2) == "smaller" else 1 / ratio, rel=5e-3)
        assert (said.group(2) == "smaller") == (ratio > 1)
    # sigmoid's gradients vanish towards the first layer: each layer's norm below the next one's
    sigmoid = start["sigmoid"]["6"]
    assert all(a < b for a, b in itertools.pairwise(sigmoid))


def test_activation_figure_and_boundary(run, tmp_path):
    status, out, err = run("lab", "activation", "--samples", "60", "--epochs", "10", "--seeds",
                           "1", "--jobs", "1", "--out", str(tmp_path / "a"))
    assert (status, err) == (0, "")
    assert (tmp_path / "a" / "activation.svg").exists()
    rows = read_csv(tmp_path / "a" / "runs.csv")
    assert [r["hidden_activation"] for r in rows] == ["sigmoid", "tanh", "relu"]
    finals = {r["hidden_activation"]: float(r["final_val_loss"]) for r in rows}
    assert f"Lowest final validation loss: {min(finals, key=finals.get)} " in " ".join(out.split())


def test_the_lab_needs_no_scikit_learn(run, monkeypatch):
    # Moons are made in NumPy and the digits are shipped: blocking scikit-learn changes nothing.
    monkeypatch.setitem(sys.modules, "sklearn", None)   # makes `import sklearn` fail
    status, out, err = run("lab", "learning-rate", "--dataset", "moons", "--samples", "40",
                           "--epochs", "3", "--seeds", "1", "--jobs", "1")
    assert (status, err) == (0, "") and "sigmoid" in out
