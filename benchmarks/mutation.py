"""Mutation testing: how many small faults planted in the code do the tests catch?

mutmut (3.x) copies the package, plants one fault at a time in a chosen
module (``<`` for ``<=``, ``+ 1``, a string changed, an argument dropped, ...),
runs the tests that cover the changed function, and counts the mutant
*killed* if a test fails. A *survivor* is a fault no test noticed: either a
missing test or an equivalent mutant (a change that changes nothing). Prints
the counts per module and the kill rate; asserts nothing (not a CI gate).

    python benchmarks/mutation.py [--jobs N] [--module PATH ...] [--show]

``--module`` takes paths under src/backprop_tutor (default: ``MODULES``), each
with the tests that cover it; ``--show`` prints every survivor's diff.

mutmut must import the mutated copy of the package, not the installed one, so
the run happens in a fresh temporary folder holding a copy of src/, tests/ and
pyproject.toml (with a ``[tool.mutmut]`` section written for the run), and
mutmut puts its mutated src/ first on the import path. The tests are run
without the project's ``--doctest-modules``: only the test files named here.

Kill rate = killed / (killed + survived), timeouts counted as killed; mutants
in code that no chosen test runs are listed apart ("not run").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: module (under src/backprop_tutor) -> the test files that cover it.
MODULES = {
    "core/losses.py": ["tests/test_worksheet.py", "tests/test_registries.py"],
    "core/names.py": ["tests/test_worksheet.py"],
    "core/worksheet.py": ["tests/test_worksheet.py", "tests/test_boundaries.py"],
    "core/network.py": ["tests/test_network_file.py", "tests/test_boundaries.py"],
    "teaching/rounding.py": ["tests/test_rounding.py"],
    "teaching/marking.py": ["tests/test_answers.py", "tests/test_rounding.py"],
    "teaching/slips.py": ["tests/test_slips.py"],
    "output/writers/markdown.py": ["tests/test_markdown.py"],
}

#: mutmut's exit codes per mutant, as its `results` names them.
DETECTED = {"killed", "timeout", "segfault", "caught by type check"}
MISSED = {"survived", "suspicious"}


def copy_project(folder: Path, modules: list[str], tests: list[str]) -> None:
    """src/, tests/ and pyproject.toml into ``folder``, with mutmut's settings for this run."""
    shutil.copytree(ROOT / "src", folder / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "tests", folder / "tests",
                    ignore=shutil.ignore_patterns("__pycache__", "artifacts"))
    settings = {
        "source_paths": ["src"],
        "only_mutate": [f"src/backprop_tutor/{module}" for module in modules],
        "pytest_add_cli_args_test_selection": tests,
        # Only the named tests: no doctests of every module, no cache files in the copy.
        "pytest_add_cli_args": ["-o", "addopts=--import-mode=importlib", "-p", "no:cacheprovider",
                                "-q", "-x"],
        "use_git_change_detection": False,
        # Each mutant's tests in a process forked from one that has imported the tests but run
        # none: forked from mutmut's own process, they would inherit the caches its first run of
        # the tests filled (the worksheet's formulas per shape), and miss the mutant.
        "process_isolation": "forkserver",
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(text + "\n[tool.mutmut]\n" + "\n".join(lines) + "\n",
                                           encoding="utf-8")


def mutmut(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    # The mutmut of this Python; its own import path setup puts mutants/src first.
    command = [sys.executable, "-m", "mutmut", *arguments]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def statuses(folder: Path) -> dict[str, str]:
    """Every mutant's status, by name (``mutmut results --all true``)."""
    listed = mutmut(folder, "results", "--all", "true").stdout
    found = {}
    for line in listed.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def module_of(mutant: str, modules: list[str]) -> str:
    # Mutant names are dotted paths, e.g. backprop_tutor.teaching.rounding.x_round_half_away__mutmut_3.
    dotted = {"backprop_tutor." + m.removesuffix(".py").replace("/", "."): m for m in modules}
    return next(m for prefix, m in dotted.items() if mutant.startswith(prefix + "."))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once")
    parser.add_argument("--module", action="append", choices=sorted(MODULES),
                        help="a module to mutate (repeat; default: all of MODULES)")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    options = parser.parse_args()
    modules = options.module or list(MODULES)
    tests = sorted({test for module in modules for test in MODULES[module]})

    with tempfile.TemporaryDirectory(prefix="mutation-") as temporary:
        folder = Path(temporary)
        copy_project(folder, modules, tests)
        started = time.perf_counter()
        run = mutmut(folder, "run", "--max-children", str(options.jobs))
        seconds = time.perf_counter() - started
        found = statuses(folder)
        if run.returncode != 0 or not found:
            sys.exit(f"mutmut failed; the end of its output:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
        print(f"mutmut over {len(modules)} modules, {len(tests)} test files, "
              f"{len(found)} mutants, {seconds:.0f} s, load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        print(f"{'module':<30} {'killed':>7} {'survived':>9} {'not run':>8} {'kill rate':>10}")
        totals = {"killed": 0, "survived": 0, "not run": 0}
        for module in modules:
            mine = [status for name, status in found.items() if module_of(name, modules) == module]
            counts = {"killed": sum(s in DETECTED for s in mine),
                      "survived": sum(s in MISSED for s in mine),
                      "not run": sum(s == "no tests" for s in mine)}
            for key, value in counts.items():
                totals[key] += value
            print(f"{module:<30} {counts['killed']:>7} {counts['survived']:>9} "
                  f"{counts['not run']:>8} {rate(counts):>10}")
        print(f"{'all':<30} {totals['killed']:>7} {totals['survived']:>9} "
              f"{totals['not run']:>8} {rate(totals):>10}")
        survivors = sorted(name for name, status in found.items() if status in MISSED)
        print("\nSurvivors (faults no test noticed; some change nothing):")
        for name in survivors:
            print(" ", name)
            if options.show:
                print(mutmut(folder, "show", name).stdout)


def rate(counts: dict[str, int]) -> str:
    tested = counts["killed"] + counts["survived"]
    return f"{100 * counts['killed'] / tested:.1f} %" if tested else "-"


if __name__ == "__main__":
    main()
