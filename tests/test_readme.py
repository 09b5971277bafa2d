"""The documented Python API examples run as written (in a fresh folder, as a reader would)."""

import re
import subprocess
import sys
from pathlib import Path

API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "python-api.md"


def test_the_python_api_examples_run(tmp_path):
    examples = re.findall(r"```python\n(.*?)```", API_PAGE.read_text(encoding="utf-8"), flags=re.S)
    assert len(examples) == 2 and "bt.solve(" in examples[0] and "build_class_kit(" in examples[1]
    for n, code in enumerate(examples):          # each block is a script of its own
        (tmp_path / f"example{n}.py").write_text(code, encoding="utf-8")
        done = subprocess.run([sys.executable, f"example{n}.py"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "pack" / "tutorial.pdf").exists() and (tmp_path / "kit" / "keys.csv").exists()
