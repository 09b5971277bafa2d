"""What every lab experiment is: its settings, its runs, what they add up to, and the report.

An experiment turns the options of its command into settings, runs them
(most train each setting once; ``learning-rate`` and ``batch-size`` add
learning rates until their curves have turned), summarises the runs into
what the experiment found, and reports that as document blocks::

    settings = experiment.settings(**options)
    runs     = experiment.run(settings, jobs, progress)
    summary  = experiment.summarise(runs)
    blocks   = experiment.report(summary)

``cli/lab.py`` holds the table of experiments; each row follows this protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from backprop_tutor.document.blocks import Block
from backprop_tutor.teaching.lab.runner import run_all, run_stacked
from backprop_tutor.teaching.lab.runs import Run, Setting, stack_key

#: progress(runs just finished, runs planned so far)
Progress = Callable[[int, int], None]


class Summary(Protocol):
    def to_dict(self) -> dict: ...


class Experiment(Protocol):
    name: str

    def settings(self, **options: Any) -> list[Setting]: ...

    def run(self, settings: Sequence[Setting], jobs: int = 1,
            progress: Progress | None = None) -> list[Run]: ...

    def summarise(self, runs: list[Run]) -> Any: ...

    def report(self, summary: Any) -> list[Block]: ...


def each(task: Callable[[Setting], Run]):
    """The ``run`` of an experiment that trains every setting once with ``task``."""
    def run(settings: Sequence[Setting], jobs: int = 1,
            progress: Progress | None = None) -> list[Run]:
        planned = len(settings)
        return run_all(task, settings, jobs,
                       None if progress is None else (lambda done: progress(done, planned)))
    return run


def stacked(task: Callable[[tuple[Setting, ...]], list[Run]]):
    """The ``run`` of an experiment that trains every setting once, the settings that differ
    only in learning rate and seed together: ``task`` takes a tuple of them, as
    ``runs.train_together`` does, and returns their runs in its order."""
    def run(settings: Sequence[Setting], jobs: int = 1,
            progress: Progress | None = None) -> list[Run]:
        planned = len(settings)
        return run_stacked(task, settings, stack_key, jobs,
                           None if progress is None else (lambda done: progress(done, planned)))
    return run
