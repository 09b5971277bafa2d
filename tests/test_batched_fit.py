"""The stacked trainer (networks/batched_fit.py) against each run trained alone by ``fit``.

``fit`` (numpy_fit.py) is the independent computation: one run at a time, its
own loop, its own divergence check. The stack must give every run the same
losses, the same final weights and the same epoch of divergence.
"""

import numpy as np
import pytest

from backprop_tutor.networks.batched_fit import fit_runs
from backprop_tutor.networks.datasets import load_dataset, split
from backprop_tutor.networks.numpy_network import NumpyNetwork
from backprop_tutor.teaching.lab.runner import run_all, run_stacked
from backprop_tutor.teaching.lab.runs import Setting, train, train_together

RATES = [0.01, 0.3, 1.0, 5.0, 50.0]     # from slow to diverging within a few epochs


@pytest.fixture(scope="module")
def moons():
    return split(load_dataset("moons", n=200, seed=0), validation_fraction=0.25, seed=0)


def network(seed, sizes=(2, 8, 1), activations=("tanh", "linear"), **options):
    return NumpyNetwork.initialised(sizes, list(activations), seed=seed, **options)


def assert_same(alone, history, tolerance):
    """Loss lists and divergence as fit's, to ``tolerance`` relative (inf and nan where fit's)."""
    assert history.diverged_at == alone.diverged_at
    assert history.epoch_loss == alone.epoch_loss
    for ours, theirs in ((history.loss, alone.loss), (history.val_loss, alone.val_loss)):
        assert len(ours) == len(theirs)
        np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=0, equal_nan=True)


def compare(data, make, rates, seeds, tolerance=1e-12, **options):
    """Train the stack and each run alone; return the histories of the stack."""
    train_rows, val_rows = data
    models = [make(seed) for seed in seeds]
    shuffled = options.pop("shuffled", False)
    with np.errstate(all="ignore"):
        histories = fit_runs(models, train_rows.X, train_rows.T, learning_rates=rates,
                             shuffle_seeds=seeds if shuffled else None,
                             validation=(val_rows.X, val_rows.T), **options)
    for model, history, rate, seed in zip(models, histories, rates, seeds, strict=True):
        alone = make(seed)
        with np.errstate(all="ignore"):
            expected = alone.fit(train_rows.X, train_rows.T, learning_rate=rate,
                                 shuffle_seed=seed if shuffled else None,
                                 validation=(val_rows.X, val_rows.T), **options)
        assert_same(expected, history, tolerance)
        for ours, theirs in zip(model.weights + model.biases, alone.weights + alone.biases,
                                strict=True):
            if theirs is None:
                assert ours is None
            else:
                assert ours.dtype == theirs.dtype
                np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=0, equal_nan=True)
    return histories


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_full_batch_runs_equal_each_run_alone_and_diverge_at_the_same_epoch(moons, activation):
    histories = compare(moons, lambda seed: network(seed, activations=(activation, "linear")),
                        RATES * 2, [0] * 5 + [1] * 5, epochs=40)
    diverged = [h.diverged_at for h in histories]
    # the small rates train all 40 epochs; the largest stops early (a loss a millionfold up)
    assert diverged[0] is None and diverged[1] is None and len(histories[0].loss) == 41
    assert diverged[4] is not None and diverged[4] < 40 and len(histories[4].loss) < 41


def test_shuffled_mini_batches_use_each_runs_own_order(moons):
    histories = compare(moons, network, RATES * 2, [3] * 5 + [4] * 5, epochs=8, batch_size=16,
                        shuffled=True)
    assert any(h.diverged_at is not None for h in histories)
    # the seeds' orders differ: the same rate from the same start would otherwise agree
    assert histories[0].loss != histories[5].loss


def test_batch_losses_mode_with_a_deeper_mse_network_and_no_output_bias(moons):
    def make(seed):
        model = network(seed, sizes=(2, 6, 5, 1), activations=("sigmoid", "relu", "sigmoid"),
                        loss="mse")
        model.biases[-1] = None
        model.train_biases[0] = False
        return model
    compare(moons, make, RATES, [0, 1, 2, 3, 4], epochs=10, batch_size=32,
            epoch_loss="batches", shuffled=True)


def test_float32_stack_stays_in_float32_and_equals_the_runs_alone(moons):
    # float32 rounding (6e-8) instead of float64's, with the same operations
    compare(moons, lambda seed: network(seed, dtype="float32"), RATES, [0, 1, 2, 3, 4],
            tolerance=1e-6, epochs=20)


def test_a_run_alone_in_its_stack_and_seconds_that_add_up(moons):
    (train_rows, _), models = moons, [network(0), network(1)]
    histories = fit_runs(models, train_rows.X, train_rows.T, learning_rates=[0.1, 0.1], epochs=3)
    assert all(h.seconds > 0 for h in histories) and histories[1].val_loss is None
    assert histories[0].loss != histories[1].loss        # two seeds, two starts


def test_networks_of_different_shapes_or_a_missing_rate_are_refused(moons):
    (train_rows, _) = moons
    with pytest.raises(ValueError, match="one shape"):
        fit_runs([network(0), network(0, sizes=(2, 4, 1))], train_rows.X, train_rows.T,
                 learning_rates=[0.1, 0.1], epochs=1)
    with pytest.raises(ValueError, match="one value per model"):
        fit_runs([network(0), network(1)], train_rows.X, train_rows.T, learning_rates=[0.1],
                 epochs=1)


def test_the_labs_stacked_runs_are_its_runs_alone():
    base = Setting(dataset="moons", samples=120, epochs=25, output_activation="linear")
    settings = [base.with_(learning_rate=rate, seed=seed) for rate in (0.1, 1.0, 30.0)
                for seed in (0, 1)]
    alone = [train(setting) for setting in settings]
    for ours, theirs in zip(train_together(tuple(settings)), alone, strict=True):
        assert ours.setting == theirs.setting and ours.diverged_at == theirs.diverged_at
        np.testing.assert_allclose(ours.train_loss + ours.val_loss,
                                   theirs.train_loss + theirs.val_loss, rtol=1e-12, atol=0)
        assert (ours.accuracy, ours.dead) == (theirs.accuracy, theirs.dead)
        assert ours.output_spread == pytest.approx(theirs.output_spread, rel=1e-12)
    assert alone[-1].diverged_at is not None


def stack_abs(stack):
    return [abs(x) for x in stack]


def test_stacks_come_back_in_the_settings_order_with_progress_per_run():
    numbers = list(range(-20, 20))
    done = []
    assert run_stacked(stack_abs, numbers, key=lambda x: x % 3, jobs=2,
                       progress=done.append) == [abs(x) for x in numbers]
    assert sum(done) == len(numbers) and len(done) == 6        # 3 keys × 2 workers' stacks
    assert run_all(stack_abs, [(1, -2), (-3,)], runs_in=len) == [[1, 2], [3]]
