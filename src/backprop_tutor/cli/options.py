"""The command line's kinds of input (one click ParamType each) and its shared options.

``network_options`` gives a command the FILE argument and the options that
override the file; it reads the file once, at the boundary, and refuses a
network whose worked step is not finite.
"""

from __future__ import annotations

import functools
import math

import click

from backprop_tutor.core.activations import ACTIVATIONS, TUTORIAL_ACTIVATIONS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import DEFAULT_NETWORK, load_network


class PositiveFloat(click.ParamType):
    """A finite number > 0, or strictly between 0 and ``below`` (click's FloatRange lets nan through)."""

    name = "number"

    def __init__(self, below: float = math.inf):
        self.below = below

    def convert(self, value, param, ctx):
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not (math.isfinite(number) and 0 < number < self.below):
            self.fail(f"{value!r} is not a positive finite number" if self.below == math.inf
                      else f"{value!r} is not a number strictly between 0 and {self.below:g}", param, ctx)
        return number


class ProblemOrder(click.Group):
    """Lists the commands in the order they are defined: the tutorial's order."""

    def list_commands(self, ctx):
        return list(self.commands)


class BatchSize(click.ParamType):
    """A batch size: a whole number >= 1, or ``full`` (the whole training set)."""

    name = "B|full"

    def convert(self, value, param, ctx):
        if value is None or value == "full":
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is neither a whole number nor 'full'", param, ctx)
        if number < 1:
            self.fail(f"{value!r} is not a whole number >= 1", param, ctx)
        return number


class NumberRange(click.ParamType):
    """``LOW,HIGH``: two finite numbers, LOW <= HIGH (a range of drawn numbers)."""

    name = "LOW,HIGH"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            low, high = (float(part) for part in value.split(","))
        except ValueError:
            self.fail(f"{value!r} is not LOW,HIGH (two numbers, e.g. -1,1)", param, ctx)
        if not (math.isfinite(low) and math.isfinite(high) and low <= high):
            self.fail(f"{value!r} is not LOW,HIGH with finite LOW <= HIGH", param, ctx)
        return low, high


def range_option(kind: str, default: tuple[float, float]):
    return click.option(f"--{kind}", type=NumberRange(), default=",".join(map(str, default)),
                        show_default=True, help=f"Range of the drawn {kind}.")


FILE_ARGUMENT = click.argument("file", required=False, type=click.Path(dir_okay=True))
OVERRIDES = {
    "hidden_activation": click.option(
        "--hidden-activation", type=click.Choice(list(ACTIVATIONS)),
        help="Activation of every hidden layer (overrides the file)."),
    "output_activation": click.option(
        "--output-activation", type=click.Choice(list(ACTIVATIONS)),
        help="Activation of the output layer (overrides the file)."),
    "loss": click.option(
        "--loss", type=click.Choice(list(LOSSES)),
        help="; ".join(f"{name}: {loss.description}" for name, loss in LOSSES.items()) + "."),
    "learning_rate": click.option("--learning-rate", type=PositiveFloat(), help="SGD learning rate η."),
}


def network_options(*overrides: str, worked_step: bool = True, tutorial_cases: bool = False):
    """The FILE argument and the options that override the file's settings.

    The command receives ``network``: the file (the tutorial's default network
    without FILE) with the overrides applied. With ``tutorial_cases`` it
    receives ``networks`` instead: the tutorial's three cases (sigmoid, tanh
    and relu hidden units) when neither FILE nor --hidden-activation is given,
    else the one network.

    Args:
        overrides: which of ``OVERRIDES`` the command offers; all of them if none are named.
        worked_step: refuse a network whose worked step (``solve``) is not finite,
            before the command starts (see ``Worksheet.require_finite``).
    """
    overrides = overrides or tuple(OVERRIDES)

    def decorate(function):
        @functools.wraps(function)
        def wrapper(file, **kwargs):
            chosen = {name: kwargs.pop(name) for name in overrides}
            network = load_network(DEFAULT_NETWORK if file is None else file).with_options(**chosen)
            if worked_step:
                require_finite_step(network)
            if not tutorial_cases:
                return function(network=network, **kwargs)
            three = file is None and chosen.get("hidden_activation") is None
            return function(networks=[network.with_options(hidden_activation=a)
                                      for a in TUTORIAL_ACTIVATIONS] if three else [network],
                            **kwargs)
        for name in reversed(overrides):
            wrapper = OVERRIDES[name](wrapper)
        return FILE_ARGUMENT(wrapper)
    return decorate


def require_finite_step(network, hidden_activations=(None,)) -> None:
    from backprop_tutor.core.worksheet import solve

    for activation in hidden_activations:
        solve(network.with_options(hidden_activation=activation)).require_finite()
