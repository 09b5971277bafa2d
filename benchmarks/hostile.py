"""A hostile run: thousands of hostile inputs across the commands, checked against the contract.

Each try runs one command in this process (click's CliRunner) on a hostile
file or option value, in a fresh temporary folder, and checks the contract:

* status 0 or 1 (an answer wrong, a proof failed): nothing on stderr but
  progress, no control character on stdout, strict JSON for --format json;
* status 2: nothing on stdout, one line on stderr starting with
  ``backprop-tutor: error:``, under 400 characters (``grade``: one such line
  per bad row or cell, at most 20 and a line that counts the rest);
* never a traceback (an exception out of the command), never a hang (a try
  stopped after ``--timeout`` seconds counts as broken);
* no temporary folder left beside an output folder, and no output folder
  after an error.

Run: .venv/bin/python benchmarks/hostile.py [--seed 7] [--tries 3000] [--show 20] [--only grade ...]
It prints how many inputs were tried and how many broke the contract, by
command, and the first broken tries (command line and what went wrong).
"""

from __future__ import annotations

import argparse
import atexit
import csv
import json
import os
import random
import re
import shutil
import signal
import tempfile
import time
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from backprop_tutor.cli import cli
from backprop_tutor.core.network import DEFAULT_NETWORK

TUTORIAL = DEFAULT_NETWORK.read_text()

NUMBERS = ["0", "-0", "-1", "1", "0.5", "1e-320", "5e-324", "1e308", "1.7976931348623157e308",
           "1e309", "-1e309", "inf", "-inf", "nan", "NaN", "1" + "0" * 400, "1" + "0" * 5000,
           "2e-1", "1_0", "0x10", "", " ", "true", "[1]", "'1'", "١٢", "½"]
STRINGS = ["", " ", "x", "\x1b[2J\x1b]0;owned\x07", "$\\foo$", "$x^{2", "{data}", "<script>",
           "<!--<script>", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "+1+1", "-2+3", "\t=1",
           "a\nb", "\r\n# heading", "| a | b |", "\u202e\u2066", "\x00", "\x7f\x9b31m", "é" * 3,
           "x" * 5000, "\\", "\"", "'", "%s%n", "../../etc/passwd", "𝟙𝟚", "000-¹²A", "0" * 300]  # noqa: RUF001 (hostile digits)
OPTION_VALUES = [*NUMBERS, "abc", "full", "-5", "100000", "3.5", "10", "2", "sigmoid", "mse"]
TOML_VALUES = ["0", "-1", "0.5", "1e308", "-1e308", "inf", "nan", "1" + "0" * 5000, "true",
               "[]", "{}", "[[0.5]]", "\"relu\"", "\"x\"", "1e-320", "[" * 1000 + "]" * 1000,
               "2026-01-01", "[0.1, \"a\"]", "{a = 1}", "1000000", "20", "21", "\"full\""]


class Timeout(Exception):
    pass


class Dice(random.Random):
    """A seeded generator that knows how hostile the current try is (``chaos``, 0 to 1)."""

    chaos = 0.3

    def hostile(self, scale: float = 1.0) -> bool:
        return self.random() < self.chaos * scale


def _alarm(signum, frame):
    raise Timeout


def hostile_string(rng: Dice) -> str:
    parts = rng.sample(STRINGS, rng.randint(1, 3))
    return "".join(parts)


def toml_string(text: str) -> str:
    return json.dumps(text)   # a JSON string is a TOML basic string (\\uXXXX escapes)


def network_file(rng: Dice, folder: Path) -> str:
    text = TUTORIAL
    for _ in range(rng.randint(0, 3) if rng.hostile() else 0):
        line = rng.choice([line for line in text.splitlines() if "=" in line and not
                           line.startswith("#")])
        key = line.split("=")[0]
        text = text.replace(line, f"{key}= {rng.choice(TOML_VALUES)}", 1)
    if rng.hostile(1.5):
        text = re.sub(r'title = ".*"', lambda m: f"title = {toml_string(hostile_string(rng))}", text)
    if rng.hostile(0.3):
        text = text.replace("[[layers]]", "[[layers]]\n" + rng.choice(
            ["activation = \"softmax\"", "junk = 1", "weights = []"]), 1)
    return write(folder, "net.toml", _mutate(rng, text.encode()))


