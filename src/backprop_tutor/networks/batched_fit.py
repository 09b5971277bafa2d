"""Training R runs of one network shape at once: ``fit`` with a leading runs axis.

The lab trains one network from several seeds with several learning rates.
Alone, a run's epoch on a small data set is a few small products and
elementwise operations, and NumPy's cost per call is a good part of its time
(a quarter on moons, 2-16-1, full batch; more for small batches). Here
the weights of the R runs are stacked, W of shape (R, units, units of the
previous layer), and each operation of ``numpy_network`` is one call for every
run (``np.matmul`` multiplies two stacks slice by slice)::

    forward    net[r] = A_prev[r] @ W[r].T + b[r]          A[r] = f(net[r])
    output     delta_L[r] = eta[r] * c * (A_L[r] - T) * f'(A_L[r]) / n
    hidden     delta_l[r] = (delta_next[r] @ W_next[r]) * f'(A_l[r])
    SGD        W[r] <- W[r] - delta[r].T @ A_prev[r]       b[r] <- b[r] - sum of delta[r] over samples

As in ``NumpyNetwork._backpropagate``, the deltas carry the learning rate
eta[r], so the gradients come out as the update's steps. Every run keeps its
own learning rate, initial weights and shuffling order (its ``shuffle_seed``),
and gets the numbers ``numpy_fit.fit`` gives it alone: the same operations on
the same numbers in the same order, each run's arrays laid out as alone (so
that every product of a run is the same BLAS call on the same layout). A run
that diverges leaves the stack at the epoch where it would have stopped
alone; the others go on.

>>> from backprop_tutor.networks.numpy_network import NumpyNetwork
>>> X, T = [[0.0, 1.0], [1.0, 0.0]], [[1.0], [0.0]]
>>> models = [NumpyNetwork.initialised((2, 3, 1), ["tanh", "sigmoid"], seed=s) for s in (0, 1)]
>>> histories = fit_runs(models, X, T, learning_rates=[0.5, 2.0], epochs=3)
>>> alone = NumpyNetwork.initialised((2, 3, 1), ["tanh", "sigmoid"], seed=1)
>>> alone.fit(X, T, learning_rate=2.0, epochs=3).loss == histories[1].loss
True
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from backprop_tutor.networks.numpy_fit import (
    EPOCH_LOSSES,
    History,
    batches,
    diverged,
    keep_freed_memory,
)
from backprop_tutor.networks.numpy_network import ARRAY_LOSS_DIVISORS, NumpyNetwork


class _Stack:
    """The parameters of the runs still training, stacked along a leading runs axis."""

    def __init__(self, models: Sequence[NumpyNetwork], learning_rates):
        first = models[0]
        self.activations, self.loss, self.dtype = first.activations, first.loss, first.dtype
        self.trains_bias = [first._trains_bias(layer) for layer in range(len(first.weights))]
        self.weights = [np.stack([m.weights[layer] for m in models])
                        for layer in range(len(first.weights))]
        self.biases = [None if b is None else np.stack([np.asarray(m.biases[layer]) for m in models])
                       for layer, b in enumerate(first.biases)]
        self.rates = np.asarray(learning_rates, dtype=float)
        self.runs = list(range(len(models)))   # which model each row of the stack is

    def keep(self, rows) -> None:
        """Keep only these rows of the stack (the runs that go on)."""
        self.weights = [W[rows] for W in self.weights]
        self.biases = [None if b is None else b[rows] for b in self.biases]
        self.rates = self.rates[rows]
        self.runs = [self.runs[row] for row in rows]

    def copy_into(self, row: int, model: NumpyNetwork) -> None:
        """Give ``model`` the parameters of one row of the stack."""
        for layer, W in enumerate(self.weights):
            model.weights[layer][...] = W[row]
            b, into = self.biases[layer], model.biases[layer]
            if b is not None and into is not None:
                into[...] = b[row]

    def forward(self, X) -> list:
        """The outputs of every layer, ``outs[0]`` = X: shared (n, inputs) or one per run."""
        outs = [X]
        for W, b, activation in zip(self.weights, self.biases, self.activations, strict=True):
            net = outs[-1] @ W.transpose(0, 2, 1)
            if b is not None:
                net += b[:, np.newaxis, :]
            outs.append(activation.function(net))
        return outs

    def descend(self, outs, error) -> None:
        """W <- W - eta dE/dW and b <- b - eta dE/db for every run: every step first, then every
        change (the backward pass uses the weights from before the update)."""
        out, n = outs[-1], error.shape[1]
        scale = self.rates * (2.0 / ARRAY_LOSS_DIVISORS[self.loss](out.shape[2])) / n
        delta = scale.astype(self.dtype)[:, np.newaxis, np.newaxis] * error
        delta *= self.activations[-1].derivative_from_output(out)
        steps = []
        for layer in range(len(self.weights) - 1, -1, -1):
            dW = np.swapaxes(delta, 1, 2) @ outs[layer]
            db = delta.sum(axis=1) if self.trains_bias[layer] else None
            steps.append((layer, dW, db))
            if layer > 0:
                delta = delta @ self.weights[layer]
                delta *= self.activations[layer - 1].derivative_from_output(outs[layer])
        for layer, dW, db in steps:
            self.weights[layer] -= dW
            if db is not None:
                self.biases[layer] -= db


def mean_losses(outputs, targets, loss: str) -> np.ndarray:
    """E of the batch for every run: ``numpy_network.mean_loss`` along the runs axis.

    Formula:
        E[r] = 1/n * sum over samples of 1/d * sum_k (t_k - out[r]_k)**2
    """
    error = targets - outputs
    per_sample = (error * error).sum(axis=2) / ARRAY_LOSS_DIVISORS[loss](outputs.shape[2])
    return per_sample.sum(axis=1).astype(float) / per_sample.shape[1]


def fit_runs(models: Sequence[NumpyNetwork], X, T, *, learning_rates, epochs, batch_size=None,
             shuffle_seeds=None, validation=None, progress=None,
             epoch_loss="full") -> list[History]:
    """``numpy_fit.fit`` for every model at once, each with its own learning rate and seed.

    Args:
        models: networks of one shape (sizes, activations, loss, dtype, biases), trained in place.
        learning_rates: one per model.
        shuffle_seeds: None (every run in the rows' order) or one seed (or None) per model.
        X, T, epochs, batch_size, validation, progress, epoch_loss: as ``fit``'s, shared.

    Returns one :class:`History` per model, as ``fit`` would have: its
    ``seconds`` is the run's share of the wall time (each epoch's time divided
    among the runs still training), so the runs' seconds add up to the total.
    """
    _check_alike(models, learning_rates, shuffle_seeds)
    if epoch_loss not in EPOCH_LOSSES:
        raise ValueError(f"epoch_loss must be full or batches; got {epoch_loss!r}")
    first = models[0]
    X, T = first.batch(X, first.sizes[0]), first.batch(T, first.sizes[-1], "T")
    if validation is not None:
        validation = first.batch(validation[0], first.sizes[0]), first.batch(validation[1],
                                                                             first.sizes[-1], "T")
    keep_freed_memory()
    seeds = [None] * len(models) if shuffle_seeds is None else list(shuffle_seeds)
    rngs = [None if seed is None else np.random.default_rng(seed) for seed in seeds]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        return _Epochs(models, learning_rates, X, T, validation, rngs).run(
            epochs, batch_size, epoch_loss, progress)


def _check_alike(models, learning_rates, shuffle_seeds) -> None:
    if not models:
        raise ValueError("fit_runs needs at least one model")
    first = models[0]

    def shape(m):
        return (m.sizes, m.activation_names, m.loss, m.dtype,
                [b is None for b in m.biases], [m._trains_bias(k) for k in range(len(m.biases))])
    if any(shape(m) != shape(first) for m in models):
        raise ValueError("fit_runs trains models of one shape: the same sizes, activations, "
                         "loss, dtype and biases")
    for name, values in (("learning_rates", learning_rates), ("shuffle_seeds", shuffle_seeds)):
        if values is not None and len(values) != len(models):
            raise ValueError(f"{name} must have one value per model ({len(models)}); "
                             f"got {len(values)}")


class _Epochs:
    """The epochs of ``fit_runs``: ``numpy_fit``'s two loops, for a stack of runs."""

    def __init__(self, models, learning_rates, X, T, validation, rngs):
        self.models, self.X, self.T, self.validation, self.rngs = models, X, T, validation, rngs
        self.stack = _Stack(models, learning_rates)
        self.losses: list[list[float]] = [[] for _ in models]
        self.val_losses: list[list[float]] | None = None if validation is None else [
            [] for _ in models]
        self.diverged_at: list[int | None] = [None] * len(models)
        self.seconds = [0.0] * len(models)
        self.started = time.perf_counter()

    def run(self, epochs, batch_size, epoch_loss, progress) -> list[History]:
        if epoch_loss == "full":
            self._full(epochs, batch_size, progress)
        else:
            self._batches(epochs, batch_size, progress)
        self._finish(list(range(len(self.stack.runs))), None)
        return [History(loss, None if self.val_losses is None else self.val_losses[run],
                        self.diverged_at[run], self.seconds[run], epoch_loss)
                for run, loss in enumerate(self.losses)]

    def _full(self, epochs, batch_size, progress) -> None:
        """``numpy_fit._epochs_full``: the whole set's loss before each epoch."""
        n = self.X.shape[0]
        full = batch_size is None or batch_size >= n
        for epoch in range(epochs + 1):
            outs = self.stack.forward(self.X)
            self._record(mean_losses(outs[-1], self.T, self.stack.loss))
            kept = self._go_on(epoch)
            if not kept or epoch == epochs:
                break
            if full:   # the pass above was the forward pass of this update, for the runs kept
                if len(kept) < len(outs[-1]):
                    outs = [outs[0], *(out[kept] for out in outs[1:])]
                self.stack.descend(outs, outs[-1] - self.T)
            else:
                for X, T in self._batches_of(n, batch_size):
                    outs = self.stack.forward(X)
                    self.stack.descend(outs, outs[-1] - T)
            if progress is not None:
                progress(epoch + 1)

    def _batches(self, epochs, batch_size, progress) -> None:
        """``numpy_fit._epochs_batches``: the mean of each epoch's batch losses."""
        n = self.X.shape[0]
        divisor = ARRAY_LOSS_DIVISORS[self.stack.loss](self.T.shape[1])
        for epoch in range(1, epochs + 1):
            total = np.zeros(len(self.stack.runs))
            for X, T in self._batches_of(n, batch_size):
                outs = self.stack.forward(X)
                error = outs[-1] - T
                self.stack.descend(outs, error)
                # E = sum of error**2 / (d * n_batch), times n_batch: the batch's share of the sum;
                # the squares summed as a (1 × m) @ (m × 1) product, the dot product _loss_of takes
                flat = error.reshape(len(error), 1, -1)
                squares = (flat @ np.swapaxes(flat, 1, 2))[:, 0, 0].astype(float)
                total += squares / (divisor * error.shape[1]) * error.shape[1]
            self._record(total / n)
            if not self._go_on(epoch):
                break
            if progress is not None:
                progress(epoch)

    def _batches_of(self, n, batch_size):
        """(X, T) of each batch of an epoch: shared slices in order, or one set of rows per run."""
        if all(rng is None for rng in self.rngs) or batch_size is None or batch_size >= n:
            for rows in batches(n, batch_size):
                yield self.X[rows], self.T[rows]
            return
        order = [batches(n, batch_size, self.rngs[run]) for run in self.stack.runs]
        for rows in zip(*order, strict=True):
            index = np.stack([np.arange(n)[r] for r in rows])
            yield self.X[index], self.T[index]

    def _record(self, losses) -> None:
        """Each run's loss (and validation loss) of this epoch."""
        for row, run in enumerate(self.stack.runs):
            self.losses[run].append(float(losses[row]))
        if self.val_losses is not None:
            Xv, Tv = self.validation
            val = mean_losses(self.stack.forward(Xv)[-1], Tv, self.stack.loss)
            for row, run in enumerate(self.stack.runs):
                self.val_losses[run].append(float(val[row]))

    def _go_on(self, epoch: int) -> list[int]:
        """Stop the runs that diverged at this epoch (``numpy_fit.diverged``); the rows kept."""
        now = time.perf_counter()
        for run in self.stack.runs:   # this stretch of wall time, shared by the runs in it
            self.seconds[run] += (now - self.started) / len(self.stack.runs)
        self.started = now
        stopped = [row for row, run in enumerate(self.stack.runs) if diverged(self.losses[run])]
        kept = [row for row in range(len(self.stack.runs)) if row not in stopped]
        if stopped:
            self._finish(stopped, epoch)
            self.stack.keep(kept)
        return kept

    def _finish(self, rows, diverged_at) -> None:
        for row in rows:
            run = self.stack.runs[row]
            self.stack.copy_into(row, self.models[run])
            self.diverged_at[run] = diverged_at
