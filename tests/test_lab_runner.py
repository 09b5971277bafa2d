"""The lab's machinery, on hand-made data: divergence, regions, the runner, result files, config."""

import json
import math

import pytest

from backprop_tutor.teaching.lab import learning_rate as lr
from backprop_tutor.teaching.lab.results import curves_csv, results_json, runs_csv
from backprop_tutor.teaching.lab.runner import run_all
from backprop_tutor.teaching.lab.runs import Run, Setting, accuracy, divergence_epoch
from backprop_tutor.teaching.lab.sweep import read_config

INF, NAN = math.inf, math.nan


@pytest.mark.parametrize("losses, epoch", [
    ([1.0, 0.5, 0.25], None),                       # learns
    ([1.0, 1.0, 1.0], None),                        # stuck at the start is not divergence
    ([1.0, 2.0, 0.5, 0.4], None),                   # rose once, came back
    ([1.0, 0.5, 1.5, 3.0], 2),                      # above the start from epoch 2 on
    ([1.0, 2.0, 0.9, 2.0, INF, NAN], 3),            # back below at 2, above from 3, then overflow
    ([1.0, INF, INF], 1),
])
def test_divergence_epoch_is_where_the_loss_leaves_for_good(losses, epoch):
    assert divergence_epoch(losses) == epoch


def test_rising_fraction_counts_epochs_that_rose():
    # 4 steps: down, up, down, up (to inf) -> 2 of 4 rose
    assert lr.rising_fraction([1.0, 0.5, 0.7, 0.6, INF]) == 0.5
    assert lr.rising_fraction([1.0, 0.9, 0.8]) == 0.0


def test_accuracy_one_output_and_one_hot():
    assert accuracy([[0.9], [0.2], [0.6], [0.4]], [[1.0], [0.0], [0.0], [0.0]]) == 0.75
    assert accuracy([[0.1, 0.7, 0.2], [0.5, 0.4, 0.1]], [[0, 1, 0], [0, 0, 1]]) == 0.5
    assert accuracy([[0.3]], [[0.25]]) is None          # a regression target


def result(rate, mean, rising=0.0, diverged=0, first=None, dead=0, collapsed=0, falling=5):
    return lr.RateResult("tanh", rate, start=0.2, mean=mean, spread=0.0, low=mean, high=mean,
                         rising=rising, diverged=diverged, first_diverged_at=first, seeds=5,
                         dead=dead, collapsed=collapsed, falling=falling)


def test_regions_are_read_off_the_runs():
    results = [result(0.01, 0.10), result(0.03, 0.09, falling=1), result(0.1, 0.045),
               result(1.0, 0.04), result(3.0, 0.06, rising=0.3), result(10.0, 0.08),
               result(30.0, 0.5, rising=0.05), result(100.0, INF, rising=0.5, diverged=3, first=4)]
    regions = [r.region for r in lr.classify(results)]
    # best η = 1.0 (0.04); good means <= 1.25 * 0.04 = 0.05: η = 0.1 and 1.0. Below it: still
    # falling at the end in most seeds -> too small; in 1 of 5 -> stalled.
    assert regions == ["too small", "stalled", "good", "good", "oscillating", "too large",
                       "too large", "diverging"]


def test_no_region_contradicts_its_place():
    # An η that oscillates below the best is not "oscillating", and a slow one above the best
    # is not "too small": the place decides.
    results = lr.classify([result(0.1, 0.2, rising=0.5), result(1.0, 0.04),
                           result(10.0, 0.3, rising=0.0)])
    assert [r.region for r in results] == ["too small", "good", "too large"]


def test_collapsed_and_dead_are_named_not_oscillating():
    results = lr.classify([result(0.1, 0.05), result(1.0, 0.04), result(10.0, 0.5, rising=0.5,
                                                                         collapsed=3),
                           result(30.0, 0.5, rising=0.5, dead=5, collapsed=5),
                           result(100.0, INF, diverged=5, first=1, dead=5)])
    assert [r.region for r in results] == ["good", "good", "collapsed", "dead", "diverging"]
    # a failed η is never the best, however low its loss
    low_but_constant = lr.classify([result(0.1, 0.05), result(1.0, 0.01, collapsed=4)])
    assert lr.best_rate(low_but_constant).learning_rate == 0.1


