"""``python -m backprop_tutor``: the same as the ``backprop-tutor`` command."""

from backprop_tutor.cli import main

main()
