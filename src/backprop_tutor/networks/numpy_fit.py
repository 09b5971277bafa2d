"""Training the NumPy network of Problem 3 on a data set: epochs of (mini-)batches.

``fit(model, X, T, ...)`` (also ``model.fit(X, T, ...)``) passes over the
rows of X and T in batches, one SGD update per batch (``model.sgd_step``),
and records the loss of every epoch in a :class:`History`; a run whose loss
becomes non-finite or grows a millionfold stops there. It needs NumPy and
the network (``numpy_network.py``) only.

An epoch over n rows in batches of B is ceil(n / B) updates::

    batch_size = None or n   full-batch gradient descent: one update per epoch
    batch_size = 1           per-sample SGD: n updates per epoch
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from backprop_tutor.networks.numpy_network import NumpyNetwork, mean_loss


@dataclass
class History:
    """What :func:`fit` saw.

    With ``epoch_loss="full"`` (the default), ``loss[e]`` is the training-set
    loss after e epochs, from a pass over the whole set: ``loss[0]`` before
    training, ``loss[-1]`` after the last epoch (epochs + 1 values when
    training ran to the end). With ``epoch_loss="batches"``, ``loss[e]`` is the
    mean over epoch e + 1's samples of their E, each taken in its batch's step
    before that batch's update (what Keras and a PyTorch loop report; epochs
    values). ``val_loss`` is the validation set's loss at the same moments
    ("full") or after each epoch ("batches"); None without one.

    ``diverged_at`` is the epoch whose loss is non-finite or above
    ``DIVERGED_FACTOR`` times ``loss[0]`` ("full": after that many epochs, 0
    being before training; "batches": during that epoch, counted from 1);
    training stopped there, so ``loss`` ends with that value. ``seconds`` is
    the wall time of ``fit``.
    """

    loss: list
    val_loss: list | None
    diverged_at: int | None
    seconds: float
    epoch_loss: str = "full"


#: Training stops as diverged when the loss exceeds this multiple of its starting value.
DIVERGED_FACTOR = 1e6

#: What ``fit`` records as an epoch's loss (see :class:`History`).
EPOCH_LOSSES = ("full", "batches")


def fit(model: NumpyNetwork, X, T, *, learning_rate, epochs, batch_size=None, shuffle_seed=None,
        validation=None, progress=None, epoch_loss="full") -> History:
    """Train for ``epochs`` passes over (X, T) in batches; see :class:`History` for the result.

    An epoch is one pass over the rows in batches of ``batch_size`` (None
    or n: the whole set, full-batch gradient descent; 1: per-sample SGD),
    in the rows' order, or reshuffled every epoch by a generator seeded
    with ``shuffle_seed``; the last batch may be smaller. ``validation`` is
    (Xv, Tv); ``progress`` is called with the number of epochs done.

    ``epoch_loss`` says what an epoch's loss is. "full": the training
    loss before each epoch, from a forward pass over the whole set (which
    full-batch training then uses for its update); losses at equal epochs
    are then comparable across batch sizes. "batches": the mean of the
    batch losses the epoch's steps compute anyway, each batch weighted by
    its samples, as Keras reports it: no extra pass.

    Overflow is a possible result here, not a fault: a run that diverges
    stops at the epoch where it did, without warnings.
    """
    if epoch_loss not in EPOCH_LOSSES:
        raise ValueError(f"epoch_loss must be full or batches; got {epoch_loss!r}")
    started = time.perf_counter()
    keep_freed_memory()
    X, T = model.batch(X, model.sizes[0]), model.batch(T, model.sizes[-1], "T")
    if validation is not None:
        Xv, Tv = validation
        validation = model.batch(Xv, model.sizes[0]), model.batch(Tv, model.sizes[-1], "T")
    rng = None if shuffle_seed is None else np.random.default_rng(shuffle_seed)
    run = _epochs_full if epoch_loss == "full" else _epochs_batches
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        losses, val_losses, diverged_at = run(model, X, T, learning_rate, epochs, batch_size, rng,
                                              validation, progress)
    return History(losses, val_losses, diverged_at, time.perf_counter() - started, epoch_loss)


def keep_freed_memory(pad: int = 64 << 20) -> None:
    """Let the C library keep up to ``pad`` bytes it frees, for the arrays of the next step.

    Why: a step makes and frees the same arrays every time. glibc gives freed
    memory at the top of its heap back to the system, and gets it back zeroed,
    one page fault per 4 KB: with arrays of a megabyte (784-512-512-10, batches
    of 512) that cost a tenth of the time of a step, and doubled the lab's
    stacked epochs. ``M_TOP_PAD`` keeps that much. Nothing changes where
    ``mallopt`` is missing (other C libraries, other systems).
    """
    import ctypes  # here: only fit needs it, and only on Linux
    import sys

    mallopt = getattr(ctypes.CDLL(None), "mallopt", None) if sys.platform == "linux" else None
    if mallopt is not None:
        mallopt(-2, pad)   # M_TOP_PAD in malloc.h


# The epochs call the network's unchecked methods (_forward, _sgd_step, _descend): fit has
# checked its data once, and a check at every step would cost as much as a small step.

def _epochs_full(model: NumpyNetwork, X, T, learning_rate, epochs, batch_size, rng, validation,
                 progress):
    """fit with the whole set's loss before each epoch: (losses, val_losses, diverged_at)."""
    n = X.shape[0]
    full = batch_size is None or batch_size >= n  # reshuffling one full batch changes nothing
    losses: list[float] = []
    val_losses: list[float] | None = None if validation is None else []
    for epoch in range(epochs + 1):
        _, outs = model._forward(X)
        losses.append(mean_loss(outs[-1], T, model.loss))
        if val_losses is not None:   # with validation
            val_losses.append(model.loss_value(*validation))
        if diverged(losses):
            return losses, val_losses, epoch
        if epoch == epochs:
            break
        if full:
            model._descend(outs, outs[-1] - T, learning_rate)
        else:
            for rows in batches(n, batch_size, rng):
                model._sgd_step(X[rows], T[rows], learning_rate)
        if progress is not None:
            progress(epoch + 1)
    return losses, val_losses, None


