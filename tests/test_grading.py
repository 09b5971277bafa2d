"""grade: a class worked by hand (in this file, independently of the package), graded exactly.

Each student's sheet is worked here from the variant's network file with this
file's own arithmetic: decimals, rounded half up to the sheet's 4 decimals as
a student rounds as they go, every later value worked from the earlier
rounded ones; slips are injected into that work and followed through. The
package's solve and marking are not called. The expected grades are what was
injected: every other box is right. Moodle's marking is the key within its
tolerance, read from the kit's keys.csv.
"""

import csv
import html
import json
import math
import re
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

import pytest

SEED = "42"
ROSTER = ["s01", "s02", "s03", "s04", "s05", "s06", "s07", "@s08"]
D = Decimal


# ---------------------------------------------------------------- a student's own work

def r4(x) -> Decimal:
    """Rounded to the sheet's 4 decimals, half up on the decimal value, as by hand."""
    return D(x).quantize(D("0.0001"), rounding=ROUND_HALF_UP)


def activation(name: str, net: Decimal) -> Decimal:
    x = float(net)
    value = {"sigmoid": lambda: 1 / (1 + math.exp(-x)), "tanh": lambda: math.tanh(x),
             "relu": lambda: max(0.0, x)}[name]()
    return D(repr(value))


def derivative(name: str, net: Decimal, out: Decimal, slip: str | None = None) -> Decimal:
    if slip == "sigmoid_derivative_of_net":
        return net * (1 - net)
    if slip == "tanh_derivative_of_net":
        return 1 - net * net
    if slip == "relu_derivative_of_negative":
        return D(1)
    return {"sigmoid": out * (1 - out), "tanh": 1 - out * out,
            "relu": D(1) if net > 0 else D(0)}[name]


def work(network: dict, hidden: str, slips: dict[str, str]) -> dict[str, Decimal]:
    """Every quantity of one SGD step on a 2-2-1 network as a student works it.

    ``slips``: quantity → the slip made there (the later values follow from it).
    """
    i = [D(repr(x)) for x in network["inputs"]]
    t = D(repr(network["targets"][0]))
    eta = D(repr(network["learning_rate"]))
    (w1, w2), (w3, w4) = [[D(repr(w)) for w in row] for row in network["layers"][0]["weights"]]
    w5, w6 = [D(repr(w)) for w in network["layers"][1]["weights"][0]]
    bh1, bh2 = [D(repr(b)) for b in network["layers"][0]["biases"]]
    bo1 = D(repr(network["layers"][1]["biases"][0]))
    v = {}
    v["net_h1"] = r4(w1 * i[0] + w2 * i[1] + bh1)
    v["out_h1"] = r4(activation(hidden, v["net_h1"]))
    v["net_h2"] = r4(w3 * i[0] + w4 * i[1] + bh2)
    v["out_h2"] = r4(activation(hidden, v["net_h2"]))
    v["net_o1"] = r4(w5 * v["out_h1"] + w6 * v["out_h2"] + bo1)
    v["out_o1"] = r4(activation("sigmoid", v["net_o1"]))
    v["E"] = r4(D("0.5") * (t - v["out_o1"]) ** 2)
    error = (t - v["out_o1"]) if slips.get("delta_o1") == "sign" else (v["out_o1"] - t)
    v["delta_o1"] = r4(error * derivative("sigmoid", v["net_o1"], v["out_o1"]))
    for unit, weight in (("h1", w5), ("h2", w6)):
        v[f"delta_{unit}"] = r4(weight * v["delta_o1"] * derivative(
            hidden, v[f"net_{unit}"], v[f"out_{unit}"], slips.get(f"delta_{unit}")))
    gradients = {"w1": v["delta_h1"] * i[0], "w5": v["delta_o1"] * v["out_h1"]}
    for weight, old in (("w1", w1), ("w5", w5)):
        gradient = r4(gradients[weight])
        new = {"not_updated": old, "step_added": old + eta * gradient,
               "no_learning_rate": old - gradient}.get(slips.get(f"{weight}_new"),
                                                       old - eta * gradient)
        v[f"{weight}_new"] = r4(new)
    return v


# ---------------------------------------------------------------- the class

@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    from backprop_tutor.cli import main

    folder = tmp_path_factory.mktemp("grading")
    roster = folder / "roster.csv"
    roster.write_text("student\n" + "\n".join(ROSTER) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["variants", "--roster", str(roster), "--seed", SEED, "--out", str(folder / "kit")])
    assert done.value.code == 0
    return folder / "kit"


