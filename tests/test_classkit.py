"""The class kit on disk: the variants command, its PDFs, keys.csv and the Moodle quiz."""

import csv
import html
import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.core.worksheet import solve
from backprop_tutor.document.notation import format_number
from backprop_tutor.output.classkit import write_blank_sheet
from backprop_tutor.teaching.rounding import rounded_sheet
from backprop_tutor.teaching.variants import variant_id

ROSTER = "student,name\nst-104,Ann\nst-007,Bob\nst-311,Cy\n"
STUDENTS = ["st-104", "st-007", "st-311"]
ACTIVATIONS = ("sigmoid", "tanh", "relu")
ARTIFACTS = Path(__file__).parent / "artifacts"
FIELD = re.compile(r"<tr><td>([^<]+)</td><td>\{1:NUMERICAL:=(-?\d+\.\d+):(\d+\.\d+)\}</td></tr>")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def kit(run, folder, roster, *options):
    status, _, err = run("variants", "--roster", str(roster), "--seed", "42", "--out",
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
    # A practice page per variant, and the page that opens one by its ID; nothing else.
    assert sorted(p.name for p in (built / "page").iterdir()) == sorted(
        [f"{vid}.html" for _, vid in pairs] + ["index.html", "choose.js", "formulas.js", "marking.js",
                                               "page.js", "page.css"])
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
        # Rounded as you go in decimals, a tie away from zero (held against hand work done
        # independently of the package in test_rounding.py).
        assert expected == f"{rounded_sheet(case, 4)[quantity] + 0.0:.4f}"


def test_moodle_xml_has_one_cloze_question_per_variant_with_solve_values(built):
    quiz = ET.parse(built / "moodle.xml").getroot()
    questions = quiz.findall("question")
    assert questions[0].get("type") == "category" and len(questions) == 1 + len(STUDENTS)
    assert "$course$/top/" in questions[0].find("category/text").text
    for question, (_, vid) in zip(questions[1:], variants_of(built), strict=True):
        assert question.get("type") == "cloze"
        assert question.find("name/text").text == f"Variant {vid}"
        body = question.find("questiontext/text").text
        network = load_network(built / "networks" / f"{vid}.toml")
        parts = re.split(r"<p>With (\w+) hidden units:</p>", body)
        assert parts[1::2] == list(ACTIVATIONS)
        fields = 0
        for activation, table in zip(parts[1::2], parts[2::2], strict=True):
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
    files = sorted(str(p.relative_to(built)) for p in built.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(again)) for p in again.rglob("*") if p.is_file())
    assert {"sheets.pdf", "keys.pdf", "moodle.xml", "page/index.html"} <= set(files)
    for name in files:     # every PDF, drawing, page and table
        assert (again / name).read_bytes() == (built / name).read_bytes(), name
    other = kit(run, tmp_path / "other", roster, "--seed", "43", "--ask", "delta_o1")
    ours = [load_network(p) for p in sorted((built / "networks").iterdir())]
    theirs = [load_network(p) for p in sorted((other / "networks").iterdir())]
    assert all(a.parameters() != b.parameters() for a, b in zip(ours, theirs, strict=True))
    with open(other / "keys.csv", encoding="utf-8") as file:
        assert [row["quantity"] for row in csv.DictReader(file)] == ["delta_o1"] * 9