def answer_file(rng: Dice, folder: Path) -> str:
    names = ["net_h1", "out_h1", "E", "delta_o1", "dE_dw1", "w1_new", "variant",
             "hidden_activation", "loss", "learning_rate", "x", "n" * 200]
    usual = ["net_h1 = 0.65", "out_h1 = 0.657", "E = 0.0037", "delta_o1 = -0.0141",
             "dE_dw1 = 0.0011", "w1_new = 0.2994"]
    lines = [f"{toml_string(rng.choice(names))} = "
             f"{rng.choice([*TOML_VALUES, toml_string(hostile_string(rng))])}"
             if rng.hostile() else rng.choice(usual) for _ in range(rng.randint(1, 6))]
    lines = list(dict((line.split(" = ")[0], line) for line in lines).values())
    return write(folder, "answers.toml", _mutate(rng, "\n".join(lines).encode()))


def data_file(rng: Dice, folder: Path) -> str:
    header = rng.choice(["t1,i1", "x,y", "i1,i2", "\ufeffi1,t1", "i1,,t1", "", "i1,t1,i2"]
                        if rng.hostile() else ["i1,i2,t1", "i1,t1", "i1,i2,t1,t2"])
    width = max(1, header.count(",") + 1)

    def cell():
        return rng.choice(NUMBERS) if rng.hostile(0.3) else f"{rng.uniform(-2, 2):.3g}"
    rows = [",".join(cell() for _ in range(width + (rng.choice([1, -1]) if rng.hostile(0.2) else 0)))
            for _ in range(rng.randint(0, 3) if rng.hostile() else rng.randint(4, 40))]
    return write(folder, "data.csv", _mutate(rng, "\n".join([header, *rows]).encode()))


def roster_file(rng: Dice, folder: Path) -> str:
    ids = [rng.choice([hostile_string(rng), "\"a,b\"", "\"x\n\"y", "x" * 200_000])
           if rng.hostile() else f"s{rng.randint(1, 9)}" for _ in range(rng.randint(0, 4))]
    return write(folder, "roster.csv", _mutate(rng, "\n".join(["student", *ids]).encode()))


def config_file(rng: Dice, folder: Path) -> str:
    keys = ["dataset", "samples", "noise", "learning_rate", "epochs", "batch_size",
            "hidden_activation", "hidden_units", "hidden_layers", "init", "loss", "seeds", "x"]
    lines = ["dataset = \"xor\"", "epochs = 2", "seeds = 1"]
    for _ in range(rng.randint(0, 3)):
        key = rng.choice(keys)
        value = rng.choice(TOML_VALUES) if rng.hostile() else {
            "learning_rate": "[0.1, 0.5]", "hidden_units": "[2, 4]", "hidden_layers": "2",
            "batch_size": "[\"full\", 2]", "noise": "0.1", "samples": "40", "epochs": "3",
            "hidden_activation": "[\"relu\", \"tanh\"]", "init": "\"he_normal\""}.get(key, "1")
        lines.append(f"{key} = {value}")
    text = "\n".join(dict((line.split(" = ")[0], line) for line in lines).values())
    return write(folder, rng.choice(["sweep.toml", "sw$\\foo$.toml"]), _mutate(rng, text.encode()))


#: A small class kit made once per run (``variants``), copied into each try of ``grade``.
_KIT: list[Path] = []
#: The kit's files ``grade`` reads; the sheets, keys and pages are not copied.
KIT_FILES = ("index.csv", "keys.csv", "answers-template.csv", "moodle.xml", "networks")