def networks(kit) -> dict[str, dict]:
    import tomllib

    return {p.stem: tomllib.loads(p.read_text(encoding="utf-8"))
            for p in (kit / "networks").glob("*.toml")}


def keys(kit) -> dict[tuple[str, str], tuple[str, str]]:
    with open(kit / "keys.csv", encoding="utf-8") as file:
        return {(row["variant"], f"{row['hidden_activation']}.{row['quantity']}"):
                (row["expected"], row["tolerance"]) for row in csv.DictReader(file)}


def template(kit) -> list[list[str]]:
    with open(kit / "answers-template.csv", encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def dead_relu_unit(network: dict) -> str:
    """The hidden unit whose weighted sum is <= 0 (every variant has one with relu)."""
    i = network["inputs"]
    for unit, row, bias in zip(("h1", "h2"), network["layers"][0]["weights"],
                               network["layers"][0]["biases"], strict=True):
        if row[0] * i[0] + row[1] * i[1] + bias <= 0:
            return unit
    raise AssertionError("no inactive relu unit")


def imprecise_box(sheet: dict[str, Decimal]) -> str:
    """A box no later box is worked from (a later one would follow from what was written)
    whose value to 2 decimals is too imprecise: off by more than half of 0.001 (3 figures)."""
    return next(q for q in ("E", "w1_new", "w5_new")
                if abs(sheet[q].quantize(D("0.01"), ROUND_HALF_UP) - sheet[q]) > D("0.0005"))


@pytest.fixture(scope="module")
def worked(kit):
    """Each student's sheet (column → text), and what the grading must find."""
    nets = networks(kit)
    rows = template(kit)
    columns = rows[0][2:]
    students = {}
    for student_cell, variant, *_ in rows[1:]:
        student = student_cell.removeprefix("'")
        net = nets[variant]
        dead = dead_relu_unit(net)
        slips = {   # case → quantity → slip
            "s02": {"sigmoid": {"delta_o1": "sign"}},
            "s03": {"sigmoid": {"delta_h1": "sigmoid_derivative_of_net"},
                    "tanh": {"w1_new": "not_updated"}},
            "s04": {"tanh": {"w5_new": "step_added"}},
            "s05": {"sigmoid": {"w1_new": "no_learning_rate"},
                    "tanh": {"delta_h2": "tanh_derivative_of_net"}},
            "@s08": {"tanh": {"delta_o1": "sign"},
                     "relu": {"delta_o1": "sign", f"delta_{dead}": "relu_derivative_of_negative"}},
        }.get(student, {})
        sheets = {case: work(net, case, slips.get(case, {})) for case in ("sigmoid", "tanh", "relu")}
        answers = {c: str(sheets[c.split(".")[0]][c.split(".")[1]]) for c in columns}
        expected = {"wrong": [f"{case}.{q}" for case, found in slips.items() for q in found],
                    "imprecise": [], "unanswered": []}
        if student == "s04":
            box = f"sigmoid.{imprecise_box(sheets['sigmoid'])}"
            answers[box] = str(sheets["sigmoid"][box.split(".")[1]].quantize(D("0.01"),
                                                                             ROUND_HALF_UP))
            expected["imprecise"].append(box)
        if student == "s06":   # the tanh case left empty; no number for relu's delta_o1
            expected["unanswered"] = [c for c in columns if c.startswith("tanh.")]
            answers = {c: a for c, a in answers.items() if not c.startswith("tanh.")}
            answers["relu.delta_o1"] = "garbage"
            expected["wrong"].append("relu.delta_o1")
        if student == "s07":   # absent: no answer at all
            answers = {}
        students[student] = {"variant": variant, "answers": answers, "expected": expected,
                             "slips": [s for found in slips.values() for s in found.values()]}
    return columns, students


def typed_csv(columns, students, path) -> None:
    """The template filled in as a typist would: decimal commas, x for a non-number."""
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["student", "variant", *columns])
        for student, data in students.items():
            cells = [data["answers"].get(c, "") for c in columns]
            cells = ["x" if c == "garbage" else c.replace(".", ",") for c in cells]
            writer.writerow([("'" + student) if student[0] in "=+-@" else student,
                             data["variant"], *cells])


# ---------------------------------------------------------------- Moodle's report, as Moodle writes it

