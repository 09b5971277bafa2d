"""The notebooks: built from their sources, in sync, and they run and show the right numbers.

Every notebook that notebooks/build.py builds (the student version, or the
guided, standard and open levels, and the solution of every source in
notebooks/) is executed once per test session, with nbclient, in a new IPython
kernel of the interpreter running the tests, in an empty temporary working
folder. The kernel's IPython, matplotlib and Keras settings folders are
temporary too, so that running the notebooks leaves nothing behind. So are two
variants of the guided notebooks built here: every blank filled with the
solution's line ("filled:"), and one filled with a wrong line ("wrong σ′:").
The notebooks the selected tests need run at once, several kernels at a time.

The expected numbers are worked by hand from examples/tutorial.toml
(i = (0.5, 1), t1 = 0.9, w = (0.3, 0.4, -0.6, 0.1, 0.7, -0.5), b = (0.1, 0.1, 0.2),
η = 0.5), never taken from the package; tests/reference/reference_values.py
(mpmath) agrees with every one of them:

    sigmoid hidden  net_h1 = 0.3·0.5 + 0.4·1 + 0.1 = 0.65,  net_h2 = -0.6·0.5 + 0.1·1 + 0.1 = -0.1
                    out_h1 = σ(0.65) = 0.657010,  out_h2 = σ(-0.1) = 0.475021
                    net_o1 = 0.7·0.657010 - 0.5·0.475021 + 0.2 = 0.422397,  out_o1 = 0.604057
                    E = ½(0.9 - 0.604057)² = 0.043791
                    delta_o1 = (0.604057 - 0.9)·0.604057·(1 - 0.604057) = -0.070781
                    delta_h1 = 0.7·(-0.070781)·0.657010·(1 - 0.657010) = -0.011165
                    w1_new = 0.3 - 0.5·(-0.011165)·0.5 = 0.302791
    tanh hidden     out_h1 = tanh(0.65) = 0.571670, out_h2 = tanh(-0.1) = -0.099668
                    net_o1 = 0.650003, out_o1 = 0.657011, delta_o1 = -0.054757, E = 0.029522
    relu hidden     out_h1 = 0.65, out_h2 = 0 (net_h2 < 0), net_o1 = 0.655
                    out_o1 = 0.658136, delta_o1 = -0.054418, E = 0.029249, delta_h2 = 0
    E after the update (a forward pass with the new weights): 0.039548, 0.026081, 0.025631
    Keras' MSE      E = (0.9 - 0.604057)² = 0.087582; its gradient is twice the tutorial's,
                    so w5 = 0.7 - 0.5·2·(-0.070781)·0.657010 = 0.746504 after one update
    σ′ from net     (the slip the wrong guided line makes) σ′(net_h1) = 0.65·(1 - 0.65) = 0.2275
                    where out_h1·(1 - out_h1) = 0.657010·0.342990 = 0.225348; at the output
                    delta_o1 = (0.604057 - 0.9)·0.422397·(1 - 0.422397) = -0.072204
"""

from __future__ import annotations

import ast
import asyncio
import importlib.util
import inspect
import os
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

from backprop_tutor.networks import from_scratch

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: Seconds one cell may take; the slowest (importing TensorFlow) takes a few.
CELL_TIMEOUT = 180
#: Kernels at a time: each waits on its own start-up and TensorFlow's import.
KERNELS = max(2, min(4, os.cpu_count() or 1))


def load_builder():
    spec = importlib.util.spec_from_file_location("build_notebooks", NOTEBOOKS / "build.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    return builder


BUILDER = load_builder()
BUILT = BUILDER.rendered()
NAMES = sorted(str(path.relative_to(NOTEBOOKS)) for path in BUILT)
MINE = ("problem1_derivation", "problem2_single_update", "problem3_numpy", "problem4_keras")
LEVELLED = ("problem3_numpy", "problem4_keras")
STUDENT_LEVELS = [f"{level}/{stem}.ipynb" for stem in LEVELLED for level in BUILDER.LEVELS]


class CurrentPythonKernel(AsyncKernelManager):
    """Starts ipykernel with this interpreter, whatever kernelspecs are installed.

    Without kernel folders to search, jupyter_client falls back to ipykernel's
    own "python3" spec, whose command is ``sys.executable -m ipykernel_launcher``.
    So the kernel sees this environment's packages in a fresh venv where no
    kernelspec was ever registered, and a user-wide "python3" kernelspec that
    points at another Python cannot take its place.
    """

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self):
        return KernelSpecManager(kernel_dirs=[])