@pytest.mark.parametrize("group", [None, 4])
def test_each_students_pdfs_are_their_pages_of_the_class_pdfs(run, tmp_path, monkeypatch, group):
    # Nine variants, written by the worker processes: the class's sheets and keys typeset as one
    # document each (or, 4 students to a document, as three documents joined), and each
    # student's pages split out of them.
    from backprop_tutor.output import classkit

    if group:
        monkeypatch.setattr(classkit, "CLASS_DOCUMENT", group)
    status, _, err = run("variants", "--n", "9", "--seed", "8", "--ask", "delta_o1",
                         "--out", str(tmp_path / "kit"))
    assert (status, err) == (0, "")
    folder = tmp_path / "kit"
    ids = [vid for _, vid in variants_of(folder)]
    for name in ("sheet", "key"):
        whole = [page.extract_text() for page in PdfReader(folder / f"{name}s.pdf").pages]
        parts = [[page.extract_text() for page in PdfReader(folder / f"{name}-{vid}.pdf").pages]
                 for vid in ids]
        assert [text for part in parts for text in part] == whole
        for vid, part in zip(ids, parts, strict=True):
            assert f"variant {vid}" in part[0] and not any(
                f"variant {other}" in text for other in ids if other != vid for text in part)
            # each student's pages numbered from 1, as printed at the foot of each page
            assert [text.split()[-1] for text in part] == [str(k) for k in range(1, len(part) + 1)]
        titles = {"sheet": "Question sheet", "key": "Answer key"}
        assert PdfReader(folder / f"{name}-{ids[0]}.pdf").metadata.title == f"{titles[name]} {ids[0]}"
        assert PdfReader(folder / f"{name}s.pdf").metadata.title == f"{titles[name]}s"
        # a bookmark per student in the class's document, at their first page
        reader = PdfReader(folder / f"{name}s.pdf")
        starts = [sum(map(len, parts[:k])) for k in range(len(ids))]
        assert [(item.title, reader.get_destination_page_number(item)) for item in reader.outline] \
            == [(f"{titles[name]} {vid}", start) for vid, start in zip(ids, starts, strict=True)]
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".backprop-tutor"]


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
    _, vid = variants_of(built)[1]
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
    # worksheet rounded to 4 decimals as you go, written with 4 decimals: 0.0064, not 0.00641) are right under
    # check --variant, though some have fewer than 3 significant figures and some differ from
    # what the unrounded intermediates give by more than half a unit of the 4th decimal.
    from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS
    from backprop_tutor.teaching.exercise import asked_quantities
    from backprop_tutor.teaching.variants import generate_variants

    rules = set()
    for variant in generate_variants(n=12, seed=5):
        asked = asked_quantities(variant.network, "default", TUTORIAL_ACTIVATIONS)
        for activation, names in asked.items():
            rounded = rounded_sheet(variant.network.with_options(hidden_activation=activation), 4)
            answers = tmp_path / "answers.toml"
            answers.write_text(f"hidden_activation = '{activation}'\n" + "".join(
                f"{name} = {rounded[name] + 0.0:.4f}\n" for name in names))
            status, out, _ = run("check", str(answers), "--variant", variant.id, "--format", "json")
            marks = json.loads(out)["marks"]
            assert status == 0, [m for m in marks if m["verdict"] != "right"]
            rules |= {m["rule"] for m in marks}
    assert "rounded as you go" in rules     # the rule this test is about was needed


# ---- the kit's practice pages: one variant each, no value shown ------------------------------

def test_each_page_holds_its_own_variant_and_no_value_the_student_has_not_typed(built):
    from backprop_tutor.core.activations import TUTORIAL_ACTIVATIONS

    pairs = variants_of(built)
    for _, vid in pairs:
        html = (built / "page" / f"{vid}.html").read_text(encoding="utf-8")
        data = json.loads(html_unescape_json(html))
        assert list(data["networks"]) == [vid] and data["reveal"] is False
        assert not any(other in html for _, other in pairs if other != vid)
        network = load_network(built / "networks" / f"{vid}.toml")
        assert data["networks"][vid]["cases"]["sigmoid"]["given"] == {
            **dict(zip(("i1", "i2"), network.inputs, strict=True)), "t1": network.targets[0],
            **network.parameters(), "eta": network.learning_rate}
        lines = [line for case in data["networks"][vid]["cases"].values() for line in case["lines"]]
        assert not {"value", "shown", "numbers", "text"} & {key for line in lines for key in line}
        # No worked value of this variant, as a student or the key would write it, is in the page
        # (unless it is a given number: a dead relu unit's weight keeps its value; or 0).
        given = {float(n) for n in given_numbers(network)} | {0.0}
        tokens = {float(t) for t in NUMBER.findall(html)}
        for activation in TUTORIAL_ACTIVATIONS:
            exact = solve(network.with_options(hidden_activation=activation))
            rounded = rounded_sheet(network.with_options(hidden_activation=activation), 4)
            for name in exact.values:
                written = {round(exact[name], 6), round(exact[name], 4), rounded[name]}
                assert not (written - given) & tokens, (vid, activation, name)
    index = (built / "page" / "index.html").read_text(encoding="utf-8")
    assert not any(vid in index for _, vid in pairs)


def html_unescape_json(html: str) -> str:
    return re.search(r'<script id="page-data" type="application/json">(.*?)</script>', html, re.S)[1]


# ---- text from a roster or a template is data in every file ----------------------------------

