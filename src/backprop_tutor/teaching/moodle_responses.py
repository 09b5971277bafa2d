"""Moodle's quiz Responses report (CSV), and how Moodle itself marks a Cloze numerical part.

The kit's ``moodle.xml`` is a category of Cloze questions, one per variant; a
quiz draws one at random for each student. Its Responses report, downloaded
as CSV, is read here the way Moodle writes it (Moodle 4.x):

* columns (``mod/quiz/report/responses/report.php``, ``quiz_responses_report::display``,
  with ``attempts_report::add_user_columns``, ``add_state_column``,
  ``add_time_columns`` and ``add_grade_columns``): ``Last name``, ``First name``,
  the site's identity fields (``Email address``, ``ID number``, ...), ``State``,
  ``Started on``, ``Completed``, ``Time taken``, ``Grade/10.00``, then per
  question slot N ``Question N`` (when the question text is included),
  ``Response N`` and ``Right answer N`` (the strings ``questionx``,
  ``responsex``, ``rightanswerx`` of the English language pack);
* a response cell is the Cloze question's response summary
  (``question/type/multianswer/question.php``,
  ``qtype_multianswer_question::summarise_response``): its parts in the order of
  the ``{1:NUMERICAL:...}`` fields, each ``part N: <what was typed>``
  (string ``subqresponse``), joined by ``"; "``; a part left empty is
  ``part N: `` (``qtype_numerical_question::summarise_response`` gives null),
  and the whole cell is trimmed; ``-`` when the question has no response
  (``quiz_last_responses_table::data_col``);
* the question text cell is the question's text as plain text
  (``question_definition::get_question_summary``): the kit's question names
  its variant there with ``[variant ID]``;
* the file is UTF-8 with a byte-order mark, comma-separated, quoted as PHP's
  ``fputcsv`` quotes (OpenSpout's CSV writer, used by ``dataformat_csv``), and
  a cell that a spreadsheet would run as a formula starts with an apostrophe
  (``core\\dataformat::escape_spreadsheet_formula``; ``-`` alone is left).

Students are matched to the roster by ``ID number``, else by ``Email address``.
"""

from __future__ import annotations

import csv
import io
import math
import re

from backprop_tutor.errors import ClassAnswersError
from backprop_tutor.io import files
from backprop_tutor.teaching.class_answers import (
    Kit,
    Problems,
    Submission,
    check_student,
    from_spreadsheet,
    tagged_variant,
    typed_number,
)

_RESPONSE = re.compile(r"Response (\d+)")
IDENTITY = ("ID number", "Email address")

#: PHP's default ``precision`` (14): Moodle widens every tolerance by 10^-14·max(1, |answer|).
PHP_PRECISION = 14


def is_responses_report(header: list[str]) -> bool:
    """Whether a CSV header is that of Moodle's Responses report."""
    return any(_RESPONSE.fullmatch(cell.strip()) for cell in header)


def read_responses(path, kit: Kit) -> list[Submission]:
    """The students' answers in a Responses report of the kit's quiz (see the module's docstring)."""
    text = files.read_text(path, ClassAnswersError, "Moodle Responses report (CSV file)")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [cell.strip() for cell in rows[0]] if rows else []
    identity = [name for name in IDENTITY if name in header]
    slots = [m[1] for m in map(_RESPONSE.fullmatch, header) if m]
    if not identity:
        raise ClassAnswersError(path, "row 1", "no ID number or Email address column to match "
                                "the students with (show them in the report: Site administration "
                                "> Users > Show user identity)")
    slot = _kit_slot(rows, header, slots, path)
    problems, submissions = Problems(path), []
    seen: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        # Not strict: a short row's missing cells are empty, a long row's extra ones unread.
        cells = dict(zip(header, row, strict=False))
        where = f"row {line}"
        question = cells.get(f"Question {slot}", "")
        variant = tagged_variant(question)
        if variant is None:
            problems.add(f"{where}, column Question {slot}", "the question names no variant "
                         "([variant ID]): not a question of the kit's quiz")
            continue
        student = _student(kit, cells, identity)
        answers = {}
        summary = cells.get(f"Response {slot}", "").strip()
        if variant in kit.boxes and summary != "-":
            boxes = kit.boxes[variant]
            parts = response_parts(summary, len(boxes))
            if parts is None:
                problems.add(f"{where}, column Response {slot}", f"not the {len(boxes)} parts of "
                             f"variant {variant}'s question: a report from another quiz?")
                continue
            answers = {box.column: typed_number(part) or part
                       for box, part in zip(boxes, parts, strict=True) if part}
        variant = check_student(kit, student, variant, where, seen, problems, list(answers))
        if variant:
            submissions.append(Submission(student, variant, answers, f"{path}: {where}"))
    problems.raise_all()
    return submissions


