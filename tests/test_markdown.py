"""Every Markdown output is GitHub-flavoured Markdown whose tables parse as tables (markdown-it-py)."""

import pytest

from backprop_tutor.core.network import EXAMPLES


@pytest.mark.parametrize("args", [
    ("solve", "--format", "markdown"),
    ("solve", "--format", "markdown", "--check", str(EXAMPLES / "deep.toml")),
    ("derive", "--format", "markdown"),
    ("derive", "--format", "markdown", str(EXAMPLES / "mazur.toml"), "--hidden-activation", "relu",
     "--loss", "mse"),
])
def test_markdown_tables_parse(run, gfm_tables, args):
    status, out, err = run(*args)
    assert status == 0 and err == ""
    assert gfm_tables(out) >= 1


def test_a_pipe_in_a_cell_stays_in_its_cell(gfm_tables):
    from backprop_tutor.document.blocks import Math, Table
    from backprop_tutor.output.writers import to_markdown

    table = Table(("quantity", "max |Keras − NumPy|"), (("w1", Math("|x|", r"\lvert x \rvert |y|")),))
    assert gfm_tables(to_markdown([table])) == 1


def test_contents_links_reach_their_headings_as_github_names_them():
    """Each contents link is the anchor GitHub gives the heading: `_` kept, punctuation dropped.

    The headings' ids come from markdown-it-py's anchors plugin (GitHub's rule) applied to the
    Markdown as rendered, so the escaping of `_` in the heading is undone before the slug is made.
    """
    from urllib.parse import unquote

    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin

    from backprop_tutor.document.blocks import Contents, Heading
    from backprop_tutor.output.writers import to_markdown
    from backprop_tutor.output.writers.markdown import anchor

    texts = ["dE_dw5 and w5_new", "Problem 1: deriving backpropagation", "δ_o1 = ∂E/∂net_o1",
             "Case 1 of 3: Tutorial network (2-2-1)"]
    markdown = to_markdown([Contents(depth=2), *(Heading(2, text) for text in texts)])
    tokens = MarkdownIt().use(anchors_plugin, max_level=6).parse(markdown)
    ids = [t.attrs["id"] for t in tokens if t.type == "heading_open"]
    links = [unquote(c.attrs["href"]) for t in tokens for c in t.children or []   # δ is %CE%B4
             if c.type == "link_open"]
    assert links == [f"#{i}" for i in ids]
    # By hand, GitHub's rule: lower case; keep letters, digits, _ and -; each space a -.
    assert [anchor(text) for text in texts] == [
        "de_dw5-and-w5_new", "problem-1-deriving-backpropagation", "δ_o1--enet_o1",
        "case-1-of-3-tutorial-network-2-2-1"]
