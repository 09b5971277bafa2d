"""The class kit as a Moodle quiz: Moodle XML, one Cloze question per variant.

Every question sits in one question category, so a quiz's "random question
from this category" gives each student one variant. A question shows the
variant's given numbers and, per hidden activation, a numerical field per
asked quantity in Moodle's Cloze (embedded answers) syntax::

    {1:NUMERICAL:=0.6570:0.0001}

weight 1, the key's value, then its tolerance (see ``exercise.Answer``).
Import in Moodle: Question bank → Import → "Moodle XML format".
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.worksheet import given_values
from backprop_tutor.document.notation import format_number, text
from backprop_tutor.teaching.class_answers import variant_tag
from backprop_tutor.teaching.exercise import Answer
from backprop_tutor.teaching.variants import Variant

CATEGORY = "$course$/top/Backpropagation by hand (variants)"


def cloze_field(answer: Answer) -> str:
    """A Cloze numerical field: ``{1:NUMERICAL:=value:tolerance}``."""
    return f"{{1:NUMERICAL:={answer.written}:{answer.written_tolerance}}}"


def moodle_xml(variants: list[Variant], boxes: dict[str, list[Answer]],
               category: str = CATEGORY) -> bytes:
    """The quiz: a category, then one Cloze question per variant (UTF-8 bytes)."""
    quiz = ET.Element("quiz")
    head = ET.SubElement(quiz, "question", type="category")
    _text(ET.SubElement(head, "category"), category)
    for variant in variants:
        question = ET.SubElement(quiz, "question", type="cloze")
        _text(ET.SubElement(question, "name"), f"Variant {variant.id}")
        _text(ET.SubElement(question, "questiontext", format="html"),
              _question_html(variant, boxes[variant.id]))
        _text(ET.SubElement(question, "generalfeedback", format="html"),
              "<p>The worked solution is in this variant's answer key "
              f"(key-{variant.id}.pdf).</p>")
        ET.SubElement(question, "penalty").text = "0.3333333"
        ET.SubElement(question, "hidden").text = "0"
        ET.SubElement(question, "idnumber").text = variant.id
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="UTF-8", xml_declaration=True) + b"\n"


def _question_html(variant: Variant, answers: list[Answer]) -> str:
    network = variant.network
    decimals = answers[0].decimals if answers else 4
    given = ", ".join(f"{text(name)} = {format_number(value)}"
                      for name, value in given_values(network).items())
    # The tag names the variant in Moodle's Responses report, which `grade` reads.
    parts = [f"<p><b>{_html(variant_tag(variant.id))}</b> One step of stochastic gradient "
             f"descent on your network, for its one sample, with the loss "
             f"{_html(LOSSES[network.loss].description)} and a "
             f"{network.output_activation} output unit. The backward pass uses the weights "
             f"from before the update. Round every value to {decimals} decimals as you "
             f"go.</p>",
             f"<p>Given: {_html(given)}</p>"]
    by_activation: dict[str, list[Answer]] = {}
    for answer in answers:
        by_activation.setdefault(answer.activation, []).append(answer)
    for activation, group in by_activation.items():
        rows = "".join(f"<tr><td>{_html(text(a.quantity))}</td><td>{cloze_field(a)}</td></tr>"
                       for a in group)
        case = f"With {activation} hidden units" if len(network.layers) > 1 else "Your answers"
        parts.append(f"<p>{case}:</p><table>{rows}</table>")
    return "\n".join(parts)


def _html(words: str) -> str:
    # Quotes need no escaping in HTML text: "tutorial's" stays readable in the XML.
    return html.escape(words, quote=False)


def _text(parent: ET.Element, content: str) -> None:
    ET.SubElement(parent, "text").text = content
