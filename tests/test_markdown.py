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