def php_fputcsv(cells: list[str]) -> str:
    """A CSV line as Moodle writes it: dataformat/csv/classes/writer.php extends
    lib/classes/dataformat/spout_base.php, whose OpenSpout CSV writer
    (src/Writer/CSV/Writer.php, ``addRowToWriter``) calls PHP's fputcsv with ',', '"' and
    no escape character, after a UTF-8 byte-order mark (``openWriter``, SHOULD_ADD_BOM).
    fputcsv quotes a cell that holds the delimiter, the quote, a newline, a carriage return,
    a tab or a space, doubles quotes, and ends lines with \\n."""
    def cell(text: str) -> str:
        return f'"{text.replace(chr(34), chr(34) * 2)}"' if re.search(r'[,"\n\r\t ]', text) else text
    return ",".join(cell(c) for c in cells) + "\n"


def moodle_cell(text: str) -> str:
    """Each record's cell as spout_base::write_record passes it through
    core\\dataformat::escape_spreadsheet_formula (lib/classes/dataformat.php): an apostrophe
    before = + - @ tab CR, but not for a lone "-" (Moodle's placeholder for no value)."""
    return "'" + text if text != "-" and text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def question_summary(question_html: str) -> str:
    """qtype_multianswer_question::get_question_summary: the question text as plain text,
    each embedded answer replaced by _____ (html_to_text; the export then strips tags and
    line breaks, table_dataformat_export_format)."""
    text = re.sub(r"\{1:NUMERICAL:[^}]*\}", "_____", question_html)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def moodle_report(kit, columns, students, path) -> None:
    """The quiz's Responses report for these students, downloaded as CSV.

    Columns as mod/quiz/report/responses/report.php (quiz_responses_report::display) adds
    them when downloading: mod/quiz/classes/local/reports/attempts_report.php
    add_user_columns (Last name, First name, the identity fields), add_state_column,
    add_time_columns, add_grade_columns (Grade/10.00), then per slot Question N, Response N,
    Right answer N (quiz_responses strings questionx, responsex, rightanswerx). A response
    is question/type/multianswer/question.php summarise_response: "part N: <response>"
    (string subqresponse) joined by "; ", an empty part's response null
    (qtype_numerical_question::summarise_response), the whole trimmed, "-" for none
    (mod/quiz/report/responses/last_responses_table.php, data_col).
    """
    quiz = ET.parse(kit / "moodle.xml").getroot()
    texts = {q.find("idnumber").text: q.find("questiontext/text").text
             for q in quiz.findall("question") if q.get("type") == "cloze"}
    boxes = keys(kit)
    header = ["Last name", "First name", "ID number", "Email address", "State", "Started on",
              "Completed", "Time taken", "Grade/10.00", "Question 1", "Response 1",
              "Right answer 1"]
    lines = [php_fputcsv(header)]
    for k, (student, data) in enumerate(students.items()):
        variant = data["variant"]
        order = [c for c in columns if (variant, c) in boxes]
        answers = [("abc" if data["answers"].get(c) == "garbage" else data["answers"].get(c, ""))
                   for c in order]
        # summarise_response: "part N: <response>" joined by "; "; null for an empty part; trimmed.
        summary = "; ".join(f"part {n}: {a}" for n, a in enumerate(answers, start=1)).strip()
        right = "; ".join(f"part {n}: {boxes[variant, c][0]}" for n, c in enumerate(order, 1))
        row = [f"Student{k}", "Ann", student, f"{student.lstrip('@')}@uni.example", "Finished",
               "7 December 2026 10:00 AM", "7 December 2026 10:40 AM", "40 mins", "5.00",
               question_summary(texts[variant]), summary if any(answers) else "-", right]
        lines.append(php_fputcsv([moodle_cell(c) for c in row]))
    path.write_text("\ufeff" + "".join(lines), encoding="utf-8")


# ---------------------------------------------------------------- the tests

def moodle_says_right(answer: str, key: str, tolerance: str) -> bool:
    try:
        value = float(answer.replace(",", "."))
    except ValueError:
        return False
    return abs(value - float(key)) <= float(tolerance) + 1e-14 * max(1, abs(float(key)))


