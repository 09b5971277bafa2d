"""JSON output that every JSON parser reads: no bare ``NaN`` or ``Infinity``.

Python's ``json`` writes a non-finite float as ``NaN``, ``Infinity`` or
``-Infinity``, which are not JSON (a browser's ``JSON.parse`` and ``jq``
reject them). Every ``--format json`` goes through ``dumps``, which writes
them as ``null`` instead, as JavaScript's ``JSON.stringify`` and pandas'
``to_json`` do: a number that could not be computed is no number. Where a
command can meet one, its JSON says so in a field of its own.

>>> print(dumps({"E": float("inf"), "loss": [0.5, float("nan")]}, indent=None), end="")
{"E": null, "loss": [0.5, null]}
"""

from __future__ import annotations

import json
import math
import re


def _finite_or_none(data):
    """``data`` with every non-finite float replaced by None (through dicts, lists, tuples)."""
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, dict):
        return {key: _finite_or_none(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite_or_none(value) for value in data]
    return data


def dumps(data, indent: int | None = 2) -> str:
    r"""``data`` as strict JSON text (one trailing newline), non-ASCII characters kept.

    Control characters are escaped, DEL and the C1 controls too (which ``json``
    writes as they are), so the text is safe to print on a terminal.

    >>> dumps({"title": "a\x1b[31m\x9b"}, indent=None)
    '{"title": "a\\u001b[31m\\u009b"}\n'
    """
    text = json.dumps(_finite_or_none(data), indent=indent, ensure_ascii=False, allow_nan=False)
    # Outside strings JSON has no such character: escaping them everywhere is safe.
    return _C1.sub(lambda found: f"\\u{ord(found.group()):04x}", text) + "\n"


_C1 = re.compile("[\x7f-\x9f]")
