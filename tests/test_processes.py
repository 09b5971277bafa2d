"""Killed runs leave no process: real signals sent to real commands (issue 16).

Processes are counted in /proc (Linux, where CI runs; the tests need it): every descendant of the command,
worker processes and multiprocessing's resource tracker included, must end
once the command has ended, however it ended. A process that has ended but
that nobody has reaped yet (a zombie, state Z) has ended.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import backprop_tutor

PACKAGE = Path(backprop_tutor.__file__).parent
ENV = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}


def stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    state, ppid = text[text.rindex(")") + 2:].split()[:2]   # the name may hold spaces
    return state, int(ppid)


def cpu_seconds(pid: int) -> float:
    """The processor time a process has used so far (0 once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return 0
    user, system = text[text.rindex(")") + 2:].split()[11:13]
    return (int(user) + int(system)) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> set[int]:
    """Every living process started by ``pid`` or by one of its descendants."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := stat(int(entry.name))) and found[0] != "Z":
            parents[int(entry.name)] = found[1]
    family, grew = {pid}, True
    while grew:
        grown = family | {child for child, parent in parents.items() if parent in family}
        grew, family = grown != family, grown
    return family - {pid}


def living(pids) -> set[int]:
    return {pid for pid in pids if (found := stat(pid)) and found[0] != "Z"}


@pytest.fixture
def leftovers():
    """A set to put started processes in; any still alive at the end is killed (a failed test)."""
    started: set[int] = set()
    yield started
    for pid in living(started):
        os.kill(pid, signal.SIGKILL)


def wait_for(condition, what: str, seconds: float = 60):
    """Poll ``condition`` until it holds; fail (saying ``what``) after ``seconds``."""
    end = time.monotonic() + seconds
    while not (result := condition()):
        if time.monotonic() > end:
            pytest.fail(f"still waiting for {what} after {seconds} s")
        time.sleep(0.05)
    return result


SWEEP = textwrap.dedent("""\
    dataset = "moons"
    samples = 400
    epochs = 3000
    learning_rate = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    seeds = 4
    """)


def start_sweep(tmp_path, leftovers: set[int]) -> subprocess.Popen:
    config = tmp_path / "sweep.toml"
    config.write_text(SWEEP)
    process = subprocess.Popen([sys.executable, "-m", "backprop_tutor", "lab", "sweep", "--config",
                                str(config), "--jobs", "2", "--out", str(tmp_path / "out")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                               cwd=tmp_path)
    leftovers.add(process.pid)
    return process


def with_workers(process: subprocess.Popen, count: int, leftovers: set[int]) -> set[int]:
    """The process's descendants, once ``count`` worker processes have started."""
    def started():
        family = descendants(process.pid)
        leftovers.update(family | {process.pid})
        workers = [pid for pid in family
                   if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        return family if len(workers) >= count else None
    return wait_for(started, f"{count} workers")


def test_sigkill_of_the_lab_leaves_no_process(tmp_path, leftovers):
    process = start_sweep(tmp_path, leftovers)
    family = with_workers(process, 2, leftovers)
    time.sleep(1)   # the workers are running the sweep's tasks
    process.kill()
    wait_for(lambda: not living(family), "the workers and the resource tracker to end")
    process.communicate(timeout=60)   # only now: a living worker would hold its pipes open
    assert not (tmp_path / "out").exists()


def test_sigterm_of_the_lab_ends_it_like_ctrl_c(tmp_path, leftovers):
    process = start_sweep(tmp_path, leftovers)
    family = with_workers(process, 2, leftovers)
    time.sleep(1)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    # The lab's commands end Ctrl-C with status 130 and this line (cli/lab.py).
    assert (process.returncode, out) == (130, "")
    assert err == "backprop-tutor: interrupted; nothing was written\n"
    wait_for(lambda: not living(family), "the workers and the resource tracker to end")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.toml"]   # no folder, no debris


POOL = textwrap.dedent("""\
    import time
    from backprop_tutor.io.processes import worker_pool

    if __name__ == "__main__":
        pool = worker_pool(2)
        for _ in range(4):
            pool.submit(time.sleep, 600)
        time.sleep(600)
    """)


@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM])
def test_every_worker_pool_ends_with_its_parent(tmp_path, kill, leftovers):
    """The class kit's and the pack's pools too: they are worker_pools (see the next test)."""
    script = tmp_path / "pool.py"
    script.write_text(POOL)
    process = subprocess.Popen([sys.executable, str(script)], env=ENV)
    leftovers.add(process.pid)
    family = with_workers(process, 2, leftovers)
    time.sleep(1)   # past the initializer: the workers sleep in their tasks
    process.send_signal(kill)
    process.wait(timeout=60)
    wait_for(lambda: not living(family), "the workers to end")


def test_every_process_pool_is_a_worker_pool():
    """Only io/processes.py starts processes (ProcessPoolExecutor, multiprocessing)."""
    starters = {"ProcessPoolExecutor", "Process", "Pool", "get_context"}
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "io" / "processes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = (node.attr if isinstance(node, ast.Attribute)
                    else node.id if isinstance(node, ast.Name) else None)
            if name in starters or (isinstance(node, ast.alias) and node.name == "multiprocessing"):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {name or node.name}")
    assert found == []


def test_sigterm_ends_any_command_like_ctrl_c(tmp_path, leftovers):
    process = subprocess.Popen([sys.executable, "-m", "backprop_tutor", "train", "--epochs",
                                "100000000", "--format", "json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=ENV, cwd=tmp_path)
    leftovers.add(process.pid)
    wait_for(lambda: cpu_seconds(process.pid) > 2, "the training to run")   # past start-up
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (1, "", "backprop-tutor: error: interrupted\n")
