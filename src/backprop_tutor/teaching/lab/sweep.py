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
hidden_layers, init, loss, seeds. Any other key, or a value of the wrong
kind, is a ``ConfigFileError`` naming the file and the key.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from pathlib import Path

from backprop_tutor.core.activations import ACTIVATIONS
from backprop_tutor.errors import ConfigFileError
from backprop_tutor.networks.numpy_network import INITS
from backprop_tutor.teaching.lab.curves import Groups, group_runs
from backprop_tutor.teaching.lab.experiment import each
from backprop_tutor.teaching.lab.runs import Setting, train

#: A sweep larger than this is refused: it would not finish during a class.
MAX_RUNS = 5000


def _whole(low: int):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            return f"expected a whole number of at least {low}, got {value!r}"
    return check


def _positive(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            math.isfinite(value) and value > 0):
        return f"expected a positive finite number, got {value!r}"


def _one_of(choices):
    def check(value):
        if value not in choices:
            return f"expected one of {', '.join(map(str, choices))}, got {value!r}"
    return check


def _batch_size(value):
    if value == "full":
        return None
    return _whole(1)(value)


def _datasets():
    from backprop_tutor.networks.datasets import DATASETS

    return DATASETS


#: key → a check that returns an error message (None when the value is fine).
KEYS = {
    "dataset": lambda value: _one_of(_datasets())(value),
    "samples": _whole(4),
    "noise": lambda value: None if value == 0 else _positive(value),
    "learning_rate": _positive,
    "epochs": _whole(1),
    "batch_size": _batch_size,
    "hidden_activation": _one_of(tuple(ACTIVATIONS)),
    "output_activation": _one_of(tuple(ACTIVATIONS)),
    "hidden_units": _whole(1),
    "hidden_layers": _whole(1),
    "init": _one_of(INITS),
    "loss": _one_of(("half_sse", "mse")),
}


def read_config(path) -> list[Setting]:
    """Every setting of the grid in FILE (each combination, then each seed), in a fixed order."""
    try:
        config = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigFileError(path, None, "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigFileError(path, None, f"cannot be read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigFileError(path, None, f"not valid TOML ({error})") from None
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
    combinations = [dict(zip(grid, chosen)) for chosen in itertools.product(*grid.values())]
    if len(combinations) * len(seeds) > MAX_RUNS:
        raise ConfigFileError(path, None, f"{len(combinations) * len(seeds)} runs; at most "
                                          f"{MAX_RUNS} are allowed")
    return [Setting(**chosen, seed=seed) for chosen in combinations for seed in seeds]


def _seeds(path, value) -> list[int]:
    if isinstance(value, list):
        if not value or any(_whole(0)(seed) for seed in value) or len(set(value)) != len(value):
            raise ConfigFileError(path, "seeds", f"expected different whole numbers ≥ 0, got {value!r}")
        return value
    problem = _whole(1)(value)
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


run = each(train)


def summarise(runs) -> Groups:
    """The runs grouped by the hyperparameters that vary."""
    return Groups(group_runs(runs, label(varied_keys([run.setting for run in runs]))))
