"""The ``backprop-tutor`` command: parse options, call the library, print.

One module per group of commands (``problems``, ``playground``, ``training``,
``classkit``, ``lab``), listed here in the tutorial's order. Errors in files or
options end the command with one line on stderr and exit status 2; nothing is
printed on stdout then.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from contextlib import contextmanager

import click

from backprop_tutor.cli import classkit, grading, lab, playground, problems, training
from backprop_tutor.cli.options import ProblemOrder
from backprop_tutor.errors import error_line
from backprop_tutor.io.processes import sigterm_as_interrupt

#: errno values of a stdout that cannot take the output: a closed pipe, a full disk.
_OUTPUT_ERRORS = {errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


class Program(ProblemOrder):
    """The command group; its ``main`` is click's, with what click does not do.

    Click prints a ``click.ClickException`` and exits with its code
    (``errors.InputError`` and ``extras.MissingLibrary`` are ones, code 2).
    Here every such error, usage errors included, is one line on stderr, and:

    * a stdout that cannot take the output (a closed pipe, a full disk) is an
      error with status 2 (click ends a closed pipe silently with status 1);
    * SIGTERM ends the command as Ctrl-C does: its clean-up runs (no
      half-written folder), one line, status 1 (click lets it kill the process);
    * a stderr that cannot take the error line still gives the status;
    * stdout carries no control character but newline and tab, so a title in a
      file cannot move the cursor or recolour the terminal (``printable``).
    """

    # Not click's signature: this main always exits (click's standalone mode), so it takes no
    # complete_var or standalone_mode.
    def main(self, args=None, prog_name="backprop-tutor", **extra):  # type: ignore[override]
        """Run the command named in ``args`` (``sys.argv[1:]`` if None) and exit.

        Status 0: done; 1: an answer wrong, a proof failed, or interrupted
        (Ctrl-C, SIGTERM); 2: bad input or options, or the output cannot be
        written (a closed pipe, a full disk).
        """
        args = sys.argv[1:] if args is None else list(args)
        if sys.stdout is None:   # started with stdout closed (`>&-`): the output would be lost
            _fail("cannot write the output (stdout is closed)")
        try:
            with sigterm_as_interrupt(), _printable_stdout():
                with self.make_context(prog_name, args, **extra) as ctx:
                    self.invoke(ctx)
                sys.stdout.flush()   # a full disk may only show at the last write
        except click.exceptions.Exit as done:   # --help, --version
            sys.exit(done.exit_code)
        except click.ClickException as error:
            _fail(error.format_message(), error.exit_code)
        except (click.Abort, KeyboardInterrupt):
            _fail("interrupted", status=1)
        except OSError as error:
            if error.errno not in _OUTPUT_ERRORS:
                raise
            _silence(sys.stdout)
            _fail(f"cannot write the output ({error.strerror})")
        sys.exit(0)


@click.group("backprop-tutor", cls=Program, context_settings={"help_option_names": ["-h", "--help"]},
             invoke_without_command=True)
@click.version_option(package_name="backprop-tutor")
@click.pass_context
def cli(ctx):
    """Backpropagation, worked by hand and checked in code.

    FILE is a network file (TOML); without it the tutorial's default network
    is used. See docs/network-file.md for the file format.
    """
    if ctx.invoked_subcommand is None:   # bare `backprop-tutor`: the help, as asked for
        click.echo(ctx.get_help())


for command in (problems.tutorial, problems.derive, problems.solve, problems.check_command,
                problems.page, playground.playground, classkit.variants, grading.grade,
                training.train, training.keras_command, lab.bench_activations, lab.lab):
    cli.add_command(command)


def main(argv=None):
    """Entry point: ``backprop-tutor ARGS`` (``sys.argv[1:]`` if ``argv`` is None); exits."""
    cli.main(argv)


def _fail(message: str, status: int = 2):
    try:
        click.echo(error_line(message), err=True)
    except OSError:   # stderr is a full disk or a closed pipe: the status still tells
        _silence(sys.stderr)
    sys.exit(status)


def _silence(stream) -> None:
    # What is still buffered would fail again when Python flushes the stream at exit
    # (and turn the status into 120): send it to the null device instead.
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):   # not a real file (tests capture it)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


# An escape sequence (CSI, OSC and the like: ESC or its 8-bit form, then its
# parameters and final byte), or one C0 control but newline and tab, DEL, or a C1 control.
_CONTROL = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
                      r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                      r"|\x1b[ -/]*[0-~]"
                      r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""``text`` without escape sequences and control characters (newline and tab stay).

    >>> printable("Net \x1b[31mred\x1b[0m\r\x07\x9b2J \x1b]0;title\x07end\n")
    'Net red end\n'
    """
    return _CONTROL.sub("", text)


class _Printable:
    """A text stream that writes ``printable(text)`` to the stream it wraps."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def __getattr__(self, name):
        # No `buffer`: click would write bytes past the filter.
        if name == "buffer":
            raise AttributeError(name)
        return getattr(self._stream, name)


@contextmanager
def _printable_stdout():
    stream = sys.stdout
    sys.stdout = _Printable(stream)
    try:
        yield
    finally:
        sys.stdout = stream
