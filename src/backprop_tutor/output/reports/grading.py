"""A graded class as a document: scores, box by box, slips, and follow-through against Moodle."""

from __future__ import annotations

import statistics

from backprop_tutor.document.blocks import Block, Figure, Heading, Paragraph, Table
from backprop_tutor.teaching.grading import ClassGrades
from backprop_tutor.teaching.slips import SLIPS

#: Students named in a cell of the slips table before "and N more".
NAMED = 12


def grading_blocks(grades: ClassGrades, source: str, figures: dict[str, str]) -> list[Block]:
    """The report: ``source`` says where the answers came from; ``figures`` the files of
    ``scores`` and ``network`` (relative to the report)."""
    boxes = len(grades.columns)
    blocks: list[Block] = [Heading(1, "Class grades: backpropagation by hand"),
                           Paragraph(_method(grades, source))]
    if grades.without_answers:
        blocks.append(Paragraph(f"Not graded, without a single answer ({len(grades.without_answers)}): "
                                + _named(grades.without_answers) + "."))
    if not grades.students:
        return [*blocks, Paragraph("No student answered a box: nothing to grade.")]
    blocks += [Heading(2, "Scores"), Figure(figures["scores"], "Right boxes per student, with "
                                            "follow-through and by Moodle's all-or-nothing marking."),
               _score_table(grades)]
    blocks += [Heading(2, "Box by box"), Paragraph(
        "For each box, in the order of the sheet: how many students got it right, too imprecise, "
        "wrong or left it empty; at how many students' work first departs there (their first "
        "wrong box of that case; a box right by follow-through is no departure); and how many "
        "marks Moodle's all-or-nothing marking of the same answers would take away (right here, "
        "wrong there) or give (not right here, right there). The figure at the end shows the "
        "same shares on the network."), _box_table(grades)]
    blocks += [Heading(2, "Slips"), *_slips(grades)]
    blocks += [Heading(2, "Follow-through against Moodle's marking"), Paragraph(_moodle(grades))]
    # Last, so that the long table above is not pushed to a page of its own by the figure.
    blocks += [Heading(2, "The class on the network"),
               Figure(figures["network"], f"The share of the class right in each box, on the "
                                          f"network ({boxes} boxes).")]
    return blocks


def _method(grades: ClassGrades, source: str) -> str:
    score = (f"{format_score(grades.marks_per_box)} marks per right box, "
             f"{format_score(grades.top_score)} for a sheet all right" if grades.marks_per_box
             else "right boxes over boxes")
    return (f"{len(grades.students)} students graded from {source}, {len(grades.columns)} boxes "
            f"each, every box marked as `check --variant` marks it: against what the student's "
            f"own earlier answers give (follow-through: one slip costs one box) and against the "
            f"exact value, with the sheet's rule: every value rounded to {grades.decimals} "
            f"decimals as you go. Score: {score}. Each student's counts and score are in "
            f"grades.csv, each box's mark in marks.csv.")


def _score_table(grades: ClassGrades) -> Table:
    ours = grades.score_summary()
    moodle = [grades.moodle_score(g) for g in grades.students]
    theirs = (statistics.fmean(moodle), statistics.median(moodle), min(moodle), max(moodle))
    rows = tuple((name, format_score(value), format_score(other))
                 for (name, value), other in zip(ours.items(), theirs, strict=True))
    return Table(("score", "with follow-through", "Moodle's marking"), rows)


def _box_table(grades: ClassGrades) -> Table:
    n = len(grades.students)
    rows = tuple((s.column, f"{s.right} ({s.right / n:.0%})", str(s.imprecise), str(s.wrong),
                  str(s.unanswered), str(s.first_departs), str(s.moodle_takes), str(s.moodle_gives))
                 for s in grades.box_stats())
    return Table(("box", "right", "imprecise", "wrong", "empty", "work departs", "Moodle takes",
                  "Moodle gives"), rows)


def _slips(grades: ClassGrades) -> list[Block]:
    counts, students = grades.slips(), grades.slip_students()
    if not counts:
        return [Paragraph("No wrong answer is explained by a known slip.")]
    wrong = sum(g.count("wrong") for g in grades.students)
    rows = tuple((key, SLIPS[key], str(count), f"{len(students[key])}: {_named(students[key])}")
                 for key, count in sorted(counts.items(), key=lambda item: -item[1]))
    return [Paragraph(f"The class wrote {wrong} wrong answers. A slip explains a wrong answer "
                      "when the student's own earlier numbers, worked with that slip, give it; "
                      "an answer two slips explain counts for both."),
            Table(("slip", "what", "wrong answers", "students"), rows, align="llrl")]


def _moodle(grades: ClassGrades) -> str:
    stats = grades.box_stats()
    takes, gives = sum(s.moodle_takes for s in stats), sum(s.moodle_gives for s in stats)
    given = {v: sum(m.verdict == v and m.moodle_right for g in grades.students for m in g.marks)
             for v in ("imprecise", "wrong")}
    total = len(grades.students) * len(grades.columns)
    changed = sorted((s for s in stats if s.moodle_takes), key=lambda s: -s.moodle_takes)
    where = ", ".join(f"{s.column} ({s.moodle_takes})" for s in changed[:8])
    where += ", ..." if len(changed) > 8 else ""
    return (f"Moodle marks each box of the Cloze question right only when it is within the key's "
            f"tolerance, with no follow-through: an early slip costs every box after it. Of the "
            f"class's {total} boxes, {takes} {_are(takes)} right here and would be wrong by "
            f"Moodle's marking: the marks follow-through gives back"
            + (f" (by box: {where})" if where else "") + f". {gives} {_are(gives)} not right "
            f"here and would be right by Moodle's marking ({given['imprecise']} too imprecise "
            f"here, {given['wrong']} wrong here).")


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


def _named(students) -> str:
    students = list(students)
    more = len(students) - NAMED
    return ", ".join(students[:NAMED]) + (f" and {more} more" if more > 0 else "")


def format_score(value: float) -> str:
    """A score as written in every output: at most 4 decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