# ---------------------------------------------------------------- guided blanks

def blank_lines(code: str) -> set[int]:
    """The (0-based) lines of a cell that hold a blank ``...``."""
    if "..." not in code:
        return set()   # (and a cell with an IPython magic is no Python)
    return {node.lineno - 1 for node in ast.walk(ast.parse(code))
            if isinstance(node, ast.Constant) and node.value is Ellipsis}


def solution_lines(stem: str) -> dict[str, list[str]]:
    """The solution's code cells that define a function, by their ``def`` line."""
    solution = BUILDER.build(NOTEBOOKS / f"{stem}.py", "solution")
    return {cell.source.splitlines()[0]: cell.source.splitlines() for cell in solution.cells
            if cell.cell_type == "code" and cell.source.startswith("def ")}


def guided_filled(stem: str, wrong: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The guided notebook with each blank line replaced by the solution's line there,
    or by ``wrong[solution line]`` where given."""
    notebook = BUILDER.build(NOTEBOOKS / f"{stem}.py", "guided")
    answers = solution_lines(stem)
    for cell in notebook.cells:
        if cell.cell_type == "code" and blank_lines(cell.source):
            lines, blanks = cell.source.splitlines(), blank_lines(cell.source)
            solution = answers[lines[0]]
            cell.source = "\n".join(solution[k] if k in blanks else line
                                    for k, line in enumerate(lines))
            for line, right in (wrong or {}).items():
                cell.source = cell.source.replace(line, right)
    return notebook


#: Notebooks that are not files: "VARIANT:path" → the notebook.
VARIANTS = {
    "filled": lambda path: guided_filled(Path(path).stem),
    "wrong σ′": lambda path: guided_filled(Path(path).stem, {
        "return out, out * (1 - out)": "return out, net * (1 - net)"}),
}


def notebook_of(name: str) -> nbformat.NotebookNode:
    if ":" in name:
        variant, path = name.split(":", 1)
        return VARIANTS[variant](path)
    return nbformat.read(NOTEBOOKS / name, as_version=4)


# ---------------------------------------------------------------- running them

@pytest.fixture(scope="module")
def execute(request, tmp_path_factory):
    """Run a notebook (once) and return it with its outputs, and its working folder.

    The first call runs every notebook that the selected tests of this module ask
    for (their ``name`` parameter), ``KERNELS`` at a time.
    """
    settings = tmp_path_factory.mktemp("kernel-settings")
    env = {**os.environ, "IPYTHONDIR": str(settings / "ipython"),
           "MPLCONFIGDIR": str(settings / "matplotlib"), "KERAS_HOME": str(settings / "keras")}
    wanted = list(dict.fromkeys(
        item.callspec.params["name"] for item in request.session.items
        if getattr(item, "module", None) is request.module and "execute" in item.fixturenames
        and "name" in getattr(getattr(item, "callspec", None), "params", {})))
    done = {}

    async def run_one(name, limit):
        async with limit:
            notebook = notebook_of(name)
            folder = tmp_path_factory.mktemp(re.sub(r"\W+", "-", name))
            client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                    kernel_manager_class=CurrentPythonKernel,
                                    resources={"metadata": {"path": str(folder)}})
            try:
                await client.async_execute(env=env)   # CellExecutionError if a cell fails
            except Exception as error:  # noqa: BLE001 -- raised again by the test that asks
                return error
            return notebook, folder

    async def run_all(names):
        limit = asyncio.Semaphore(KERNELS)
        return await asyncio.gather(*(run_one(name, limit) for name in names))

    def run(name: str):
        if name not in done:
            names = [n for n in wanted if n not in done] + ([] if name in wanted else [name])
            done.update(zip(names, asyncio.run(run_all(names)), strict=True))
        if isinstance(done[name], Exception):
            raise done[name]
        return done[name]

    return run


def text_of(cell) -> str:
    """Everything a code cell printed or showed as text (Markdown included)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            data = output.data
            parts.append(data.get("text/markdown") or data.get("text/plain", ""))
    return "".join(parts)


def cell_text(notebook, containing: str) -> str:
    """The output of the one code cell whose source contains ``containing``."""
    cells = [cell for cell in notebook.cells
             if cell.cell_type == "code" and containing in cell.source]
    assert len(cells) == 1, f"expected one code cell containing {containing!r}, found {len(cells)}"
    return text_of(cells[0])


def images(notebook) -> int:
    return sum("image/png" in output.get("data", {})
               for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs)


def numbers_after(text: str, label: str) -> list[float]:
    """The numbers on the line that starts with ``label`` (after leading spaces)."""
    for line in text.splitlines():
        if line.strip().startswith(label + " ") or line.strip() == label:
            return [float(word) for word in line.strip()[len(label):].split()]
    raise AssertionError(f"no line starting with {label!r} in:\n{text}")


# ---------------------------------------------------------------- every notebook

@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_cleanly(execute, name):
    notebook, folder = execute(name)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"cell {cell.id} did not run"
        for output in cell.outputs:
            assert output.output_type != "error", f"cell {cell.id}: {output.get('ename')}"
            # A warning or TensorFlow's start-up chatter would end up here, in red.
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"cell {cell.id} wrote to stderr:\n{output.text}")
    assert list(folder.iterdir()) == [], "a notebook wrote files into its working folder"


