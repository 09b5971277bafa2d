"""A network file's network trained by the NumPy network: on its one sample or on a data set.

This is what ``backprop-tutor train`` runs. The file gives the layers, the
activations, the loss convention, the learning rate and (unless an
initialiser is named) the starting weights; a data set gives the samples.

>>> from backprop_tutor.core.network import load_network, EXAMPLES
>>> run = train_network(load_network(EXAMPLES / "mazur.toml"), epochs=1)
>>> round(run.history.loss[0], 9), round(run.model.parameters()["w5"], 8)
(0.298371109, 0.35891648)
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from backprop_tutor.core.network import Network, counted
from backprop_tutor.errors import DataFileError
from backprop_tutor.networks.numpy_fit import History
from backprop_tutor.networks.numpy_network import NumpyNetwork, initial_weights


@dataclass(frozen=True)
class TrainingRun:
    """The trained model, what ``fit`` saw, and the samples it trained on.

    ``training_size`` and ``validation_size`` count samples (1 and 0 for the
    file's own sample).
    """

    model: NumpyNetwork
    history: History
    training_size: int
    validation_size: int


def starting_model(network: Network, init: str | None = None, seed: int = 0) -> NumpyNetwork:
    """The NumPy network of the file: its weights, or drawn by the initialiser ``init``.

    With ``init`` the weights are drawn layer by layer from one generator
    seeded with ``seed`` and every bias starts at 0; which layers have biases,
    and which of those train, is still the file's.
    """
    model = NumpyNetwork.from_network(network)
    if init is not None:
        rng = np.random.default_rng(seed)
        for layer, W in enumerate(model.weights):
            units_out, units_in = W.shape
            model.weights[layer] = initial_weights(rng, units_out, units_in, init)
            if model.biases[layer] is not None:
                model.biases[layer] = np.zeros_like(model.biases[layer])
    return model


def train_network(network: Network, *, epochs: int, data=None, batch_size: int | None = None,
                  shuffle_seed: int | None = None, validation: float | None = None,
                  init: str | None = None, seed: int = 0, progress=None,
                  epoch_loss: str = "full", threads: int | None = 1) -> TrainingRun:
    """Train the file's network with its learning rate and loss: ``epochs`` passes over the data.

    Without ``data`` it trains on the file's one sample, one update per epoch.
    ``data`` is a :class:`~backprop_tutor.networks.datasets.Dataset`; with
    ``validation`` (a fraction) a seeded part of it is held out. ``epoch_loss``
    is passed to :meth:`NumpyNetwork.fit`; ``threads`` caps the BLAS threads
    (see :func:`blas_threads`).

    Raises:
        DataFileError: the data set's inputs or targets do not match the network's.
    """
    from backprop_tutor.networks.datasets import split

    model = starting_model(network, init, seed)
    X: ArrayLike
    T: ArrayLike
    if data is None:
        X, T, held_out = [network.inputs], [network.targets], None
    else:
        sizes = network.sizes
        if (len(data.input_names), len(data.target_names)) != (sizes[0], sizes[-1]):
            raise DataFileError(data.name, None,
                                f"has {counted(len(data.input_names), 'input')} and "
                                f"{counted(len(data.target_names), 'target')}; the network takes "
                                f"{counted(sizes[0], 'input')} and gives "
                                f"{counted(sizes[-1], 'output')}")
        training, held_out = split(data, validation, seed=0) if validation else (data, None)
        X, T = training.X, training.T
    with blas_threads(threads):
        history = model.fit(X, T, learning_rate=network.learning_rate, epochs=epochs,
                            batch_size=batch_size, shuffle_seed=shuffle_seed,
                            validation=None if held_out is None else (held_out.X, held_out.T),
                            progress=progress, epoch_loss=epoch_loss)
    return TrainingRun(model, history, len(X), 0 if held_out is None else len(held_out))


@contextlib.contextmanager
def blas_threads(threads: int | None):
    """NumPy's BLAS (the matrix products) on at most ``threads`` threads inside; None: unchanged.

    One thread is the default for training: the products of these networks
    are small, and on a shared machine a second BLAS thread mostly waits for a
    busy core (under load, two OpenBLAS threads made ``fit`` 7 to 29 times
    slower than one). threadpoolctl sets the limit of the BLAS NumPy loaded.
    """
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="blas"):
        yield
