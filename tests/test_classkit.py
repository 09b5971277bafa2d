"""The class kit on disk: the variants command, its PDFs, keys.csv and the Moodle quiz."""

import json
import csv
import html
import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.core.worksheet import solve
from backprop_tutor.output.classkit import write_blank_sheet
from backprop_tutor.document.notation import format_number
from backprop_tutor.teaching.variants import variant_id

ROSTER = "student,name\nst-104,Ann\nst-007,Bob\nst-311,Cy\n"
STUDENTS = ["st-104", "st-007", "st-311"]
ACTIVATIONS = ("sigmoid", "tanh", "relu")
FIELD = re.compile(r"<tr><td>([^<]+)</td><td>\{1:NUMERICAL:=(-?\d+\.\d+):(\d+\.\d+)\}</td></tr>")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def kit(run, folder, roster, *options):
    status, out, err = run("variants", "--roster", str(roster), "--seed", "42", "--out",
                           str(folder), *options)
    assert (status, err) == (0, ""), err
    return folder


@pytest.fixture(scope="module")
def roster(tmp_path_factory):
    path = tmp_path_factory.mktemp("roster") / "class.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory, roster):
    from click.testing import CliRunner

    from backprop_tutor.cli import cli

    folder = tmp_path_factory.mktemp("kits") / "kit"
    result = CliRunner().invoke(cli, ["variants", "--roster", str(roster), "--seed", "42",
                                      "--out", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def variants_of(folder):
    with open(folder / "index.csv", encoding="utf-8") as file:
        return [(row["student"], row["variant"]) for row in csv.DictReader(file)]


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages).replace("−", "-")


def given_numbers(network) -> set[str]:
    values = [*network.inputs, *network.targets, *network.parameters().values(),
              network.learning_rate]
    return {format_number(v) for v in values}


def test_every_file_of_the_kit(built):
    pairs = variants_of(built)
    assert [student for student, _ in pairs] == STUDENTS
    names = {p.name for p in built.iterdir()}
    assert {"sheets.pdf", "keys.pdf", "sheets.md", "keys.md", "keys.csv", "index.csv",
            "moodle.xml", "networks", "figures", "page"} <= names
    for _, vid in pairs:
        assert {f"sheet-{vid}.pdf", f"key-{vid}.pdf"} <= names
        network = load_network(built / "networks" / f"{vid}.toml")
        assert network.title == f"Variant {vid}"
    page = (built / "page" / "index.html").read_text(encoding="utf-8")
    assert all(f'"{vid}"' in page for _, vid in pairs)
    # The class PDFs hold every variant, in roster order.
    sheets = pdf_text(built / "sheets.pdf")
    positions = [sheets.index(f"variant {vid}") for _, vid in pairs]
    assert positions == sorted(positions)


def test_keys_csv_rows_are_the_asked_quantities_within_tolerance_of_solve(built):
    with open(built / "keys.csv", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["student", "variant", "hidden_activation", "quantity", "expected", "tolerance"]
    by_variant = dict((vid, student) for student, vid in variants_of(built))
    # default --ask: 12 boxes with sigmoid (forward pass, E, deltas, w1_new, w5_new), 7 after.
    assert len(rows) - 1 == 3 * (12 + 7 + 7)
    for student, vid, activation, quantity, expected, tolerance in rows[1:]:
        assert by_variant[vid] == student
        network = load_network(built / "networks" / f"{vid}.toml")
        case = network.with_options(hidden_activation=activation)
        exact = solve(case)[quantity]
        assert abs(float(expected) - exact) <= float(tolerance) <= 0.0005
        assert expected == f"{solve(case, round_to=4)[quantity] + 0.0:.4f}"


def test_moodle_xml_has_one_cloze_question_per_variant_with_solve_values(built):
    quiz = ET.parse(built / "moodle.xml").getroot()
    questions = quiz.findall("question")
    assert questions[0].get("type") == "category" and len(questions) == 1 + len(STUDENTS)
    assert "$course$/top/" in questions[0].find("category/text").text
    for question, (_, vid) in zip(questions[1:], variants_of(built)):
        assert question.get("type") == "cloze"
        assert question.find("name/text").text == f"Variant {vid}"
        body = question.find("questiontext/text").text
        network = load_network(built / "networks" / f"{vid}.toml")
        parts = re.split(r"<p>With (\w+) hidden units:</p>", body)
        assert parts[1::2] == list(ACTIVATIONS)
        fields = 0
        for activation, table in zip(parts[1::2], parts[2::2]):
            case = network.with_options(hidden_activation=activation)
            for name, value, tolerance in FIELD.findall(table):
                exact = solve(case)[html.unescape(name)]
                assert abs(float(value) - exact) <= float(tolerance)
                fields += 1
        assert fields == 12 + 7 + 7 == body.count("{1:NUMERICAL:=")


def test_sheets_hold_the_given_numbers_and_no_key_number(built):
    with open(built / "keys.csv", encoding="utf-8") as file:
        expected = [row for row in csv.DictReader(file)]
    for _, vid in variants_of(built):
        network = load_network(built / "networks" / f"{vid}.toml")
        given = given_numbers(network)
        sheet = pdf_text(built / f"sheet-{vid}.pdf")
        tokens = set(NUMBER.findall(sheet))
        assert given <= tokens, vid
        key = pdf_text(built / f"key-{vid}.pdf")
        answers = {row["expected"] for row in expected if row["variant"] == vid}
        assert answers <= set(NUMBER.findall(key))
        # No answer as the keys write it (4 decimals) is in any sheet; and no value of this
        # variant's answers is, unless it is a given number itself (a dead relu unit's weight
        # keeps its value) or 0 (the text says relu'(0) = 0; a dead unit's delta is 0).
        assert not tokens & {row["expected"] for row in expected}, vid
        own = {float(row["expected"]) for row in expected if row["variant"] == vid}
        allowed = {float(n) for n in given} | {0.0}
        assert not {float(t) for t in tokens} & own - allowed, vid
    everything = set(NUMBER.findall(pdf_text(built / "sheets.pdf")))
    assert not everything & {row["expected"] for row in expected}


def test_same_seed_and_roster_same_bytes_other_seed_other_networks(built, roster, run, tmp_path):
    again = kit(run, tmp_path / "again", roster)
    for name in ("keys.csv", "moodle.xml", "sheets.md", "keys.md", "index.csv"):
        assert (again / name).read_bytes() == (built / name).read_bytes(), name
    other = kit(run, tmp_path / "other", roster, "--seed", "43", "--ask", "delta_o1")
    ours = [load_network(p) for p in sorted((built / "networks").iterdir())]
    theirs = [load_network(p) for p in sorted((other / "networks").iterdir())]
    assert all(a.parameters() != b.parameters() for a, b in zip(ours, theirs))
    with open(other / "keys.csv", encoding="utf-8") as file:
        assert [row["quantity"] for row in csv.DictReader(file)] == ["delta_o1"] * 9


def test_a_blank_sheet_of_the_tutorial_network(tmp_path):
    network = load_network(DEFAULT_NETWORK)
    write_blank_sheet(network, tmp_path / "worksheet.pdf")
    text = pdf_text(tmp_path / "worksheet.pdf")
    assert given_numbers(network) <= set(NUMBER.findall(text))
    # net_h1 = 0.65, out_h1 = 0.6570 and delta_o1 = -0.0708 (by hand; mpmath) are not on it.
    assert not {"0.65", "0.6570", "0.657", "-0.0708"} & set(NUMBER.findall(text))
    assert "Problem 1" in text and "Problem 2" in text


@pytest.mark.parametrize("roster_bytes, message", [
    (b"", "has no students"),
    (b"student\n", "has no students"),
    (b"student\ns1\ns2\ns1\n", "row 4: student ID 's1' again (first on row 2)"),
    ("student\nJos\xe9\n".encode("latin-1"), "is not a text file (not UTF-8)"),
])
def test_a_bad_roster_is_one_line_and_status_2(run, tmp_path, roster_bytes, message):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_bytes)
    status, out, err = run("variants", "--roster", str(path), "--seed", "1",
                           "--out", str(tmp_path / "kit"))
    assert (status, out) == (2, "")
    assert err.startswith(f"backprop-tutor: error: {path}: {message}") and err.count("\n") == 1
    assert not (tmp_path / "kit").exists()


@pytest.mark.parametrize("options, message", [
    (["--n", "2", "--ask", "delta_o1,net_h9"], "--ask: unknown quantity net_h9"),
    (["--n", "2", "--weights", "0.3,0.3", "--biases", "0.2,0.2"],
     "variants: no network met the constraints in 2000 draws"),
    (["--n", "2", "--biases", "0.01,0.04"], "--biases: the range 0.01,0.04 holds no non-zero"),
    (["--n", "2", "--weights", "1,-1"], "is not LOW,HIGH with finite LOW <= HIGH"),
    (["--n", "2", "--roster", "x.csv"], "give either --n N or --roster FILE.csv"),
    ([], "give either --n N or --roster FILE.csv"),
])
def test_bad_options_are_one_line_and_status_2(run, tmp_path, options, message):
    status, out, err = run("variants", "--seed", "1", "--out", str(tmp_path / "kit"), *options)
    assert (status, out) == (2, "")
    assert err.startswith("backprop-tutor: error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "kit").exists()


def test_check_marks_against_a_students_variant(built, run, tmp_path):
    student, vid = variants_of(built)[1]
    network = load_network(built / "networks" / f"{vid}.toml")   # the file, not the generator
    (i1, i2), ((w1, w2), _) = network.inputs, network.layers[0].weights
    net_h1 = w1 * i1 + w2 * i2 + network.layers[0].biases[0]      # by hand
    answers = tmp_path / "answers.toml"
    answers.write_text(f"hidden_activation = 'sigmoid'\nnet_h1 = {net_h1:.4f}\n")
    assert run("check", str(answers), "--variant", vid)[0] == 0
    assert run("check", str(answers))[0] == 1      # the tutorial's network has net_h1 = 0.65
    answers.write_text(f"variant = '{vid.lower()}'\nhidden_activation = 'sigmoid'\n"
                       f"net_h1 = {net_h1 + 0.1:.4f}\n")
    status, out, _ = run("check", str(answers))
    assert status == 1 and "net_h1" in out
    wrong = vid[:-1] + ("A" if vid[-1] != "A" else "B")
    for option, message in ((wrong, f"--variant: {wrong}: was not made from this template"),
                            ("K7Q", "--variant: K7Q: is not a variant ID")):
        status, out, err = run("check", str(answers), "--variant", option)
        assert (status, out) == (2, "") and message in err and err.count("\n") == 1


def test_a_non_empty_folder_needs_force(run, tmp_path):
    kit = str(tmp_path / "kit")
    assert run("variants", "--n", "1", "--seed", "1", "--out", kit)[0] == 0
    status, out, err = run("variants", "--n", "1", "--seed", "2", "--out", kit)
    assert (status, out) == (2, "") and "is not empty (use --force" in err
    assert run("variants", "--n", "1", "--seed", "2", "--out", kit, "--force")[0] == 0
    assert (tmp_path / "kit" / "networks" / f"{variant_id(2, 1)}.toml").exists()
    assert not (tmp_path / "kit" / "networks" / f"{variant_id(1, 1)}.toml").exists()
    # A folder the program did not write is never replaced, even with --force.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    status, out, err = run("variants", "--n", "1", "--seed", "1", "--out", str(tmp_path / "mine"),
                           "--force")
    assert (status, out) == (2, "") and (tmp_path / "mine" / "notes.txt").read_text() == "mine"


def test_a_student_who_rounds_as_the_sheet_asks_is_marked_right(run, tmp_path):
    # The sheet says: round every value to 4 decimals as you go. Answers worked that way (the
    # worksheet with round_to=4, written with 4 decimals: 0.0064, not 0.00641) are right under
    # check --variant, though some have fewer than 3 significant figures and some differ from
    # what the unrounded intermediates give by more than half a unit of the 4th decimal.
    from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
    from backprop_tutor.core.worksheet import solve
    from backprop_tutor.teaching.exercise import asked_quantities
    from backprop_tutor.teaching.variants import generate_variants

    rules = set()
    for variant in generate_variants(n=12, seed=5):
        asked = asked_quantities(variant.network, "default", TUTORIAL_ACTIVATIONS)
        for activation, names in asked.items():
            rounded = solve(variant.network.with_options(hidden_activation=activation), round_to=4)
            answers = tmp_path / "answers.toml"
            answers.write_text(f"hidden_activation = '{activation}'\n" + "".join(
                f"{name} = {rounded[name] + 0.0:.4f}\n" for name in names))
            status, out, _ = run("check", str(answers), "--variant", variant.id, "--format", "json")
            marks = json.loads(out)["marks"]
            assert status == 0, [m for m in marks if m["verdict"] != "right"]
            rules |= {m["rule"] for m in marks}
    assert "rounded as you go" in rules     # the rule this test is about was needed