# ---------------------------------------------------------------- the key numbers

@pytest.mark.parametrize("name", ["problem1_derivation.ipynb"])
def test_problem1_student_checker_waits_for_formulas(execute, name):
    notebook, _ = execute(name)
    marks = cell_text(notebook, "check_formulas(network, my_formulas)")
    assert marks.count("not written yet") == 12 and "✓" not in marks and "✗" not in marks


@pytest.mark.parametrize("name", ["solutions/problem1_derivation.ipynb"])
def test_problem1_solution_derives_proves_and_marks_formulas(execute, name):
    notebook, _ = execute(name)
    assert cell_text(notebook, "check_formulas(network, my_formulas)").count("✓") == 12
    derivation = cell_text(notebook, "bt.derive(network)")
    assert "Problem 1" in derivation and "\\delta" in derivation and "$$" in derivation
    summary = cell_text(notebook, 'print("Proven:"')
    assert "Proven: True" in summary
    assert "delta_o1 = out_o1*(1 - out_o1)*(out_o1 - t1)" in summary
    assert "dE_dw1 = delta_h1*i1" in summary
    marks = cell_text(notebook, "check_formulas(network, example)")
    assert "✓ dE_dw6 = (out_o1 - t1) * out_o1 * (1 - out_o1) * out_h2" in marks
    # The slip delta_h1 · i2 gives -0.0111653 · 1; the right value is -0.0111653 · 0.5.
    assert "✗ dE_dw1 = delta_h1 * i2" in marks
    assert "gives -0.0111653 at the file's numbers, where dE_dw1 = -0.00558265" in marks
    # delta_h1 alone equals dE_dw2 = delta_h1 · i2 at i2 = 1: caught at random numbers.
    assert "✗ dE_dw2 = delta_h1" in marks and "only by coincidence" in marks
    assert marks.count("✗") == 2 and marks.count("✓") == 1


@pytest.mark.parametrize("name", ["problem2_single_update.ipynb"])
def test_problem2_student_checker_waits_for_answers(execute, name):
    notebook, _ = execute(name)
    assert cell_text(notebook, "for activation, answers in my_answers.items()").count(
        "no answers yet") == 3


@pytest.mark.parametrize("name", ["solutions/problem2_single_update.ipynb"])
def test_problem2_solution_from_scratch_and_by_the_package(execute, name):
    notebook, _ = execute(name)
    scratch = cell_text(notebook, "delta_o1 = (out_o1 - g[")
    assert "out_o1 = 0.604057, E = 0.043791, delta_o1 = -0.070781, delta_h1 = -0.011165" in scratch
    assert "w1 = 0.302791" in scratch
    agreement = cell_text(notebook, "largest difference from scratch")
    assert float(agreement.split(":")[1]) < 1e-15
    expected = {"sigmoid": ("0.604057", "-0.070781", "0.043791", "0.039548"),
                "tanh": ("0.657011", "-0.054757", "0.029522", "0.026081"),
                "relu": ("0.658136", "-0.054418", "0.029249", "0.025631")}
    for activation, (out_o1, delta_o1, loss, after) in expected.items():
        worked = cell_text(notebook, f'render_markdown([bt.Case(sheets["{activation}"])])')
        assert (f"hidden {activation}: out_o1 = {out_o1}, delta_o1 = {delta_o1}; "
                f"E = {loss} before the update, {after} after") in worked
        assert r"\delta_{o1} &= " in worked and f"= {delta_o1} \\\\" in worked
    assert "net_h2 = -0.1, delta_h2 = 0" in cell_text(notebook, "print(f\"net_h2 = ")
    table = cell_text(notebook, "for name in [q.name for q in")
    assert numbers_after(table, "out_h1") == pytest.approx([0.65701, 0.57167, 0.65])
    assert numbers_after(table, "delta_o1") == [-0.070781, -0.054757, -0.054418]
    assert numbers_after(table, "delta_h1")[0] == -0.011165
    assert numbers_after(table, "delta_h2")[2] == 0          # ReLU: h2 is inactive
    assert numbers_after(table, "w3_new")[2] == -0.6         # ... so its weights stay
    assert numbers_after(table, "E after") == [0.039548, 0.026081, 0.025631]
    assert images(notebook) == 3                             # one network drawing per activation


@pytest.mark.parametrize("name", ["solutions/problem2_single_update.ipynb"])
def test_problem2_says_when_an_update_lowers_the_loss(execute, name):
    notebook, _ = execute(name)
    steps = cell_text(notebook, "near = replace(network")
    # ½(0.9 - 1)² = 0.005 < 0.043791: even a step that saturates the output lowers E.
    assert "E before: 0.043791; E if out_o1 were 1: 0.005" in steps
    lines = steps.splitlines()[1:]
    assert len(lines) == 6
    assert all(line.endswith("(lower)") for line in lines if line.startswith("the file's"))
    near = [line for line in lines if line.startswith("a target near")]
    assert near[0].endswith("(lower)") and near[-1].endswith("(HIGHER)")


@pytest.mark.parametrize("name", ["solutions/problem2_single_update.ipynb"])
def test_problem2_checker_marks_the_slip_once_and_follows_through(execute, name):
    notebook, _ = execute(name)
    marks = cell_text(notebook, "bt.check_answers(network, example_answers)")
    assert "✗ delta_h1 = -0.011536" in marks and "✗ delta_h2 = 0.008529" in marks
    assert marks.count("hint: the backward pass must use the weights from before the update") == 2
    # Worked correctly from the wrong delta_h1: -0.011536 · 0.5 = -0.005768.
    assert "✓ dE_dw1 = -0.005768" in marks
    assert "✓ w1_new = 0.302884" in marks                 # 0.3 - 0.5 · (-0.005768)
    assert "20 of 22 answers right" in marks


@pytest.mark.parametrize("name", STUDENT_LEVELS)
def test_every_level_reports_its_first_exercise_unfilled(execute, name):
    notebook, _ = execute(name)
    checks = [text_of(cell) for cell in notebook.cells
              if cell.cell_type == "code" and cell.source.startswith("check")]
    assert checks and checks[0].startswith("not written yet: fill in ")
    assert all(text.startswith("not written yet: fill in ") for text in checks)
    shown = "".join(text_of(cell) for cell in notebook.cells if cell.cell_type == "code")
    assert "✗" not in shown and "✓" not in shown and "Traceback" not in shown


@pytest.mark.parametrize("name", ["guided/problem3_numpy.ipynb"])
def test_guided_problem3_names_the_first_blank(execute, name):
    notebook, _ = execute(name)
    assert cell_text(notebook, "check.activation(activation)") == (
        "not written yet: fill in `out = ...  # σ(net), elementwise` in activation above\n")
    assert "`net_h = ...  # W1 x + b1, shape (n_hidden,)` in forward" in cell_text(
        notebook, "check.forward(forward)")


