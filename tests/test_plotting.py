"""Learning-curve plots of fitted estimators."""

import sys

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sklearn_rnn import AutoencoderTransformer, LSTMClassifier
from sklearn_rnn.plotting import plot_learning_curve

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


def _data(n=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 6, 2)).astype(np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    return X, y


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_loss_curve_without_validation(ax):
    X, y = _data()
    clf = LSTMClassifier(hidden_size=4, max_iter=4, random_state=0).fit(X, y)
    out_ax, score_ax = plot_learning_curve(clf, ax=ax)
    assert out_ax is ax
    assert score_ax is None
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(line.get_ydata(), clf.loss_curve_)
    assert line.get_label() == "LSTMClassifier: training loss"
    assert ax.get_legend() is not None


def test_validation_scores_on_a_second_axis(ax):
    X, y = _data()
    clf = LSTMClassifier(
        hidden_size=4, max_iter=6, early_stopping=True, validation_fraction=0.25, random_state=0
    ).fit(X, y)
    _, score_ax = plot_learning_curve(clf, ax=ax, label="lstm", color="red")
    assert score_ax is not None and score_ax is not ax
    (loss_line,) = ax.lines
    (score_line,) = score_ax.lines
    np.testing.assert_allclose(loss_line.get_ydata(), clf.loss_curve_)
    np.testing.assert_allclose(score_line.get_ydata(), clf.validation_scores_)
    assert score_line.get_linestyle() == "--"
    assert loss_line.get_color() == score_line.get_color() == "red"
    legend = score_ax.get_legend().get_texts()
    assert [t.get_text() for t in legend] == ["lstm: training loss", "lstm: validation score"]


def test_second_call_reuses_the_score_axis(ax):
    X, y = _data()
    first = LSTMClassifier(
        hidden_size=4, max_iter=3, early_stopping=True, validation_fraction=0.25, random_state=0
    ).fit(X, y)
    second = AutoencoderTransformer(
        n_components=2, hidden_layer_sizes=(4,), max_iter=5, random_state=0
    ).fit(X)
    _, score_ax = plot_learning_curve(first, ax=ax, label="a")
    _, again = plot_learning_curve(second, ax=ax, label="b")
    assert again is score_ax
    assert len(ax.lines) == 2 and len(score_ax.lines) == 1
    assert ax.lines[0].get_color() != ax.lines[1].get_color()
    np.testing.assert_allclose(ax.lines[1].get_ydata(), second.loss_curve_)


def test_new_figure_when_no_axes_given():
    X, y = _data()
    clf = LSTMClassifier(hidden_size=4, max_iter=2, random_state=0).fit(X, y)
    before = set(plt.get_fignums())
    ax, _ = plot_learning_curve(clf)
    try:
        assert ax.figure.number not in before
    finally:
        plt.close(ax.figure)


def test_not_fitted():
    with pytest.raises(NotFittedError):
        plot_learning_curve(LSTMClassifier())


def test_clear_error_without_matplotlib(monkeypatch):
    X, y = _data()
    clf = LSTMClassifier(hidden_size=4, max_iter=1, random_state=0).fit(X, y)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plot_learning_curve(clf)
