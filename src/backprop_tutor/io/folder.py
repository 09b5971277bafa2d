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
  never delete a home folder. The marker is checked at the start (to refuse
  before any work) and again at the moment of the swap: the old folder is
  renamed aside, its marker checked, and only then is it deleted; a folder
  without the marker (put at ``out`` during the run) is renamed back, untouched,
  and the run ends with an error. A symbolic link named as ``out`` is replaced
  by the folder (the folder it pointed to is left alone).
* Without ``force`` the refusal holds at the moment of the move: a folder is
  moved with ``os.rename``, which never replaces a non-empty folder, so of two
  runs into the same new ``out`` the second fails instead of replacing the first.
* The temporary folder is ``.NAME.PID.XXXXXXXX`` (8 hexadecimal digits), the
  old folder set aside at the swap ``.NAME.PID.XXXXXXXX.old``. One left behind
  by a run that was killed (its process no longer exists) is removed by the
  next run, but only if it has exactly such a name and holds the marker: a
  user's folder that happens to be named like one is left alone.
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from backprop_tutor.errors import OutputFolderError
from backprop_tutor.io.processes import sigterm_as_interrupt

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
        with sigterm_as_interrupt():
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
        try:
            (work / MARKER).write_text("Written by backprop-tutor: --force may replace this folder.\n")
        except BaseException:   # a full disk: leave no empty temporary folder behind
            shutil.rmtree(work, ignore_errors=True)
            raise
        return work


def _temporary_name(out: Path) -> re.Pattern:
    """The names of ``out``'s temporary folders: group 1 is the pid of the run."""
    return re.compile(rf"\.{re.escape(out.name)}\.([1-9][0-9]{{0,9}})\.[0-9a-f]{{8}}(?:\.old)?")


def remove_stale(out: Path) -> list[Path]:
    """Remove the temporary folders of ``out`` left by runs whose process has ended.

    Only a folder (not a link) with a temporary folder's exact name that holds
    the marker is removed; one without the marker only if it is empty (a run
    killed between making it and writing the marker).
    """
    pattern = _temporary_name(out)
    removed = []
    for path in out.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if not match or _running(int(match.group(1))) or path.is_symlink() or not path.is_dir():
            continue
        if _ours(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                path.rmdir()   # refuses a folder that holds anything
            except OSError:
                continue
        removed.append(path)
    return removed


def _ours(folder: Path) -> bool:
    """Whether ``folder`` is a folder (not a link to one) that holds the marker file."""
    return folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file()


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


def _move_into_place(work: Path, out: Path, force: bool) -> None:
    if not force:
        # rename replaces at most an empty folder: a pack moved here by another run stays.
        os.rename(work, out)
        return
    # What is at `out` now may not be what was checked at the start: set it aside
    # first (nobody else uses that name), look at it there, and only then delete it.
    old = work.with_name(work.name + ".old")
    try:
        os.rename(out, old)
    except FileNotFoundError:
        os.rename(work, out)
        return
    if not (old.is_symlink() or _ours(old) or (old.is_dir() and not any(old.iterdir()))):
        _put_back(old, out)
    os.rename(work, out)
    if old.is_symlink():
        old.unlink()   # the link only: what it points to is left alone
    else:
        shutil.rmtree(old)


def _put_back(old: Path, out: Path):
    """Return a folder that is not ours to ``out``, untouched; raise OutputFolderError."""
    try:
        os.rename(old, out)
    except OSError:   # something else took `out` meanwhile: say where the folder is
        raise OutputFolderError(out, None, f"was replaced during the run by a folder backprop-tutor "
                                           f"did not write, now kept as {old.name}") from None
    raise OutputFolderError(out, None, "was replaced during the run by a folder backprop-tutor "
                                       "did not write; it is left as it was")


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder`` but the marker, as sorted relative paths."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and p.name != MARKER)
