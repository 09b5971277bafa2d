"""The class kit: a question sheet and an answer key for every student's variant.

``build_class_kit(variants, out, ...)`` writes into the folder ``out``:

* per variant ``sheet-ID.pdf`` (the network drawn with its given numbers,
  Problems 1 and 2, a box per asked quantity), ``key-ID.pdf`` (the worked
  solution of what was asked, rounded as you go, the unrounded value beside)
  and ``networks/ID.toml`` (the variant as a network file);
* for the class ``sheets.pdf`` and ``keys.pdf`` (every variant, in roster
  order), ``sheets.md`` and ``keys.md`` (the same as Markdown), ``keys.csv``
  (one row per box), ``moodle.xml`` (a Moodle quiz, see ``moodle``) and
  ``index.csv`` (student → variant);
* ``page/``: a practice page per variant, ``page/ID.html``, holding that
  variant only: it marks what the student types and shows no value they
  have not typed (with ``reveal``, Show buttons reveal each line); and
  ``page/index.html``, where a student types their ID to open their page;
* ``figures/ID.svg``: each variant's drawing, made once and used by its
  sheet in every document.

Sheets and keys are document blocks. Typst typesets the sheets of a group of
students as one document and their keys as another, on two cores, and pikepdf
(qpdf) splits each student's pages out of them and joins the groups' documents
into the class's, with a bookmark per student. The folder is written whole or
not at all.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from backprop_tutor.core.network import Network
from backprop_tutor.io.folder import files_in, output_folder
from backprop_tutor.output.drawing import network_svg
from backprop_tutor.output.reports.sheet import Exercise, key_blocks, sheet_blocks
from backprop_tutor.output.writers import to_markdown, typst_document
from backprop_tutor.teaching.class_answers import answers_template
from backprop_tutor.teaching.exercise import (
    Answer,
)
from backprop_tutor.teaching.variants import ANSWER_DECIMALS, Variant

#: A CSV cell starting with one of these is run as a formula by a spreadsheet (OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

KEYS_CSV_HEADER = ["student", "variant", "hidden_activation", "quantity", "expected", "tolerance"]

@dataclass(frozen=True)
class ClassKit:
    """What ``build_class_kit`` wrote."""

    out: Path
    files: list[str]
    variants: list[Variant]


@dataclass(frozen=True)
class _Written:
    """One variant's part of the class documents, made by a worker: the Typst markup and the
    Markdown of its sheet and key, and its answers."""

    sheet: str
    key: str
    sheet_markdown: str
    key_markdown: str
    answers: list[Answer]


#: The class documents: file name stem → (the title of the class's file, of one student's file).
DOCUMENTS = {"sheet": ("Question sheets", "Question sheet"), "key": ("Answer keys", "Answer key")}


def build_class_kit(variants: list[Variant], out, ask="default", answer_decimals: int = ANSWER_DECIMALS,
                    force: bool = False, reveal: bool = False, paper: str = "a4") -> ClassKit:
    """Write every variant's sheet, key, network file and page, and the class documents, into ``out``.

    ``reveal``: the pages have Show buttons. ``paper``: ``a4`` or ``letter``.

    The class is cut into groups of ``CLASS_DOCUMENT`` students. A worker takes a
    group and writes each student's drawing and network file, and returns their
    sheets and keys as Typst markup. Typst then typesets a group's keys as one
    document and its sheets as another, the two cores taking the documents in
    turn, and pikepdf splits each student's ``key-ID.pdf`` and ``sheet-ID.pdf`` out
    of them; the practice pages come last, in small shares, so that both workers
    finish close together. Meanwhile this process writes the class's Markdown, CSV
    and Moodle files, and joins the groups' documents, in roster order, into the
    class's ``keys.pdf`` and ``sheets.pdf``.
    """
    from backprop_tutor.output.moodle import moodle_xml
    from backprop_tutor.output.page import ASSETS, copy_assets

    with output_folder(out, force) as work:
        for folder in ("networks", "figures", "page"):
            (work / folder).mkdir()
        copy_assets(work / "page", ("choose.js", "formulas.js", "marking.js", "page.js", "page.css"))
        shutil.copyfile(ASSETS / "choose.html", work / "page" / "index.html")
        starts = range(0, len(variants), CLASS_DOCUMENT)
        with _executor_for(len(variants)) as pool:
            groups = [pool.submit(_write_variants, variants[start:start + CLASS_DOCUMENT], ask,
                                  answer_decimals, work) for start in starts]
            written: list[_Written] = []
            typeset = []
            for start, job in zip(starts, groups, strict=True):
                group = job.result()
                written += group
                ids = [v.id for v in variants[start:start + len(group)]]
                # The keys take longest to typeset: each group's go first.
                typeset.append({name: pool.submit(_typeset, name, ids, [getattr(w, name) for w in group],
                                                  paper, work, _group_file(name, start))
                                for name in ("key", "sheet")})
            pages = [pool.submit(_write_pages, variants[k::SHARES], answer_decimals, reveal, work)
                     for k in range(SHARES)]
            for name in DOCUMENTS:
                text = "\n\n".join(getattr(w, f"{name}_markdown").rstrip("\n") for w in written)
                (work / f"{name}s.md").write_text(text + "\n", encoding="utf-8")
            boxes = {variant.id: w.answers for variant, w in zip(variants, written, strict=True)}
            (work / "keys.csv").write_text(keys_csv(variants, boxes), encoding="utf-8")
            (work / "index.csv").write_text(_csv([["student", "variant"]] + [
                [v.student, v.id] for v in variants]), encoding="utf-8")
            (work / "moodle.xml").write_bytes(moodle_xml(variants, boxes))
            (work / "answers-template.csv").write_text(_csv(
                answers_template([(v.student, v.id) for v in variants], boxes[variants[0].id])),
                encoding="utf-8")
            class_documents = {name: _ClassDocument(name, work, [v.id for v in variants])
                               for name in DOCUMENTS}
            for start, documents in zip(starts, typeset, strict=True):
                for name, document in documents.items():
                    class_documents[name].append(_group_file(name, start), document.result())
            for class_document in class_documents.values():
                class_document.write()
            for job in pages:
                job.result()
    return ClassKit(Path(out), files_in(Path(out)), variants)


#: Worker processes: one per core of the machine it was written for.
WORKERS = 2
#: Students whose sheets (and keys) are typeset as one document. Typst holds a whole document
#: in memory while it typesets it, about 7 MB per key and 3 MB per sheet: 50 keep each worker
#: under half a gigabyte.
CLASS_DOCUMENT = 50
#: The practice pages are dealt out in this many shares (every eighth variant to a share).
SHARES = 4 * WORKERS


def _write_variants(group: list[Variant], ask, answer_decimals: int, work: Path) -> list[_Written]:
    """Each variant of a group: its drawing and network file written; its sheet and key."""
    from backprop_tutor.output.writers.typst import part

    written = []
    for variant in group:
        exercise = Exercise(variant.network, ask, answer_decimals)
        figure = f"figures/{variant.id}.svg"
        (work / figure).write_text(network_svg(variant.network, standalone=True), encoding="utf-8")
        sheet = sheet_blocks(variant.network, exercise, figure, variant.id, variant.student)
        key = key_blocks(variant.network, exercise, variant.id, variant.student)
        (work / "networks" / f"{variant.id}.toml").write_text(network_toml(variant.network),
                                                              encoding="utf-8")
        written.append(_Written(part(sheet), part(key), to_markdown(sheet), to_markdown(key),
                                exercise.answers))
    return written


def _group_file(name: str, start: int) -> str:
    """The file of a group's sheets or keys (``name``), until they join the class's."""
    return f".{name}s-{start}.pdf"


def _write_pages(share: list[Variant], answer_decimals: int, reveal: bool, work: Path) -> None:
    """The practice page of each variant of a share: ``page/ID.html``, that variant only."""
    from backprop_tutor.output.page import render_page

    for variant in share:
        (work / "page" / f"{variant.id}.html").write_text(
            render_page({variant.id: variant.network}, decimals=answer_decimals, reveal=reveal,
                        source=f"variant {variant.id}"), encoding="utf-8")


def _typeset(name: str, ids: list[str], parts: list[str], paper: str, work: Path,
             group: str) -> list[int]:
    """A group of students' sheets or keys typeset as one document, written to the file
    ``group`` in ``work``, and each student's pages of it as ``{name}-ID.pdf``; the index of
    each student's first page in it."""
    import pikepdf

    from backprop_tutor.output.writers.typst import document_of_parts

    class_title, title = DOCUMENTS[name]
    pdf, starts = _compile_parts(document_of_parts(parts, class_title, paper), work, group)
    (work / group).write_bytes(pdf)
    with pikepdf.open(work / group) as document:
        for vid, first, last in zip(ids, starts, [*starts[1:], len(document.pages)], strict=True):
            with pikepdf.new() as student:
                student.pages.extend(document.pages[first:last])
                student.docinfo["/Title"] = f"{title} {vid}"
                student.save(work / f"{name}-{vid}.pdf", deterministic_id=True)
    return starts


