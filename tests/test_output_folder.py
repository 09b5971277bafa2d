"""The atomic output folder (``tutorial --out``): refusals first, one-line errors, no debris."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import backprop_tutor
from backprop_tutor.errors import OutputFolderError
from backprop_tutor.io import folder
from backprop_tutor.io.folder import output_folder


def debris(parent: Path) -> list[str]:
    """Hidden temporary folders left beside the output folder."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def fill(out, force=False, text="new"):
    with output_folder(out, force) as work:
        (work / "a.txt").write_text(text)


@pytest.mark.parametrize("name", ["", ".", "..", "sub/..", "./"])
def test_the_current_folder_and_its_parents_are_refused_before_any_work(tmp_path, monkeypatch,
                                                                        name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("mine")
    (tmp_path / "sub").mkdir()
    with (pytest.raises(OutputFolderError, match=r"current folder|empty name"),
          output_folder(name, force=True)):
        pytest.fail("the work started")
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_a_folder_holding_the_current_folder_or_the_package_is_refused(tmp_path, monkeypatch):
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    with (pytest.raises(OutputFolderError, match="holds the current folder"),
          output_folder(tmp_path / "a", force=True)):
        pytest.fail("the work started")
    package = Path(backprop_tutor.__file__).parent
    with (pytest.raises(OutputFolderError, match="holds this program"),
          output_folder(package.parent, force=True)):
        pytest.fail("the work started")


def test_the_cli_refuses_dot_before_building_the_pack(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = run("tutorial", "--out", ".", "--force")
    assert (status, out) == (2, "")
    assert err == ("backprop-tutor: error: .: names the current folder or a parent of it; "
                   "name a new folder\n")
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_the_way(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputFolderError, match=r"afile/sub: cannot be made: .*afile is not a folder"):
        fill(tmp_path / "afile" / "sub")
    with pytest.raises(OutputFolderError, match="exists and is not a folder"):
        fill(tmp_path / "afile", force=True)


def test_a_parent_without_write_permission(tmp_path, monkeypatch):
    # As root every folder is writable: ask os.access what an ordinary user would be told.
    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr(folder.os, "access", lambda path, mode: Path(path) != locked)
    with pytest.raises(OutputFolderError, match=r"no permission to write in .*locked"):
        fill(locked / "pack")


@pytest.mark.parametrize("code, words", [(errno.EROFS, "Read-only file system"),
                                         (errno.ENOSPC, "No space left on device")])
def test_a_read_only_or_full_disk_at_the_move(tmp_path, monkeypatch, code, words):
    def fails(*args):
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(folder.os, "rename", fails)
    with pytest.raises(OutputFolderError, match=rf"pack: cannot be written \({words}\)"):
        fill(tmp_path / "pack")
    assert debris(tmp_path) == [] and not (tmp_path / "pack").exists()


def test_a_full_disk_while_writing(tmp_path):
    with (pytest.raises(OutputFolderError, match=r"pack: cannot be written \(No space left on device\)"),
          output_folder(tmp_path / "pack")):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))   # as write() raises it
    assert debris(tmp_path) == []


def test_a_read_only_file_system_at_the_start(tmp_path, monkeypatch):
    def fails(self, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
    monkeypatch.setattr(folder.Path, "mkdir", fails)
    with pytest.raises(OutputFolderError, match=r"cannot be written \(Read-only file system\)"):
        fill(tmp_path / "new" / "pack")


def test_the_folder_gets_the_usual_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        fill(tmp_path / "pack")
    finally:
        os.umask(umask)
    assert (tmp_path / "pack").stat().st_mode & 0o777 == 0o755


def test_a_symbolic_link_is_replaced_without_debris(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "old.txt").write_text("old")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(OutputFolderError, match="symbolic link"):
        fill(link)
    fill(link, force=True)
    assert not link.is_symlink() and (link / "a.txt").read_text() == "new"
    assert (target / "old.txt").read_text() == "old"   # what the link pointed to is left alone
    assert debris(tmp_path) == []


def test_force_replaces_a_pack(tmp_path):
    fill(tmp_path / "pack", text="first")
    with pytest.raises(OutputFolderError, match="is not empty"):
        fill(tmp_path / "pack")
    fill(tmp_path / "pack", force=True, text="second")
    assert (tmp_path / "pack" / "a.txt").read_text() == "second"
    assert debris(tmp_path) == []


def test_force_never_replaces_a_folder_it_did_not_write(tmp_path, run):
    # `tutorial --out ~ --force` once deleted a home folder: --force replaces only our own folders.
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputFolderError, match="was not written by backprop-tutor"):
        fill(home, force=True)
    status, out, err = run("page", "--out", str(home), "--force")
    assert (status, out) == (2, "") and "was not written by backprop-tutor" in err
    assert [p.name for p in home.iterdir()] == ["thesis.tex"]
    assert debris(tmp_path) == []


