"""The lab's speed: `lab learning-rate` with its default settings, cold, on every core.

Goal (issue 11): 3 hidden activations × 13 learning rates × 5 seeds × 300
epochs of full-batch gradient descent on moons (1,000 samples) in ≤ 10 s of
wall time on 2 cores. Measured as a user runs it: the command in a fresh
process (start-up, worker processes, training, table, figures and result
files). Beside it, in the same run: the same command with one worker process
(the speed-up of the pool), and the sum of the runs' own training time.

Then the training alone (issue 21), in this process on one thread, the 195
runs of the first grid three ways, interleaved (median of ``--runs``):

* alone: ``fit`` on each run, one after the other (the lab before issue 21);
* stacked: ``runs.train_together``'s trainer, ``batched_fit.fit_runs``, on the
  stacks ``runner.run_stacked`` makes (an activation's runs, at most
  ``MOST_STACKED`` a stack);
* JAX: one ``jax.jit(jax.vmap(run))`` per activation, ``run`` a
  ``jax.lax.scan`` over the epochs (full-set loss and validation loss, the
  update), float64 like the lab, from the same initial weights; its compile
  time apart. It trains every run all 300 epochs: vmap cannot stop one run.

Target: the stacked training's throughput ≥ JAX's (JAX's seconds ÷ stacked
seconds ≥ 1, compile time not counted).

    python benchmarks/lab.py [--runs 3] [--training-only]

The machine's load average is printed too: on a shared machine other work
takes cores away, and the wall time with it.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from timing import command, wall_time

#: JAX's throughput is the target of the stacked training (issue 21).
JAX_GOAL = 1.0


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def lab_wall_time(jobs: int, runs: int) -> tuple[float, float, float]:
    """Median wall time of the command, its CPU time (all its processes) and the training
    seconds the runs report."""
    times, cpu, training = [], [], 0.0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "lr"
            before = children_cpu()
            seconds, _ = wall_time(command("lab", "learning-rate", "--jobs", str(jobs),
                                           "--out", str(out)))
            cpu.append(children_cpu() - before)
            times.append(seconds)
            with open(out / "seconds.csv", newline="") as file:
                training = sum(float(row["seconds"]) for row in csv.DictReader(file))
    return statistics.median(times), statistics.median(cpu), training


def one_thread() -> None:
    """One thread for NumPy's BLAS and for XLA, before either starts its pool."""
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "")
                               + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    import numpy  # noqa: F401  threadpoolctl limits only the libraries already loaded
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def grid():
    """The first grid's settings by activation, and the data (training rows, validation rows)."""
    from backprop_tutor.teaching.lab import learning_rate
    from backprop_tutor.teaching.lab.runs import data

    settings = learning_rate.settings()
    by_activation = {}
    for setting in settings:
        by_activation.setdefault(setting.hidden_activation, []).append(setting)
    first = settings[0]
    return by_activation, data(first.dataset, first.samples, first.noise, first.validation)


def alone(by_activation, rows) -> float:
    """Seconds of ``fit`` on every run, one at a time."""
    import numpy as np

    from backprop_tutor.teaching.lab.runs import model_for

    (train, val), seconds = rows, 0.0
    for group in by_activation.values():
        for s in group:
            model = model_for(s, train.X.shape[1], train.T.shape[1])
            started = time.perf_counter()
            with np.errstate(all="ignore"):
                model.fit(train.X, train.T, learning_rate=s.learning_rate, epochs=s.epochs,
                          batch_size=s.batch_size, shuffle_seed=s.seed,
                          validation=(val.X, val.T))
            seconds += time.perf_counter() - started
    return seconds


def stacked(by_activation, rows) -> tuple[float, list]:
    """Seconds of ``fit_runs`` on the stacks ``run_stacked`` makes with one job, and the
    final training losses (by activation, in the grid's order)."""
    import numpy as np

    from backprop_tutor.networks.batched_fit import fit_runs
    from backprop_tutor.teaching.lab.runner import run_stacked
    from backprop_tutor.teaching.lab.runs import model_for, stack_key

    (train, val), seconds, finals = rows, 0.0, []

    def task(stack):
        nonlocal seconds
        models = [model_for(s, train.X.shape[1], train.T.shape[1]) for s in stack]
        started = time.perf_counter()
        with np.errstate(all="ignore"):
            histories = fit_runs(models, train.X, train.T,
                                 learning_rates=[s.learning_rate for s in stack],
                                 epochs=stack[0].epochs, batch_size=stack[0].batch_size,
                                 shuffle_seeds=[s.seed for s in stack], validation=(val.X, val.T))
        seconds += time.perf_counter() - started
        return [h.loss[-1] if h.diverged_at is None else None for h in histories]

    for group in by_activation.values():
        finals.append(run_stacked(task, group, stack_key, jobs=1))
    return seconds, finals


