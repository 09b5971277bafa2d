"""Build the notebooks from their Jupytext sources, without outputs.

    python notebooks/build.py            # write the .ipynb files
    python notebooks/build.py --check    # write nothing; exit 1 if a file is out of date

Every other ``notebooks/*.py`` is a source in Jupytext's percent format, and the
single source of its notebooks. A cell tagged ``student`` goes into the student
notebook only, a cell tagged ``solution`` into the solution notebook only, every
other cell into both:

    notebooks/NAME.py  ──►  notebooks/NAME.ipynb             (student: exercises, "Your work")
                       └─►  notebooks/solutions/NAME.ipynb   (only if NAME.py has solution cells)

The output is deterministic: cell ids are numbered, metadata is reduced to the
kernel, and nbformat writes the JSON with sorted keys.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jupytext
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
#: A cell with one of these tags goes into that version only.
VERSIONS = ("student", "solution")


def sources() -> list[Path]:
    """Every notebook source: the .py files of notebooks/ but this script."""
    return sorted(path for path in HERE.glob("*.py") if path.name != Path(__file__).name)


def build(source: Path, version: str) -> nbformat.NotebookNode:
    """The ``version`` ("student" or "solution") of a source as a notebook without outputs."""
    parsed = jupytext.read(source, fmt="py:percent")
    notebook = new_notebook(metadata={"kernelspec": KERNELSPEC,
                                      "language_info": {"name": "python"}})
    other = next(v for v in VERSIONS if v != version)
    for cell in parsed.cells:
        tags = cell.metadata.get("tags", [])
        if other in tags:
            continue
        new = new_code_cell if cell.cell_type == "code" else new_markdown_cell
        kept = new(cell.source)
        kept.id = f"cell-{len(notebook.cells) + 1:02d}"
        if [t for t in tags if t not in VERSIONS]:
            kept.metadata["tags"] = [t for t in tags if t not in VERSIONS]
        notebook.cells.append(kept)
    nbformat.validate(notebook)
    return notebook


def has_solution(source: Path) -> bool:
    cells = jupytext.read(source, fmt="py:percent").cells
    return any("solution" in cell.metadata.get("tags", []) for cell in cells)


def rendered() -> dict[Path, str]:
    """Every notebook's path and the exact text of its file."""
    built = {}
    for source in sources():
        built[HERE / f"{source.stem}.ipynb"] = _text(build(source, "student"))
        if has_solution(source):
            built[SOLUTIONS / f"{source.stem}.ipynb"] = _text(build(source, "solution"))
    return built


def _text(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"


def stale() -> list[Path]:
    """Notebook files in notebooks/ that no source builds."""
    built = set(rendered())
    return sorted(path for path in [*HERE.glob("*.ipynb"), *SOLUTIONS.glob("*.ipynb")]
                  if path not in built)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a notebook differs from its source")
    args = parser.parse_args(argv)
    out_of_date = []
    for path, text in rendered().items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        out_of_date.append(path.relative_to(HERE))
        if not args.check:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {path.relative_to(HERE)}")
    for path in stale():
        print(f"built from no source (remove it?): {path.relative_to(HERE)}")
    if args.check and out_of_date:
        print("out of date (run python notebooks/build.py): " + ", ".join(map(str, out_of_date)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