@pytest.mark.parametrize("exists", [False, True])
def test_two_runs_into_the_same_new_folder(tmp_path, exists):
    """Both pass the check at the start; the one that finishes second must not replace the first."""
    out = tmp_path / "pack"
    if exists:
        out.mkdir()   # an empty folder may be used without --force
    first, second = output_folder(out), output_folder(out)
    work_first, work_second = first.__enter__(), second.__enter__()
    (work_first / "a.txt").write_text("first")
    (work_second / "a.txt").write_text("second")
    first.__exit__(None, None, None)
    with pytest.raises(OutputFolderError, match="filled by another run"):
        second.__exit__(None, None, None)
    assert (out / "a.txt").read_text() == "first"
    assert debris(tmp_path) == []


def ended_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    return int(ended.stdout)


def make(path: Path, *files: str) -> Path:
    path.mkdir()
    for name in files:
        (path / name).write_text(name)
    return path


def test_stale_folders_of_ended_runs_are_removed(tmp_path):
    dead = ended_pid()
    stale = [make(tmp_path / f".pack.{dead}.0123abcd", folder.MARKER, "x"),
             make(tmp_path / f".pack.{dead}.0123abcd.old", folder.MARKER, "x"),
             make(tmp_path / f".pack.{dead}.89abcdef")]   # killed before its marker: empty
    alive = make(tmp_path / f".pack.{os.getppid()}.0123abcd", folder.MARKER)   # may be working
    other = make(tmp_path / f".packs.{dead}.0123abcd", folder.MARKER)          # another folder's
    fill(tmp_path / "pack")
    assert not any(path.exists() for path in stale)
    assert debris(tmp_path) == sorted(p.name for p in (alive, other))


@pytest.mark.parametrize("force", [False, True])
def test_a_users_folders_named_like_temporary_ones_are_left_alone(tmp_path, force):
    # Only a folder with this tool's exact temporary name AND the marker is removed.
    dead = ended_pid()
    users = [make(tmp_path / ".t10.999999.old", "thesis.tex"),               # the old pattern
             make(tmp_path / f".t10.{dead}.0123abcd", "thesis.tex"),          # exact name, no marker
             make(tmp_path / f".t10.{dead}.0123abcd.old", "thesis.tex"),
             make(tmp_path / f".t10.{dead}.old", folder.MARKER, "thesis.tex"),   # marker, not the name
             make(tmp_path / f".t10.{dead}.0123ABCD", folder.MARKER, "thesis.tex")]
    link = tmp_path / f".t10.{dead}.fedcba98"
    link.symlink_to(users[0])
    fill(tmp_path / "t10", force=force)
    for user in users:
        assert (user / "thesis.tex").read_text() == "thesis.tex"
    assert link.is_symlink()


def test_a_full_disk_when_the_marker_is_written_leaves_no_temporary_folder(tmp_path, monkeypatch):
    write_text = Path.write_text

    def full(self, *args, **kwargs):
        if self.name == folder.MARKER:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return write_text(self, *args, **kwargs)
    monkeypatch.setattr(folder.Path, "write_text", full)
    with pytest.raises(OutputFolderError, match=r"pack: cannot be written \(No space left"):
        fill(tmp_path / "pack")
    assert list(tmp_path.iterdir()) == []


def swap_in_a_users_folder(monkeypatch, out: Path):
    """Just before --force sets ``out`` aside, put a user's folder there (as another program might)."""
    rename = os.rename

    def swapping(source, target):
        if Path(source) == out and not (out / "thesis.tex").exists():
            shutil.rmtree(out)
            make(out, "thesis.tex")
        rename(source, target)
    monkeypatch.setattr(folder.os, "rename", swapping)