def _compile_parts(source: str, work: Path, name: str) -> tuple[bytes, list[int]]:
    """The PDF of a document of parts (``writers.typst.document_of_parts``), and the index of
    each part's first page."""
    import json

    import typst

    from backprop_tutor.output.writers.typst import PART_PAGES

    # Typst reads a document's positions (here: where each part starts) from a compiled file.
    path = work / f"{name}.typ"
    path.write_text(source, encoding="utf-8")
    try:
        compiler = typst.Compiler(str(path), root=str(work))
        # Untagged: a student's pages split out of the group's document could not keep their
        # share of its structure tree, and the tags would make the document six times larger.
        # (The split and joined files get catalogs of pikepdf's: _for_poppler is not needed.)
        pdf: bytes = compiler.compile(pdf_tags=False)   # type: ignore[assignment]  # one PDF
        starts = [page - 1 for page in json.loads(compiler.eval(PART_PAGES))]
    finally:
        path.unlink()
    # Typst keeps what it worked out for a document (about 7 MB a key) until ten further
    # compilations have not used it: ten empty ones let the next group reuse that memory.
    for _ in range(10):
        typst.compile(b"", ignore_system_fonts=True)   # no fonts needed: no time to find them
    return pdf, starts


class _ClassDocument:
    """The class's ``sheets.pdf`` or ``keys.pdf`` (``name``: ``sheet`` or ``key``): its groups'
    documents one after the other, appended as each is typeset, with a bookmark to each
    student's first page."""

    def __init__(self, name: str, work: Path, ids: list[str]):
        import pikepdf

        self.name, self.work, self.ids = name, work, ids
        self.document = pikepdf.new()
        self.groups: list = []   # kept open: their pages are copied when the class's is saved
        self.starts: list[int] = []

    def append(self, group: str, starts: list[int]) -> None:
        """The group's document (the file ``group``), whose students start at pages ``starts``."""
        import pikepdf

        self.starts += [len(self.document.pages) + k for k in starts]
        self.groups.append(pikepdf.open(self.work / group))
        self.document.pages.extend(self.groups[-1].pages)

    def write(self) -> None:
        import pikepdf

        class_title, title = DOCUMENTS[self.name]
        self.document.docinfo["/Title"] = class_title
        with self.document.open_outline() as outline:
            outline.root.extend(pikepdf.OutlineItem(f"{title} {vid}", page)
                                for vid, page in zip(self.ids, self.starts, strict=True))
        self.document.save(self.work / f"{self.name}s.pdf", deterministic_id=True)
        for group in self.groups:
            file = Path(group.filename)
            group.close()
            file.unlink()


