"""Benchmark: grading a class of 300 students (target: at most 10 s wall).

Makes a kit's grading files for 300 variants (index.csv, keys.csv,
networks/ID.toml, answers-template.csv: the kit without its PDFs, which
grading does not read) and the template filled in: every box the key's value,
but about one box in six a wrong number and one in twenty empty. Then times
``backprop-tutor grade`` end to end, as a lecturer runs it (a new process:
reading, marking 300 × 26 boxes with follow-through and slips, the figures,
the CSV and JSON files, report.md and report.pdf), and the marking alone in
this process.

Run: .venv/bin/python benchmarks/grading.py
"""

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backprop_tutor.output.classkit import keys_csv, network_toml
from backprop_tutor.teaching.class_answers import answers_template, load_kit, read_typed
from backprop_tutor.teaching.exercise import answers, asked_quantities
from backprop_tutor.teaching.grading import grade_class
from backprop_tutor.teaching.variants import by_hidden_activation, generate_variants

N = 300


def write_kit(folder: Path) -> None:
    variants = generate_variants(n=N, seed=2026, students=[f"s{k:04d}" for k in range(1, N + 1)])
    boxes = {}
    (folder / "networks").mkdir(parents=True)
    for variant in variants:
        by_case = by_hidden_activation(variant.network)
        boxes[variant.id] = answers(by_case, asked_quantities(variant.network, "default",
                                                              tuple(by_case)), 4)
        (folder / "networks" / f"{variant.id}.toml").write_text(network_toml(variant.network))
    (folder / "keys.csv").write_text(keys_csv(variants, boxes))
    (folder / "index.csv").write_text("student,variant\n" + "".join(
        f"{v.student},{v.id}\n" for v in variants))
    with open(folder / "answers-template.csv", "w", newline="") as file:
        csv.writer(file).writerows(
            answers_template([(v.student, v.id) for v in variants], boxes[variants[0].id]))


def fill_in(kit: Path, path: Path) -> None:
    rng = random.Random(1)
    keys = {}
    with open(kit / "keys.csv") as file:
        for row in csv.DictReader(file):
            keys[row["variant"], f"{row['hidden_activation']}.{row['quantity']}"] = row["expected"]
    with open(kit / "answers-template.csv") as file:
        rows = list(csv.reader(file))
    for row in rows[1:]:
        for k, column in enumerate(rows[0][2:], start=2):
            luck = rng.random()
            row[k] = ("" if luck < 0.05 else f"{rng.uniform(-1, 1):.4f}" if luck < 0.2
                      else keys[row[1], column])
    with open(path, "w", newline="") as file:
        csv.writer(file).writerows(rows)


def measure() -> dict:
    """Seconds: making the kit's files, marking in this process, and `grade` end to end."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        start = time.perf_counter()
        write_kit(folder / "kit")
        fill_in(folder / "kit", folder / "answers.csv")
        made = time.perf_counter() - start
        kit = load_kit(folder / "kit")
        start = time.perf_counter()
        grades = grade_class(kit, read_typed(folder / "answers.csv", kit))
        marking = time.perf_counter() - start
        command = [sys.executable, "-m", "backprop_tutor", "grade", str(folder / "kit"),
                   str(folder / "answers.csv"), "--out", str(folder / "grades")]
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
    return {"made": made, "marking": marking, "wall": wall, "boxes": len(grades.columns)}


def rows() -> list[dict]:
    """This script's figure as a row of the benchmark table (see report.py)."""
    t = measure()
    return [{"script": "benchmarks/grading.py",
             "measures": f"`grade` of {N} students ({t['boxes']} boxes each, typed CSV), end to end "
                         f"in a new process (reading and marking alone {t['marking']:.2f} s)",
             "figure": f"{t['wall']:.1f} s", "target": "≤ 10 s", "met": t["wall"] <= 10}]


def main() -> None:
    t = measure()
    print(f"{N} students, {t['boxes']} boxes each (kit made in {t['made']:.1f} s): "
          f"`grade` end to end {t['wall']:.1f} s wall (target <= 10 s); reading and marking alone "
          f"{t['marking']:.2f} s ({1000 * t['marking'] / N:.1f} ms a student) on one core; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
