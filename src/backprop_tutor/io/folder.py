"""Output folders written whole or not at all.

A command that writes a folder of files (the tutorial pack, the class kit,
the practice page) builds it in a temporary folder beside ``out`` and moves it
into place at the end, so a reader never sees half a folder. The rules:

* ``out`` is checked before any work: it must not be empty (``""``), ``.``,
  ``..``, nor a folder that holds the current folder or this package (``--force``
  would replace them); its parent must be a folder we may write in.
* A non-empty ``out`` is refused unless ``force``; with ``force`` its old content
  is replaced only once the new one is complete, and only if it is a folder this
  program wrote (it holds the marker file ``MARKER``): ``--out ~ --force`` must
  never delete a home folder. A symbolic link named as
  ``out`` is replaced by the folder (the folder it pointed to is left alone).
* Without ``force`` the refusal holds at the moment of the move: a folder is
  moved with ``os.rename``, which never replaces a non-empty folder, so of two
  runs into the same new ``out`` the second fails instead of replacing the first.
* The temporary folder is ``.NAME.PID.XXXXXXXX``: one left behind by a run that
  was killed (its process no longer exists) is removed by the next run.
  SIGTERM is handled like Ctrl-C: the temporary folder is removed.
* The final folder has the usual mode (``0o777`` less the umask).
* A file-system failure (read-only, no permission, disk full) is an
  ``OutputFolderError``: one line naming the folder.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from backprop_tutor.errors import OutputFolderError

_PACKAGE = Path(__file__).resolve().parent.parent

#: The file in every folder this program writes: --force replaces only such folders.
MARKER = ".backprop-tutor"

# errno values of a write that failed because of the place written to, not the code.
_FOLDER_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES,
                  errno.EPERM, errno.ENOTDIR, errno.EEXIST, errno.ENOTEMPTY, errno.EIO}


def check_output_folder(out, force: bool = False) -> Path:
    """``out`` as a Path, or OutputFolderError if it cannot be written as asked."""
    if str(out) == "":
        raise OutputFolderError('""', None, "an empty name is no output folder")
    out = Path(out)
    try:
        _check(out, force)
    except OSError as error:
        raise _folder_error(out, error) from None
    return out


def _check(out: Path, force: bool) -> None:
    if out.name in ("", ".", ".."):
        raise OutputFolderError(out, None, "names the current folder or a parent of it; "
                                           "name a new folder")
    place = out.parent.resolve() / out.name   # the link itself if `out` is a symbolic link
    for kept, what in ((Path.cwd().resolve(), "the current folder"), (_PACKAGE, "this program")):
        if kept == place or place in kept.parents:
            raise OutputFolderError(out, None, f"holds {what}; name a new folder")
    if out.is_symlink():
        if not force:
            raise OutputFolderError(out, None, "is a symbolic link (use --force to replace it)")
    elif out.exists() and not out.is_dir():
        raise OutputFolderError(out, None, "exists and is not a folder")
    elif out.is_dir() and any(out.iterdir()):
        if not force:
            raise OutputFolderError(out, None, "is not empty (use --force to replace its content)")
        if not (out / MARKER).is_file():
            raise OutputFolderError(out, None, "is not empty and was not written by backprop-tutor "
                                               "(--force replaces only its own folders)")
    parent = next((p for p in place.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise OutputFolderError(out, None, f"cannot be made: {parent} is not a folder")
    if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
        raise OutputFolderError(out, None, f"cannot be made: no permission to write in {parent}")


@contextmanager
def output_folder(out, force: bool = False) -> Iterator[Path]:
    """A temporary folder to fill; moved to ``out`` when the block ends without an error.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with output_folder(root / "pack") as work:
    ...     _ = (work / "a.txt").write_text("a")
    >>> files_in(root / "pack")
    ['a.txt']
    """
    out = check_output_folder(out, force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(out)
        work = _new_work_folder(out)
    except OSError as error:
        raise _folder_error(out, error) from None
    try:
        with _sigterm_as_interrupt():
            yield work
            _move_into_place(work, out, force)
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        if error.errno not in _FOLDER_ERRORS or not _about(error, work, out):
            raise
        raise _folder_error(out, error) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _about(error: OSError, *folders: Path) -> bool:
    # A failed write() names no file; a failed open or rename names its path.
    if error.filename is None:
        return True
    path = Path(os.path.abspath(error.filename))
    return any(path == f.absolute() or f.absolute() in path.parents for f in folders)


def _folder_error(out: Path, error: OSError) -> OutputFolderError:
    if error.errno in (errno.EEXIST, errno.ENOTEMPTY):
        return OutputFolderError(out, None, "was filled by another run meanwhile "
                                            "(use --force to replace its content)")
    return OutputFolderError(out, None, f"cannot be written ({error.strerror})")


def _new_work_folder(out: Path) -> Path:
    # Like tempfile.mkdtemp, but with our pid in the name (for remove_stale) and
    # os.mkdir's default mode (0o777 less the umask) instead of mkdtemp's 0o700.
    while True:
        work = out.with_name(f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            work.mkdir()
        except FileExistsError:
            continue
        (work / MARKER).write_text("Written by backprop-tutor: --force may replace this folder.\n")
        return work


def remove_stale(out: Path) -> list[Path]:
    """Remove the temporary folders of ``out`` left by runs whose process has ended."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(\d+)\.([0-9a-f]{{8}}|old)")
    removed = []
    for path in out.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if match and not _running(int(match.group(1))) and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # somebody else's process
        return True
    except (OverflowError, ValueError):   # no possible pid
        return False
    return True


@contextmanager
def _sigterm_as_interrupt():
    # `kill PID` then cleans up like Ctrl-C does. Signal handlers belong to the main thread.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _move_into_place(work: Path, out: Path, force: bool) -> None:
    if not force:
        # rename replaces at most an empty folder: a pack moved here by another run stays.
        os.rename(work, out)
        return
    old = out.with_name(f".{out.name}.{os.getpid()}.old")
    if out.is_symlink() or out.exists():
        os.rename(out, old)
    os.rename(work, out)
    if old.is_symlink() or old.is_file():
        old.unlink()
    elif old.exists():
        shutil.rmtree(old)


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder`` but the marker, as sorted relative paths."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and p.name != MARKER)
