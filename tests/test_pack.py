"""The tutorial pack: Markdown, PDF and figures, written whole or not at all."""

import inspect
import itertools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
from backprop_tutor.output.pack import build_pack

# mpmath, 50 digits, by a separate script (see test_worksheet.py), at 6 decimals.
DELTA_O1 = {"sigmoid": "-0.070781", "tanh": "-0.054757", "relu": "-0.054418"}
W1_NEW = {"sigmoid": "0.302791", "tanh": "0.306451", "relu": "0.309523"}


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("packs") / "pack"
    summary = build_pack(load_network(DEFAULT_NETWORK), out)
    return out, summary


def test_pack_has_markdown_pdf_and_figures(pack):
    out, summary = pack
    assert {"tutorial.md", "tutorial.pdf", "activation_cost.md", "worksheet.pdf"} <= set(summary.files)
    figures = {name for name in summary.files if name.startswith("figures/")}
    stems = ("network_sigmoid", "network_tanh", "network_relu", "activations", "learning_curves",
             "learning_rate_moons", "learning_rate_digits", "depth", "activation_cost")
    # Each figure drawn once, as SVG, and shown from that file by both documents: the Markdown
    # links it, and Typst, which made the PDF, found no other file to show.
    assert figures == {f"figures/{stem}.svg" for stem in stems}
    markdown = (out / "tutorial.md").read_text()
    for stem in stems:
        root = ET.parse(out / "figures" / f"{stem}.svg").getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg", stem
        assert f"](figures/{stem}.svg)" in markdown, stem


def test_markdown_has_every_problem_activation_and_number(pack):
    out, _ = pack
    markdown = (out / "tutorial.md").read_text()
    for heading in ("# Problem 1", "# Problem 2", "# Problem 3", "# Problem 4",
                    "# The activations compared"):
        assert f"\n{heading}" in markdown, heading
    cases = markdown.split("\n## ")
    for activation in ("sigmoid", "tanh", "relu"):
        case = next(c for c in cases if c.startswith(f"{activation} hidden units: "))
        assert f"hidden {activation}, output sigmoid" in case
        assert _worked(case, r"\delta_{o1}").endswith(f"= {DELTA_O1[activation]}")
        assert _worked(case, "w_{1}^{+}").endswith(f"= {W1_NEW[activation]}")
    assert "class NumpyNetwork" not in markdown and "def backward" in markdown
    for figure in ("figures/network_relu.svg", "figures/learning_curves.svg"):
        assert f"]({figure})" in markdown


def _worked(markdown: str, lhs: str) -> str:
    """The aligned rows of the equation for ``lhs`` (its first row and the rows under it), joined."""
    lines = markdown.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith(f"{lhs} &="))
    rows = [lines[start], *itertools.takewhile(lambda line: line.startswith("&="), lines[start + 1:])]
    return " ".join(row.removesuffix(" \\\\") for row in rows)


def test_the_pack_is_the_same_when_made_again(pack, tmp_path):
    # Byte-identical Markdown; the PDF too, but for the measured timings at its end (no date).
    out, _ = pack
    again = tmp_path / "again"
    build_pack(load_network(DEFAULT_NETWORK), again)
    assert (again / "tutorial.md").read_bytes() == (out / "tutorial.md").read_bytes()
    assert (again / "worksheet.pdf").read_bytes() == (out / "worksheet.pdf").read_bytes()
    first, second = (PdfReader(folder / "tutorial.pdf") for folder in (out, again))
    assert "/CreationDate" not in first.metadata and "/ModDate" not in first.metadata
    measured = next(k for k, page in enumerate(first.pages)
                    if "Measured cost of the activations" in page.extract_text())
    assert [p.extract_text() for p in first.pages[:measured]] == [
        p.extract_text() for p in second.pages[:measured]]


def test_pdf_opens_and_has_the_problems(pack):
    out, _ = pack
    reader = PdfReader(out / "tutorial.pdf")
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert len(reader.pages) > 5
    assert min(map(len, pages[:-1])) >= 500      # no nearly empty page before the last
    assert len(pages[-1]) >= 300                 # and no last page with only a short table
    for heading in ("Problem 1: deriving backpropagation", "Problem 2: one SGD update by hand",
                    "Problem 3: the network from scratch in NumPy",
                    "Problem 4: the same network in Keras", "The activations compared"):
        assert heading in text, heading


