"""A class's answers: the kit they answer, typed from paper or from students' answer files.

``grade`` marks a whole class against the kit ``variants`` wrote. From the kit
it reads ``index.csv`` (student → variant, in roster order), ``keys.csv`` (the
answer boxes of each variant's sheet, in sheet order, with the key's value and
Moodle's tolerance) and ``networks/ID.toml`` (each variant's network).

The answers come in one of three forms (Moodle's report is read by
``moodle_responses``):

* the kit's ``answers-template.csv`` filled in: columns ``student``,
  ``variant``, then one per box named ``<case>.<quantity>`` (``sigmoid.net_h1``,
  ``tanh.w1_new``), where the case is the hidden activation. A number is
  typed as written on the sheet (a decimal comma is read as a point); an
  empty cell is unanswered; ``x`` records an answer that is no number (it is
  wrong). Anything else is a typing mistake, reported with its row and column;
* a folder of answer files in ``check``'s format (TOML or JSON), one per
  student, with ``student`` and ``variant`` and the answers of each case in a
  table named by it (``[tanh]``), or flat with ``hidden_activation`` naming
  the case. What a student wrote that is no number is a wrong answer.

Every problem found is reported, one line each, before anything is graded.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from backprop_tutor.core.network import Network, load_network
from backprop_tutor.errors import ClassAnswersError, shown
from backprop_tutor.io import files
from backprop_tutor.teaching.exercise import Answer

#: How the kit's Cloze question text names its variant: ``[variant 007-03R]``.
VARIANT_TAG = "[variant {}]"
_TAG = re.compile(r"\[variant ([0-9A-Z]+-\d+[A-Z])\]", re.IGNORECASE)

#: What a typist enters for an answer that is no number (it is marked wrong).
NOT_A_NUMBER = "x"

_TYPED = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)

# A cell starting with one of these would be run as a formula by a spreadsheet: the kit's
# CSV files (output/classkit.csv_cell) and Moodle's writer put an apostrophe before it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def variant_tag(variant: str) -> str:
    """The tag naming a variant in its Moodle question: ``[variant 007-03R]``."""
    return VARIANT_TAG.format(variant)


def tagged_variant(text: str) -> str | None:
    """The variant a question text names with its tag, None if it names none."""
    match = _TAG.search(text)
    return match[1].upper() if match else None


def from_spreadsheet(text: str) -> str:
    """A cell as it was before a CSV writer guarded it against spreadsheets: ``'=1`` → ``=1``."""
    text = text.strip()
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


# ---------------------------------------------------------------- the kit

@dataclass(frozen=True)
class Box:
    """One answer box of a sheet: its case (hidden activation), quantity and Moodle key."""

    case: str
    quantity: str
    key: str          # the key's value as the kit writes it (rounded as you go)
    tolerance: str    # Moodle's tolerance around it

    @property
    def column(self) -> str:
        return f"{self.case}.{self.quantity}"


@dataclass(frozen=True)
class Kit:
    """What ``grade`` needs of a kit: students, variants, networks and boxes."""

    folder: Path
    students: dict[str, str]            # student → variant, roster order ("" if no roster)
    networks: dict[str, Network]        # variant → network
    boxes: dict[str, tuple[Box, ...]]   # variant → its boxes, sheet order
    decimals: int                       # the sheet's "round to N decimals as you go"

    @property
    def has_roster(self) -> bool:
        return any(self.students)

    @property
    def columns(self) -> list[str]:
        """Every box column of the kit, in sheet order."""
        return list(dict.fromkeys(b.column for boxes in self.boxes.values() for b in boxes))