HOSTILE_IDS = ['=HYPERLINK("http://x.example","click")', "@SUM(A1:A2)", "+1+1", "-2+3",
               "<img src=x onerror=alert(1)>", "Ann\n# Heading", "Bob\n| a | b |", "-17"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from backprop_tutor.cli import main

    folder = tmp_path_factory.mktemp("hostile")
    roster = folder / "roster.csv"
    with open(roster, "w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([["student"]] + [[student] for student in HOSTILE_IDS])
    template = folder / "template.toml"
    template.write_text((DEFAULT_NETWORK.read_text(encoding="utf-8")).replace(
        'title = "Tutorial network (2-2-1)"', 'title = "Net\\u007f <b>bold</b>\\n# not a heading"'),
        encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["variants", str(template), "--roster", str(roster), "--seed", "3", "--out",
              str(folder / "kit"), "--ask", "delta_o1", "--paper", "letter"])
    assert done.value.code == 0
    return folder / "kit"


def test_no_csv_cell_is_a_formula(hostile):
    for name in ("keys.csv", "index.csv"):
        with open(hostile / name, encoding="utf-8", newline="") as file:
            rows = list(csv.reader(file))[1:]
        students = list(dict.fromkeys(row[0] for row in rows))
        assert students == ["'" + s if s[0] in "=+-@" and s != "-17" else s for s in HOSTILE_IDS]
        for row in rows:
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (name, cell)
                assert not cell.startswith("-") or NUMBER.fullmatch(cell), (name, cell)


def test_markdown_shows_ids_and_titles_as_text(hostile, gfm_tables):
    from markdown_it import MarkdownIt

    for name in ("sheets.md", "keys.md"):
        markdown = (hostile / name).read_text(encoding="utf-8")
        tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(markdown)
        kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
        assert not kinds & {"html_inline", "html_block"}, name
        headings = [tokens[k + 1].content for k, t in enumerate(tokens) if t.type == "heading_open"]
        assert not any(h.startswith(("Heading", "a | b")) for h in headings), name
        gfm_tables(markdown)
        text = " ".join(t.content for t in tokens if t.type == "inline")
        assert "<img src=x onerror=alert(1)>" in MarkdownIt().render(markdown).replace(
            "&lt;", "<").replace("&gt;", ">")
        assert "Ann # Heading" in text.replace("\\", "")


def test_the_kit_reads_back_every_network_file_it_writes(hostile):
    for path in (hostile / "networks").iterdir():
        network = load_network(path)
        assert "Net\x7f <b>bold</b>\n# not a heading" in network.description


def test_paper_letter_sets_every_pdf_on_us_letter(hostile, poppler):
    for path in hostile.glob("*.pdf"):
        info, err = poppler("pdfinfo", path)
        assert err == "" and "Page size:       612 x 792 pts (letter)" in info, path


# ---- the worksheet is fit to hand out ---------------------------------------------------------

@pytest.fixture(scope="module")
def poppler():
    """Run a poppler tool: (stdout, stderr). Installed on first use (Debian's poppler-utils)."""
    import os
    import shutil
    import subprocess

    if shutil.which("pdfinfo") is None and shutil.which("apt-get") and os.geteuid() == 0:
        for command in (["apt-get", "update", "-qq"],
                        ["apt-get", "install", "-y", "-qq", "poppler-utils"]):
            subprocess.run(command, check=True, capture_output=True)
    assert shutil.which("pdfinfo"), "the worksheet's tests need poppler: apt-get install poppler-utils"

    def tool(*args):
        done = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True)
        return done.stdout, done.stderr
    return tool


@pytest.fixture(scope="module", params=["a4", "letter"])
def worksheet(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("worksheet") / f"worksheet-{request.param}.pdf"
    write_blank_sheet(load_network(DEFAULT_NETWORK), path, paper=request.param)
    return request.param, path


MM = 72 / 25.4      # points in a millimetre


def test_the_worksheet_opens_without_a_warning(worksheet, poppler, caplog):
    paper, path = worksheet
    info, err = poppler("pdfinfo", path)
    assert err == ""
    assert {"a4": "595.276 x 841.89 pts (A4)", "letter": "612 x 792 pts (letter)"}[paper] in info
    assert poppler("pdftotext", path, "-")[1] == ""
    with caplog.at_level("WARNING", logger="pypdf"):
        reader = PdfReader(path, strict=True)
        text = "".join(page.extract_text() for page in reader.pages)
    assert caplog.records == [] and "Problem 2" in text


def test_the_worksheet_has_room_to_work_and_states_the_rule(worksheet, poppler):
    _, path = worksheet
    text = " ".join(poppler("pdftotext", path, "-")[0].split())
    assert "back of the sheet" not in text
    assert ("Round every value to 4 decimals as you go: work each line from the rounded values of "
            "the lines before it, and round its result before you write it down. A 5 just after the "
            "last digit you keep rounds away from zero (0.12345 → 0.1235, −0.12345 → −0.1235).") in text
    for activation in ("sigmoid", "tanh", "relu"):
        assert f"Your working: Problem 2 with {activation} hidden units" in text
    assert "Your derivation" in text


def _words(poppler, path) -> list[list[tuple[float, float, float, float, str]]]:
    """Every word of every page: (xMin, yMin, xMax, yMax, text), from poppler's bounding boxes."""
    html = poppler("pdftotext", "-bbox", path, "-")[0]
    pages = html.split("<page ")[1:]
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<')
    return [[(*map(float, m.groups()[:4]), m[5]) for m in word.finditer(page)] for page in pages]


def test_answer_boxes_are_8_mm_high_and_labels_9_pt(worksheet, poppler):
    _, path = worksheet
    rows_seen = 0
    for words in _words(poppler, path):
        headers = [w for w in words if w[4] == "quantity"]
        for header in headers[::2]:                       # two "quantity" columns per table
            column = sorted({round(w[1], 1) for w in words if abs(w[0] - header[0]) < 0.5
                             and w[1] > header[1] and w[3] - w[1] >= 9})
            column = [y for y in column if y - header[1] < 200]
            gaps = [b - a for a, b in itertools.pairwise(column)]
            assert gaps and min(gaps) >= 8 * MM, gaps
            rows_seen += len(column)
        # Every word of the text is 9 pt or larger (maths' sub- and superscripts aside: 7 pt).
        assert all(w[3] - w[1] >= 9 or w[4][-1:].isdigit() or w[4] == "+" for w in words), words
    assert rows_seen == 6 + 4 + 4


def test_no_page_is_two_thirds_blank(worksheet, poppler, tmp_path):
    import numpy as np
    from PIL import Image

    paper, path = worksheet
    poppler("pdftoppm", "-r", "30", "-png", path, tmp_path / "page")
    if paper == "a4":   # kept in tests/artifacts/ (ignored by git): pages 1 and 2 to look at
        ARTIFACTS.mkdir(exist_ok=True)
        poppler("pdftoppm", "-r", "100", "-f", "1", "-l", "2", "-png", path, ARTIFACTS / "worksheet-a4")
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 4
    for page in pages:
        ink = np.asarray(Image.open(page).convert("L")) < 200
        height = ink.shape[0]
        rows = np.flatnonzero(ink[:int(height * 0.9)].any(axis=1))   # the page number left out
        assert rows[-1] > 0.55 * height, page.name                   # ink reaches past the middle


@pytest.mark.parametrize("example", ["tutorial.toml", "mazur.toml", "two_outputs_mse.toml",
                                     "no_biases.toml", "variant"])
def test_no_word_of_the_sheets_printed_drawing_overlaps_another(example, poppler, tmp_path):
    # The drawing as Typst prints it on the sheet (its SVG text stays text in the PDF): every
    # label's words, read back with their boxes by poppler, clear of each other; and no text of
    # the page at less than 9 pt. (The units' circles: test_page.py, in a browser.)
    from backprop_tutor.core.network import EXAMPLES
    from backprop_tutor.teaching.variants import generate_variants

    network = (generate_variants(n=1, seed=9)[0].network if example == "variant"
               else load_network(EXAMPLES / example))
    for paper in ("a4", "letter"):
        write_blank_sheet(network, tmp_path / "sheet.pdf", paper=paper)
        words = _words(poppler, tmp_path / "sheet.pdf")[1]
        top = max(w[3] for w in words if w[4] == "boxes.")          # the end of Problem 2's text
        bottom = min(w[1] for w in words if w[4] == "Figure")       # the caption
        drawn = [w for w in words if top < w[1] and w[3] < bottom]
        assert {f"w{k}" for k in range(1, len(network.parameters()) + 1)} & {w[4] for w in drawn}
        assert all(w[3] - w[1] >= 9 for w in drawn), drawn
        clashes = [(a[4], b[4]) for k, a in enumerate(drawn) for b in drawn[k + 1:]
                   if min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5]
        assert clashes == [], (example, paper)


def test_the_pack_worksheet_can_say_where_its_numbers_come_from(tmp_path, poppler):
    from backprop_tutor.output.pack import EXAMPLE_NOTE

    write_blank_sheet(load_network(DEFAULT_NETWORK), tmp_path / "w.pdf", note=EXAMPLE_NOTE)
    text = " ".join(poppler("pdftotext", tmp_path / "w.pdf", "-")[0].replace("’", "'").split())
    assert "The tutorial's problems give no numbers: those here are backprop-tutor's own " \
           "example" in text