def _epochs_batches(model: NumpyNetwork, X, T, learning_rate, epochs, batch_size, rng, validation,
                    progress):
    """fit with the mean of each epoch's batch losses: (losses, val_losses, diverged_at)."""
    n = X.shape[0]
    losses: list[float] = []
    val_losses: list[float] | None = None if validation is None else []
    for epoch in range(1, epochs + 1):
        total = 0.0
        for rows in batches(n, batch_size, rng):
            X_batch = X[rows]
            total += model._sgd_step(X_batch, T[rows], learning_rate) * X_batch.shape[0]
        losses.append(total / n)
        if val_losses is not None:   # with validation
            val_losses.append(model.loss_value(*validation))
        if diverged(losses):
            return losses, val_losses, epoch
        if progress is not None:
            progress(epoch)
    return losses, val_losses, None


def diverged(losses: list) -> bool:
    """Whether the last loss is non-finite or more than ``DIVERGED_FACTOR`` times the first.

    (A run that starts at E = 0 can only diverge to a non-finite E.)
    """
    return not np.isfinite(losses[-1]) or losses[-1] > DIVERGED_FACTOR * losses[0] > 0


def batches(n: int, batch_size: int | None, rng=None):
    """The rows of each batch of one epoch over n rows, in order or shuffled by ``rng``.

    A batch_size of None (or >= n) is one full batch, in order: reshuffling
    it changes nothing, so ``rng`` is not drawn from. In order the batches are
    slices, so a batch of X is a view, not a copy.

    >>> [list(range(5))[rows] for rows in batches(5, 2)]
    [[0, 1], [2, 3], [4]]
    """
    if batch_size is None or batch_size >= n:
        yield slice(0, n)
        return
    order = None if rng is None else rng.permutation(n)
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        yield slice(start, stop) if order is None else order[start:stop]