def _kit_slot(rows: list[list[str]], header: list[str], slots: list[str], path) -> str:
    """The question slot whose text names a variant: the kit's question in the quiz."""
    texts = [f"Question {n}" for n in slots if f"Question {n}" in header]
    if not texts:
        raise ClassAnswersError(path, "row 1", "no Question column: download the report with "
                                "the question text included (it names each student's variant)")
    for column in texts:
        k = header.index(column)
        if any(len(row) > k and tagged_variant(row[k]) for row in rows[1:]):
            return column.removeprefix("Question ")
    raise ClassAnswersError(path, None, "no question names a variant ([variant ID]): a report "
                            "from another quiz than the kit's moodle.xml")


def _student(kit: Kit, cells: dict, identity: list[str]) -> str:
    """The roster's student a row is: by ID number, else by e-mail (as given if no roster)."""
    given = [from_spreadsheet(cells.get(name, "")) for name in identity]
    for value in given:
        if value and (value in kit.students or not kit.has_roster):
            return value
    # Not on the roster: the first identity given, so that the message names it.
    return next((value for value in given if value), "")


def response_parts(summary: str, count: int) -> list[str] | None:
    """The ``count`` parts of a Cloze response summary, None if it has another number of parts.

    The word before each number is the language pack's (``part``, ``parte``, ``partie``).

    >>> response_parts("part 1: 0.54; part 2: ; part 3: -1,5", 3)
    ['0.54', '', '-1,5']
    >>> response_parts("part 1: 0.54; part 2: 1", 3) is None
    True
    """
    starts, position = [], 0
    for number in range(1, count + 1):
        found = _part(number).search(summary, position)
        if found is None or (number == 1 and found.start() != 0):
            return None
        starts.append(found)
        position = found.end()
    if _part(count + 1).search(summary, position):
        return None
    ends = [found.start() for found in starts[1:]] + [len(summary)]
    return [summary[found.end():end].strip() for found, end in zip(starts, ends, strict=True)]


def _part(number: int) -> re.Pattern:
    return re.compile(rf"(?:^|; )[^\W\d_]+ {number} ?:(?: |$)")


def moodle_right(answer: str | None, key: str, tolerance: str) -> bool:
    """Whether Moodle's own Cloze marking takes ``answer`` as right: all or nothing per part.

    Formula (``question/type/numerical/question.php``,
    ``qtype_numerical_answer::get_tolerance_interval``, nominal tolerance)::

        right  ⇔  |answer − key| ≤ tolerance + 10^-14 · max(1, |key|)

    An empty or non-numeric answer is wrong. No follow-through: a value worked
    correctly from a wrong earlier one is wrong.

    >>> moodle_right("0.6571", "0.6570", "0.0001"), moodle_right("0.6572", "0.6570", "0.0001")
    (True, False)
    """
    number = typed_number(answer or "")
    if not number or number == "x":
        return False
    try:
        value = float(number)
    except ValueError:
        return False
    target = float(key)
    slack = float(tolerance) + 10.0 ** -PHP_PRECISION * max(1.0, abs(target))
    return math.isfinite(value) and abs(value - target) <= slack

