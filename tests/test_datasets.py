"""The data sets: made in code, seeded, and a lecturer's CSV with one-line errors.

Expected numbers come from scikit-learn itself, from math, or are written out.
"""

import math
import re

import numpy as np
import pytest

from backprop_tutor.errors import DataFileError, InputError
from backprop_tutor.networks.datasets import DATASETS, load_dataset, split


def test_xor_is_the_truth_table():
    data = load_dataset("xor")
    assert data.X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert data.T.tolist() == [[0], [1], [1], [0]]


@pytest.mark.parametrize("name", DATASETS)
def test_same_seed_same_numbers_and_shapes(name):
    first, again = load_dataset(name, seed=3), load_dataset(name, seed=3)
    assert np.array_equal(first.X, again.X) and np.array_equal(first.T, again.T)
    assert first.X.dtype == first.T.dtype == np.float64
    assert first.X.shape == (len(first), len(first.input_names))
    assert first.T.shape == (len(first), len(first.target_names))
    assert first.input_names[0] == "i1" and first.target_names[0] == "t1"


@pytest.mark.parametrize("name", ["moons", "circles", "spirals", "sine"])
def test_another_seed_other_numbers_and_n_is_kept(name):
    assert not np.array_equal(load_dataset(name, seed=1).X, load_dataset(name, seed=2).X)
    assert len(load_dataset(name, n=37)) == 37


@pytest.mark.parametrize("n, noise, seed", [(50, 0.2, 4), (41, 0.0, 1), (7, 0.05, 0), (200, 0.1, 0),
                                            (2, 0.3, 12345)])
def test_moons_and_circles_are_scikit_learns(n, noise, seed):
    # Made in NumPy here; scikit-learn's own functions give the same numbers, bit for bit.
    from sklearn.datasets import make_circles, make_moons

    X, y = make_moons(n_samples=n, noise=noise, random_state=seed)
    moons = load_dataset("moons", n=n, noise=noise, seed=seed)
    assert np.array_equal(moons.X, X) and moons.T.ravel().tolist() == y.tolist()
    X, y = make_circles(n_samples=n, noise=noise, factor=0.5, random_state=seed)
    circles = load_dataset("circles", n=n, noise=noise, seed=seed)
    assert np.array_equal(circles.X, X) and circles.T.ravel().tolist() == y.tolist()


