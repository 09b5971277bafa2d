"""Batched training throughput: the NumPy network beside PyTorch (CPU, eager), and matmul FLOP/s.

For each network, batch size and dtype both train the same network (same
layers, activations, mean-squared-error loss, plain SGD) on the same random
data, batch after batch; the figure is samples per second, the median over
several interleaved repeats. PyTorch runs eagerly: ``torch.nn.Sequential`` of
``Linear`` layers, ``nn.MSELoss`` and ``torch.optim.SGD``, one
``zero_grad/forward/backward/step`` per batch.

Goals (issue 11): NumPy/PyTorch >= 1.0 for 2-16-1 at batch 32 and >= 0.8 for
64-256-256-10 at batch 256, in float32 and float64. At batch >= 256 the matrix
products of a step should reach >= 50 % of the machine's matmul FLOP/s, the
peak being measured here with one large product (2048 × 2048 · 2048 × 2048).

    pip install 'backprop-tutor[bench]'     # PyTorch and threadpoolctl, for this script only
    python benchmarks/train_throughput.py [--repeats 7] [--seconds 0.3] [--threads 1]

Both libraries get the same number of threads (default 1): on a shared 2-core
machine a second BLAS thread mostly waits for a busy core, and small products
then run several times slower than on one thread.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from backprop_tutor.networks.numpy_network import NumpyNetwork

#: (layer sizes, batch size, goal for NumPy / PyTorch); hidden tanh, output sigmoid.
CASES = [((2, 16, 1), 32, 1.0), ((64, 256, 256, 10), 256, 0.8)]
LEARNING_RATE = 0.01
BATCHES = 16  # distinct batches cycled through, so the data is not one cached array


def data(sizes, batch: int, dtype: str):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (BATCHES * batch, sizes[0])).astype(dtype)
    T = rng.uniform(0, 1, (BATCHES * batch, sizes[-1])).astype(dtype)
    return [(X[k * batch:(k + 1) * batch], T[k * batch:(k + 1) * batch]) for k in range(BATCHES)]


def steps_per_second(step, batches, seconds: float) -> float:
    """Steps per second over at least ``seconds`` of steps, cycling through the batches."""
    for X, T in batches[:2]:
        step(X, T)  # warm-up
    done, start = 0, time.perf_counter()
    while True:
        for X, T in batches:
            step(X, T)
        done += len(batches)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def numpy_step(sizes, dtype: str):
    activations = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
    model = NumpyNetwork.initialised(sizes, activations, seed=0, loss="mse", dtype=dtype)
    return lambda X, T: model.sgd_step(X, T, LEARNING_RATE)


def torch_step(sizes, dtype: str):
    import torch

    layers = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers += [torch.nn.Linear(n_in, n_out),
                   torch.nn.Sigmoid() if k == len(sizes) - 2 else torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers).to(getattr(torch, dtype))
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_function = torch.nn.MSELoss()

    def step(X, T):
        optimizer.zero_grad()
        loss = loss_function(model(X), T)
        loss.backward()
        optimizer.step()

    return step


def torch_batches(batches):
    import torch

    return [(torch.from_numpy(X.copy()), torch.from_numpy(T.copy())) for X, T in batches]


def matmul_flops(sizes, batch: int) -> int:
    """Floating-point operations of one step's matrix products.

    Formula:
        forward  2·n·in·out per layer;  dE/dW  2·n·in·out per layer;
        delta of the layer below  2·n·in·out per layer but the first
    """
    per_layer = [2 * batch * n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return 3 * sum(per_layer) - per_layer[0]


def matmuls_per_second(sizes, batch: int, dtype: str, seconds: float) -> float:
    """The step's matrix products alone, same shapes and layout as NumpyNetwork: per second."""
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal((n_out, n_in)).astype(dtype)
               for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    outs = [rng.standard_normal((batch, n)).astype(dtype) for n in sizes]

    def products(*_):
        for layer, W in enumerate(weights):
            outs[layer] @ W.T          # forward
            outs[layer + 1].T @ outs[layer]  # dE/dW = delta.T @ A_prev
            if layer > 0:
                outs[layer + 1] @ W    # delta of the layer below

    return steps_per_second(products, [(None, None)] * BATCHES, seconds)


def peak_flops(dtype: str, n: int = 2048, repeats: int = 5) -> float:
    """The machine's matmul FLOP/s: the best of a few n × n products, 2·n³ operations each."""
    rng = np.random.default_rng(2)
    A, B = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    A @ B
    best = min(_seconds(lambda: A @ B) for _ in range(repeats))
    return 2 * n ** 3 / best


def _seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repeats per case")
    parser.add_argument("--seconds", type=float, default=0.3, help="seconds of steps a repeat")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads of NumPy's BLAS and of PyTorch, the same for both")
    options = parser.parse_args()
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(options.threads)
    with threadpool_limits(options.threads):
        print(f"NumPy {np.__version__}, PyTorch {torch.__version__}, {options.threads} "
              f"thread(s) each; median of {options.repeats} interleaved repeats")
        compare(options)


def compare(options) -> None:
    print(f"{'network':<16}{'batch':>6} {'dtype':<8}{'NumPy samples/s':>16}"
          f"{'PyTorch samples/s':>19}{'ratio':>7}{'goal':>6}")
    flop_rows = []
    for sizes, batch, goal in CASES:
        for dtype in ("float32", "float64"):
            batches = data(sizes, batch, dtype)
            ours, theirs = numpy_step(sizes, dtype), torch_step(sizes, dtype)
            tensors = torch_batches(batches)
            numpy_rates, torch_rates = [], []
            for _ in range(options.repeats):  # interleaved: both see the same machine load
                numpy_rates.append(steps_per_second(ours, batches, options.seconds))
                torch_rates.append(steps_per_second(theirs, tensors, options.seconds))
            numpy_rate = statistics.median(numpy_rates) * batch
            torch_rate = statistics.median(torch_rates) * batch
            ratio = numpy_rate / torch_rate
            name = "-".join(map(str, sizes))
            print(f"{name:<16}{batch:>6} {dtype:<8}{numpy_rate:>16,.0f}{torch_rate:>19,.0f}"
                  f"{ratio:>7.2f}{goal:>6.1f} {'met' if ratio >= goal else 'NOT met'}")
            if batch >= 256:
                flops = matmul_flops(sizes, batch)
                products = statistics.median(matmuls_per_second(sizes, batch, dtype,
                                                                 options.seconds)
                                             for _ in range(3))
                step = numpy_rate / batch
                flop_rows.append((name, batch, dtype, flops * products, flops * step,
                                  peak_flops(dtype)))
    print()
    print(f"{'network':<16}{'batch':>6} {'dtype':<8}{'products GFLOP/s':>17}"
          f"{'whole step':>11}{'peak':>8}{'products/peak':>15}")
    for name, batch, dtype, products, whole, peak in flop_rows:
        share = products / peak
        print(f"{name:<16}{batch:>6} {dtype:<8}{products / 1e9:>17.1f}{whole / 1e9:>11.1f}"
              f"{peak / 1e9:>8.1f}{share:>14.0%} {'met' if share >= 0.5 else 'NOT met'}")
    print("products: the step's matrix products timed alone; whole step: their FLOPs over the "
          "time of a whole\nSGD step (activations, loss and update included); peak: one "
          "2048 × 2048 product.")


if __name__ == "__main__":
    main()
