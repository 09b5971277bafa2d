"""Run many training runs on every core: the lab's experiment runner.

``run_all(task, settings, jobs)`` calls ``task(setting)`` for every setting,
in ``jobs`` worker processes, and returns the results in the order of the
settings — so the results do not depend on ``jobs`` or on which worker
finished first. Each worker (and the caller, with ``jobs=1``) lets NumPy's
BLAS use one thread: two processes with two threads each would fight for two
cores, and the sums inside a matrix product are then always added in the
same order.

Workers are started by "spawn" (a fresh interpreter that imports the task by
name), so a script that calls ``run_all`` with ``jobs > 1`` needs the usual
``if __name__ == "__main__":`` guard; a notebook or the command line does not.
The worker processes are started once and kept for the next call with the
same ``jobs`` (starting one imports NumPy and scikit-learn afresh), so a
notebook or the tutorial pack pays for that once.

Ctrl-C (and SIGTERM, which the command line turns into Ctrl-C) stops
cleanly: the workers ignore it, the caller cancels the runs not yet started,
waits for the ones running (each takes well under a second) and raises
KeyboardInterrupt, so nothing half-done is returned. Workers end with the
caller however it ends, even by SIGKILL (``io.processes.worker_pool``).

>>> run_all(abs, [-3, 2, -1], jobs=1)
[3, 2, 1]

``run_stacked(task, settings, key, jobs)`` does the same for a ``task`` that
trains several settings at once (``runs.train_together``: one network with a
leading runs axis): the settings with the same ``key`` go to it in stacks of
at most ``MOST_STACKED``, every worker getting some of each key.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from backprop_tutor.io.processes import worker_pool


def default_jobs() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_all(task: Callable, settings: Iterable, jobs: int = 1,
            progress: Callable[[int], None] | None = None,
            runs_in: Callable[[Any], int] = lambda setting: 1) -> list:
    """``[task(s) for s in settings]``, computed by ``jobs`` processes.

    Args:
        task: a function defined at the top level of a module (workers import it by name).
        settings: its arguments, one per run.
        jobs: number of worker processes; 1 runs everything in this process.
        progress: called after each finished task (e.g. a progress bar's ``update``), with the
            number of runs it did: ``runs_in(its setting)``, 1 unless told.
    """
    from threadpoolctl import threadpool_limits

    settings = list(settings)
    progress = progress or (lambda done: None)
    if jobs == 1 or len(settings) <= 1:
        with threadpool_limits(limits=1):
            results = []
            for setting in settings:
                results.append(task(setting))
                progress(runs_in(setting))
            return results
    results = [None] * len(settings)
    futures = {_kept_pool(jobs).submit(task, setting): index for index, setting in enumerate(settings)}
    try:
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            progress(runs_in(settings[futures[future]]))
    except BrokenProcessPool:
        _POOLS.pop(jobs, None)    # a worker died: the next call starts new ones
        raise
    except BaseException:
        for future in futures:
            future.cancel()
        wait(futures)
        raise
    return results


#: The most settings ``run_stacked`` trains in one stack: bigger stacks no longer save calls
#: but leave the processor's cache (a stack of 16 runs of 800 rows × 16 units is 1.6 MB).
MOST_STACKED = 16


def run_stacked(task: Callable[[tuple], list], settings: Sequence, key: Callable, jobs: int = 1,
                progress: Callable[[int], None] | None = None) -> list:
    """``[result of s for s in settings]``, where ``task(stack)`` trains a tuple of settings
    with the same ``key(setting)`` together and returns their results in its order.

    Each key's settings are dealt round-robin into stacks of at most
    ``MOST_STACKED``, and into at least ``jobs`` stacks, so that every worker
    gets a share of each key (and of its slow and its quick runs alike).

    >>> run_stacked(lambda stack: [abs(x) for x in stack], [-3, 2, -1], key=lambda x: x > 0)
    [3, 2, 1]
    """
    keys: dict[Any, list[int]] = {}
    for index, setting in enumerate(settings):
        keys.setdefault(key(setting), []).append(index)
    stacks = []
    for indices in keys.values():
        count = min(len(indices), max(jobs, math.ceil(len(indices) / MOST_STACKED)))
        stacks += [indices[first::count] for first in range(count)]
    done = run_all(task, [tuple(settings[i] for i in stack) for stack in stacks], jobs, progress,
                   runs_in=len)
    results = [None] * len(settings)
    for stack, stack_results in zip(stacks, done, strict=True):
        for index, result in zip(stack, stack_results, strict=True):
            results[index] = result
    return results


_POOLS: dict[int, Executor] = {}


def _kept_pool(jobs: int) -> Executor:
    """A pool of ``jobs`` single-threaded workers, started once and kept for the next runs."""
    if jobs not in _POOLS:
        _POOLS[jobs] = worker_pool(jobs, initializer=_start_worker)
    return _POOLS[jobs]


def _start_worker() -> None:
    import numpy  # noqa: F401  threadpoolctl limits only the libraries already loaded
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
