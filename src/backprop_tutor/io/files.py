"""Reading the files a user hands over: network, answer and data files, rosters, lab configs.

Every input file is read here (``read_text``), with the same guards, so that
whatever a file holds ends in one short error line (an ``errors.InputError``)
instead of a hang, a traceback or a silently wrong value:

* only a regular file is read: a folder, a FIFO (which would block until a
  writer comes), ``/dev/urandom`` (endless) or ``/dev/zero``, or a link to
  one of them, is refused before anything is read;
* at most ``MAX_BYTES`` (1 MB) are read, ``MAX_DATA_BYTES`` (20 MB) for a data
  set: a bigger file is refused before it is read;
* the text is UTF-8, with or without a byte-order mark, and has no NUL bytes;
* CSV (``read_csv``) is parsed by Python's csv module; a cell longer than its
  limit (131,072 characters) or a broken quote is an error naming the line;
* TOML and JSON are parsed with guards against arrays nested thousands deep
  (Python's recursion limit), integers of more than 4,300 digits (Python's
  limit for converting text to int), a name given twice in a JSON object
  (JSON's parser would keep the last silently) and JSON's non-standard
  ``NaN``/``Infinity`` constants.

Numbers are checked by ``finite_number``: a bool is no number, and an
integer too large for a float (401 digits) or ``inf``/``nan`` is refused.

>>> finite_number(2)
2.0
>>> finite_number(10**400)
Traceback (most recent call last):
...
ValueError: too large for a floating-point number (more than 1.8e308)
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import stat
import tomllib
from pathlib import Path

from backprop_tutor.errors import shown

#: Largest input file read, in bytes.
MAX_BYTES = 1_000_000
#: Largest data set (CSV) read, in bytes: about 2 million numbers.
MAX_DATA_BYTES = 20_000_000


def read_text(path, error: type, what: str, limit: int = MAX_BYTES) -> str:
    """The text of the input file ``path``, or ``error(path, None, why)`` (an InputError class).

    ``what`` names the kind of file in messages, e.g. "network file"; ``limit``
    is the largest size read, in bytes.
    """
    if str(path) == "":
        raise error('""', None, f"an empty name is no {what}")
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO that has no writer must not wait for one.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise error(path, None, "no such file") from None
    except OSError as failure:
        raise error(path, None, f"cannot be read ({failure.strerror})") from None
    except ValueError:   # a NUL byte in the name
        raise error(path, None, "is no file name (it holds a NUL byte)") from None
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise error(path, None, f"is a folder, not {_with_article(what)}")
        if not stat.S_ISREG(status.st_mode):
            raise error(path, None, f"is not a regular file (a device, FIFO or socket), "
                                    f"not {_with_article(what)}")
        if status.st_size > limit:
            raise error(path, None, f"is {status.st_size:,} bytes; {_with_article(what)} has at most "
                                    f"{limit:,}")
        data = _read(fd, limit + 1)
    except OSError as failure:
        raise error(path, None, f"cannot be read ({failure.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limit:   # it grew while we looked
        raise error(path, None, f"is larger than {limit:,} bytes")
    try:
        text = data.decode("utf-8-sig")   # -sig: a leading byte-order mark is dropped
    except UnicodeDecodeError:
        raise error(path, None, "is not a text file (not UTF-8)") from None
    if "\x00" in text:
        raise error(path, None, "is not a text file (contains NUL bytes)")
    return text


def read_csv(path, error: type, what: str, limit: int = MAX_BYTES) -> list[tuple[int, list[str]]]:
    """The rows of the CSV file ``path``, each with the line of the file it ends on.

    A row's line is not its index + 1 when a quoted cell spans lines.
    """
    reader = csv.reader(io.StringIO(read_text(path, error, what, limit), newline=""))
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as failure:
        raise error(path, f"line {reader.line_num}", f"is not valid CSV ({failure})") from None


def _read(fd: int, most: int) -> bytes:
    # One read() may return less than asked for; stop at the end of the file or at `most`.
    chunks, size = [], 0
    while size < most and (chunk := os.read(fd, min(most - size, 1 << 20))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _with_article(what: str) -> str:
    return f"an {what}" if what[0] in "aeiou" else f"a {what}"


def parse_toml(text: str, source, error: type) -> dict:
    """The TOML document ``text``; ``error(source, None, why)`` if it is not valid TOML."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise error(source, None, "is not valid TOML: brackets nested too deeply") from None
    except ValueError as failure:   # TOMLDecodeError, and int() beyond 4,300 digits
        raise error(source, None, f"is not valid TOML: {_reason(failure)}") from None


def _reason(failure: ValueError) -> str:
    """Why the parser refused the text, in words a user acts on."""
    # Python's own advice (sys.set_int_max_str_digits) means nothing to the user.
    if "integer string conversion" in str(failure):
        return "an integer has more than 4,300 digits"
    return str(failure)


class _DuplicateName(ValueError):
    pass


def _unique_names(pairs: list) -> dict:
    names = {}
    for name, value in pairs:
        if name in names:
            raise _DuplicateName(name)
        names[name] = value
    return names


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str, source, error: type):
    """The JSON document ``text``; ``error(source, key, why)`` if it is not strict JSON."""
    try:
        return json.loads(text, object_pairs_hook=_unique_names, parse_constant=_no_constant)
    except _DuplicateName as duplicate:
        raise error(source, str(duplicate), "given twice") from None
    except RecursionError:
        raise error(source, None, "is not valid JSON: brackets nested too deeply") from None
    except ValueError as failure:   # JSONDecodeError, NaN/Infinity, int() beyond 4,300 digits
        raise error(source, None, f"is not valid JSON: {_reason(failure)}") from None


def finite_number(value) -> float:
    """``value`` as a float if it is a finite number; ValueError (saying why) if not."""
    # bool is an int in Python, but `true` is no weight.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a finite number, got {shown(value)}")
    try:
        number = float(value)
    except OverflowError:   # an int beyond 1.8e308
        raise ValueError("too large for a floating-point number (more than 1.8e308)") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {number}")
    return number
