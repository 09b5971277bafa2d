"""The learning-rate lesson holds on the lab's defaults and on other settings.

For each setting the real sweep runs (the grid extended as the lab extends it),
and the test reads the runs itself, with plain Python, to check what the lab
concluded: the best η lies strictly inside the grid, a larger η diverges, no
η above the best is called too small (nor one below it too large), and every
region's claim is true of the runs it stands for.
"""

import math
import statistics

import pytest

from backprop_tutor.teaching.lab import learning_rate as lr

SETTINGS = {
    "the defaults": ({}, lr.SEEDS),
    "circles, 300 rows, 100 epochs": ({"dataset": "circles", "samples": 300, "epochs": 100},
                                      (0, 1)),
    "digits in batches of 64": ({"dataset": "digits", "samples": None, "batch_size": 64,
                                 "epochs": 10}, (0, 1)),
    "moons, 200 rows, 50 epochs, other seeds": ({"samples": 200, "epochs": 50}, (5, 6)),
    "sine, 1000 rows, 200 epochs": ({"dataset": "sine", "samples": 1000, "epochs": 200}, (0, 1)),
}


def most(runs, check) -> bool:
    return 2 * sum(map(check, runs)) >= len(runs)


def diverged(run) -> bool:
    # from some epoch on above the start or not finite: in particular the last loss is
    return not (math.isfinite(run.train_loss[-1]) and run.train_loss[-1] <= run.train_loss[0])


def falling(run) -> bool:
    back = max(1, (len(run.train_loss) - 1) // 10)
    return run.train_loss[-1] < run.train_loss[-1 - back]


@pytest.fixture(scope="module", params=list(SETTINGS))
def lesson(request):
    changes, seeds = SETTINGS[request.param]
    runs = lr.run(lr.settings(lr.BASE.with_(**changes), seeds=seeds), jobs=2)
    return runs, lr.summarise(runs)


def test_the_curve_turns_inside_the_grid(lesson):
    runs, sweep = lesson
    for activation in sweep.by_activation:
        mine = [run for run in runs if run.setting.hidden_activation == activation]
        by_rate = {}
        for run in mine:
            by_rate.setdefault(run.setting.learning_rate, []).append(run)
        rates = sorted(by_rate)
        finals = {rate: statistics.fmean(run.final_val_loss for run in group)
                  for rate, group in by_rate.items() if not failed(group)}
        best = sweep.best(activation).learning_rate
        assert best == min(finals, key=finals.get)
        assert rates[0] < best < rates[-1], (activation, best, rates)
        above = [rate for rate in rates if rate > best]
        assert any(most(by_rate[rate], diverged) for rate in above), (activation, above)


def failed(group) -> bool:
    """Diverged, every hidden unit dead, or a constant output, in at least half the seeds."""
    return (most(group, diverged) or most(group, lambda run: run.dead == 1.0)
            or most(group, lambda run: run.output_spread < 1e-6))


def test_every_region_is_true_of_its_runs(lesson):
    runs, sweep = lesson
    for activation, results in sweep.by_activation.items():
        best = sweep.best(activation)
        for result in results:
            group = [run for run in runs if run.setting.hidden_activation == activation
                     and run.setting.learning_rate == result.learning_rate]
            where = (activation, result.learning_rate, result.region)
            if result.region == "diverging":
                assert most(group, diverged), where
            elif result.region in ("too small", "stalled"):
                assert result.learning_rate < best.learning_rate, where
                assert most(group, falling) == (result.region == "too small"), where
            elif result.region in ("too large", "oscillating"):
                assert result.learning_rate > best.learning_rate, where
            elif result.region == "good":
                mean = statistics.fmean(run.final_val_loss for run in group)
                assert mean <= 1.25 * best.mean, where
            elif result.region == "dead":
                assert most(group, lambda run: run.dead == 1.0), where
            else:
                assert result.region == "collapsed", where
                assert most(group, lambda run: run.output_spread < 1e-6), where
