"""Small data sets to train the NumPy network on, made in code: nothing is downloaded.

Each is an input matrix ``X`` (one row per sample, n × inputs) and a target
matrix ``T`` (n × outputs), with the contract's column names ``i1, i2, ...``
and ``t1, t2, ...``:

* ``xor``      the 4 corners of the unit square, t = x1 XOR x2: not linearly separable
* ``moons``    two interleaved half circles (scikit-learn's ``make_moons``), t = 0 or 1
* ``circles``  a circle inside a circle (scikit-learn's ``make_circles``), t = 0 or 1
* ``spirals``  two interleaved spirals, t = 0 or 1: hard for a small network
* ``sine``     t = sin(x) + noise for x in [-π, π]: regression, 1 input, 1 output
* ``digits``   the 8×8 handwritten digits that scikit-learn bundles (1,797 images, shipped
               with this package as ``data/digits.npz``, see ``data/README.md``):
               64 inputs scaled to [0, 1], 10 one-hot targets

Moons and circles are made here in NumPy by scikit-learn's own formulas, with
the same random numbers (NumPy's ``RandomState(seed)``, as scikit-learn seeds
them), so the same parameters give the very numbers ``make_moons`` and
``make_circles`` give; scikit-learn is not needed.

A lecturer's own data set is a CSV file whose header names its columns
``i1,...,t1,...``. The same name, n, noise and seed give the same numbers.

>>> data = load_dataset("xor")
>>> data.X.tolist(), data.T.ravel().tolist(), data.input_names, data.target_names
([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0], ('i1', 'i2'), ('t1',))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backprop_tutor.errors import DataFileError, shown
from backprop_tutor.io import files

DATASETS = ("xor", "moons", "circles", "spirals", "sine", "digits")
#: (n, noise) when not given; None where the option does not apply.
DEFAULTS = {"xor": (None, None), "moons": (200, 0.1), "circles": (200, 0.05),
            "spirals": (200, 0.1), "sine": (100, 0.1), "digits": (1797, None)}


@dataclass(frozen=True)
class Dataset:
    """Inputs ``X`` (n × inputs) and targets ``T`` (n × outputs), with their column names."""

    name: str
    X: np.ndarray
    T: np.ndarray
    input_names: tuple[str, ...]
    target_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.X)


def load_dataset(name_or_csv_path, *, n=None, noise=None, seed=0) -> Dataset:
    """One of ``DATASETS`` made with ``n`` samples, ``noise`` and ``seed``, or a CSV file.

    Args:
        name_or_csv_path: a name from ``DATASETS`` or the path of a CSV file.
        n: number of samples (``DEFAULTS`` if None); for digits, the first n images.
        noise: standard deviation of the Gaussian noise added to the inputs
            (moons, circles, spirals) or the targets (sine).
        seed: seed of the generator; the same seed gives the same numbers.

    Raises:
        DataFileError: an unknown name, an option the data set does not have, or a bad CSV file.
    """
    name = str(name_or_csv_path)
    if name not in DATASETS:
        if name.lower().endswith(".csv") or _is_file(name):
            if n is not None or noise is not None:
                raise DataFileError(name, None, "n and noise apply to the made data sets only")
            return read_csv(name)
        raise DataFileError(name, None, f"unknown data set; choose one of {', '.join(DATASETS)} "
                                        "or give a .csv file")
    default_n, default_noise = DEFAULTS[name]
    n, noise = _option(name, "n", n, default_n), _option(name, "noise", noise, default_noise)
    X, T = MAKERS[name](n, noise, seed)
    return _dataset(name, np.asarray(X, dtype=float), np.asarray(T, dtype=float))


def _is_file(name: str) -> bool:
    # Path.is_file raises for a name the system cannot take (too long, a NUL byte): no file.
    try:
        return Path(name).is_file()
    except (OSError, ValueError):
        return False


def _option(name: str, key: str, value, default):
    """``n`` (a whole number >= 1) or ``noise`` (a finite number >= 0) of data set ``name``."""
    if value is None:
        return default
    if default is None:
        raise DataFileError(name, key, f"{name} has no {key} option")
    if key == "n" and (isinstance(value, bool) or not isinstance(value, int) or value < 1
                       or (name == "digits" and value > default)):
        limit = f" at most {default}" if name == "digits" else ""
        raise DataFileError(name, key, f"expected a whole number >= 1{limit}; got {value!r}")
    if key == "noise" and not (isinstance(value, (int, float)) and not isinstance(value, bool)
                               and math.isfinite(value) and value >= 0):
        raise DataFileError(name, key, f"expected a finite number >= 0; got {value!r}")
    return value


def _dataset(name: str, X, T) -> Dataset:
    return Dataset(name, X, T, tuple(f"i{k}" for k in range(1, X.shape[1] + 1)),
                   tuple(f"t{k}" for k in range(1, T.shape[1] + 1)))


def xor(n, noise, seed):
    """The four corners of the unit square; t = 1 where exactly one input is 1."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    return X, (X[:, 0] != X[:, 1])[:, np.newaxis]


