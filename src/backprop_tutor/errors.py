"""One error family for every kind of bad input.

Each error's message is one line naming the file (or option) and the key,
e.g. ``net.toml: layers[1].weights[2]: expected 2 numbers, got 3``. Every error
is a ``click.ClickException`` with exit code 2: the command line prints it
after ``backprop-tutor: error:`` (``error_line``) and exits with status 2.

Whatever a file holds, the message stays one short line: newlines and other
control characters in a path, key or value are written as escapes (``\\n``),
and a long path, key or value is shortened in the middle (``…``): a key or
value to 60 characters, a path to 160.

>>> print(NetworkFileError("net.toml", "learning_rate", f"expected a number, got {shown('fast')}"))
net.toml: learning_rate: expected a number, got 'fast'
>>> print(NetworkFileError("net.toml", "a\\nb", "unknown key"))
net.toml: a\\nb: unknown key
>>> isinstance(AnswerFileError("answers.toml", None, "no such file"), InputError)
True
"""

from __future__ import annotations

import reprlib
import unicodedata

import click

#: Longest key or value echoed in a message, in characters.
ECHO_WIDTH = 60
#: Longest path (file or folder name) echoed in a message.
PATH_WIDTH = 160
#: Longest message (the explanation after the key), in characters.
MESSAGE_WIDTH = 240

# Values are echoed with few elements and little depth: a 3,000-deep list
# must not be written out (nor recursed into) to say that it is not a number.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict = 2, 4, 4
_REPR.maxstring, _REPR.maxlong, _REPR.maxother = ECHO_WIDTH, ECHO_WIDTH, ECHO_WIDTH


def one_line(text: str, width: int = ECHO_WIDTH) -> str:
    """``text`` as one line of at most ``width`` characters.

    Control characters (newlines, tabs, escape sequences, line separators)
    are written as Python escapes; a longer text keeps its start and its end
    around an ellipsis, so a long path still shows its file name.

    >>> one_line("net_h1\\nout_h1")
    'net_h1\\\\nout_h1'
    >>> one_line("x" * 100, width=11)
    'xxxxx…xxxxx'
    """
    text = "".join(repr(c)[1:-1] if unicodedata.category(c)[0] in "CZ" and c != " " else c
                   for c in str(text))
    if len(text) <= width:
        return text
    head = (width - 1) // 2
    return f"{text[:head]}…{text[len(text) - (width - 1 - head):]}"


def shown(value) -> str:
    """How a value from a file is echoed in a message: its short repr, on one line.

    >>> shown([[1, 2, 3, 4, 5, 6]])
    '[[1, 2, 3, 4, ...]]'
    """
    return one_line(_REPR.repr(value))


def error_line(message: str) -> str:
    """The line the command prints on stderr for an error.

    >>> error_line("net.toml: no such file")
    'backprop-tutor: error: net.toml: no such file'
    """
    return f"backprop-tutor: error: {one_line(message, MESSAGE_WIDTH)}"


class InputError(click.ClickException, ValueError):
    """Bad input: one line naming where (``source``), what (``key``, may be None) and why.

    A ``click.ClickException`` (exit status 2), and a ValueError for code that
    calls the library.
    """

    exit_code = 2

    def __init__(self, source, key: str | None, message: str):
        where = one_line(source, PATH_WIDTH)
        if key:
            where = f"{where}: {one_line(key)}"
        super().__init__(f"{where}: {one_line(message, MESSAGE_WIDTH)}")

    def __reduce__(self):
        # Raised in a worker process, it is pickled back to the caller: rebuilt from its line.
        return _rebuilt, (type(self), self.message)


def _rebuilt(kind: type[InputError], message: str) -> InputError:
    error = InputError.__new__(kind)
    click.ClickException.__init__(error, message)
    return error


class NetworkFileError(InputError):
    """A network file (or network option) that cannot be used."""


class AnswerFileError(InputError):
    """A student's answer file that cannot be read or marked."""


class OutputFolderError(InputError):
    """An output folder that cannot be written, or would be overwritten without --force."""


class RosterFileError(InputError):
    """A class roster (CSV of student IDs) that cannot be used."""


class VariantError(InputError):
    """A variant ID, variant option or set of constraints that no network can meet."""


class DataFileError(InputError):
    """A data set (a name or a CSV file) that cannot be loaded or does not fit the network."""


class ConfigFileError(InputError):
    """A lab sweep's configuration file (TOML) that cannot be used."""


class ClassAnswersError(InputError):
    """A class's answers (or the kit they are graded against) that cannot be graded.

    ``problems`` holds one line per bad row or cell, this error's own line first:
    ``grade`` prints them all, so that one run shows everything there is to correct.
    """

    def __init__(self, source, key: str | None, message: str):
        super().__init__(source, key, message)
        self.problems = [str(self)]

    @staticmethod
    def raise_all(found: list[ClassAnswersError]) -> None:
        """Raise the first of ``found`` carrying every one's line; nothing if none."""
        if found:
            found[0].problems = [line for error in found for line in error.problems]
            raise found[0]
