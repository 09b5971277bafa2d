"""A training run for a terminal: the loss before chosen updates, and the weights at the end."""

from __future__ import annotations


def shown_updates(updates: int) -> list[int]:
    """Which updates (counted from 0) a table of a training run shows: every tenth, and the last.

    >>> shown_updates(25)
    [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]
    >>> shown_updates(3)
    [0, 1, 2]
    """
    every = max(1, updates // 10)
    return sorted({*range(0, updates, every), updates - 1})