def test_an_oscillating_rate_can_be_the_best():
    results = lr.classify([result(1.0, 0.04, rising=0.3), result(2.0, 0.03, rising=0.3),
                           result(4.0, INF, diverged=5, first=2)])
    sweep = lr.Sweep({"tanh": results}, epochs=10, output_activation="linear")
    assert sweep.best("tanh").learning_rate == 2.0
    # 0.04 > 1.25 × 0.03: below the best and not good, still falling: too small
    assert [r.region for r in results] == ["too small", "good", "diverging"]


def test_fewer_than_half_diverged_is_not_diverging():
    regions = [r.region for r in lr.classify([result(0.1, 0.05), result(1.0, INF, diverged=2,
                                                                        first=7)])]
    assert regions == ["good", "too large"]


def test_the_curve_has_turned_only_with_the_best_inside_and_a_divergence_above():
    inside = lr.classify([result(0.1, 0.05), result(1.0, 0.04), result(10.0, INF, diverged=5,
                                                                       first=1)])
    at_the_top = lr.classify([result(0.1, 0.05), result(1.0, 0.04)])
    no_divergence = lr.classify([result(0.1, 0.05), result(1.0, 0.04), result(10.0, 0.3)])
    assert lr.turned(inside) and not lr.turned(at_the_top) and not lr.turned(no_divergence)
    sweep = lr.Sweep({"tanh": no_divergence}, epochs=10, output_activation="sigmoid")
    assert sweep.why_not("tanh").startswith("no η up to 10 diverged in at least half its seeds; "
                                            "a sigmoid output bounds the loss")


def test_the_grid_grows_a_decade_where_the_curve_has_not_turned():
    # η = 10^(k/3): 100 is step 6; the next decade is 215, 464, 1000.
    assert [lr.rate(k) for k in (7, 8, 9)] == [215.0, 464.0, 1000.0]
    assert lr.LEARNING_RATES == (0.01, 0.0215, 0.0464, 0.1, 0.215, 0.464, 1.0, 2.15, 4.64, 10.0,
                                 21.5, 46.4, 100.0)


def test_runner_keeps_the_order_for_any_number_of_jobs():
    numbers = [16.0, 1.0, 81.0, 4.0, 9.0]
    assert run_all(math.sqrt, numbers, jobs=1) == [4.0, 1.0, 9.0, 2.0, 3.0]
    assert run_all(math.sqrt, numbers, jobs=2) == [4.0, 1.0, 9.0, 2.0, 3.0]


def test_runner_reports_progress_once_per_run():
    done = []
    run_all(abs, [-1, -2, -3], jobs=2, progress=done.append)
    assert done == [1, 1, 1]


def hand_made_runs():
    setting = Setting(dataset="xor", learning_rate=0.5, epochs=2, seed=3)
    return [Run(setting, (0.5, 0.25, 0.125), (0.5, 0.3, INF), 0.75, 2, seconds=1.5),
            Run(setting.with_(seed=4), (0.5, 0.4, 0.3), (0.6, 0.5, 0.4), None, None, seconds=2.5)]


def test_runs_csv_one_row_per_run_with_its_setting():
    lines = runs_csv(hand_made_runs()).splitlines()
    assert lines[0] == ("run,dataset,samples,noise,validation,hidden_activation,output_activation,"
                        "hidden_units,hidden_layers,init,loss,learning_rate,batch_size,epochs,seed,"
                        "final_train_loss,final_val_loss,accuracy,diverged_at")
    assert lines[1] == "0,xor,,,0.2,tanh,sigmoid,16,1,glorot_uniform,half_sse,0.5,,2,3,0.125,inf,0.75,2"
    assert lines[2] == "1,xor,,,0.2,tanh,sigmoid,16,1,glorot_uniform,half_sse,0.5,,2,4,0.3,0.4,,"