def jax_vmap_scan(by_activation, rows) -> tuple[float, float, list]:
    """(seconds, compile seconds, final training losses) of JAX: vmap over the runs of an
    activation, scan over the epochs, float64."""
    import jax
    import jax.numpy as jnp

    from backprop_tutor.teaching.lab.runs import model_for

    jax.config.update("jax_enable_x64", True)
    functions = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh, "relu": jax.nn.relu,
                 "linear": lambda x: x}
    (train, val), seconds, compiling, finals = rows, 0.0, 0.0, []
    X, T, Xv, Tv = (jnp.asarray(a) for a in (train.X, train.T, val.X, val.T))
    for group in by_activation.values():
        first = group[0]
        hidden, output = functions[first.hidden_activation], functions[first.output_activation]
        models = [model_for(s, train.X.shape[1], train.T.shape[1]) for s in group]
        params = [(jnp.asarray([m.weights[k] for m in models]),
                   jnp.asarray([m.biases[k] for m in models])) for k in range(len(models[0].weights))]
        rates = jnp.asarray([s.learning_rate for s in group])

        def loss(params, x, t, hidden=hidden, output=output):
            for k, (W, b) in enumerate(params):
                x = (output if k == len(params) - 1 else hidden)(x @ W.T + b)
            return jnp.mean(0.5 * jnp.sum((t - x) ** 2, axis=1))     # half_sse

        def run(params, rate, loss=loss, epochs=first.epochs):
            def epoch(params, _):
                value, grads = jax.value_and_grad(loss)(params, X, T)
                step = jax.tree.map(lambda p, g: p - rate * g, params, grads)
                return step, (value, loss(params, Xv, Tv))
            return jax.lax.scan(epoch, params, None, length=epochs + 1)[1]

        started = time.perf_counter()
        compiled = jax.jit(jax.vmap(run)).lower(params, rates).compile()
        compiling += time.perf_counter() - started
        started = time.perf_counter()
        losses, _ = jax.block_until_ready(compiled(params, rates))
        seconds += time.perf_counter() - started
        finals.append([float(x) for x in losses[:, -1]])
    return seconds, compiling, finals


def agreement(ours: list, theirs: list) -> float:
    """Largest relative difference of the final training losses of the runs that did not
    diverge (the same runs, computed by NumPy and by XLA)."""
    return max(abs(a - b) / abs(b) for mine, jax in zip(ours, theirs, strict=True)
               for a, b in zip(mine, jax, strict=True) if a is not None)


def training(runs: int) -> dict:
    """Median seconds of the three ways (see the module), interleaved."""
    one_thread()
    by_activation, rows = grid()
    times: dict[str, list[float]] = {"alone": [], "stacked": [], "jax": [], "compile": []}
    for _ in range(runs):
        times["alone"].append(alone(by_activation, rows))
        seconds, ours = stacked(by_activation, rows)
        times["stacked"].append(seconds)
        seconds, compiling, theirs = jax_vmap_scan(by_activation, rows)
        times["jax"].append(seconds)
        times["compile"].append(compiling)
    result = {name: statistics.median(values) for name, values in times.items()}
    result["agreement"] = agreement(ours, theirs)
    return result


def rows(runs: int = 3) -> list[dict]:
    """The training's ratio (issue 21) as a row of the benchmark table (see report.py)."""
    t = training(runs)
    ratio = t["jax"] / t["stacked"]
    return [{"script": "benchmarks/lab.py",
             "measures": "JAX vmap+scan ÷ the stacked NumPy trainer, seconds of training, "
                         "`lab learning-rate`'s 195 runs, float64, one thread",
             "figure": f"{ratio:.2f} ({t['jax']:.2f} s ÷ {t['stacked']:.2f} s; JAX compile "
                       f"{t['compile']:.2f} s apart; one run at a time {t['alone']:.2f} s)",
             "target": f"≥ {JAX_GOAL:.1f}", "met": ratio >= JAX_GOAL}]


def print_training(runs: int) -> None:
    import jax
    import numpy as np

    before = os.getloadavg()[0]
    t = training(runs)
    ratio = t["jax"] / t["stacked"]
    print(f"training alone, 195 runs, one thread, median of {runs} interleaved; NumPy "
          f"{np.__version__}, JAX {jax.__version__}; load average {before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")
    print(f"  fit, one run at a time:        {t['alone']:6.2f} s")
    print(f"  stacked (fit_runs):            {t['stacked']:6.2f} s   "
          f"({t['alone'] / t['stacked']:.2f} × faster than alone)")
    print(f"  JAX vmap + scan, float64:      {t['jax']:6.2f} s   + {t['compile']:.2f} s to compile")
    print(f"  JAX ÷ stacked: {ratio:.2f} (goal ≥ {JAX_GOAL:.1f}) "
          f"{'met' if ratio >= JAX_GOAL else 'NOT met'}; with JAX's compile time: "
          f"{(t['jax'] + t['compile']) / t['stacked']:.2f}")
    print(f"  final training losses, NumPy against JAX, runs that did not diverge: "
          f"largest relative difference {t['agreement']:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per setting; the median is shown")
    parser.add_argument("--training-only", action="store_true",
                        help="only the training alone (stacked, one at a time, JAX)")
    options = parser.parse_args()
    runs = options.runs
    if not options.training_only:
        commands(runs)
    print_training(runs)


def commands(runs: int) -> None:
    cores = len(os.sched_getaffinity(0))
    print(f"lab learning-rate (3 × 13 × 5 runs × 300 epochs, moons 1,000), cold, median of {runs}; "
          f"{cores} cores, load average {os.getloadavg()[0]:.1f}")
    both, cpu, training_seconds = lab_wall_time(cores, runs)
    one, _, _ = lab_wall_time(1, runs)
    print(f"  --jobs {cores}: {both:6.2f} s wall   (goal ≤ 10 s){'  ✓' if both <= 10 else '  ✗'}")
    print(f"  --jobs 1: {one:6.2f} s wall   (the pool is {one / both:.2f} × faster)")
    print(f"  CPU time of all the command's processes: {cpu:.2f} s "
          f"(on {cores} idle cores at best {cpu / cores:.2f} s of wall time)")
    print(f"  training time the 195 runs report, summed: {training_seconds:.2f} s")


if __name__ == "__main__":
    main()
