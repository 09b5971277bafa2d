"""Build the notebooks from their Jupytext sources, without outputs.

    python notebooks/build.py            # write the .ipynb files
    python notebooks/build.py --check    # write nothing; exit 1 if a file is out of date

Every other ``notebooks/*.py`` is a source in Jupytext's percent format, and the
single source of its notebooks. A cell's tags choose the versions it goes into:
a cell tagged ``solution`` goes into the solution notebook only, one tagged
``student`` into the student notebook(s) only, a cell without such a tag into
every version. A source with cells tagged by level (``guided``, ``standard``,
``open``) has a student notebook per level; a cell may carry several tags
(``tags=["standard", "open"]``):

    notebooks/NAME.py  ──►  notebooks/NAME.ipynb             (student: exercises, "Your work")
                       └─►  notebooks/solutions/NAME.ipynb   (only if NAME.py has solution cells)

    notebooks/NAME.py  ──►  notebooks/guided/NAME.ipynb      (with level tags: one per level)
                       ├─►  notebooks/standard/NAME.ipynb
                       ├─►  notebooks/open/NAME.ipynb
                       └─►  notebooks/solutions/NAME.ipynb

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
#: The student levels, from most to least help.
LEVELS = ("guided", "standard", "open")
#: The tags that choose versions; "student" stands for every student version.
VERSIONS = ("student", *LEVELS, "solution")


def sources() -> list[Path]:
    """Every notebook source: the .py files of notebooks/ but this script."""
    return sorted(path for path in HERE.glob("*.py") if path.name != Path(__file__).name)


def versions(source: Path) -> tuple[str, ...]:
    """The versions a source builds: "student" or the levels, then "solution" if it has one."""
    tags = {tag for cell in jupytext.read(source, fmt="py:percent").cells
            for tag in cell.metadata.get("tags", [])}
    students = LEVELS if tags & set(LEVELS) else ("student",)
    return (*students, "solution") if "solution" in tags else students


def goes_into(tags: list[str], version: str) -> bool:
    """Whether a cell with ``tags`` belongs in ``version``."""
    chosen = [tag for tag in tags if tag in VERSIONS]
    return not chosen or version in chosen or ("student" in chosen and version != "solution")


def path_of(source: Path, version: str) -> Path:
    """Where ``version`` of ``source`` is written."""
    folder = {"student": HERE, "solution": SOLUTIONS}.get(version, HERE / version)
    return folder / f"{source.stem}.ipynb"


def build(source: Path, version: str) -> nbformat.NotebookNode:
    """The ``version`` ("student", a level or "solution") of a source, without outputs."""
    parsed = jupytext.read(source, fmt="py:percent")
    notebook = new_notebook(metadata={"kernelspec": KERNELSPEC,
                                      "language_info": {"name": "python"}})
    for cell in parsed.cells:
        tags = cell.metadata.get("tags", [])
        if not goes_into(tags, version):
            continue
        new = new_code_cell if cell.cell_type == "code" else new_markdown_cell
        kept = new(cell.source)
        kept.id = f"cell-{len(notebook.cells) + 1:02d}"
        if [t for t in tags if t not in VERSIONS]:
            kept.metadata["tags"] = [t for t in tags if t not in VERSIONS]
        notebook.cells.append(kept)
    nbformat.validate(notebook)
    return notebook


def rendered() -> dict[Path, str]:
    """Every notebook's path and the exact text of its file."""
    return {path_of(source, version): _text(build(source, version))
            for source in sources() for version in versions(source)}


def _text(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"


def stale() -> list[Path]:
    """Notebook files in notebooks/ that no source builds."""
    built = set(rendered())
    folders = [HERE, SOLUTIONS, *(HERE / level for level in LEVELS)]
    return sorted(path for folder in folders for path in folder.glob("*.ipynb")
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