def _executor_for(jobs: int):
    """Two worker processes for many jobs; for a few, this process (a pool costs ~0.3 s)."""
    from concurrent.futures import ThreadPoolExecutor

    from backprop_tutor.io.processes import worker_pool

    if jobs < 8:
        return ThreadPoolExecutor(max_workers=1)
    return worker_pool(WORKERS)   # spawned, and they end with this process


def write_blank_sheet(network: Network, path, ask="default",
                      answer_decimals: int = ANSWER_DECIMALS, paper: str = "a4",
                      note: str = "") -> None:
    """The question sheet of ``network`` itself (no variant) as a PDF at ``path``.

    ``note``: a sentence under the heading (where the numbers come from).
    """
    import tempfile

    import typst

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "network.svg").write_text(network_svg(network, standalone=True), encoding="utf-8")
        blocks = sheet_blocks(network, Exercise(network, ask, answer_decimals), "network.svg",
                              label="", student="", note=note)
        pdf = typst.compile(typst_document(blocks, "Question sheet", paper).encode("utf-8"),
                            root=str(work))  # type: ignore[type-var]  # the stub wants one type for both
        Path(path).write_bytes(_for_poppler(pdf))


def _for_poppler(pdf: bytes) -> bytes:
    """Typst's PDF without ``/Suspects false`` in its catalog's MarkInfo.

    ``false`` is valid and the default, but poppler (22.12, as in Debian 12) warns "Suspects
    object is wrong type" on it. The key is blanked with spaces of the same length, so every
    offset in the file's cross-reference table stays right.
    """
    key = b"/Suspects false"
    return pdf.replace(key, b" " * len(key)) if pdf.count(key) == 1 else pdf


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([[csv_cell(c) for c in row] for row in rows])
    return buffer.getvalue()


