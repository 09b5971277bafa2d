"""MkDocs hook: the built notebooks (notebooks/**/*.ipynb) become pages of the site.

They stay where `notebooks/build.py` writes them; mkdocs-jupyter renders them
(without running them) under `notebooks/` in the site.
"""

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


@event_priority(100)   # before mkdocs-jupyter's on_files, which turns .ipynb files into pages
def on_files(files, config):
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        name = path.relative_to(NOTEBOOKS.parent).as_posix()   # notebooks/solutions/x.ipynb
        files.append(File(name, str(NOTEBOOKS.parent), config["site_dir"], config["use_directory_urls"]))
    return files
