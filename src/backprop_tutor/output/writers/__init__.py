"""One writer per output format: each turns a list of document blocks into text.

>>> from backprop_tutor.document.blocks import Heading, Paragraph
>>> print(WRITERS["markdown"]([Heading(1, "Loss"), Paragraph("E is `half_sse`.")]), end="")
# Loss
<BLANKLINE>
E is `half_sse`.
"""

from backprop_tutor.output.writers.latex import to_latex
from backprop_tutor.output.writers.markdown import to_markdown
from backprop_tutor.output.writers.text import to_text
from backprop_tutor.output.writers.typst import to_typst, typst_document

#: The writer of each output format, by the name the command line uses.
WRITERS = {"text": to_text, "markdown": to_markdown, "latex": to_latex, "typst": to_typst}

__all__ = ["WRITERS", "to_latex", "to_markdown", "to_text", "to_typst", "typst_document"]