def test_the_kit_has_an_answers_template_and_tags_its_questions(kit):
    rows = template(kit)
    assert rows[0][:4] == ["student", "variant", "sigmoid.net_h1", "sigmoid.out_h1"]
    assert [r[0] for r in rows[1:]] == [s if s[0] != "@" else "'" + s for s in ROSTER]
    assert all(cell == "" for row in rows[1:] for cell in row[2:])
    assert len(rows[0]) == 2 + 12 + 7 + 7 == 2 + len(keys(kit)) // len(ROSTER)
    text = (kit / "moodle.xml").read_text(encoding="utf-8")
    for _, variant, *_ in rows[1:]:
        assert f"[variant {variant}]" in text


def test_a_class_worked_by_hand_is_graded_exactly(kit, worked, tmp_path, run):
    columns, students = worked
    typed_csv(columns, students, tmp_path / "answers.csv")
    status, out, err = run("grade", str(kit), str(tmp_path / "answers.csv"), "--out",
                           str(tmp_path / "grades"))
    assert (status, err) == (0, ""), err
    with open(tmp_path / "grades" / "grades.csv", encoding="utf-8") as file:
        grades = {row["student"].removeprefix("'"): row for row in csv.DictReader(file)}
    graded = [s for s in students if s != "s07"]
    assert list(grades) == graded                     # roster order; the absent s07 is not graded
    boxes, key = len(columns), keys(kit)
    takes = gives = 0
    for student in graded:
        data, row = students[student], grades[student]
        expected = data["expected"]
        right = boxes - sum(len(found) for found in expected.values())
        assert (row["variant"], int(row["right"]), int(row["wrong"]), int(row["imprecise"]),
                int(row["unanswered"])) == (data["variant"], right, len(expected["wrong"]),
                                            len(expected["imprecise"]), len(expected["unanswered"])), student
        assert float(row["score"]) == pytest.approx(round(right / boxes, 4))
        not_right = {c for found in expected.values() for c in found}
        for column in columns:
            moodle = moodle_says_right(data["answers"].get(column, ""), *key[data["variant"], column])
            takes += column not in not_right and not moodle
            gives += column in not_right and moodle
    result = json.loads((tmp_path / "grades" / "class.json").read_text(encoding="utf-8"))
    # relu′ taken as 1 for a negative net is the same number as f′ left out: both are named.
    assert result["slips"] == {"sign": 3, "no_hidden_derivative": 1,
                               "sigmoid_derivative_of_net": 1, "tanh_derivative_of_net": 1,
                               "relu_derivative_of_negative": 1, "step_added": 1,
                               "no_learning_rate": 1, "not_updated": 1}
    assert result["slip_students"]["sign"] == ["s02", "@s08"]
    assert result["without_answers"] == ["s07"]
    # s02's sign slip: Moodle marks the four boxes worked from it wrong; follow-through does not.
    assert takes >= 4 and result["moodle"] == {"takes": takes, "gives": gives}
    assert "s02" in out and "Graded 7 students (26 boxes each)" in out
    with open(tmp_path / "grades" / "marks.csv", encoding="utf-8") as file:
        marks = [row for row in csv.DictReader(file) if row["student"] == "s02"]
    assert len(marks) == boxes
    slipped = next(m for m in marks if m["box"] == "sigmoid.delta_o1")
    assert (slipped["verdict"], slipped["slips"], slipped["moodle"]) == ("wrong", "sign", "wrong")
    followed = next(m for m in marks if m["box"] == "sigmoid.delta_h1")
    assert (followed["verdict"], followed["moodle"]) == ("right", "wrong")
    with open(tmp_path / "grades" / "moodle-grades.csv", encoding="utf-8") as file:
        gradebook = list(csv.reader(file))
    assert gradebook[0] == ["ID number", "Backpropagation by hand"]
    assert [(r[0].removeprefix("'"), r[1]) for r in gradebook[1:]] == [
        (s, grades[s]["score"]) for s in graded]


def test_a_moodle_report_is_graded_as_the_typed_answers(kit, worked, tmp_path, run):
    columns, students = worked
    typed_csv(columns, students, tmp_path / "answers.csv")
    moodle_report(kit, columns, students, tmp_path / "responses.csv")
    assert (tmp_path / "responses.csv").read_bytes().startswith(b'\xef\xbb\xbf"Last name","First name",')
    for name in ("answers.csv", "responses.csv"):
        status, _, err = run("grade", str(kit), str(tmp_path / name), "--out",
                             str(tmp_path / f"from-{name}"))
        assert (status, err) == (0, ""), err
    for name in ("grades.csv", "moodle-grades.csv"):
        assert ((tmp_path / "from-answers.csv" / name).read_text() ==
                (tmp_path / "from-responses.csv" / name).read_text())
    typed, moodle = (json.loads((tmp_path / f"from-{n}" / "class.json").read_text())
                     for n in ("answers.csv", "responses.csv"))
    assert typed.pop("source") != moodle.pop("source")
    assert typed == moodle


