"""Grading a class: each student's sheet marked like ``check --variant``, and what the class got wrong.

Each student's answers are marked case by case (hidden activation) with
``marking.check_answers`` on the student's variant, with the sheet's rule of
rounding to the kit's decimals as you go: follow-through, the same rule, the
same slips as ``check --variant``. A box is ``right``, ``wrong``,
``imprecise`` (too few figures) or ``unanswered``.

For the class (``ClassGrades``):

* the score of each student: right boxes over boxes (or ``marks_per_box``
  points per right box), and the distribution of right boxes;
* per box: how many got it right, and how many students' work first departs
  there: the first wrong box of a case, in sheet order (a box marked right by
  follow-through is no departure);
* the slips: how many wrong answers each explains, and the students behind it;
* Moodle's own marking of the same answers (``moodle_responses.moodle_right``:
  each box all or nothing against the key, no follow-through): per box, how
  many marks it would have taken away (right here, wrong there) or given
  (wrong or imprecise here, right there).

Students are marked one after the other in this process: a student takes a
few milliseconds (``benchmarks/grading.py``), less than starting a worker process costs.
"""

from __future__ import annotations

import csv
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import solve
from backprop_tutor.errors import ClassAnswersError
from backprop_tutor.io import files
from backprop_tutor.teaching.class_answers import (
    Box,
    Kit,
    Submission,
    read_answer_files,
    read_typed,
)
from backprop_tutor.teaching.marking import check_answers
from backprop_tutor.teaching.moodle_responses import (
    is_responses_report,
    moodle_right,
    read_responses,
)
from backprop_tutor.teaching.slips import SLIPS
from backprop_tutor.teaching.variants import by_hidden_activation


@dataclass(frozen=True)
class BoxMark:
    """One box of one student's sheet, marked."""

    box: Box
    answer: str                 # as written; '' if unanswered
    verdict: str                # right | wrong | imprecise | unanswered
    rule: str                   # the marking rule that gave it (``marking.RULES``)
    expected: float | None      # what the student's own earlier numbers give
    exact: float                # the exact value
    slips: tuple[str, ...] = ()
    hint: str = ""
    follows_from: tuple[str, ...] = ()   # the wrong answers a right one was worked from
    moodle_right: bool = False           # Moodle's all-or-nothing marking of the same answer


@dataclass(frozen=True)
class StudentGrade:
    """A student's marked sheet."""

    student: str
    variant: str
    marks: tuple[BoxMark, ...]

    def count(self, verdict: str) -> int:
        return sum(m.verdict == verdict for m in self.marks)

    @property
    def moodle_right(self) -> int:
        return sum(m.moodle_right for m in self.marks)

    def departures(self) -> list[str]:
        """Per case, the column of the first wrong box (where the work departs), in sheet order."""
        first: dict[str, str] = {}
        for m in self.marks:
            if m.verdict == "wrong":
                first.setdefault(m.box.case, m.box.column)
        return list(first.values())


def mark_student(network: Network, boxes: tuple[Box, ...], submission: Submission,
                 decimals: int) -> StudentGrade:
    """Mark one student's answers to the ``boxes`` of their variant's ``network``, rounded
    to ``decimals`` as they went (the sheet's rule, as ``check --variant`` marks it)."""
    networks = by_hidden_activation(network)
    by_case: dict[str, list[Box]] = {}
    for box in boxes:
        by_case.setdefault(box.case, []).append(box)
    marks = []
    for case, case_boxes in by_case.items():
        answers = {b.quantity: submission.answers[b.column] for b in case_boxes
                   if submission.answers.get(b.column)}
        marked = {m.name: m for m in check_answers(networks[case], answers, decimals=decimals,
                                                   source=submission.source)}
        exact = solve(networks[case]) if len(marked) < len(case_boxes) else None
        for box in case_boxes:
            answer = submission.answers.get(box.column, "")
            m = marked.get(box.quantity)
            if m is None:
                assert exact is not None   # a box unanswered: solved above
                marks.append(BoxMark(box, "", "unanswered", "", None, exact[box.quantity]))
                continue
            marks.append(BoxMark(box, answer, m.verdict, m.rule, m.expected, m.exact,
                                 tuple(m.slips), m.hint, tuple(m.follows_from),
                                 moodle_right(answer, box.key, box.tolerance)))
    return StudentGrade(submission.student, submission.variant, tuple(marks))


@dataclass(frozen=True)
class BoxStats:
    """How the class did on one box."""

    column: str
    right: int
    imprecise: int
    wrong: int
    unanswered: int
    first_departs: int     # students whose work first departs here (first wrong box of a case)
    moodle_takes: int      # right here, wrong by Moodle's all-or-nothing marking
    moodle_gives: int      # not right here, right by Moodle's marking

    @property
    def share_right(self) -> float:
        return self.right / (self.right + self.imprecise + self.wrong + self.unanswered)


@dataclass(frozen=True)
class ClassGrades:
    """A class graded: each student's marks and what they add up to."""

    students: tuple[StudentGrade, ...]
    without_answers: tuple[str, ...]   # students with a row or file but not one answer
    columns: tuple[str, ...]           # the boxes, in sheet order
    decimals: int
    marks_per_box: float | None = None

    def score(self, grade: StudentGrade) -> float:
        """A student's score: right boxes over boxes, or ``marks_per_box`` per right box."""
        return self.score_of(grade.count("right"))

    def moodle_score(self, grade: StudentGrade) -> float:
        """The score Moodle's all-or-nothing marking of the same answers gives."""
        return self.score_of(grade.moodle_right)

    def score_of(self, right: int) -> float:
        return right * self.marks_per_box if self.marks_per_box else right / len(self.columns)

    @property
    def top_score(self) -> float:
        """The score of a sheet with every box right."""
        return self.score_of(len(self.columns))

    def histogram(self) -> dict[int, int]:
        """Number of right boxes → number of students with that many, for 0 to every box."""
        found = {n: 0 for n in range(len(self.columns) + 1)}
        for grade in self.students:
            found[grade.count("right")] += 1
        return found

    def score_summary(self) -> dict[str, float]:
        """Mean, median, lowest and highest score."""
        scores = [self.score(g) for g in self.students] or [0.0]
        return {"mean": statistics.fmean(scores), "median": statistics.median(scores),
                "lowest": min(scores), "highest": max(scores)}

    def box_stats(self) -> list[BoxStats]:
        """How the class did on each box, in sheet order."""
        tally: dict[str, Counter[str]] = {column: Counter() for column in self.columns}
        for grade in self.students:
            departures = set(grade.departures())
            for m in grade.marks:
                found = tally[m.box.column]
                found[m.verdict] += 1
                found["departs"] += m.box.column in departures
                found["takes"] += m.verdict == "right" and not m.moodle_right
                found["gives"] += m.verdict != "right" and m.moodle_right
        return [BoxStats(column, t["right"], t["imprecise"], t["wrong"], t["unanswered"],
                         t["departs"], t["takes"], t["gives"]) for column, t in tally.items()]

    def slips(self) -> dict[str, int]:
        """Each slip seen (``slips.SLIPS`` order) → how many wrong answers it explains."""
        found = {key: sum(key in m.slips for g in self.students for m in g.marks) for key in SLIPS}
        return {key: n for key, n in found.items() if n}

    def slip_students(self) -> dict[str, list[str]]:
        """Each slip seen → the students with a wrong answer it explains, in class order."""
        return {key: [g.student for g in self.students if any(key in m.slips for m in g.marks)]
                for key in self.slips()}


def read_answers(path, kit: Kit) -> tuple[list[Submission], str]:
    """The class's answers in ``path``, and where they came from in words.

    A folder holds answer files; a CSV file is Moodle's Responses report if its
    header has ``Response 1``, else the kit's answers-template.csv filled in.
    """
    path = Path(path)
    if path.is_dir():
        submissions = read_answer_files(path, kit)
        return submissions, f"the {len(submissions)} answer files in {path}"
    first = files.read_text(path, ClassAnswersError, "answers (CSV file)").partition("\n")[0]
    if is_responses_report(next(csv.reader([first]), [])):
        return read_responses(path, kit), f"Moodle's Responses report {path.name}"
    return read_typed(path, kit), f"the answers typed into {path.name}"


def grade_class(kit: Kit, submissions: list[Submission], marks_per_box: float | None = None,
                progress: Callable[[int], None] | None = None) -> ClassGrades:
    """Mark every submission (in roster order, then as given) and gather the class's results.

    ``progress`` is called with 1 after each student is marked.
    """
    roster = {student: k for k, student in enumerate(kit.students)}
    ordered = sorted(submissions, key=lambda s: roster.get(s.student, len(roster)))
    graded = []
    for submission in (s for s in ordered if s.answers):
        graded.append(mark_student(kit.networks[submission.variant], kit.boxes[submission.variant],
                                   submission, kit.decimals))
        if progress:
            progress(1)
    return ClassGrades(tuple(graded), tuple(s.student for s in ordered if not s.answers),
                       tuple(kit.columns), kit.decimals, marks_per_box)