def load_kit(folder) -> Kit:
    """The kit in ``folder`` (written by ``variants``); ClassAnswersError naming what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ClassAnswersError(folder, None, "is not a kit folder (written by `variants`)")
    index = folder / "index.csv"
    students = {}
    for _, row in _table(index, "kit's index", ["student", "variant"]):
        students[from_spreadsheet(row["student"])] = row["variant"]
    boxes: dict[str, list[Box]] = {}
    decimals = set()
    for _, row in _table(folder / "keys.csv", "kit's keys",
                            ["variant", "hidden_activation", "quantity", "expected", "tolerance"]):
        boxes.setdefault(row["variant"], []).append(
            Box(row["hidden_activation"], row["quantity"], row["expected"], row["tolerance"]))
        decimals.add(len(row["expected"].partition(".")[2]))
    variants = list(dict.fromkeys(students.values()))
    missing = [v for v in variants if v not in boxes]
    if missing:
        raise ClassAnswersError(folder / "keys.csv", None, "does not fit the kit's index.csv "
                                f"(no boxes for {', '.join(missing[:3])})")
    if len(decimals) != 1:
        raise ClassAnswersError(folder / "keys.csv", None, "its keys are written with different "
                                "numbers of decimals: not one kit's")
    networks = {v: load_network(folder / "networks" / f"{v}.toml") for v in variants}
    return Kit(folder, students, networks, {v: tuple(boxes[v]) for v in variants},
               decimals.pop())


def _table(path: Path, what: str, columns: list[str]):
    """(line, row as a dict) of a kit's CSV file that has ``columns``."""
    text = files.read_text(path, ClassAnswersError, f"{what} (CSV file)")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not set(columns) <= set(reader.fieldnames or []):
        raise ClassAnswersError(path, None, f"is not a kit's {path.name}: expected the columns "
                                            f"{', '.join(columns)}")
    return [(reader.line_num, row) for row in reader]


def answers_template(students: list[tuple[str, str]], boxes: list[Answer]) -> list[list[str]]:
    """The rows of the kit's ``answers-template.csv``: a header, then a row per (student,
    variant) with a column per box, empty. ``boxes``: a sheet's boxes (every variant of a
    kit has the same)."""
    columns = [Box(a.activation, a.quantity, a.written, a.written_tolerance).column for a in boxes]
    return [["student", "variant", *columns]] + [[student, variant] + [""] * len(columns)
                                                 for student, variant in students]


# ---------------------------------------------------------------- answers

@dataclass(frozen=True)
class Submission:
    """One student's answers: column → the text as written ('' or absent: unanswered)."""

    student: str
    variant: str
    answers: dict[str, str]
    source: str    # where they come from, for messages: "answers.csv: row 4"


class Problems:
    """The problems found in one pass over the answers, raised together at the end."""

    def __init__(self, source):
        self.source, self.found = source, []

    def add(self, where: str | None, message: str) -> None:
        self.found.append(ClassAnswersError(self.source, where, message))

    def raise_all(self) -> None:
        ClassAnswersError.raise_all(self.found)


def check_student(kit: Kit, student: str, variant: str, where: str, seen: dict[str, str],
                  problems: Problems, columns: list[str]) -> str | None:
    """The student's variant, after checking student and variant; None (noted) if either is bad.

    ``seen``: student → where first seen (duplicates); ``columns`` the box columns answered.
    """
    if not student:
        problems.add(where, "the student is empty")
        return None
    if student in seen:
        problems.add(where, f"student {shown(student)} again (first at {seen[student]})")
        return None
    seen[student] = where
    if kit.has_roster and student not in kit.students:
        problems.add(where, f"student {shown(student)} is not on the kit's roster")
        return None
    variant = variant.strip().upper() or kit.students.get(student, "")
    if variant not in kit.boxes:
        problems.add(where, f"variant {shown(variant)} is not a variant of this kit"
                     if variant else "the variant is empty")
        return None
    own = {box.column for box in kit.boxes[variant]}
    for column in columns:
        if column not in own:
            problems.add(where, f"{column} is no box of variant {variant}'s sheet")
    return variant


