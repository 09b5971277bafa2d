"""The derivation of Problem 1 as a document: a heading, the network, then its numbered sections.

>>> from backprop_tutor.core.network import DEFAULT_NETWORK, load_network
>>> from backprop_tutor.symbolic.derivation import derive
>>> text = render_derivation(derive(load_network(DEFAULT_NETWORK)), "text")
>>> text.splitlines()[0]
'Problem 1, backpropagation derived: Tutorial network (2-2-1)'
"""

from __future__ import annotations

from dataclasses import replace

from backprop_tutor.document.blocks import Block, Equations, Heading, Paragraph, Table
from backprop_tutor.document.formulas import prose
from backprop_tutor.output.writers import WRITERS
from backprop_tutor.symbolic.derivation import HEADING, Derivation, Section, render_json


def derivation_blocks(derivation: Derivation) -> list[Block]:
    """The derivation's sections as document blocks under one level-1 heading."""
    network = derivation.network
    hidden = "/".join(dict.fromkeys(layer.activation for layer in network.layers[:-1]))
    summary = ", ".join(([f"hidden {hidden}"] if hidden else [])
                        + [f"output {network.output_activation}", f"loss {network.loss}"])
    blocks: list[Block] = [Heading(1, f"{HEADING}: {network.title or 'Network'}"), Paragraph(summary + ".")]
    for index, section in enumerate(derivation.sections, start=1):
        blocks += section_blocks(section, f"{index}. ")
    return blocks


def section_blocks(section: Section, number: str = "") -> list[Block]:
    """One section of the board: its heading, paragraphs with formulas, equations and tables."""
    blocks: list[Block] = [Heading(2, number + section.heading)]
    for block in section.blocks:
        if isinstance(block, str):
            blocks.append(Paragraph(prose(block)))
        elif isinstance(block, Paragraph):
            blocks.append(block)
        elif isinstance(block, Table):
            blocks.append(Table(block.header, tuple(tuple(prose(c) if isinstance(c, str) else c
                                                          for c in row) for row in block.rows),
                                block.align))
        else:
            blocks.append(Equations(tuple(replace(eq, notes=tuple(prose(n) for n in eq.notes))
                                          for eq in block)))
    return blocks


def render_derivation(derivation: Derivation, output_format: str) -> str:
    """The derivation as ``text``, ``markdown``, ``latex``, ``typst`` or ``json``."""
    if output_format == "json":
        return render_json(derivation)
    return WRITERS[output_format](derivation_blocks(derivation))