EXPECTED_P3 = [  # worked by hand: see the module's docstring
    "✓ σ(net_h) = [0.65701, 0.475021], Problem 2's out_h; σ′(net_h) = [0.225348, 0.249376]",
    "✓ relu′(0) = 0",
    "✓ hidden sigmoid: net_h1 net_h2 out_h1 out_h2 net_o1 out_o1 as Problem 2 (out_o1 = 0.604057)",
    "✓ hidden tanh: net_h1 net_h2 out_h1 out_h2 net_o1 out_o1 as Problem 2 (out_o1 = 0.657011)",
    "✓ hidden relu: net_h1 net_h2 out_h1 out_h2 net_o1 out_o1 as Problem 2 (out_o1 = 0.658136)",
    "✓ hidden sigmoid: 9 gradients as Problem 2 (delta_o1 = -0.070781",
    "✓ hidden tanh: 9 gradients as Problem 2 (delta_o1 = -0.054757",
    "✓ hidden relu: 9 gradients as Problem 2 (delta_o1 = -0.054418",
    "✓ hidden sigmoid: E = 0.043791 before the first update, 0.039548 before the second",
    "✓ hidden tanh: E = 0.029522 before the first update, 0.026081 before the second",
    "✓ hidden relu: E = 0.029249 before the first update, 0.025631 before the second",
]


@pytest.mark.parametrize("name", ["filled:guided/problem3_numpy.ipynb",
                                  "solutions/problem3_numpy.ipynb"])
def test_problem3_filled_in_passes_every_check(execute, name):
    notebook, _ = execute(name)
    checks = "".join(text_of(cell) for cell in notebook.cells
                     if cell.cell_type == "code" and cell.source.startswith("check."))
    for line in EXPECTED_P3:
        assert line in checks
    assert checks.count("✓") == 13 and "✗" not in checks and "not written" not in checks


@pytest.mark.parametrize("name", ["wrong σ′:guided/problem3_numpy.ipynb"])
def test_a_wrong_guided_line_names_the_quantity_expected_and_got(execute, name):
    notebook, _ = execute(name)
    activation = cell_text(notebook, "check.activation(activation)")
    assert activation.startswith(
        "✗ σ′(net_h1): expected 0.225348, got 0.2275 (off by 0.00215229)\n"
        "  hint: σ′ taken as net(1 − net): net_h where out_h belongs\n")
    assert "✓ tanh(net_h)" in activation        # the other activations are right
    backward = cell_text(notebook, "check.backward(backward)")
    assert backward.startswith("✗ delta_o1 (hidden sigmoid): expected -0.0707814, got -0.0722036")
    assert "hint: σ′ taken as net(1 − net): net_o1 where out_o1 belongs" in backward


def test_guided_cells_are_the_solution_with_blanks():
    """Each guided function is its solution with some lines cut after a prefix: the same lines
    elsewhere, so that filling every blank with the solution's line gives the solution."""
    for stem in LEVELLED:
        guided = BUILDER.build(NOTEBOOKS / f"{stem}.py", "guided")
        answers, blanks = solution_lines(stem), 0
        for cell in guided.cells:
            if cell.cell_type != "code" or not blank_lines(cell.source):
                continue
            lines = cell.source.splitlines()
            solution = answers[lines[0]]
            assert len(lines) == len(solution), lines[0]
            for k, line in enumerate(lines):
                if k in blank_lines(cell.source):
                    blanks += 1
                    assert solution[k].startswith(line.split("...")[0]), (line, solution[k])
                else:
                    assert line == solution[k]
        assert blanks >= 2


def test_problem3_solution_is_the_from_scratch_module():
    """The solution's four functions are, character for character, networks/from_scratch.py's
    (which the pack prints); every student level defines the same names with the same signatures."""
    functions = [from_scratch.activation, from_scratch.forward, from_scratch.backward,
                 from_scratch.train]
    solution = solution_lines("problem3_numpy")
    for function in functions:
        source = inspect.getsource(function).rstrip("\n")
        assert "\n".join(solution[source.splitlines()[0]]) == source
    for level in ("guided", "standard"):
        built = BUILDER.build(NOTEBOOKS / "problem3_numpy.py", level)
        code = [line for cell in built.cells if cell.cell_type == "code"
                for line in cell.source.splitlines()]
        for function in functions:
            assert inspect.getsource(function).splitlines()[0] in code, (level, function)
    open_level = BUILDER.build(NOTEBOOKS / "problem3_numpy.py", "open")
    spec = "\n".join(cell.source for cell in open_level.cells)
    for function in functions:
        signature = f"`{function.__name__}{inspect.signature(function)}`".replace("'", "")
        assert signature in spec, signature