def test_answer_files_are_graded_as_the_typed_answers(kit, worked, tmp_path, run):
    import tomli_w

    columns, students = worked
    folder = tmp_path / "files"
    folder.mkdir()
    chosen = {s: students[s] for s in ("s01", "s02", "s05", "s06")}
    for student, data in chosen.items():
        document = {"student": student, "variant": data["variant"]}
        for column, answer in data["answers"].items():
            case, quantity = column.split(".")
            # What a student wrote that is no number stays text: a wrong answer, no error.
            document.setdefault(case, {})[quantity] = answer if answer == "garbage" else float(answer)
        (folder / f"{student}.toml").write_text(tomli_w.dumps(document), encoding="utf-8")
    typed_csv(columns, chosen, tmp_path / "answers.csv")
    for source, out in ((folder, "a"), (tmp_path / "answers.csv", "b")):
        status, _, err = run("grade", str(kit), str(source), "--out", str(tmp_path / out))
        assert (status, err) == (0, ""), err
    assert (tmp_path / "a" / "grades.csv").read_text() == (tmp_path / "b" / "grades.csv").read_text()


def test_bad_input_is_one_line_per_cell_and_nothing_is_written(kit, worked, tmp_path, run):
    _, students = worked
    variant = students["s01"]["variant"]
    path = tmp_path / "answers.csv"
    path.write_text("student,variant,sigmoid.net_h1,sigmoid.net_h9\n"
                    f"s01,{variant},0..5,\n"
                    f"s99,{variant},0.1,\n"
                    "s02,007-99Q,0.1,\n"
                    f"s01,{variant},0.1,\n", encoding="utf-8")
    status, out, err = run("grade", str(kit), str(path), "--out", str(tmp_path / "grades"))
    assert (status, out) == (2, "")
    assert err.splitlines() == [f"backprop-tutor: error: {path}: {line}" for line in [
        "row 1, column sigmoid.net_h9: no box of the sheet has this name (boxes like "
        "sigmoid.net_h1, sigmoid.out_h1, sigmoid.net_h2, ...)"]]
    path.write_text(path.read_text().replace(",sigmoid.net_h9", ",tanh.out_h1"))
    status, out, err = run("grade", str(kit), str(path), "--out", str(tmp_path / "grades"))
    assert (status, out) == (2, "")
    assert err.splitlines() == [f"backprop-tutor: error: {path}: {line}" for line in [
        "row 2, column sigmoid.net_h1: '0..5' is not a number (a decimal comma is fine; type x "
        "for an answer that is no number)",
        "row 3: student 's99' is not on the kit's roster",
        "row 4: variant '007-99Q' is not a variant of this kit",
        "row 5: student 's01' again (first at row 2)"]]
    assert not (tmp_path / "grades").exists()
    # A file typed all wrong: the first 20 bad cells named, the rest counted in one line.
    header = (kit / "answers-template.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    path.write_text(",".join(header) + f"\ns01,{variant}," + ",".join(["0..5"] * (len(header) - 2))
                    + "\n", encoding="utf-8")
    status, out, err = run("grade", str(kit), str(path), "--out", str(tmp_path / "grades"))
    lines, bad = err.splitlines(), len(header) - 2
    assert (status, out, len(lines)) == (2, "", 21) and bad == 26
    assert lines[19].startswith(f"backprop-tutor: error: {path}: row 2, column {header[21]}: '0..5'")
    assert lines[20] == ("backprop-tutor: error: and 6 more bad rows or cells: correct these "
                         "and run grade again to see them")


