"""Shared helpers: run the command in-process as a user would, and write network files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from backprop_tutor.cli import cli


@pytest.fixture
def run():
    """Run ``backprop-tutor ARGS`` in this process (click's CliRunner); return (status, out, err).

    An exception that escaped the command (a traceback for the user) is raised here.
    """
    def run(*args: str):
        result = CliRunner().invoke(cli, list(args))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr
    return run


@pytest.fixture
def network_file(tmp_path):
    """Write a network file from TOML text and return its path."""
    def write(text: str, name: str = "net.toml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return path
    return write


def _cells(line: str) -> list[str]:
    # A GFM row: cells between unescaped pipes.
    return re.split(r"(?<!\\)\|", line.strip().strip("|"))


@pytest.fixture
def gfm_tables():
    """Check every table of a Markdown text with a real GFM parser; return how many there are.

    Each run of lines starting with | must parse as one table with one row per
    line and as many cells in every row as in its header: a stray | in a cell
    (even inside math or code) would break that.
    """
    from markdown_it import MarkdownIt

    def check(markdown: str) -> int:
        tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
        tables = [t for t in tokens if t.type == "table_open"]
        lines = markdown.splitlines()
        runs = [k for k, line in enumerate(lines)
                if line.startswith("|") and (k == 0 or not lines[k - 1].startswith("|"))]
        assert [t.map[0] for t in tables] == runs, "a table did not parse as a table"
        for table in tables:
            start, end = table.map
            rows = [t for t in tokens if t.type == "tr_open" and start <= t.map[0] < end]
            assert len(rows) == end - start - 1          # every line but the rule is a row
            widths = {len(_cells(line)) for line in lines[start:end]}
            assert len(widths) == 1, f"rows with different numbers of cells at line {start + 1}"
        return len(tables)
    return check


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, installed on first use (Playwright cannot download browsers here)."""
    if shutil.which("chromium") is None and shutil.which("apt-get") and os.geteuid() == 0:
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            subprocess.run(command, check=True, capture_output=True)
    path = shutil.which("chromium")
    assert path, "the browser tests need Chromium: apt-get install -y chromium"
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    """Headless Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path,
                                             headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def watch():
    """watch(page): lists that fill as the page runs, its console errors and warnings and its
    uncaught errors (``problems``), and every URL it requests (``requests``)."""
    def watch(page):
        problems, requests = [], []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        return problems, requests
    return watch


@pytest.fixture(scope="session")
def axe():
    """The accessibility violations axe-core finds on a page, as (rule, [nodes]) pairs.

    axe.min.js is the one the axe-playwright-python wheel ships (a test dependency:
    no npm, nothing fetched). Playwright's evaluate is not inline script, so the
    page's Content-Security-Policy lets it run; ``preload: false``, or axe would
    fetch the style sheet, which the policy forbids.
    """
    import axe_playwright_python

    source = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")

    def violations(page) -> list:
        page.evaluate(source + ";0")
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations'], preload: false})")
        return [(v["id"], [n["html"][:80] for n in v["nodes"]]) for v in result["violations"]]
    return violations
