"""Worker processes that die with their parent, and SIGTERM handled like Ctrl-C.

Every pool of worker processes (the lab's runs, the class kit's variants, the
pack's Keras process) comes from ``worker_pool``, so that one rule holds for
all of them:

* workers are spawned, never forked: forking a process that holds other
  threads (BLAS', TensorFlow's, a pool's) can hang the child on a lock;
* a worker ends as soon as its parent does, however the parent ended, even by
  SIGKILL, which no handler sees. Each spawned worker holds the read end of a
  pipe whose write end only the parent holds (multiprocessing's "parent
  sentinel"); a thread in the worker waits on it, and the kernel closes the
  write end when the parent dies, which wakes the thread;
* workers ignore Ctrl-C and SIGTERM: the parent alone decides (it cancels what
  has not started and shuts the pool down), so an interrupted run never gets
  half of its results from workers killed under it.

``sigterm_as_interrupt`` turns SIGTERM (``kill PID``) into KeyboardInterrupt
for a block of code, so that it cleans up as Ctrl-C does.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


def worker_pool(workers: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes that die with this one.

    Args:
        workers: the number of processes.
        initializer: called once in each worker after it has started (a
            function defined at the top level of a module: workers import it
            by name).
    """
    return ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                               initargs=(initializer,),
                               mp_context=multiprocessing.get_context("spawn"))


def _start_worker(initializer: Callable[[], None] | None) -> None:
    # The whole process group gets Ctrl-C, and a service manager may send SIGTERM to
    # every process of the run: the parent decides what to do with them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    exit_with_parent()
    if initializer is not None:
        initializer()


def exit_with_parent() -> None:
    """In a spawned process: end it (status 1) as soon as the process that started it ends."""
    parent = multiprocessing.parent_process()
    if parent is None:   # not a process started by multiprocessing
        return

    def watch():
        parent.join()   # returns when the pipe's write end closes: the parent has ended
        os._exit(1)     # at once: no clean-up in a process nobody waits for

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt inside the block, as Ctrl-C does.

    Only the main thread can set a signal handler; elsewhere the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt
