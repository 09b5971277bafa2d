"""A graded class on disk: grades, marks, the class's results and the report, in one folder.

``write_grades(grades, network, source, out)`` writes into ``out`` (whole or
not at all, like every output folder):

* ``grades.csv``: ``student,variant,right,wrong,imprecise,unanswered,score``;
* ``moodle-grades.csv``: ``ID number`` and the score, for Moodle's gradebook
  import (Grades → Import → CSV file; map ``ID number`` to the users' ID
  number, or to their e-mail if the roster holds e-mails, and the score to the
  grade item);
* ``marks.csv``: a row per student and box: the answer, what the student's own
  numbers give, the exact value, verdict, rule, slips, and Moodle's marking;
* ``class.json``: the class's results (scores, boxes, slips, the students
  behind each slip, Moodle's marking against follow-through);
* ``report.md`` and ``report.pdf`` with ``figures/scores.*`` and ``figures/network.*``.

Every cell taken from the input (student IDs) is written so that no
spreadsheet runs it as a formula.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from backprop_tutor.core.network import Network
from backprop_tutor.io import json_data
from backprop_tutor.io.folder import files_in, output_folder
from backprop_tutor.output.classkit import csv_cell
from backprop_tutor.output.reports.grading import format_score, grading_blocks
from backprop_tutor.output.writers import to_markdown, typst_document
from backprop_tutor.teaching.grading import ClassGrades
from backprop_tutor.teaching.slips import SLIPS

GRADES_HEADER = ["student", "variant", "right", "wrong", "imprecise", "unanswered", "score"]
MARKS_HEADER = ["student", "variant", "box", "answer", "expected", "exact", "verdict", "rule",
                "slips", "moodle"]
#: The grade column of the gradebook import (its name becomes a new grade item's name).
GRADE_ITEM = "Backpropagation by hand"


def write_grades(grades: ClassGrades, network: Network, source: str, out,
                 force: bool = False) -> list[str]:
    """Write the folder; ``network``: any variant of the kit (the figure's shape)."""
    from backprop_tutor.output.grade_figures import plot_class_network, plot_scores

    with output_folder(out, force) as work:
        figures = {"scores": "figures/scores.svg", "network": "figures/network.svg"}
        if grades.students:
            plot_scores(grades, work / figures["scores"])
            plot_class_network(network, {s.column: s.share_right for s in grades.box_stats()},
                               work / figures["network"])
        (work / "grades.csv").write_text(grades_csv(grades), encoding="utf-8")
        (work / "moodle-grades.csv").write_text(gradebook_csv(grades), encoding="utf-8")
        (work / "marks.csv").write_text(marks_csv(grades), encoding="utf-8")
        (work / "class.json").write_text(json_data.dumps(class_json(grades, source)),
                                         encoding="utf-8")
        blocks = grading_blocks(grades, source, figures)
        (work / "report.md").write_text(to_markdown(blocks), encoding="utf-8")
        _pdf(blocks, work)
    return files_in(Path(out))


def _pdf(blocks, work: Path) -> None:
    import typst

    document = typst_document(blocks, "Class grades").encode("utf-8")
    # type-var: typst's stub wants input and root of one type (bytes and str here).
    (work / "report.pdf").write_bytes(typst.compile(document, root=str(work)))  # type: ignore[type-var]


def _csv(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def grades_csv(grades: ClassGrades) -> str:
    return _csv([GRADES_HEADER] + [
        [csv_cell(g.student), g.variant, g.count("right"), g.count("wrong"),
         g.count("imprecise"), g.count("unanswered"), format_score(grades.score(g))]
        for g in grades.students])


def gradebook_csv(grades: ClassGrades) -> str:
    """Moodle's gradebook import (``grade/import/csv``): a user column, a grade column."""
    return _csv([["ID number", GRADE_ITEM]] + [
        [csv_cell(g.student), format_score(grades.score(g))] for g in grades.students])


def marks_csv(grades: ClassGrades) -> str:
    rows = [MARKS_HEADER]
    for g in grades.students:
        rows += [[csv_cell(g.student), g.variant, m.box.column,
                  csv_cell(m.answer), _value(m.expected), _value(m.exact), m.verdict,
                  m.rule, " ".join(m.slips), "right" if m.moodle_right else "wrong"]
                 for m in g.marks]
    return _csv(rows)


def _value(value: float | None) -> str:
    return "" if value is None else f"{value + 0.0:.12g}"


def class_json(grades: ClassGrades, source: str) -> dict:
    """The class's results as JSON-ready data."""
    stats = grades.box_stats()
    return {
        "source": source, "students": len(grades.students), "boxes": list(grades.columns),
        "decimals": grades.decimals,
        "marks_per_box": grades.marks_per_box,
        "scores": grades.score_summary(),
        "histogram": {str(right): n for right, n in grades.histogram().items()},
        "per_box": [{"box": s.column, "right": s.right, "share_right": s.share_right,
                     "imprecise": s.imprecise, "wrong": s.wrong, "unanswered": s.unanswered,
                     "first_departs": s.first_departs, "moodle_takes": s.moodle_takes,
                     "moodle_gives": s.moodle_gives} for s in stats] if grades.students else [],
        "slips": grades.slips(),
        "slip_descriptions": {key: SLIPS[key] for key in grades.slips()},
        "slip_students": grades.slip_students(),
        "moodle": {"takes": sum(s.moodle_takes for s in stats),
                   "gives": sum(s.moodle_gives for s in stats)},
        "without_answers": list(grades.without_answers),
        "grades": [{"student": g.student, "variant": g.variant, "right": g.count("right"),
                    "wrong": g.count("wrong"), "imprecise": g.count("imprecise"),
                    "unanswered": g.count("unanswered"), "score": grades.score(g),
                    "moodle_score": grades.moodle_score(g)} for g in grades.students],
    }