def class_kit(rng: Dice, folder: Path) -> str:
    """A copy of the run's kit in ``folder``, one of its files sometimes made hostile."""
    if not _KIT:
        made = Path(tempfile.mkdtemp(prefix="hostile-kit-"))
        atexit.register(shutil.rmtree, made, ignore_errors=True)
        roster = made / "roster.csv"
        roster.write_text("student\ns1\ns2\ns3\n")
        CliRunner().invoke(cli, ["variants", "--roster", str(roster), "--seed", "3",
                                 "--out", str(made / "kit")])
        _KIT.append(made / "kit")
    kit = folder / "kit"
    kit.mkdir()
    for name in KIT_FILES:
        (shutil.copytree if name == "networks" else shutil.copy)(_KIT[0] / name, kit / name)
    if rng.hostile(0.3):
        target = kit / rng.choice(["index.csv", "keys.csv", "networks"])
        if target.name == "networks":
            target = rng.choice(sorted(target.iterdir()))
        data = target.read_bytes()
        target.unlink()
        if rng.hostile(0.3):
            os.symlink("/dev/zero", target) if rng.random() < 0.5 else target.mkdir()
        else:
            target.write_bytes(_mutate(rng, data if rng.random() < 0.7 else
                                       hostile_string(rng).encode("utf-8", "surrogatepass")))
    return str(kit)


def a_cell(rng: Dice, usual: str) -> str:
    return rng.choice([*NUMBERS, hostile_string(rng), "x", "X", "0,5", "-"]) if rng.hostile() \
        else usual


def class_answers(rng: Dice, folder: Path, kit: Path) -> str:
    """The class's answers: the template typed in, a folder of answer files, or Moodle's report."""
    try:
        with open(kit / "answers-template.csv", newline="", encoding="utf-8") as file:
            template = list(csv.reader(file))
    except (OSError, UnicodeDecodeError, csv.Error):
        template = [["student", "variant", "sigmoid.net_h1"], ["s1", "", ""]]
    header, rows = template[0], template[1:]
    kind = rng.choice(["typed", "files", "moodle"])
    if kind == "typed":
        if rng.hostile(0.3):
            header = [a_cell(rng, c) if rng.hostile() else c for c in header]
        lines = [header] + [[*row[:2], *(a_cell(rng, f"{rng.uniform(-1, 1):.4f}") for _ in row[2:])]
                            for row in rows + ([[hostile_string(rng), "01A-99Z"]] if rng.hostile()
                                               else [])]
        text = "".join(",".join(csv_cell(c) for c in line) + "\n" for line in lines)
        return write(folder, "answers.csv", _mutate(rng, text.encode("utf-8", "surrogatepass")))
    if kind == "files":
        answers = folder / "answers"
        answers.mkdir()
        for n, row in enumerate(rows):
            boxes = "\n".join(f"{c.split('.')[1]} = {rng.choice(TOML_VALUES) if rng.hostile() else '0.5'}"
                              for c in header[2:8] if c.startswith("sigmoid."))
            text = f'student = {toml_string(row[0])}\nvariant = "{row[1]}"\n[sigmoid]\n{boxes}\n'
            write(answers, f"s{n}.toml", _mutate(rng, text.encode()))
        if rng.hostile(0.2):
            special_file(rng, answers)
        return str(answers)
    lines = [["Last name", "First name", "ID number", "Email address", "State", "Started on",
              "Completed", "Time taken", "Grade/10.00", "Question 1", "Response 1", "Right answer 1"]]
    for row in rows:
        parts = "; ".join(f"part {k}: {a_cell(rng, '0.5')}" for k in range(1, len(header) - 1))
        lines.append(["X", "Y", row[0], f"{row[0]}@example.org", "Finished", "", "", "", "5.00",
                      f"[variant {row[1] if not rng.hostile() else hostile_string(rng)}] _____",
                      parts if not rng.hostile(0.3) else a_cell(rng, "-"), ""])
    text = "\ufeff" + "".join(",".join(csv_cell(c) for c in line) + "\n" for line in lines)
    return write(folder, "responses.csv", _mutate(rng, text.encode("utf-8", "surrogatepass")))


def csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text


def special_file(rng: Dice, folder: Path) -> str:
    kind = rng.choice(["fifo", "zero", "huge", "folder", "missing", "empty", "binary"])
    path = folder / f"special-{kind}.csv"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "huge":
        with open(path, "wb") as file:
            file.truncate(rng.choice([1_000_001, 20_000_001]))
    elif kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(bytes(rng.randrange(256) for _ in range(200)))
    return str(path)


def _mutate(rng: Dice, data: bytes) -> bytes:
    if rng.hostile(0.4):
        data = b"\xef\xbb\xbf" + data
    if rng.hostile(0.2):
        position = rng.randint(0, len(data))
        data = data[:position] + bytes(rng.randrange(256) for _ in range(3)) + data[position:]
    if rng.hostile(0.1):
        data = data[:rng.randint(0, len(data))]
    return data


def write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def option(rng: Dice, usual: str) -> str:
    return rng.choice(OPTION_VALUES) if rng.hostile(0.3) else usual


def a_file(rng: Dice, folder, make):
    return special_file(rng, folder) if rng.hostile(0.2) else make(rng, folder)


#: The commands tried, and how often each is drawn.
WEIGHTS = {"solve": 30, "check": 20, "train": 12, "data": 12, "page": 8, "variants": 3, "lab": 6,
           "derive": 2, "grade": 10, "playground": 4}