def test_non_empty_folder_is_refused_and_kept(run, tmp_path):
    out = tmp_path / "pack"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    status, stdout, err = run("tutorial", "--out", str(out))
    assert (status, stdout) == (2, "")
    assert f"{out}: is not empty (use --force" in err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    import typst

    def broken(*args, **kwargs):
        raise RuntimeError("typesetting failed")

    monkeypatch.setattr(typst, "compile", broken)
    with pytest.raises(RuntimeError):
        build_pack(load_network(DEFAULT_NETWORK), tmp_path / "pack")
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_the_old_content(tmp_path):
    out = tmp_path / "pack"
    out.mkdir()
    (out / "old.txt").write_text("old")
    (out / ".backprop-tutor").write_text("")   # as an earlier run left it: --force may replace it
    result = subprocess.run([sys.executable, "-m", "backprop_tutor", "tutorial", "--out", str(out),
                             "--force"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not (out / "old.txt").exists() and (out / "tutorial.pdf").exists()
    assert "tutorial.pdf" in result.stdout and "E before" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


def test_without_an_optional_library_one_line_says_how_to_install_it(run, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    status, out, err = run("tutorial", "--out", str(tmp_path / "pack"))
    assert (status, out) == (2, "")
    assert err == ("backprop-tutor: error: matplotlib is not installed; "
                   "install it with: pip install 'backprop-tutor[all]'\n")
    assert list(tmp_path.iterdir()) == []


def test_every_markdown_table_parses_as_a_table(pack, gfm_tables):
    out, _ = pack
    assert gfm_tables((out / "tutorial.md").read_text()) >= 5


def test_the_pack_mends_what_a_lecturer_found(pack):
    # Read as a lecturer would: Problem 1 shows its network; prose writes maths in Unicode,
    # not ASCII; no claim that deltas always shrink by 4 at a sigmoid layer (with w5 = 8,
    # |δ_h1/δ_o1| = 1.8).
    out, _ = pack
    markdown = (out / "tutorial.md").read_text()
    problem1 = markdown[markdown.index("\n# Problem 1"):markdown.index("\n# Problem 2")]
    assert "](figures/network_sigmoid.svg)" in problem1
    prose = re.sub(r"```.*?```|\$\$.*?\$\$|\$[^$\n]*\$", "", markdown, flags=re.S)
    assert not re.search(r"\^2|1/2 \(|\(t - out\)", prose)
    assert "shrink by a factor of 4 or more" not in markdown


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every table of a Markdown text: its rows (header first) as lists of cells."""
    tables, rows = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip().replace("\\|", "|") for c in line.strip("|").split(" | ")]
            if not set("".join(cells)) <= set("-: "):
                rows.append(cells)
        elif rows:
            tables.append(rows)
            rows = []
    return tables


def section(markdown: str, heading: str) -> str:
    """From ``heading`` to the next heading of its level or a higher one."""
    start = markdown.index(heading) + len(heading)
    level = len(heading.split(" ")[0])
    ends = [m.start() for m in re.finditer(r"^(#+) ", markdown[start:], re.M)
            if len(m.group(1)) <= level and not _in_code(markdown, start + m.start())]
    return markdown[start - len(heading):start + ends[0] if ends else None]


def _in_code(markdown: str, position: int) -> bool:
    return markdown[:position].count("```") % 2 == 1


def test_every_number_in_the_prose_agrees_with_its_table(pack):
    # Parsed from tutorial.md as a reader sees it: the sentences against the tables beside them.
    out, _ = pack
    markdown = (out / "tutorial.md").read_text()
    checked = 0
    for data in ("moons", "digits"):
        text = section(markdown, f"### The learning rate on {data}")
        (table,) = markdown_tables(text)
        header, rows = table[0], {row[0]: row[1:] for row in table[1:]}
        for activation in ("sigmoid", "tanh", "relu"):
            column = header.index(activation) - 1
            sentence = re.search(rf"With {activation} hidden units (.*?)\.(?: |$)", text, re.M).group(1)
            best, loss = re.match(r"the best η is ([\d.e+-]+) \(final validation loss "
                                  r"([\d.e+-]+ ± [\d.e+-]+) over", sentence).groups()
            assert rows[best][column] == f"{loss} good", (data, activation)
            rates = [float(r) for r in rows]
            for low, high, region in re.findall(r"η = ([\d.e+-]+)(?: to ([\d.e+-]+))?: "
                                                r"([a-z ]+?)(?: \(|;|$)", sentence):
                inside = [r for r in rows if float(low) <= float(r) <= float(high or low)]
                assert inside and all(rows[r][column].endswith(region) for r in inside), \
                    (data, activation, low, high, region)
                checked += len(inside)
            # the lesson: the best η inside the grid, a larger η diverging, nothing too small above
            above = [r for r in rows if float(r) > float(best)]
            assert min(rates) < float(best) < max(rates)
            assert any(rows[r][column].endswith("diverging") for r in above)
            assert not any(rows[r][column].endswith(("too small", "stalled")) for r in above)
    depth = section(markdown, "## Depth")
    norms, dead = markdown_tables(depth)
    for activation, _, values in norms[1:]:
        layers = [float(v) for v in values.split()]
        factor, way = re.search(rf"With \d+ {activation} layers, .*? is ([\d.e+]+) × (smaller|larger)",
                                depth).groups()
        ratio = layers[-2] / layers[0]                  # last hidden over first, 2 digits each
        assert float(factor) == pytest.approx(ratio if way == "smaller" else 1 / ratio, rel=0.1)
        assert (way == "smaller") == (ratio > 1)
        checked += 1
    for rate, start, end, epochs in dead[1:]:
        assert (f"η = {rate}: {start} of the hidden units dead at the start, {end} after "
                f"{epochs} epochs.") in " ".join(depth.split())
        checked += 1
    keras = section(markdown, "# Problem 4")
    said = re.search(r"before update (\d+), after \d+ updates of each, its rescaled loss, "
                     r"([\d.]+), is (lower|higher) than the tutorial's, ([\d.]+)\.", keras)
    falls = next(t for t in markdown_tables(keras) if t[0][0] == "update" and len(t[0]) == 4)
    last = falls[-1]
    assert last[0] == said.group(1) and last[3] == said.group(2) and last[1] == said.group(4)
    assert (float(last[3]) < float(last[1])) == (said.group(3) == "lower")
    assert checked > 20


def test_problems_3_and_4_show_the_code_that_made_their_numbers(pack):
    out, _ = pack
    markdown = (out / "tutorial.md").read_text()
    problem3, problem4 = section(markdown, "# Problem 3"), section(markdown, "# Problem 4")
    # the student's files as they are in the package, and the lines that run them
    from backprop_tutor.networks import from_scratch, keras_from_scratch

    for module, text in ((from_scratch, problem3), (keras_from_scratch, problem4)):
        body = inspect.getsource(module).split('"""', 2)[2].strip()
        assert body in text
    assert "losses = {hidden: train(W1, b1, W2, b2, x, t, hidden, eta" in problem3
    assert "model.set_weights([W1.T, b1, W2.T, b2])" in problem4
    assert "keras.optimizers.SGD(learning_rate=eta)" in problem4
    # the matrix form with its shapes
    assert r"\delta_h &= (W_2^\top \delta_o) \circ f'(\mathrm{net}_h)" in problem3
    assert "shape (2, 2)" in problem3
    # Problem 3's code against the worked step: E as in the mpmath reference (10 decimals)
    (against, *_) = markdown_tables(problem3)
    assert against[1][:3] == ["sigmoid", "0.0437912277", "0.0437912277"]


def test_the_pack_mends_what_a_lecturer_found_round_2(pack):
    out, _ = pack
    markdown = (out / "tutorial.md").read_text()
    assert markdown.count("](figures/network_sigmoid.svg)") == 1       # the network drawn once
    proof = section(markdown, "## 7. Proof")
    assert "1e-20" not in proof and "$10^{-20}" in proof                 # typeset, not text
    for jargon in ("default network of backprop-tutor", "what `--loss", "backprop-tutor solve"):
        assert jargon not in markdown, jargon
    assert "after the last update its rescaled loss" not in markdown


def test_equations_translated_line_by_line_are_the_whole_blocks_translation():
    # The Typst writer gives tex2typst one line of an aligned block at a time (its time grows
    # with the square of its input); the result must be tex2typst's for the whole block.
    from tex2typst import tex2typst

    from backprop_tutor.core.worksheet import solve
    from backprop_tutor.document.blocks import Equations
    from backprop_tutor.output import pack
    from backprop_tutor.output.writers.latex import aligned_rows
    from backprop_tutor.output.writers.typst import to_typst

    network = load_network(DEFAULT_NETWORK)
    sheets = {a: solve(network.with_options(hidden_activation=a)) for a in ("sigmoid", "relu")}
    blocks = [b for b in pack._problem1(network) + pack._problem2(sheets, True)
              if isinstance(b, Equations)]
    assert len(blocks) > 20 and any(len(b.rows) > 3 for b in blocks)
    for block in blocks:
        whole = tex2typst(r"\begin{aligned}" + aligned_rows(block.rows) + r"\end{aligned}")
        assert to_typst([block]) == f"$ {whole.strip()} $\n"
