"""The documentation site builds with `mkdocs build --strict` and links only inside itself."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r'(?:href|src)="([^"#?]*)[^"]*"')


def test_the_site_builds_strict_and_every_link_stays_inside(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    pages = [page for page in site.rglob("*.html") if page.name != "404.html"]   # 404: absolute, by design
    assert len(pages) > 20 and (site / "notebooks" / "solutions" / "problem3_numpy" / "index.html").exists()
    outside = []
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if not target or target.startswith(("data:", "mailto:")):
                continue
            if urlparse(target).scheme:               # http(s): a request to another site
                outside.append(f"{page.relative_to(site)}: {target}")
                continue
            resolved = (page.parent / unquote(target)).resolve()
            if not resolved.is_relative_to(site.resolve()) or not resolved.exists():
                outside.append(f"{page.relative_to(site)}: {target}")
    assert not outside, outside[:20]

    # The API reference is made from the docstrings (mkdocstrings), not copied by hand.
    from backprop_tutor.core import worksheet
    first_line = worksheet.__doc__.strip().splitlines()[0]
    assert first_line in (site / "reference" / "index.html").read_text(encoding="utf-8")
