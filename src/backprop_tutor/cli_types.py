"""The command line's own click classes: kinds of input (parameter types), and command order."""

from __future__ import annotations

import math

import click


class PositiveFloat(click.ParamType):
    """A finite number > 0 (click's FloatRange lets nan and inf through)."""

    name = "number"

    def convert(self, value, param, ctx):
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not (math.isfinite(number) and number > 0):
            self.fail(f"{value!r} is not a positive finite number", param, ctx)
        return number


class ProblemOrder(click.Group):
    """Lists the commands in the order they are defined: the tutorial's order."""

    def list_commands(self, ctx):
        return list(self.commands)
