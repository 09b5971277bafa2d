"""Time one single-sample SGD step: Keras (train_on_batch) beside the NumPy network.

Both take the same step on the default network (examples/tutorial.toml) with the
same loss; each is timed over many steps, several times, and the median time
per step is reported. Keras runs in float64 (the keras command's default) and
in float32.

    python benchmarks/keras_step.py [--steps 1000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.networks.keras_network import build_model, keras_precision
from backprop_tutor.networks.numpy_network import NumpyNetwork


def median_seconds_per_step(step, steps: int, repeats: int) -> float:
    """Median over ``repeats`` runs of (time of ``steps`` calls of ``step``) / ``steps``."""
    step()  # warm-up: Keras traces its train function on the first call
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def keras_step_time(network, precision: str, steps: int, repeats: int) -> float:
    with keras_precision(precision):
        model = build_model(network, loss="tutorial")
        x = np.array([network.inputs], dtype=precision)
        y = np.array([network.targets], dtype=precision)
        return median_seconds_per_step(lambda: model.train_on_batch(x, y), steps, repeats)


def numpy_step_time(network, steps: int, repeats: int) -> float:
    model = NumpyNetwork.from_network(network.with_options(loss="half_sse"))
    return median_seconds_per_step(
        lambda: model.sgd_step(network.inputs, network.targets, network.learning_rate),
        steps, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000, help="steps per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs (median taken)")
    args = parser.parse_args()
    network = load_network(DEFAULT_NETWORK)
    numpy_time = numpy_step_time(network, args.steps, args.repeats)
    print(f"One SGD step on {network.title}, median of {args.repeats} runs of {args.steps} steps")
    print(f"  {'NumPy network':<30} {numpy_time * 1e6:10.1f} µs/step")
    for precision in ("float64", "float32"):
        keras_time = keras_step_time(network, precision, args.steps, args.repeats)
        print(f"  {'Keras train_on_batch ' + precision:<30} {keras_time * 1e6:10.1f} µs/step"
              f"   NumPy is {keras_time / numpy_time:,.0f}× faster")


if __name__ == "__main__":
    main()
