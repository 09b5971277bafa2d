"""The measured cost of the activations for a terminal, and why the costs differ."""

from __future__ import annotations

import textwrap

from backprop_tutor.teaching.activation_cost import CostTable

#: Why the figures differ; the numbers themselves depend on the machine.
EXPLANATION = textwrap.dedent("""\
    Why the costs differ. relu is max(0, x): one comparison per element, done for
    several elements at once by the CPU's vector instructions. Its time is that of
    reading the input and writing the output: relu is bound by memory bandwidth,
    not by arithmetic. relu' is a comparison turned into 0.0 or 1.0. sigmoid and
    tanh need an exponential, a polynomial of a few dozen floating-point operations
    per element; NumPy's vectorised exp and tanh make that only a few times the
    cost of a comparison, and on a large array the memory traffic hides part of it.
    In NumPy every operation is one pass over the array that writes a new
    temporary array, so the number of passes matters as much as the exponential:
    the plain 1/(1+exp(-x)) makes four passes and overflows (with a warning) for
    x < -709; the sigmoid used here, (1 + tanh(x/2))/2, makes four passes and
    cannot overflow. The derivatives computed from x recompute the function and
    add two passes (s·(1−s), 1 − tanh²); by hand, and in a network that keeps its
    forward pass, they are computed from out.
    """)


def render_cost_text(table: CostTable) -> str:
    """The measured costs as a table for a terminal, one row per function."""
    header = f"{'function':<16}{'formula':<31}{'ns/element':>11}{'× relu':>9}"
    lines = [f"Time per element, median of {table.repeats} timings on {table.size:,} float64 "
             f"numbers (NumPy {table.numpy_version}).",
             "Functions are compared with relu, derivatives with relu'.",
             "", header, "-" * len(header)]
    for row in table.rows:
        lines.append(f"{row.label:<16}{row.formula:<31}{row.ns_per_element:>11.2f}"
                     f"{row.ratio:>9.1f}")
    return "\n".join(lines) + "\n"