def test_curves_csv_and_json_leave_the_seconds_out():
    runs = hand_made_runs()
    assert curves_csv(runs).splitlines()[:4] == ["run,epoch,train_loss,val_loss", "0,0,0.5,0.5",
                                                 "0,1,0.25,0.3", "0,2,0.125,inf"]
    text = results_json("test", runs, {"note": NAN})
    assert "1.5" not in text and "seconds" not in text
    document = json.loads(text)
    assert document["runs"][0]["val_loss"] == [0.5, 0.3, None]    # not finite -> null
    assert document["runs"][0]["setting"]["seed"] == 3
    assert document["summary"] == {"note": None}


def test_config_grid_in_a_fixed_order(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text('learning_rate = [0.1, 1.0]\nbatch_size = ["full", 8]\nepochs = 20\n'
                    'seeds = [0, 7]\n')
    settings = read_config(path)
    assert [(s.learning_rate, s.batch_size, s.seed) for s in settings] == [
        (0.1, None, 0), (0.1, None, 7), (0.1, 8, 0), (0.1, 8, 7),
        (1.0, None, 0), (1.0, None, 7), (1.0, 8, 0), (1.0, 8, 7)]
    assert {s.epochs for s in settings} == {20}


@pytest.mark.parametrize("text, message", [
    ("learning_rte = 0.1\n", "sweep.toml: learning_rte: unknown key"),
    ("learning_rate = [0.1, -1]\n", "sweep.toml: learning_rate[2]: expected a positive"),
    ("batch_size = \"half\"\n", "sweep.toml: batch_size: expected a whole number"),
    ("hidden_activation = \"softmax\"\n", "sweep.toml: hidden_activation: expected one of"),
    ("seeds = 0\n", "sweep.toml: seeds: expected a whole number from 1 to 5,000"),
    ("epochs = [\n", "sweep.toml: is not valid TOML"),
    ("learning_rate = []\n", "sweep.toml: learning_rate: expected at least one value"),
])
def test_bad_config_one_line_exit_2(run, tmp_path, text, message):
    path = tmp_path / "sweep.toml"
    path.write_text(text)
    status, out, err = run("lab", "sweep", "--config", str(path))
    assert (status, out) == (2, "")
    assert err.startswith(f"backprop-tutor: error: {tmp_path}/{message}") and err.count("\n") == 1


def test_report_blocks_say_what_the_results_say():
    from backprop_tutor.document.blocks import Paragraph, Table
    from backprop_tutor.output.reports.lab import learning_rate_blocks

    results = lr.classify([result(0.01, 0.10), result(0.1, 0.045), result(1.0, 0.04),
                           result(10.0, INF, diverged=4, first=3),
                           result(100.0, INF, diverged=5, first=1)])
    sweep = lr.Sweep({"tanh": results}, epochs=20, output_activation="linear", batch_size=64)
    blocks = learning_rate_blocks(sweep, "digits", "figures/lr.png")
    texts = [b.content for b in blocks if isinstance(b, Paragraph)]
    assert texts[0].startswith("Final validation loss after 20 epochs of mini-batch SGD (batches "
                               "of 64) from 5 seeded starts per η")
    assert texts[1] == ("With tanh hidden units the best η is 1 (final validation loss 0.04 ± 0 "
                        "over 5 seeds); η = 0.01: too small; η = 0.1 to 1: good; "
                        "η = 10 to 100: diverging (first at epoch 1).")
    (table,) = [b for b in blocks if isinstance(b, Table)]
    assert [row[1] for row in table.rows] == ["0.1 ± 0 too small", "0.045 ± 0 good",
                                              "0.04 ± 0 good", "inf diverging", "inf diverging"]


def test_a_curve_that_has_not_turned_says_why():
    # Best at the largest η tried: a larger one was never run, so "the best" needs that caveat.
    from backprop_tutor.output.reports.lab import activation_sentence

    results = lr.classify([result(0.1, 0.3), result(1.0, 0.2), result(10.0, 0.1)])
    sweep = lr.Sweep({"relu": results}, epochs=20, output_activation="sigmoid")
    assert activation_sentence(sweep, "relu").endswith(
        "The curve has not turned: the best η is the largest tried, 10; a sigmoid output bounds "
        "the loss (E ≤ ½ per output), so it cannot run away; --output-activation linear lets it.")
