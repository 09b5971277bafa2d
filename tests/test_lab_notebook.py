"""The lab notebook asks for a prediction before every experiment it runs.

(That it runs cleanly, in a fresh kernel, is tested with every notebook in test_notebooks.py.)
"""

from pathlib import Path

import jupytext

SOURCE = Path(__file__).resolve().parents[1] / "notebooks" / "lab_hyperparameters.py"


def test_every_experiment_comes_after_a_prediction():
    cells = jupytext.read(SOURCE, fmt="py:percent").cells
    experiments = 0
    prediction_pending = False
    for cell in cells:
        if cell.cell_type == "markdown" and "**Your prediction.**" in cell.source:
            prediction_pending = True
        elif cell.cell_type == "code" and (".run(" in cell.source or "measure(" in cell.source):
            assert prediction_pending, f"no prediction asked before:\n{cell.source}"
            prediction_pending = False
            experiments += 1
    assert experiments == 6


def test_code_cells_are_short():
    for cell in jupytext.read(SOURCE, fmt="py:percent").cells:
        if cell.cell_type == "code":
            assert len([line for line in cell.source.splitlines() if line.strip()]) <= 10
