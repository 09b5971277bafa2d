"""The playground: every number of the network live in the browser, and training on small data sets.

``write_playground`` writes a static folder (``index.html`` and its scripts)
that works opened from the disk, with nothing fetched from the network:

* step mode: the network drawn with every net, out, δ, gradient and new
  weight at its place; every given number, activation and the loss editable;
  the worksheet's formulas, with the numbers in them, line by line;
* train mode: the same network trained on xor, moons, circles, spirals or a
  pasted CSV, with the decision boundary, the loss curves and the gradient
  norms of every layer moving as it learns.

The page's JavaScript is small and written to be read: ``worksheet.js`` writes
the worksheet's formula strings as ``core/worksheet.py`` does, ``formulas.js``
(shared with the practice page) evaluates them, ``network.js`` is the NumPy
network of Problem 3 line for line, ``toml.js`` reads and writes network
files. What the page knows comes from here as JSON: the registries of
activations and losses (so no formula is copied by hand), the starting
network, and the lab's data sets, made by ``networks/datasets.py`` for a few
seeds and split as the lab splits them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2

from backprop_tutor.core.activations import ACTIVATIONS
from backprop_tutor.core.losses import LOSSES
from backprop_tutor.core.network import Network
from backprop_tutor.core.worksheet import SECTIONS
from backprop_tutor.document import notation

ASSETS = Path(__file__).parent / "playground_assets"
#: The evaluator of formula strings, shared with the practice page.
SHARED = Path(__file__).parent / "page_assets" / "formulas.js"
SCRIPTS = ("formulas.js", "toml.js", "worksheet.js", "network.js", "data.js", "drawing.js",
           "app.js", "step.js", "train.js", "playground.js")
STYLE = "playground.css"

#: The data sets of the lab the page can train on, and the seeds whose data it holds.
DATASETS = ("xor", "moons", "circles", "spirals")
SEEDS = (0, 1, 2)
#: The lab's validation split (teaching/lab/runs.py): this fraction of the rows, drawn with seed 0.
VALIDATION = 0.2
#: Largest network the page builds: hidden layers × units, and outputs of a pasted CSV.
MAX_HIDDEN_LAYERS, MAX_UNITS, MAX_OUTPUTS = 4, 16, 16


def registry_data() -> dict:
    """The activations and losses as the page needs them: formula templates and constants.

    Loss templates are written for every number of outputs K the page allows,
    over ``{out}`` and ``{target}``: ``1/2 * ({target} - {out})**2`` for half_sse.

    >>> data = registry_data()
    >>> data["activations"]["sigmoid"]["derivative"], data["losses"]["mse"]["gradient"][1]
    ('{out} * (1 - {out})', '({out} - {target})')
    """
    outputs = range(1, MAX_OUTPUTS + 1)
    return {
        "activations": {name: {"output": a.output_formula, "derivative": a.derivative_formula,
                               "colour": a.colour} for name, a in ACTIVATIONS.items()},
        "losses": {name: {"description": loss.description,
                          "share": [loss.share_formula("{out}", "{target}", k) for k in outputs],
                          "gradient": [loss.gradient_formula("{out}", "{target}", k) for k in outputs],
                          "factor": [loss.factor(k) for k in outputs],
                          "divisor": [loss.divisor(k) for k in outputs]}
                   for name, loss in LOSSES.items()},
        "sections": SECTIONS,
        "symbols": notation.TEXT.symbols,
    }


def network_data(network: Network) -> dict:
    """A network as its file holds it (the page reads and writes the same structure)."""
    return {"title": network.title, "description": network.description,
            "inputs": list(network.inputs), "targets": list(network.targets),
            "learning_rate": network.learning_rate, "loss": network.loss,
            "layers": [{"activation": layer.activation,
                        "weights": [list(row) for row in layer.weights],
                        "biases": None if layer.biases is None else list(layer.biases),
                        "train_biases": layer.train_biases} for layer in network.layers]}


def dataset_data() -> dict:
    """The lab's data sets for each of ``SEEDS``: training rows and validation rows.

    xor is its four corners, trained on all of them (no validation rows, one seed).
    The others are split as the lab splits them.
    """
    from backprop_tutor.networks.datasets import load_dataset, split

    result: dict[str, dict[str, object]] = {}
    for name in DATASETS:
        result[name] = {}
        for seed in SEEDS[:1] if name == "xor" else SEEDS:
            data = load_dataset(name, seed=seed)
            if name == "xor":
                training, validation = data, None
            else:
                training, validation = split(data, VALIDATION, seed=0)
            result[name][str(seed)] = {
                "X": training.X.tolist(), "T": training.T.tolist(),
                "validation": None if validation is None else {"X": validation.X.tolist(),
                                                               "T": validation.T.tolist()}}
    return result


def playground_data(network: Network) -> dict:
    """Everything the page starts from, as JSON-ready data."""
    return {"network": network_data(network), "registry": registry_data(),
            "datasets": dataset_data(),
            "limits": {"hidden_layers": MAX_HIDDEN_LAYERS, "units": MAX_UNITS,
                       "outputs": MAX_OUTPUTS}}


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(ASSETS), autoescape=True,
                                     undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    # tojson escapes <, >, & and ' for HTML; the same data gives the same bytes.
    environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "allow_nan": False,
                                                 "ensure_ascii": False, "separators": (",", ":")}
    return environment


def write_playground(network: Network, folder) -> list[str]:
    """Write the playground starting from ``network`` into the existing ``folder``.

    Returns the names of the files written. The caller makes the folder
    atomic (``output_folder``); the files are the same for the same network.
    """
    folder = Path(folder)
    page = _environment().get_template("index.html").render(
        title=network.title or "Network",
        scripts=SCRIPTS, style=STYLE, data=playground_data(network), sections=SECTIONS,
        datasets=DATASETS, seeds=SEEDS, activations=list(ACTIVATIONS), losses=LOSSES,
        limits={"hidden_layers": MAX_HIDDEN_LAYERS, "units": MAX_UNITS})
    (folder / "index.html").write_text(page, encoding="utf-8")
    shutil.copyfile(SHARED, folder / "formulas.js")
    for name in (*SCRIPTS[1:], STYLE):
        shutil.copyfile(ASSETS / name, folder / name)
    return ["index.html", *SCRIPTS, STYLE]