def test_no_data_set_imports_scikit_learn():
    import subprocess
    import sys

    code = ("import sys; from backprop_tutor.networks.datasets import DATASETS, load_dataset\n"
            "[load_dataset(name) for name in DATASETS]\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_spirals_are_two_balanced_classes_within_the_unit_disc():
    data = load_dataset("spirals", n=100, noise=0.0)
    assert data.T.sum() == 50 and set(data.T.ravel().tolist()) == {0.0, 1.0}
    radius = np.hypot(data.X[:, 0], data.X[:, 1])
    assert radius.max() <= 1.0 and radius.min() >= 0.05


def test_sine_without_noise_is_the_sine():
    data = load_dataset("sine", n=20, noise=0.0)
    assert data.T.ravel().tolist() == pytest.approx([math.sin(x) for x in data.X.ravel()],
                                                    abs=1e-15)
    assert np.abs(data.X).max() <= math.pi


def test_digits_are_scikit_learns_bundled_images_scaled_and_one_hot():
    from sklearn.datasets import load_digits

    digits = load_digits()
    data = load_dataset("digits")
    assert data.X.shape == (1797, 64) and data.T.shape == (1797, 10)
    assert data.X.min() == 0 and data.X.max() == 1
    assert np.array_equal(data.X * 16, digits.data)
    assert np.array_equal(data.T.argmax(axis=1), digits.target) and np.all(data.T.sum(1) == 1)
    assert len(load_dataset("digits", n=100)) == 100


def test_split_is_seeded_disjoint_and_complete():
    data = load_dataset("moons", n=50)
    training, validation = split(data, 0.2, seed=5)
    assert (len(training), len(validation)) == (40, 10)
    rows = {tuple(x) for x in training.X} | {tuple(x) for x in validation.X}
    assert rows == {tuple(x) for x in data.X}
    again = split(data, 0.2, seed=5)[1]
    assert np.array_equal(again.X, validation.X)
    assert not np.array_equal(split(data, 0.2, seed=6)[1].X, validation.X)


def test_a_csv_file_with_the_contract_names(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("i1,i2,t1,t2\n0.5,1,0.9,0.1\n-1,2e-1,0,1\n")
    data = load_dataset(path)
    assert data.X.tolist() == [[0.5, 1.0], [-1.0, 0.2]]
    assert data.T.tolist() == [[0.9, 0.1], [0.0, 1.0]]
    assert (data.name, data.input_names, data.target_names) == ("data.csv", ("i1", "i2"),
                                                                ("t1", "t2"))


@pytest.mark.parametrize("text, message", [
    ("", "data.csv: header: the file is empty"),
    ("x,y\n1,2\n", "data.csv: header: expected i1,...,t1,... (inputs, then targets); got 'x,y'"),
    ("i1,i2\n1,2\n", "data.csv: header: expected i1,...,t1,..."),
    ("t1,i1\n1,2\n", "data.csv: header: expected i1,...,t1,..."),
    ("i1,t1\n1,2\n3\n", "data.csv: line 3: expected 2 values, got 1"),
    ("i1,t1\n1,two\n", "data.csv: line 2, t1: expected a number, got 'two'"),
    ("i1,t1\nnan,1\n", "data.csv: line 2, i1: expected a finite number, got 'nan'"),
    ("i1,t1\n", "data.csv: no samples after the header"),
])
def test_a_bad_csv_file_is_one_line_naming_file_line_and_column(tmp_path, text, message):
    path = tmp_path / "data.csv"
    path.write_text(text)
    with pytest.raises(DataFileError) as error:
        load_dataset(path)
    assert message in str(error.value)
    assert "\n" not in str(error.value) and isinstance(error.value, InputError)


@pytest.mark.parametrize("name, options, message", [
    ("mooons", {}, "mooons: unknown data set; choose one of xor, moons, circles, spirals, sine, "
                   "digits or give a .csv file"),
    ("missing.csv", {}, "missing.csv: no such file"),
    ("xor", {"n": 10}, "xor: n: xor has no n option"),
    ("moons", {"n": 0}, "moons: n: expected a whole number >= 1; got 0"),
    ("digits", {"n": 5000}, "digits: n: expected a whole number >= 1 at most 1797; got 5000"),
    ("sine", {"noise": -1.0}, "sine: noise: expected a finite number >= 0; got -1.0"),
])
def test_bad_names_and_options_are_one_line(name, options, message):
    with pytest.raises(DataFileError, match="^" + re.escape(message) + "$"):
        load_dataset(name, **options)


def test_a_csv_file_with_a_byte_order_mark(tmp_path):
    # Excel's "CSV UTF-8" starts the file with U+FEFF.
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xef\xbb\xbfi1,t1\r\n0.25,1\r\n")
    data = load_dataset(path)
    assert (data.input_names, data.X.tolist(), data.T.tolist()) == (("i1",), [[0.25]], [[1.0]])


def test_a_long_field_is_echoed_short(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("i1,t1\n1," + "x" * 10_000 + "\n")
    with pytest.raises(DataFileError, match=r"^.*data.csv: line 2, t1: expected a number, "
                                            r"got 'x{20,}\.\.\.x+'$") as error:
        load_dataset(path)
    assert len(str(error.value)) < 200


def test_a_name_too_long_for_a_path_is_an_unknown_data_set():
    """The fuzz test found it: Path.is_file raised ENAMETOOLONG for a 5,000-character --data."""
    with pytest.raises(DataFileError, match="unknown data set"):
        load_dataset("1" * 5000)