@pytest.mark.parametrize("name", ["solutions/problem3_numpy.ipynb"])
def test_problem3_solution_checks_trains_and_plots(execute, name):
    notebook, _ = execute(name)
    checks = cell_text(notebook, "finite_difference_gradients(net)")
    for activation in ("sigmoid", "tanh", "relu"):
        to_worksheet, to_differences, after_step = numbers_after(checks, activation)
        # What the Markdown under the table says: rounding only, and 1e-10 or better.
        assert to_worksheet < 1e-15 and after_step < 1e-15 and to_differences <= 1e-10
    curves = cell_text(notebook, "curves = learning_curves(network")
    assert numbers_after(curves, "0") == pytest.approx([0.0437912, 0.0295218, 0.029249], abs=1e-7)
    assert numbers_after(curves, "1") == pytest.approx([0.0395479, 0.0260807, 0.0256311], abs=1e-7)
    assert all(loss < 1e-6 for loss in numbers_after(curves, "1000"))
    # Learning curves, "try it yourself", the activations (the learning rate is the lab's).
    assert images(notebook) == 3
    assert "relu′" in cell_text(notebook, "cost_text(measure(")


@pytest.mark.parametrize("name", ["filled:guided/problem4_keras.ipynb",
                                  "solutions/problem4_keras.ipynb"])
def test_problem4_filled_in_passes_every_check(execute, name):
    notebook, _ = execute(name)
    assert cell_text(notebook, "check.weights(build_my_model)") == (
        "✓ w1 w2 w3 w4 w5 w6 b_h1 b_h2 b_o1 as the network file (each kernel is W.T)\n")
    assert cell_text(notebook, "keras_after = check.update(").startswith(
        "✓ Keras' loss before the update: 0.087582; after it w1, w2")
    assert "(w5_new = 0.746504)" in cell_text(notebook, "keras_after = check.update(")
    assert cell_text(notebook, "check.random_start(").startswith("✓ seed 42: ")


@pytest.mark.parametrize("name", ["solutions/problem4_keras.ipynb"])
def test_problem4_solution_shows_the_factor_two(execute, name):
    notebook, _ = execute(name)
    compared = cell_text(notebook, "tutorial = bt.solve(network)")
    assert "E before the update: 0.043791 (tutorial), 0.087582 (mse worked by hand)" in compared
    # Keras, Problem 2 (½Σ), the mse step worked by hand.
    assert numbers_after(compared, "w5") == [0.746504, 0.723252, 0.746504]
    factor = cell_text(notebook, 'print(f"K = {K} output unit(s)')
    assert "K = 1 output unit(s), 2/K = 2" in factor
    assert numbers_after(factor, "delta_o1") == [-0.070781, -0.141563, 2.0]
    assert numbers_after(factor, "E") == [0.043791, 0.087582, 2.0]
    runs = cell_text(notebook, "as_tutorial = {label")
    # Keras' MSE with η = 0.25 takes the tutorial's step with η = 0.5; with η = 0.5 it goes further.
    after_one = dict(re.findall(r"^(.+?)\s+E_tutorial after 1 update: (\S+)", runs, re.MULTILINE))
    assert after_one["Keras MSE, η = 0.25"] == after_one["tutorial loss, η = 0.5"]
    assert float(after_one["Keras MSE, η = 0.5"]) < float(after_one["tutorial loss, η = 0.5"])
    assert "seed 42" in cell_text(notebook, "random_start = compare_with_numpy")
    precision = cell_text(notebook, 'for precision in ("float64", "float32")')
    differences = dict(re.findall(r"(float\d\d): max \|Keras - NumPy\| after 10 updates = (\S+)",
                                  precision))
    assert float(differences["float64"]) < 1e-12 and float(differences["float32"]) < 1e-5
    assert images(notebook) == 1


@pytest.mark.parametrize("name", ["open/problem4_keras.ipynb"])
def test_open_problem4_asks_for_problem2s_update(execute, name):
    notebook, _ = execute(name)
    assert 'check.update(build_my_model, train_step, loss="half_sse")' in "".join(
        cell.source for cell in notebook.cells)


# ---------------------------------------------------------------- the files as committed

def student_versions(stem: str) -> list[str]:
    if stem in LEVELLED:
        return [f"{level}/{stem}.ipynb" for level in BUILDER.LEVELS]
    return [f"{stem}.ipynb"]