def test_force_checks_the_marker_at_the_moment_of_the_swap(tmp_path, monkeypatch):
    out = tmp_path / "pack"
    fill(out, text="first")                       # ours: --force may replace it
    swap_in_a_users_folder(monkeypatch, out)
    with pytest.raises(OutputFolderError, match="pack: was replaced during the run by a folder "
                                                "backprop-tutor did not write; it is left as it was"):
        fill(out, force=True, text="second")
    assert sorted(p.name for p in out.iterdir()) == ["thesis.tex"]
    assert (out / "thesis.tex").read_text() == "thesis.tex"
    assert debris(tmp_path) == []


def test_force_with_a_users_folder_swapped_in_during_a_command(tmp_path, monkeypatch, run):
    from backprop_tutor.output import page

    out = tmp_path / "site"
    fill(out)
    write_page = page.write_page

    def slow_write(*args, **kwargs):   # while the page is written, somebody puts a folder at out
        files = write_page(*args, **kwargs)
        shutil.rmtree(out)
        make(out, "thesis.tex")
        return files
    monkeypatch.setattr(page, "write_page", slow_write)
    status, stdout, err = run("page", "--out", str(out), "--force")
    assert (status, stdout) == (2, "") and "did not write; it is left as it was" in err
    assert sorted(p.name for p in out.iterdir()) == ["thesis.tex"]
    assert debris(tmp_path) == []


def test_a_folder_that_cannot_be_put_back_is_named(tmp_path, monkeypatch):
    out = tmp_path / "pack"
    fill(out)
    rename = os.rename

    def racing(source, target):
        if Path(source) == out:   # set aside a user's folder; then another run fills `out`
            shutil.rmtree(out)
            make(out, "thesis.tex")
            rename(source, target)
            make(out, "b.txt")
            return
        rename(source, target)
    monkeypatch.setattr(folder.os, "rename", racing)
    with pytest.raises(OutputFolderError, match=r"did not write, now kept as \.pack\.\d+\.[0-9a-f]{8}\.old"):
        fill(out, force=True)
    kept = [p for p in tmp_path.iterdir() if p.name.endswith(".old")]
    assert [sorted(q.name for q in p.iterdir()) for p in kept] == [["thesis.tex"]]


def test_force_replaces_an_empty_folder_and_a_link_swapped_in(tmp_path, monkeypatch):
    out = tmp_path / "pack"
    fill(out)
    target = make(tmp_path / "target", "keep.txt")
    rename = os.rename

    def to_link(source, target_path):
        if Path(source) == out and not out.is_symlink():
            shutil.rmtree(out)
            out.symlink_to(target)
        rename(source, target_path)
    monkeypatch.setattr(folder.os, "rename", to_link)
    fill(out, force=True, text="second")
    assert not out.is_symlink() and (out / "a.txt").read_text() == "second"
    assert (target / "keep.txt").read_text() == "keep.txt"   # what the link pointed to stays
    assert debris(tmp_path) == []


HELPER = textwrap.dedent("""\
    import sys, time
    from backprop_tutor.io.folder import output_folder
    with output_folder(sys.argv[1]) as work:
        (work / "half.txt").write_text("half")
        print("ready", flush=True)
        time.sleep(60)
    """)


def start_helper(out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(backprop_tutor.__file__).parent.parent)}
    process = subprocess.Popen([sys.executable, "-c", HELPER, str(out)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout.readline() == "ready\n"
    return process


def test_sigterm_cleans_up_like_ctrl_c(tmp_path):
    process = start_helper(tmp_path / "pack")
    assert len(debris(tmp_path)) == 1
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode != 0 and "KeyboardInterrupt" in err
    assert debris(tmp_path) == [] and not (tmp_path / "pack").exists()


def test_a_killed_run_leaves_debris_that_the_next_run_removes(tmp_path):
    process = start_helper(tmp_path / "pack")
    process.kill()
    process.communicate(timeout=30)   # reaped: its pid is gone
    assert debris(tmp_path) == [f".pack.{process.pid}.{name.split('.')[-1]}"
                                for name in debris(tmp_path)]
    assert len(debris(tmp_path)) == 1
    fill(tmp_path / "pack")
    assert debris(tmp_path) == [] and (tmp_path / "pack" / "a.txt").read_text() == "new"
