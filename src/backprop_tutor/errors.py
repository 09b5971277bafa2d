"""One error family for every kind of bad input.

Each error's message is one line naming the file (or option) and the key,
e.g. ``net.toml: layers[1].weights[2]: expected 2 numbers, got 3``. The
command line prints it after ``backprop-tutor: error:`` and exits with status 2.

>>> print(NetworkFileError("net.toml", "learning_rate", "expected a number, got 'fast'"))
net.toml: learning_rate: expected a number, got 'fast'
>>> isinstance(AnswerFileError("answers.toml", None, "no such file"), InputError)
True
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: one line naming where (``source``), what (``key``, may be None) and why."""

    def __init__(self, source, key: str | None, message: str):
        where = f"{source}: {key}" if key else f"{source}"
        super().__init__(f"{where}: {message}")


class NetworkFileError(InputError):
    """A network file (or network option) that cannot be used."""


class AnswerFileError(InputError):
    """A student's answer file that cannot be read or marked."""


class OutputFolderError(InputError):
    """An output folder that cannot be written, or would be overwritten without --force."""


class DataFileError(InputError):
    """A data set (a name or a CSV file) that cannot be loaded or does not fit the network."""


class ConfigFileError(InputError):
    """A lab sweep's configuration file (TOML) that cannot be used."""