def test_every_source_builds_its_student_notebooks_and_mine_a_solution():
    sources = BUILDER.sources()
    assert {source.stem for source in sources} >= set(MINE)
    for source in sources:
        assert set(student_versions(source.stem)) <= set(NAMES)
    for stem in LEVELLED:
        assert f"{stem}.ipynb" not in NAMES
    for stem in MINE:
        assert f"solutions/{stem}.ipynb" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_what_its_source_builds(name):
    path = NOTEBOOKS / name
    assert path.exists(), f"{name} is missing: run python notebooks/build.py"
    assert path.read_text(encoding="utf-8") == BUILT[path], (
        f"{name} differs from its source: run python notebooks/build.py")


def test_no_notebook_without_a_source():
    assert BUILDER.stale() == []


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebooks_have_no_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {cell.id}"
        assert "execution" not in cell.metadata


def test_student_and_solution_cells_go_where_their_tags_say(tmp_path):
    source = tmp_path / "example.py"
    source.write_text('# %% [markdown]\n# # Task\n\n# %% tags=["student"]\nanswer = None\n\n'
                      '# %% tags=["solution"]\nanswer = 42\n\n# %%\nprint(answer)\n')
    student, solution = (BUILDER.build(source, version) for version in ("student", "solution"))
    assert [cell.source for cell in student.cells] == ["# Task", "answer = None", "print(answer)"]
    assert [cell.source for cell in solution.cells] == ["# Task", "answer = 42", "print(answer)"]
    assert all("tags" not in cell.metadata for cell in student.cells + solution.cells)
    assert BUILDER.versions(source) == ("student", "solution")


def test_level_tags_choose_the_levels(tmp_path):
    source = tmp_path / "example.py"
    source.write_text('# %%\nsetup = 1\n\n# %% tags=["guided"]\nblank = ...\n\n'
                      '# %% tags=["standard", "open"]\nstub = None\n\n'
                      '# %% tags=["solution"]\nanswer = 42\n\n# %% tags=["student"]\nmine = 0\n')
    assert BUILDER.versions(source) == ("guided", "standard", "open", "solution")
    cells = {version: [cell.source for cell in BUILDER.build(source, version).cells]
             for version in BUILDER.versions(source)}
    assert cells == {"guided": ["setup = 1", "blank = ...", "mine = 0"],
                     "standard": ["setup = 1", "stub = None", "mine = 0"],
                     "open": ["setup = 1", "stub = None", "mine = 0"],
                     "solution": ["setup = 1", "answer = 42"]}
    assert BUILDER.path_of(source, "open") == NOTEBOOKS / "open" / "example.ipynb"


@pytest.mark.parametrize("stem", MINE)
def test_the_answer_is_not_under_your_work(stem):
    solution = nbformat.read(NOTEBOOKS / "solutions" / f"{stem}.ipynb", as_version=4)
    for name in student_versions(stem):
        student = nbformat.read(NOTEBOOKS / name, as_version=4)
        headings = [cell.source.splitlines()[0] for cell in student.cells
                    if cell.cell_type == "markdown"]
        assert "## Your work" in headings and not any("Solution" in h for h in headings), name
    assert any(cell.source.startswith("## Solution") for cell in solution.cells)
    assert not any(cell.source.startswith("## Your work") for cell in solution.cells)


@pytest.mark.parametrize("source", BUILDER.sources(), ids=lambda path: path.name)
def test_markdown_states_no_decimal_numbers(source):
    """Numbers of the network file are printed by code cells, never typed into the text,
    where they would drift from the file (decimals in formulas' code spans are fine)."""
    for cell in jupytext.read(source, fmt="py:percent").cells:
        if cell.cell_type == "markdown":
            prose = re.sub(r"`[^`]*`", "", cell.source)
            assert not re.findall(r"\d\.\d", prose), cell.source


@pytest.mark.parametrize("stem", MINE)
def test_code_cells_are_short(stem):
    """d2l.ai style: Markdown carries the explanation, code cells stay at 10 lines or fewer."""
    for cell in jupytext.read(NOTEBOOKS / f"{stem}.py", fmt="py:percent").cells:
        if cell.cell_type == "code":
            lines = [line for line in cell.source.splitlines() if line.strip()]
            assert len(lines) <= 10, cell.source
