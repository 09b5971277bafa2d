"""What every check cell does: call the student's function, find a blank left, mark numbers.

A check calls the student's function on the tutorial's network and reads what
it returns as quantities of Problem 2's worked step, marked by
``check_answers`` against ``solve``'s numbers, so a wrong number gets the slip
hints of ``backprop-tutor check``. An exercise is not written yet while its
function is None, raises NotImplementedError or still holds a blank ``...``:
the check names the first blank left (read from the function's source) and
stops there. Any other error is one line: its type, its message and the line
of the student's code.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
import textwrap

import numpy as np

from backprop_tutor.teaching.marking import check_answers


class NotWritten(Exception):
    """The check cannot go on; why has been printed."""


def number(value) -> str:
    """A value as the checks print it: six significant figures, enough to see a difference."""
    return f"{float(value):.6g}" if np.isfinite(value) else str(float(value))


# ---------------------------------------------------------------- calling the student's code

def call(function, name: str, *args):
    """``function(*args)``; prints why and raises NotWritten when the exercise cannot give results."""
    if function is None:
        _not_written(name)
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 -- the student's error, shown as one line
        # The student's functions the error went through (the notebook's cells run in __main__).
        frames = [(tb.tb_frame.f_code.co_name, tb.tb_frame.f_globals[tb.tb_frame.f_code.co_name],
                   tb.tb_lineno) for tb in _walk(error.__traceback__)
                  if tb.tb_frame.f_globals.get("__name__") == "__main__"
                  and tb.tb_frame.f_code.co_name in tb.tb_frame.f_globals]
        if isinstance(error, NotImplementedError) or "ellipsis" in str(error):
            # The unwritten part is in the deepest of them that still has a blank, if any.
            blanks = [(n, f) for n, f, _ in frames if first_blank(f)] or frames[-1:]
            _not_written(*(blanks[-1][:2] if blanks else (name, function)))
        where = f" (line `{_line(*frames[-1][1:])}` of {frames[-1][0]})" if frames else ""
        print(f"✗ {name} raised {type(error).__name__}: {error}{where}")
        raise NotWritten from None


def _line(function, lineno: int) -> str:
    """The text of line ``lineno`` (counted in its file) of ``function``'s source."""
    try:
        lines, first = inspect.getsourcelines(function)
        return lines[lineno - first].strip()
    except (OSError, TypeError, IndexError):
        return f"{lineno}"


def _walk(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def given(value, function, name: str):
    """``value``, or "not written yet" when it still holds a blank ``...``."""
    if _holds_blank(value):
        _not_written(name, function)
    return value


def _not_written(name: str, function=None):
    blank = first_blank(function) if function is not None else None
    print(f"not written yet: fill in {f'`{blank}` in ' if blank else ''}{name} above")
    raise NotWritten


def first_blank(function) -> str | None:
    """The first line of ``function``'s source that holds a blank ``...`` (None if none)."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
        lines = sorted(node.lineno for node in ast.walk(ast.parse(source))
                       if isinstance(node, ast.Constant) and node.value is Ellipsis)
    except (OSError, TypeError, SyntaxError):
        return None
    return re.sub(r"\s{2,}", "  ", source.splitlines()[lines[0] - 1].strip()) if lines else None


def _holds_blank(value) -> bool:
    return value is Ellipsis or (isinstance(value, (tuple, list))
                                 and any(_holds_blank(v) for v in value))


def parts_of(result, count: int, what: str, function) -> tuple:
    """``result`` as the tuple of ``count`` values a function must return, or NotWritten."""
    given(result, function, what.partition("(")[0])
    if not isinstance(result, tuple) or len(result) != count:
        print(f"✗ {what} returned {result!r:.60}; expected a tuple of {count}")
        raise NotWritten
    return tuple(given(part, function, what.partition("(")[0]) for part in result)


def as_floats(value, shape: tuple, what: str) -> np.ndarray:
    """``value`` as a float array of ``shape``; a wrong shape is printed and stops the check."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        print(f"✗ {what} is {type(value).__name__} {value!r:.60}, not an array of numbers")
        raise NotWritten from None
    if array.shape != shape:
        print(f"✗ {what} has shape {array.shape}; expected {shape}")
        raise NotWritten
    return array


# ---------------------------------------------------------------- comparing

def mark(network, got: dict, label: str = "") -> bool:
    """Mark the student's values of named quantities (``check_answers``); print the wrong ones."""
    wrong = [m for m in check_answers(network, got) if not m.right]
    for m in wrong:
        off = "" if m.answer is None else f" (off by {number(m.answer - m.exact)})"
        print(f"✗ {m.name}{label}: expected {number(m.exact)}, got {number(m.answer)}{off}")
        if m.hint:
            print(f"  hint: {m.hint}")
    return not wrong


def listed(values) -> str:
    return "[" + ", ".join(number(v) for v in values) + "]"


def close(got, expected) -> bool:
    return bool(np.allclose(got, expected, rtol=1e-9, atol=1e-12))


def differ(label: str, got, expected, hint: str = "") -> bool:
    """Print the first entry where ``got`` differs from ``expected``; True if one does."""
    # Not strict: a run of the package that diverged stops early, so ``expected`` may be shorter.
    for k, (g, e) in enumerate(zip(np.ravel(got), np.ravel(expected), strict=False)):
        if not close(g, e):
            print(f"✗ {label.format(k + 1)}: expected {number(e)}, got {number(g)} "
                  f"(off by {number(g - e)})" + (f"\n  hint: {hint}" if hint else ""))
            return True
    return False


def run_check(check):
    """A check's body; a NotWritten ends it quietly (the reason is printed)."""
    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except NotWritten:
            return None
    return wrapper


