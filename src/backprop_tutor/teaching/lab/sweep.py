"""``lab sweep --config FILE.toml``: any grid of hyperparameters, read from a TOML file.

Each key names a hyperparameter and gives one value or a list of values; the
sweep runs every combination, for every seed::

    # sweep.toml
    dataset = "moons"
    learning_rate = [0.1, 0.5, 2.0]
    hidden_activation = ["tanh", "relu"]
    batch_size = ["full", 32]
    epochs = 100
    seeds = 3                 # seeds 0, 1, 2; or a list: [0, 7, 9]

Keys: dataset, samples, noise, learning_rate, epochs, batch_size ("full" or
a whole number), hidden_activation, output_activation, hidden_units,
hidden_layers, init, loss, seeds. Any other key, a value of the wrong kind
or beyond its bound (``BOUNDS``), or more than ``MAX_RUNS`` runs, is a
``ConfigFileError`` naming the file and the key. The file is read by
``io.files.read_text``, as every input file is.
"""

from __future__ import annotations

import itertools
import math

from backprop_tutor.core.activations import ACTIVATIONS
from backprop_tutor.core.initialisers import INITIALISERS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.errors import ConfigFileError, shown
from backprop_tutor.io import files
from backprop_tutor.teaching.lab.curves import Groups, group_runs
from backprop_tutor.teaching.lab.experiment import stacked
from backprop_tutor.teaching.lab.runs import Setting, train_together

#: A sweep larger than this is refused: it would not finish during a class.
MAX_RUNS = 5000
#: The range of each whole-number key: beyond it a run would not fit in memory
#: or would not finish during a class (a million hidden layers, a billion rows).
BOUNDS = {"samples": (4, 100_000), "epochs": (1, 100_000), "batch_size": (1, 100_000),
          "hidden_units": (1, 1_000), "hidden_layers": (1, 20), "seeds": (0, 2**32 - 1)}


def _whole(low: int, high: int):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"expected a whole number from {low:,} to {high:,}, got {shown(value)}"
    return check


def _positive(value):
    try:
        if files.finite_number(value) > 0:   # refuses bools, inf, nan and ints beyond a float
            return None
    except ValueError:
        pass
    return f"expected a positive finite number, got {shown(value)}"


def _one_of(choices):
    def check(value):
        if not isinstance(value, str) or value not in choices:
            return f"expected one of {', '.join(map(str, choices))}, got {shown(value)}"
    return check


def _batch_size(value):
    if value == "full":
        return None
    return _whole(*BOUNDS["batch_size"])(value)


def _datasets():
    from backprop_tutor.networks.datasets import DATASETS

    return DATASETS


#: key → a check that returns an error message (None when the value is fine).
KEYS = {
    "dataset": lambda value: _one_of(_datasets())(value),
    "samples": _whole(*BOUNDS["samples"]),
    "noise": lambda value: None if _is_zero(value) else _positive(value),
    "learning_rate": _positive,
    "epochs": _whole(*BOUNDS["epochs"]),
    "batch_size": _batch_size,
    "hidden_activation": _one_of(tuple(ACTIVATIONS)),
    "output_activation": _one_of(tuple(ACTIVATIONS)),
    "hidden_units": _whole(*BOUNDS["hidden_units"]),
    "hidden_layers": _whole(*BOUNDS["hidden_layers"]),
    "init": _one_of(tuple(INITIALISERS)),
    "loss": _one_of(tuple(LOSSES)),
}


def read_config(path) -> list[Setting]:
    """Every setting of the grid in FILE (each combination, then each seed), in a fixed order."""
    text = files.read_text(path, ConfigFileError, "sweep configuration (TOML)")
    config = files.parse_toml(text, path, ConfigFileError)
    seeds = _seeds(path, config.pop("seeds", 5))
    grid = {}
    for key, value in config.items():
        if key not in KEYS:
            raise ConfigFileError(path, key, f"unknown key; expected one of seeds, {', '.join(KEYS)}")
        values = value if isinstance(value, list) else [value]
        if not values:
            raise ConfigFileError(path, key, "expected at least one value")
        for number, item in enumerate(values, 1):
            problem = KEYS[key](item)
            if problem:
                where = f"{key}[{number}]" if isinstance(value, list) else key
                raise ConfigFileError(path, where, problem)
        grid[key] = [None if key == "batch_size" and item == "full" else item for item in values]
    # Counted before the grid is made: 13 keys of 100 values each would not fit in memory.
    runs = math.prod(len(values) for values in grid.values()) * len(seeds)
    if runs > MAX_RUNS:
        raise ConfigFileError(path, None, f"{runs:,} runs; at most {MAX_RUNS:,} are allowed")
    combinations = [dict(zip(grid, chosen, strict=True)) for chosen in itertools.product(*grid.values())]
    return [Setting(**chosen, seed=seed) for chosen in combinations for seed in seeds]


def _is_zero(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value == 0


def _seeds(path, value) -> list[int]:
    if isinstance(value, list):
        if (not value or any(_whole(*BOUNDS["seeds"])(seed) for seed in value)
                or len(set(value)) != len(value)):
            raise ConfigFileError(path, "seeds", f"expected different whole numbers from 0 to "
                                                 f"{BOUNDS['seeds'][1]:,}, got {shown(value)}")
        return value
    problem = _whole(1, MAX_RUNS)(value)
    if problem:
        raise ConfigFileError(path, "seeds", problem + " (or a list of seeds)")
    return list(range(value))


def varied_keys(settings: list[Setting]) -> list[str]:
    """The hyperparameters (apart from the seed) that take more than one value."""
    return [key for key in KEYS if len({getattr(s, key) for s in settings}) > 1]


def label(keys: list[str]):
    """A group label naming the varied hyperparameters, e.g. ``learning_rate=0.5 batch_size=full``."""
    def name(setting: Setting) -> str:
        parts = [f"{key}={'full' if getattr(setting, key) is None else getattr(setting, key)}"
                 for key in keys]
        return " ".join(parts) or "every run"
    return name


run = stacked(train_together)


def summarise(runs) -> Groups:
    """The runs grouped by the hyperparameters that vary."""
    return Groups(group_runs(runs, label(varied_keys([run.setting for run in runs]))))
