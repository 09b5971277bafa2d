"""Output folders written whole or not at all.

A command that writes a folder of files (the tutorial pack, the class kit,
the practice page) builds it in a temporary folder beside ``out`` and moves it
into place at the end, so a reader never sees half a folder. A non-empty
``out`` is refused unless ``force`` is given; then its old content is replaced
only once the new one is complete.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from backprop_tutor.errors import OutputFolderError


def check_output_folder(out, force: bool = False) -> Path:
    """``out`` as a Path, or OutputFolderError if it cannot be written as asked."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputFolderError(out, None, "exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputFolderError(out, None, "is not empty (use --force to replace its content)")
    return out


@contextmanager
def output_folder(out, force: bool = False) -> Iterator[Path]:
    """A temporary folder to fill; moved to ``out`` when the block ends without an error.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with output_folder(root / "pack") as work:
    ...     _ = (work / "a.txt").write_text("a")
    >>> sorted(p.name for p in (root / "pack").iterdir())
    ['a.txt']
    """
    out = check_output_folder(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield work
        _move_into_place(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _move_into_place(work: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    work.rename(out)
    if old is not None:
        shutil.rmtree(old)


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder``, as sorted relative paths."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
