"""Shared helpers: run the command in-process as a user would, and write network files."""

from __future__ import annotations

import textwrap

import pytest

from backprop_tutor.cli import main


@pytest.fixture
def run(capsys):
    """Run ``backprop-tutor ARGS``; return (exit status, stdout, stderr)."""
    def run(*args: str):
        try:
            main(list(args))
        except SystemExit as exit:
            status = exit.code
        captured = capsys.readouterr()
        return status, captured.out, captured.err
    return run


@pytest.fixture
def network_file(tmp_path):
    """Write a network file from TOML text and return its path."""
    def write(text: str, name: str = "net.toml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return path
    return write