def read_typed(path, kit: Kit) -> list[Submission]:
    """The answers typed into the kit's answers-template.csv (see the module's docstring)."""
    text = files.read_text(path, ClassAnswersError, "answers (CSV file)")
    delimiter = ";" if text.lstrip().startswith("student;") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [cell.strip() for cell in rows[0]] if rows else []
    problems = Problems(path)
    if header[:2] != ["student", "variant"]:
        raise ClassAnswersError(path, "row 1", "expected the columns student, variant, then one "
                                "per box (as in the kit's answers-template.csv)")
    known = kit.columns
    for column in header[2:]:
        if column not in known:
            problems.add(f"row 1, column {column}", "no box of the sheet has this name (boxes "
                         f"like {', '.join(known[:3])}, ...)")
    for column in dict.fromkeys(c for c in header if header.count(c) > 1):
        problems.add(f"row 1, column {column}", "named twice")
    problems.raise_all()
    submissions: list[Submission] = []
    seen: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"row {line}"
        if len(row) > len(header):
            problems.add(where, f"{len(row)} cells, but the header names {len(header)}")
            continue
        cells = dict(zip(header, row, strict=False))   # not strict: a short row's missing cells are empty
        answers = {}
        for column in header[2:]:
            typed = typed_number(cells.get(column, ""))
            if typed is None:
                problems.add(f"{where}, column {column}", f"{shown(cells[column].strip())} is not "
                             f"a number (a decimal comma is fine; type {NOT_A_NUMBER} for an "
                             "answer that is no number)")
            elif typed:
                answers[column] = typed
        student = from_spreadsheet(cells["student"])
        variant = check_student(kit, student, cells.get("variant", ""), where, seen, problems,
                                list(answers))
        if variant:
            submissions.append(Submission(student, variant, answers, f"{path}: {where}"))
    problems.raise_all()
    return submissions


def typed_number(cell: str) -> str | None:
    """A typed cell as the number's text ('' if empty, the marker as is), None if unreadable.

    >>> typed_number(" 0,6570 "), typed_number("−1.5e-3"), typed_number("0..5")
    ('0.6570', '-1.5e-3', None)
    """
    text = cell.strip().replace("−", "-").replace(" ", "")
    if not text or text.lower() == NOT_A_NUMBER:
        return text.lower()
    return text.replace(",", ".") if _TYPED.fullmatch(text) else None


def read_answer_files(folder, kit: Kit) -> list[Submission]:
    """The answer files (``*.toml``, ``*.json``) in ``folder``, one per student, in name order."""
    folder = Path(folder)
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".toml", ".json") and p.is_file())
    if not paths:
        raise ClassAnswersError(folder, None, "holds no answer files (.toml or .json)")
    cases = {box.case for boxes in kit.boxes.values() for box in boxes}
    problems, submissions = Problems(folder), []
    seen: dict[str, str] = {}
    for path in paths:
        text = files.read_text(path, ClassAnswersError, "answer file")
        document = (files.parse_json(text, path, ClassAnswersError) if path.suffix == ".json"
                    else files.parse_toml(text, path, ClassAnswersError))
        if not isinstance(document, dict):
            problems.add(path.name, "expected student, variant and the answers")
            continue
        student, variant = document.get("student"), document.get("variant", "")
        if not isinstance(student, str) or not isinstance(variant, str):
            problems.add(path.name, "student and variant must be text, e.g. student = \"s1001\"")
            continue
        answers = _file_answers(document, cases, path.name, problems)
        variant = check_student(kit, student.strip(), variant, path.name, seen, problems,
                                list(answers))
        if variant:
            submissions.append(Submission(student.strip(), variant, answers, str(path)))
    problems.raise_all()
    return submissions


def _file_answers(document: dict, cases: set, name: str, problems: Problems) -> dict[str, str]:
    """Column → text of one answer file: a table per case, or flat for ``hidden_activation``."""
    flat_case = document.get("hidden_activation") or (next(iter(cases)) if len(cases) == 1
                                                      else None)
    answers = {}
    for key, value in document.items():
        if key in ("student", "variant", "hidden_activation"):
            continue
        if key in cases and isinstance(value, dict):
            answers.update({f"{key}.{q}": _as_text(v) for q, v in value.items()})
        elif flat_case is None:
            problems.add(f"{name}: {key}", "which case? Put it in a table named by its hidden "
                         f"activation ([{sorted(cases)[0]}]) or set hidden_activation")
        else:
            answers[f"{flat_case}.{key}"] = _as_text(value)
    return answers


def _as_text(value) -> str:
    """A value of an answer file as the text the student gave (anything not a number stays
    text, and is marked wrong as no number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return shown(value)
    if isinstance(value, str):
        return typed_number(value) or value.strip()
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