def csv_cell(text: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula (OWASP, "CSV injection").

    A text that starts with = + - @, a tab or a carriage return gets a leading
    apostrophe, which spreadsheets read as "this cell is text"; a number is left
    as it is, so the keys' values stay numbers.

    >>> [csv_cell(c) for c in ("=HYPERLINK(1)", "@SUM(A1)", "+1+1", "-2+3", "-0.0708", "st-07")]
    ["'=HYPERLINK(1)", "'@SUM(A1)", "'+1+1", "'-2+3", '-0.0708', 'st-07']
    """
    if text.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def keys_csv(variants: list[Variant], boxes: dict[str, list[Answer]]) -> str:
    """One row per asked quantity: student, variant, hidden activation, quantity, expected, tolerance."""
    rows = [KEYS_CSV_HEADER]
    for variant in variants:
        rows += [[variant.student, variant.id, a.activation, a.quantity, a.written,
                  a.written_tolerance] for a in boxes[variant.id]]
    return _csv(rows)


def network_toml(network: Network) -> str:
    """``network`` as a network file (the format ``load_network`` reads)."""
    def numbers(values) -> str:
        return "[" + ", ".join(repr(v) for v in values) + "]"

    lines = [f"title = {_toml_string(network.title)}"]
    if network.description:
        lines.append(f"description = {_toml_string(network.description)}")
    lines += [f"learning_rate = {network.learning_rate!r}", f'loss = "{network.loss}"',
              f"inputs = {numbers(network.inputs)}", f"targets = {numbers(network.targets)}"]
    for layer in network.layers:
        lines += ["", "[[layers]]", f'activation = "{layer.activation}"',
                  "weights = [" + ", ".join(numbers(row) for row in layer.weights) + "]"]
        if layer.biases is not None:
            lines.append(f"biases = {numbers(layer.biases)}")
            if not layer.train_biases:
                lines.append("train_biases = false")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    r"""``text`` as a TOML basic string.

    JSON escapes every control character but DEL, which TOML forbids too.

    >>> print(_toml_string('Net "A"\x7f\n'))
    "Net \"A\"\u007f\n"
    """
    import json

    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
