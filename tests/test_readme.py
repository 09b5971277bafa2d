"""The README and the documented Python API: links that lead somewhere, examples that run.

The API examples run as written, in a fresh folder, as a reader would.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API_PAGE = ROOT / "docs" / "python-api.md"


def test_every_link_and_image_of_the_readme_is_a_file_of_the_project():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    assert len(targets) >= 15
    assert not [t for t in targets if t.startswith(("http:", "https:"))]
    assert not [t for t in targets if not (ROOT / t.split("#")[0]).exists()]


def test_the_readme_is_short_and_its_quick_start_is_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = re.search(r"## Quick start\n.*?```sh\n(.*?)```", text, flags=re.S).group(1)
    assert len(text.splitlines()) < 250 and len(quick_start.strip().splitlines()) == 2


def test_the_python_api_examples_run(tmp_path):
    examples = re.findall(r"```python\n(.*?)```", API_PAGE.read_text(encoding="utf-8"), flags=re.S)
    assert len(examples) == 2 and "bt.solve(" in examples[0] and "build_class_kit(" in examples[1]
    for n, code in enumerate(examples):          # each block is a script of its own
        (tmp_path / f"example{n}.py").write_text(code, encoding="utf-8")
        done = subprocess.run([sys.executable, f"example{n}.py"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "pack" / "tutorial.pdf").exists() and (tmp_path / "kit" / "keys.csv").exists()