def moons(n, noise, seed):
    """scikit-learn's two moons: n points, Gaussian noise of std ``noise``.

    Formula (``sklearn.datasets.make_moons``; n_out = n // 2 on the upper moon, t = 0):
        upper: (cos a, sin a),             a = linspace(0, π, n_out)
        lower: (1 − cos a, 1 − sin a − ½), a = linspace(0, π, n − n_out)
        then the rows shuffled, then noise added, both from RandomState(seed)
    """
    upper, lower = np.linspace(0, np.pi, n // 2), np.linspace(0, np.pi, n - n // 2)
    X = np.column_stack([np.append(np.cos(upper), 1 - np.cos(lower)),
                         np.append(np.sin(upper), 1 - np.sin(lower) - 0.5)])
    return _shuffled_with_noise(X, n // 2, noise, seed)


def circles(n, noise, seed):
    """scikit-learn's circles: the inner one (t = 1) has half the radius of the outer one.

    Formula (``sklearn.datasets.make_circles`` with factor = ½; n_out = n // 2 outside, t = 0):
        outer: (cos a, sin a),      a = 2π k / n_out,        k = 0 ... n_out − 1
        inner: ½ (cos a, sin a),    a = 2π k / (n − n_out)
        then the rows shuffled, then noise added, both from RandomState(seed)
    """
    outer = np.linspace(0, 2 * np.pi, n // 2, endpoint=False)
    inner = np.linspace(0, 2 * np.pi, n - n // 2, endpoint=False)
    X = np.column_stack([np.append(np.cos(outer), np.cos(inner) * 0.5),
                         np.append(np.sin(outer), np.sin(inner) * 0.5)])
    return _shuffled_with_noise(X, n // 2, noise, seed)


def _shuffled_with_noise(X, n_out: int, noise, seed):
    """The rows in scikit-learn's shuffled order, targets 0 for the first ``n_out``, then noise.

    scikit-learn draws from ``RandomState(seed)``: a shuffle of the row numbers,
    then the noise of every coordinate, in that order.
    """
    rng = np.random.RandomState(seed)
    order = np.arange(len(X))
    rng.shuffle(order)
    t = (np.arange(len(X)) >= n_out).astype(float)[order]
    X = X[order]
    if noise is not None:
        X = X + rng.normal(scale=noise, size=X.shape)
    return X, t[:, np.newaxis]


def spirals(n, noise, seed):
    """Two spirals of 1.5 turns, one rotated half a turn from the other, radius up to 1.

    Formula:
        r ~ uniform(0.05, 1),  angle = 3π r + π t,  x = r (cos angle, sin angle) + noise
    """
    rng = np.random.default_rng(seed)
    t = np.arange(n) % 2
    r = rng.uniform(0.05, 1.0, n)
    angle = 3 * np.pi * r + np.pi * t
    X = np.column_stack([r * np.cos(angle), r * np.sin(angle)]) + rng.normal(0, noise, (n, 2))
    return X, t[:, np.newaxis]


def sine(n, noise, seed):
    """Regression: x uniform in [-π, π], t = sin(x) + Gaussian noise of std ``noise``."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-np.pi, np.pi, n)
    return x[:, np.newaxis], (np.sin(x) + rng.normal(0, noise, n))[:, np.newaxis]


#: The digits, as scikit-learn bundles them (``sklearn/datasets/data/digits.csv.gz``): see
#: ``data/README.md`` for where they come from and their licence.
DIGITS_FILE = Path(__file__).parent / "data" / "digits.npz"


def digits(n, noise, seed):
    """The bundled digits: the first n images, pixels (0 ... 16) / 16, one-hot targets."""
    with np.load(DIGITS_FILE) as bundled:
        images, labels = bundled["images"][:n], bundled["labels"][:n]
    return images.reshape(len(images), 64) / 16.0, np.eye(10)[labels]


MAKERS = {"xor": xor, "moons": moons, "circles": circles, "spirals": spirals, "sine": sine,
          "digits": digits}


def read_csv(path) -> Dataset:
    """A lecturer's data set: a header ``i1,...,id,t1,...,tk``, then one sample per line.

    The file is read by ``io.files.read_text`` (a regular UTF-8 file, with or
    without the byte-order mark Excel writes, of at most 20 MB).

    Raises:
        DataFileError: one line naming the file, the line and the column.
    """
    rows = files.read_csv(path, DataFileError, "data set (CSV file)", files.MAX_DATA_BYTES)
    if not rows:
        raise DataFileError(path, "header", "the file is empty; expected a header i1,...,t1,...")
    header = [name.strip() for name in rows[0][1]]
    inputs = sum(name.startswith("i") for name in header)
    expected = ([f"i{k}" for k in range(1, inputs + 1)]
                + [f"t{k}" for k in range(1, len(header) - inputs + 1)])
    if header != expected or inputs == 0 or inputs == len(header):
        raise DataFileError(path, "header", f"expected i1,...,t1,... (inputs, then targets); "
                                            f"got {shown(','.join(header))}")
    values = []
    for line, row in rows[1:]:
        if not row:
            continue
        if len(row) != len(header):
            raise DataFileError(path, f"line {line}",
                                f"expected {len(header)} values, got {len(row)}")
        values.append([_number(path, line, name, text) for name, text in zip(header, row, strict=True)])
    if not values:
        raise DataFileError(path, None, "no samples after the header")
    data = np.array(values)
    return _dataset(Path(path).name, data[:, :inputs], data[:, inputs:])


def _number(path, line: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DataFileError(path, f"line {line}, {column}",
                            f"expected a number, got {shown(text)}") from None
    if not math.isfinite(value):
        raise DataFileError(path, f"line {line}, {column}",
                            f"expected a finite number, got {shown(text)}")
    return value


def split(dataset: Dataset, validation_fraction: float = 0.2, seed: int = 0
          ) -> tuple[Dataset, Dataset]:
    """A seeded random split into a training set and a validation set.

    The validation set has round(validation_fraction · n) samples, at least 1,
    and the training set at least 1.
    """
    if not (isinstance(validation_fraction, (int, float)) and 0 < validation_fraction < 1):
        raise ValueError(f"validation_fraction must lie between 0 and 1; "
                         f"got {validation_fraction!r}")
    n = len(dataset)
    if n < 2:
        raise DataFileError(dataset.name, None, "a split needs at least 2 samples")
    n_validation = min(max(1, round(validation_fraction * n)), n - 1)
    order = np.random.default_rng(seed).permutation(n)

    def part(rows):
        return Dataset(dataset.name, dataset.X[rows], dataset.T[rows],
                       dataset.input_names, dataset.target_names)

    return part(np.sort(order[n_validation:])), part(np.sort(order[:n_validation]))
