"""JSON output that every JSON parser reads: no bare ``NaN`` or ``Infinity``.

Python's ``json`` writes a non-finite float as ``NaN``, ``Infinity`` or
``-Infinity``, which are not JSON (a browser's ``JSON.parse`` and ``jq``
reject them). Every ``--format json`` goes through ``dumps``, which writes
them as the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` instead:
a reader that expects a number sees a string, and both Python's ``float()``
and JavaScript's ``Number()`` turn it back into the value.

>>> dumps({"E": float("inf"), "loss": [0.5, float("nan")]}, indent=None)
'{"E": "Infinity", "loss": [0.5, "NaN"]}\\n'
"""

from __future__ import annotations

import json
import math

#: How a non-finite float is written.
NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def plain(data):
    """``data`` with every non-finite float replaced by its string (dicts, lists, tuples)."""
    if isinstance(data, float) and not math.isfinite(data):
        return NON_FINITE.get(data, "NaN")
    if isinstance(data, dict):
        return {key: plain(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [plain(value) for value in data]
    return data


def dumps(data, indent: int | None = 2) -> str:
    """``data`` as strict JSON text (one trailing newline), non-ASCII characters kept."""
    return json.dumps(plain(data), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"