def test_a_report_of_another_quiz_is_refused(kit, worked, tmp_path, run):
    columns, students = worked
    moodle_report(kit, columns, students, tmp_path / "responses.csv")
    text = (tmp_path / "responses.csv").read_text(encoding="utf-8")
    other = re.sub(r"\[variant [^\]]+\]", "Question 3", text, count=1)
    (tmp_path / "other.csv").write_text(other, encoding="utf-8")
    status, out, err = run("grade", str(kit), str(tmp_path / "other.csv"), "--out",
                           str(tmp_path / "grades"))
    assert (status, out) == (2, "")
    assert err == (f"backprop-tutor: error: {tmp_path / 'other.csv'}: row 2, column Question 1: "
                   "the question names no variant ([variant ID]): not a question of the kit's "
                   "quiz\n")
    fewer = re.sub(r"; part 26: [^\"]*\"", '"', text)
    (tmp_path / "fewer.csv").write_text(fewer, encoding="utf-8")
    status, out, err = run("grade", str(kit), str(tmp_path / "fewer.csv"), "--out",
                           str(tmp_path / "grades"))
    assert status == 2 and "row 2, column Response 1: not the 26 parts" in err
    assert not (tmp_path / "grades").exists()


@pytest.mark.parametrize("make, expected", [
    (lambda tmp, kit: ("no-kit", tmp / "a.csv"), "no-kit: is not a kit folder (written by `variants`)"),
    (lambda tmp, kit: (kit, tmp / "missing.csv"), "missing.csv: no such file"),
    (lambda tmp, kit: (kit, tmp), "holds no answer files (.toml or .json)"),
    (lambda tmp, kit: (kit, tmp / "empty.csv"), "empty.csv: row 1: expected the columns student, "
                                                 "variant, then one per box"),
    (lambda tmp, kit: (kit, tmp / "no-id.csv"), "no-id.csv: row 1: no ID number or Email address "
                                                "column to match the students with"),
    (lambda tmp, kit: (kit, tmp / "no-text.csv"), "no-text.csv: row 1: no Question column: "
                                                  "download the report with the question text"),
])
def test_unusable_kits_and_answers_are_one_line(kit, tmp_path, run, make, expected):
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / "empty.csv").write_text("", encoding="utf-8")
    (answers / "no-id.csv").write_text('\ufeff"Last name","Response 1"\nA,"part 1: 1"\n')
    (answers / "no-text.csv").write_text('"ID number","Response 1"\ns01,"part 1: 1"\n')
    kit_folder, path = make(answers, kit)
    status, out, err = run("grade", str(kit_folder), str(path), "--out", str(tmp_path / "out"))
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1 and expected in err, err
    assert not (tmp_path / "out").exists()


def test_the_same_answers_give_the_same_files(kit, worked, tmp_path, run):
    columns, students = worked
    typed_csv(columns, students, tmp_path / "answers.csv")
    for out in ("a", "b"):
        status, _, err = run("grade", str(kit), str(tmp_path / "answers.csv"), "--out",
                             str(tmp_path / out))
        assert (status, err) == (0, ""), err
    written = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert {str(p) for p in written} >= {"grades.csv", "moodle-grades.csv", "marks.csv", "class.json",
                                         "report.md", "report.pdf", "figures/scores.svg",
                                         "figures/network.svg"}
    for path in written:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes(), path


def test_hostile_typed_answers_are_graded_or_refused_in_lines(kit, tmp_path_factory):
    """Whatever a typed CSV holds, it is graded or refused with one line per problem."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from backprop_tutor.errors import InputError
    from backprop_tutor.teaching.class_answers import load_kit, read_typed
    from backprop_tutor.teaching.grading import grade_class

    loaded = load_kit(kit)
    rows = template(kit)
    cell = st.one_of(st.sampled_from(["", "0,5", "-0.1234", "x", "1e400", "nan", "0..5", "'=1+1",
                                      "−0.5", " 7 ", "\"", ";", "\n"]), st.text(max_size=6))
    folder = tmp_path_factory.mktemp("hostile")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.sampled_from(rows[1:]), st.lists(cell, max_size=30)),
                    max_size=4),
           st.sampled_from([",", ";"]))
    def check(picked, delimiter):
        path = folder / "answers.csv"
        with open(path, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, delimiter=delimiter)
            writer.writerow(rows[0])
            for (student, variant, *_), cells in picked:
                writer.writerow([student, variant, *cells])
        try:
            grades = grade_class(loaded, read_typed(path, loaded))
        except InputError as error:
            lines = getattr(error, "problems", [str(error)])
            assert lines and all("\n" not in line and line.startswith(str(path))
                                 for line in lines), lines
            return
        for grade in grades.students:
            assert len(grade.marks) == len(rows[0]) - 2
            assert {m.verdict for m in grade.marks} <= {"right", "wrong", "imprecise",
                                                        "unanswered"}

    check()
