"""The ``backprop-tutor`` command: parse options, call the library, print.

One module per group of commands (``problems``, ``training``, ``classkit``,
``lab``), listed here in the tutorial's order. Errors in files or options end
the command with one line on stderr and exit status 2; nothing is printed on
stdout then.
"""

from __future__ import annotations

import errno
import os
import sys

import click

from backprop_tutor.cli import classkit, grading, lab, problems, training
from backprop_tutor.cli.options import ProblemOrder
from backprop_tutor.errors import MESSAGE_WIDTH, InputError, one_line
from backprop_tutor.extras import MissingLibrary


@click.group(cls=ProblemOrder, context_settings={"help_option_names": ["-h", "--help"]},
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
                problems.page, classkit.variants, grading.grade, training.train,
                training.keras_command, lab.bench_activations, lab.lab):
    cli.add_command(command)


#: errno values of a stdout that cannot take the output: a closed pipe, a full disk.
_OUTPUT_ERRORS = {errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def main(argv=None):
    """Entry point: run the command; bad input ends with one line on stderr and status 2.

    Status 0: done; 1: an answer wrong, a proof failed, or interrupted (Ctrl-C,
    SIGTERM); 2: bad input or options, or the output cannot be written (a
    closed pipe, a full disk). Click's own main is not used because it ends
    a closed pipe silently.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    if sys.stdout is None:   # started with stdout closed (`>&-`): the output would be lost
        _fail("cannot write the output (stdout is closed)")
    try:
        with cli.make_context("backprop-tutor", args) as ctx:
            cli.invoke(ctx)
        sys.stdout.flush()   # a full disk may only show at the last write
    except click.exceptions.Exit as done:   # --help, --version
        sys.exit(done.exit_code)
    except (click.ClickException, InputError, MissingLibrary) as error:
        message = error.format_message() if isinstance(error, click.ClickException) else str(error)
        _fail(message)
    except (click.Abort, KeyboardInterrupt):
        _fail("interrupted", status=1)
    except OSError as error:
        if error.errno not in _OUTPUT_ERRORS:
            raise
        _silence_stdout()
        _fail(f"cannot write the output ({error.strerror})")
    sys.exit(0)


def _fail(message: str, status: int = 2):
    click.echo(f"backprop-tutor: error: {one_line(message, MESSAGE_WIDTH)}", err=True)
    sys.exit(status)


def _silence_stdout() -> None:
    # What is still buffered would fail again when Python flushes stdout at exit,
    # with a second message: send it to the null device instead.
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):   # not a real file (tests capture it)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
