"""The command that grades a class: grade."""

from __future__ import annotations

import sys

import click

from backprop_tutor.errors import ClassAnswersError, one_line

#: Classes larger than this show a progress bar on a terminal instead of a line per student.
LINES_UP_TO = 40

#: Bad rows or cells named one per line, at most; the rest are counted in one more line.
PROBLEMS_SHOWN = 20


@click.command()
@click.argument("kit", type=click.Path())
@click.argument("answers", type=click.Path())
@click.option("--out", required=True, type=click.Path(), help="Folder to write the grades into.")
@click.option("--force", is_flag=True, help="Replace the content of a non-empty --out folder.")
@click.option("--marks", type=click.FloatRange(min=0, min_open=True), metavar="POINTS",
              help="Points per right box (default: the score is right boxes over boxes).")
def grade(kit, answers, out, force, marks):
    """Grade a class's answers to a kit, each box marked like `check --variant`.

    KIT is a folder written by `variants`. ANSWERS is the kit's
    answers-template.csv filled in, a folder of answer files (check's format,
    with student and variant), or Moodle's Responses report (CSV) of the quiz
    imported from the kit's moodle.xml. Writes into --out grades.csv,
    moodle-grades.csv (gradebook import), marks.csv, class.json, report.md
    and report.pdf. Bad input: one line per bad row or cell (the first 20), nothing written.
    """
    from backprop_tutor.extras import require
    from backprop_tutor.io.folder import check_output_folder
    from backprop_tutor.output.grading import write_grades
    from backprop_tutor.output.reports.grading import format_score
    from backprop_tutor.teaching.class_answers import load_kit
    from backprop_tutor.teaching.grading import grade_class, read_answers

    require("matplotlib", "typst", extra="all")
    check_output_folder(out, force)
    try:
        loaded = load_kit(kit)
        submissions, source = read_answers(answers, loaded)
    except ClassAnswersError as error:
        for line in error.problems[:PROBLEMS_SHOWN]:
            click.echo(f"backprop-tutor: error: {line}", err=True)
        if len(error.problems) > PROBLEMS_SHOWN:
            click.echo(f"backprop-tutor: error: and {len(error.problems) - PROBLEMS_SHOWN} more bad "
                       "rows or cells: correct these and run grade again to see them", err=True)
        sys.exit(2)
    lines = len(submissions) <= LINES_UP_TO or not sys.stdout.isatty()
    with click.progressbar(length=len(submissions), label="Marking", file=sys.stderr,
                           hidden=lines) as bar:
        grades = grade_class(loaded, submissions, marks, progress=bar.update)
    if lines:
        width = max((len(one_line(g.student)) for g in grades.students), default=0)
        for g in grades.students:
            slips = list(dict.fromkeys(key for m in g.marks for key in m.slips))
            click.echo(f"{one_line(g.student):<{width}}  {g.variant}  "
                       f"{g.count('right'):>2}/{len(g.marks)} right, {g.count('wrong')} wrong, "
                       f"{g.count('imprecise')} imprecise, {g.count('unanswered')} empty  "
                       f"score {format_score(grades.score(g))}"
                       + (f"  slips: {', '.join(slips)}" if slips else ""))
    written = write_grades(grades, next(iter(loaded.networks.values())), source, out, force)
    _summary(grades, source, out, written)


def _summary(grades, source: str, out, written: list[str]) -> None:
    from backprop_tutor.output.reports.grading import format_score
    from backprop_tutor.teaching.slips import SLIPS

    click.echo(f"Graded {len(grades.students)} students ({len(grades.columns)} boxes each) "
               f"from {one_line(source)}.")
    if grades.students:
        summary = grades.score_summary()
        moodle = [grades.moodle_score(g) for g in grades.students]
        click.echo(f"Score: mean {format_score(summary['mean'])}, median "
                   f"{format_score(summary['median'])}, lowest {format_score(summary['lowest'])}, "
                   f"highest {format_score(summary['highest'])} (Moodle's all-or-nothing "
                   f"marking: mean {format_score(sum(moodle) / len(moodle))}).")
        students = grades.slip_students()
        slips = sorted(grades.slips().items(), key=lambda item: -item[1])
        click.echo("Slips: " + ("; ".join(f"{SLIPS[key]}: {n} wrong answer{'s' * (n != 1)} "
                                          f"({len(students[key])} student"
                                          f"{'s' * (len(students[key]) != 1)})"
                                          for key, n in slips) or "none recognised") + ".")
        stats = grades.box_stats()
        click.echo(f"Follow-through: {sum(s.moodle_takes for s in stats)} boxes right that "
                   f"Moodle's marking would mark wrong, {sum(s.moodle_gives for s in stats)} "
                   "the other way round.")
    if grades.without_answers:
        click.echo(f"Not graded, without a single answer: "
                   f"{', '.join(map(one_line, grades.without_answers))}.")
    top = [name for name in written if "/" not in name]
    figures = " and figures/" if len(top) < len(written) else ""
    click.echo(f"Wrote {', '.join(top)}{figures} to {out}/.")
