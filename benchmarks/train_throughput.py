"""Batched training: `fit` beside PyTorch (eager) and jax.jit, and beside the matmul peak.

Every contender trains the same network (tanh hidden layers, sigmoid output,
mean-squared-error loss, plain SGD) on the same random data, 16 batches an
epoch in order, and records each epoch's loss as the mean of its batch losses
(``fit(..., epoch_loss="batches")``; PyTorch and JAX accumulate the loss their
step returns). The figure is samples per second, the median of interleaved
repeats (every contender sees the same machine load), each repeat at least
``--seconds`` of whole epochs. One thread each: NumPy's BLAS through
threadpoolctl, ``torch.set_num_threads(1)``, XLA's CPU client told to use one.

* PyTorch: ``nn.Sequential`` of ``Linear`` layers, ``nn.MSELoss``,
  ``optim.SGD``; ``zero_grad/forward/backward/step`` per batch.
* JAX: one ``jax.jit`` step (``value_and_grad`` and the update) called per batch.

Targets (issue 21): ``fit`` ÷ PyTorch ≥ 1.2 on 64-256-256-10 batch 256 and
784-512-512-10 batch 512; ``fit`` ÷ jax.jit ≥ 0.9 on 2-16-1 and 20-64-64-10
batch 32; float32 and float64. At batch ≥ 256, ``fit`` reaches ≥ 80 % of the
peak: the FLOP rate of the step's matrix products over the time of ``fit``,
against the same products timed alone (same shapes and layout, so what NumPy's
BLAS can do for them). One 2048 × 2048 product is printed beside it.

    pip install 'backprop-tutor[bench]'     # PyTorch, JAX and threadpoolctl, for this only
    python benchmarks/train_throughput.py [--repeats 7] [--seconds 0.3]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time

import numpy as np

from backprop_tutor.networks.numpy_network import NumpyNetwork

#: (layer sizes, batch size, contender, goal for fit ÷ contender).
CASES = [((2, 16, 1), 32, "jax.jit", 0.9), ((20, 64, 64, 10), 32, "jax.jit", 0.9),
         ((64, 256, 256, 10), 256, "torch", 1.2), ((784, 512, 512, 10), 512, "torch", 1.2)]
DTYPES = ("float32", "float64")
PEAK_GOAL = 0.8
LEARNING_RATE = 0.01
BATCHES = 16  # batches an epoch


def data(sizes, batch: int, dtype: str):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (BATCHES * batch, sizes[0])).astype(dtype)
    T = rng.uniform(0, 1, (BATCHES * batch, sizes[-1])).astype(dtype)
    return X, T


def numpy_fit(sizes, batch: int, dtype: str, X, T):
    """``epochs -> None``: NumpyNetwork.fit in the mode that does no extra pass."""
    activations = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
    model = NumpyNetwork.initialised(sizes, activations, seed=0, loss="mse", dtype=dtype)
    return lambda epochs: model.fit(X, T, learning_rate=LEARNING_RATE, epochs=epochs,
                                    batch_size=batch, epoch_loss="batches")


def torch_fit(sizes, batch: int, dtype: str, X, T):
    import torch

    layers = []
    for k, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        layers += [torch.nn.Linear(n_in, n_out),
                   torch.nn.Sigmoid() if k == len(sizes) - 2 else torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers).to(getattr(torch, dtype))
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_function = torch.nn.MSELoss()
    tensors = [(torch.from_numpy(X[k:k + batch].copy()), torch.from_numpy(T[k:k + batch].copy()))
               for k in range(0, len(X), batch)]

    def fit(epochs):
        for _ in range(epochs):
            total = torch.zeros((), dtype=getattr(torch, dtype))
            for x, t in tensors:
                optimizer.zero_grad()
                loss = loss_function(model(x), t)
                loss.backward()
                optimizer.step()
                total += loss.detach()
            float(total) / len(tensors)

    return fit


def jax_fit(sizes, batch: int, dtype: str, X, T):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", dtype == "float64")
    rng = np.random.default_rng(0)
    params = [(jnp.asarray(rng.uniform(-0.1, 0.1, (n_in, n_out)).astype(dtype)),
               jnp.zeros(n_out, dtype)) for n_in, n_out in itertools.pairwise(sizes)]

    def loss(params, x, t):
        for k, (W, b) in enumerate(params):
            x = x @ W + b
            x = jax.nn.sigmoid(x) if k == len(params) - 1 else jnp.tanh(x)
        return jnp.mean((x - t) ** 2)

    @jax.jit
    def step(params, x, t):
        value, grads = jax.value_and_grad(loss)(params, x, t)
        return jax.tree.map(lambda p, g: p - LEARNING_RATE * g, params, grads), value

    arrays = [(jax.device_put(X[k:k + batch]), jax.device_put(T[k:k + batch]))
              for k in range(0, len(X), batch)]
    state = [params]

    def fit(epochs):
        params = state[0]
        for _ in range(epochs):
            losses = []
            for x, t in arrays:
                params, value = step(params, x, t)
                losses.append(value)
            sum(map(float, losses)) / len(losses)
        state[0] = params

    return fit


CONTENDERS = {"torch": torch_fit, "jax.jit": jax_fit}


def samples_per_second(fit, samples_per_epoch: int, seconds: float) -> float:
    """Samples per second over at least ``seconds`` of whole epochs (after one to warm up)."""
    fit(1)
    epochs, elapsed = 1, 0.0
    while True:
        start = time.perf_counter()
        fit(epochs)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return epochs * samples_per_epoch / elapsed
        epochs *= 2


def matmul_flops(sizes, batch: int) -> int:
    """Floating-point operations of one step's matrix products.

    Formula:
        forward  2·n·in·out per layer;  dE/dW  2·n·in·out per layer;
        delta of the layer below  2·n·in·out per layer but the first
    """
    per_layer = [2 * batch * n_in * n_out for n_in, n_out in itertools.pairwise(sizes)]
    return 3 * sum(per_layer) - per_layer[0]


def products_alone(sizes, batch: int, dtype: str):
    """``epochs -> None``: the products of an epoch's steps alone, shapes and layout of fit's."""
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal((n_out, n_in)).astype(dtype)
               for n_in, n_out in itertools.pairwise(sizes)]
    outs = [rng.standard_normal((batch, n)).astype(dtype) for n in sizes]

    def fit(epochs):
        for _ in range(epochs * BATCHES):
            for layer, W in enumerate(weights):
                outs[layer] @ W.T                  # forward
                outs[layer + 1].T @ outs[layer]    # dE/dW = delta.T @ A_prev
                if layer > 0:
                    outs[layer + 1] @ W            # delta of the layer below

    return fit


def big_product_flops(dtype: str, n: int = 2048, repeats: int = 3) -> float:
    """FLOP/s of the best of a few n × n products, 2·n³ operations each."""
    rng = np.random.default_rng(2)
    A, B = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    A @ B
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        A @ B
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best


def measure(repeats: int, seconds: float) -> list[dict]:
    """One row per case and dtype: samples/s of fit and its contender, and of the products."""
    rows = []
    for sizes, batch, contender, goal in CASES:
        for dtype in DTYPES:
            X, T = data(sizes, batch, dtype)
            fits = {"fit": numpy_fit(sizes, batch, dtype, X, T),
                    contender: CONTENDERS[contender](sizes, batch, dtype, X, T)}
            if batch >= 256:
                fits["products"] = products_alone(sizes, batch, dtype)
            rates = {name: [] for name in fits}
            for _ in range(repeats):  # interleaved: every contender sees the same load
                for name, fit in fits.items():
                    rates[name].append(samples_per_second(fit, BATCHES * batch, seconds))
            median = {name: statistics.median(values) for name, values in rates.items()}
            row = {"network": "-".join(map(str, sizes)), "batch": batch, "dtype": dtype,
                   "contender": contender, "goal": goal, "fit": median["fit"],
                   "other": median[contender], "ratio": median["fit"] / median[contender]}
            if batch >= 256:
                flops = matmul_flops(sizes, batch) / batch   # per sample
                row.update(fit_flops=flops * median["fit"], peak=flops * median["products"],
                           big_product=big_product_flops(dtype))
                row["share"] = row["fit_flops"] / row["peak"]
            rows.append(row)
    return rows


def one_thread() -> None:
    """One thread for every library, before any of them starts its pool."""
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "")
                               + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    threadpool_limits(1)


def run(repeats: int = 7, seconds: float = 0.3) -> list[dict]:
    """The measured rows (see ``measure``), one thread per library."""
    one_thread()
    return measure(repeats, seconds)


def rows(repeats: int = 7, seconds: float = 0.3) -> list[dict]:
    """Every ratio of this script as a row of the benchmark table (see report.py)."""
    table = []
    for r in run(repeats, seconds):
        case = f"{r['network']} batch {r['batch']} {r['dtype']}"
        table.append({"script": "benchmarks/train_throughput.py",
                      "measures": f"`fit` ÷ {r['contender']}, samples/s, {case}",
                      "figure": f"{r['ratio']:.2f} ({r['fit']:,.0f} ÷ {r['other']:,.0f})",
                      "target": f"≥ {r['goal']}", "met": r["ratio"] >= r["goal"]})
        if "share" in r:
            table.append({"script": "benchmarks/train_throughput.py",
                          "measures": f"`fit`'s FLOP rate ÷ the same products alone, {case}",
                          "figure": f"{r['share']:.0%} ({r['fit_flops'] / 1e9:.1f} ÷ "
                                    f"{r['peak'] / 1e9:.1f} GFLOP/s; one 2048² product "
                                    f"{r['big_product'] / 1e9:.1f})",
                          "target": f"≥ {PEAK_GOAL:.0%}", "met": r["share"] >= PEAK_GOAL})
    return table


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repeats per case")
    parser.add_argument("--seconds", type=float, default=0.3, help="seconds of epochs a repeat")
    options = parser.parse_args()
    import jax
    import torch

    load = os.getloadavg()[0]
    rows = run(options.repeats, options.seconds)
    print(f"NumPy {np.__version__}, PyTorch {torch.__version__}, JAX {jax.__version__}; one "
          f"thread each; median of {options.repeats} interleaved repeats; load average "
          f"{load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"{'network':<16}{'batch':>6} {'dtype':<8}{'fit samples/s':>14}{'contender':>10}"
          f"{'samples/s':>12}{'ratio':>7}{'goal':>6}")
    for r in rows:
        print(f"{r['network']:<16}{r['batch']:>6} {r['dtype']:<8}{r['fit']:>14,.0f}"
              f"{r['contender']:>10}{r['other']:>12,.0f}{r['ratio']:>7.2f}{r['goal']:>6.1f} "
              f"{verdict(r['ratio'] >= r['goal'])}")
    print()
    print(f"{'network':<16}{'batch':>6} {'dtype':<8}{'fit GFLOP/s':>12}{'peak':>8}{'share':>7}"
          f"{'2048² product':>15}")
    for r in (r for r in rows if "share" in r):
        print(f"{r['network']:<16}{r['batch']:>6} {r['dtype']:<8}{r['fit_flops'] / 1e9:>12.1f}"
              f"{r['peak'] / 1e9:>8.1f}{r['share']:>7.0%}{r['big_product'] / 1e9:>15.1f} "
              f"{verdict(r['share'] >= PEAK_GOAL)} (goal {PEAK_GOAL:.0%})")
    print("fit GFLOP/s: the step's matrix products over the time of fit; peak: the same "
          "products timed alone.")


if __name__ == "__main__":
    main()