def try_args(rng: Dice, folder: Path, commands: list[str]) -> tuple[str, list[str]]:
    """One hostile command line: (command name, arguments)."""
    out = str(folder / "out")
    command = rng.choices(commands, weights=[WEIGHTS[c] for c in commands])[0]
    if command == "solve":
        return command, ["solve", a_file(rng, folder, network_file), "--format",
                         rng.choice(["text", "json", "markdown", "latex", "typst"]),
                         "--decimals", option(rng, "6"), "--learning-rate", option(rng, "0.5"),
                         *(["--round-as-you-go", option(rng, "3")] if rng.random() < 0.3 else [])]
    if command == "check":
        return command, ["check", a_file(rng, folder, answer_file), "--format",
                         rng.choice(["text", "json"]), "--sig-figs", option(rng, "3"),
                         *(["--variant", rng.choice([hostile_string(rng), "007-03R", "000-¹²A",
                                                     "0" * 5000 + "-01A"])]
                           if rng.hostile() else [])]
    if command == "train":
        return command, ["train", a_file(rng, folder, network_file), "--format", "json",
                         "--epochs", rng.choice(["0", "-1", "x", "nan"]) if rng.hostile(0.3)
                         else rng.choice(["1", "3", "20"]),
                         "--learning-rate", option(rng, "0.5")]
    if command == "data":
        return "train --data", ["train", "--data", a_file(rng, folder, data_file),
                                "--epochs", "2", "--format", "json",
                                "--batch-size", option(rng, "full"),
                                "--validation", option(rng, "0.2"),
                                "--init", rng.choice(["glorot_uniform", "he_normal", "zeros"]),
                                "--seed", option(rng, "0"), "--shuffle-seed", option(rng, "1")]
    if command == "page":
        return command, ["page", a_file(rng, folder, network_file), "--out", out,
                         "--sig-figs", option(rng, "3")]
    if command == "variants":
        roster = ["--roster", a_file(rng, folder, roster_file)] if rng.random() < 0.7 else \
            ["--n", option(rng, "2")]
        return command, ["variants", *roster, "--seed", option(rng, "1"), "--out", out,
                         "--decimals", option(rng, "1"), "--weights", option(rng, "-1,1")]
    if command == "grade":
        kit = class_kit(rng, folder)
        return command, ["grade", kit, a_file(rng, folder, lambda r, f: class_answers(r, f, Path(kit))),
                         "--out", out, *(["--marks", option(rng, "2")] if rng.random() < 0.3 else [])]
    if command == "playground":
        return command, ["playground", a_file(rng, folder, network_file), "--out", out]
    if command == "lab":
        return "lab sweep", ["lab", "sweep", "--config", a_file(rng, folder, config_file),
                             "--jobs", "1", *(["--out", out] if rng.random() < 0.3 else [])]
    return command, ["derive", a_file(rng, folder, network_file), "--format",
                     rng.choice(["text", "json", "latex"])]


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def broken(result, args: list[str], folder: Path, seconds: float) -> str | None:
    """What broke the contract, or None."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"{type(result.exception).__name__}: {str(result.exception)[:200]}"
    status, out, err = result.exit_code, result.stdout, result.stderr
    debris = [p.name for p in folder.iterdir() if p.name.startswith(".out.")]
    if debris:
        return f"temporary folders left: {debris}"
    if status == 2:
        lines = err.splitlines()
        most = 21 if args[0] == "grade" else 1     # grade names each bad row or cell (20, and a count)
        if out or not 1 <= len(lines) <= most or len(max(lines, key=len)) > 400 or \
                not all(line.startswith("backprop-tutor: error: ") for line in lines):
            return f"status 2 but stdout {out[:80]!r}, stderr {err[:300]!r}"
        if (folder / "out").exists():
            return "an output folder after an error"
        return None
    if status == 1 and args[0] not in ("check", "derive"):   # wrong answers, a failed proof
        return f"status 1: {err[:200]!r}"
    if status not in (0, 1):
        return f"status {status}: {err[:200]!r}"
    if CONTROL.search(out):
        return f"a control character on stdout: {CONTROL.search(out).group()!r}"
    if "json" in args and out:
        try:
            json.loads(out, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
        except ValueError as error:
            return f"not strict JSON: {error}"
    if err.strip() and "Training" not in err:
        return f"status {status} with stderr {err[:200]!r}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tries", type=int, default=3000)
    parser.add_argument("--timeout", type=int, default=120, help="seconds before a try is a hang")
    parser.add_argument("--show", type=int, default=20, help="broken tries printed")
    parser.add_argument("--only", nargs="+", choices=list(WEIGHTS), default=list(WEIGHTS),
                        help="try these commands only")
    options = parser.parse_args()
    rng = Dice(options.seed)
    tried, broke, shown, statuses = Counter(), Counter(), [], Counter()
    signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    for number in range(options.tries):
        with tempfile.TemporaryDirectory(prefix="hostile-") as name:
            folder = Path(name)
            rng.chaos = rng.choice([0.0, 0.1, 0.3, 0.6, 1.0])
            command, args = try_args(rng, folder, options.only)
            args = [arg.replace("\x00", "") for arg in args]   # no command line holds NUL
            signal.alarm(options.timeout)
            begin = time.perf_counter()
            try:
                result = CliRunner().invoke(cli, args)
            finally:
                signal.alarm(0)
            problem = broken(result, args, folder, time.perf_counter() - begin)
            tried[command] += 1
            statuses[command, result.exit_code] += 1
            if problem:
                broke[command] += 1
                shown.append(f"#{number} {command}: {problem}\n    args: "
                             f"{[a if len(a) < 80 else a[:60] + '…' for a in args]!r}")
    elapsed = time.perf_counter() - started
    print(f"Hostile run, seed {options.seed}: {sum(tried.values())} tries, "
          f"{sum(broke.values())} broke the contract ({elapsed:.0f} s)")
    for command in sorted(tried):
        ended = ", ".join(f"{statuses[command, status]} with status {status}" for status in (0, 1, 2)
                          if statuses[command, status])
        print(f"  {command:<14} tried {tried[command]:>5}  broke {broke[command]:>4}  ({ended})")
    for line in shown[:options.show]:
        print(line)


if __name__ == "__main__":
    main()
