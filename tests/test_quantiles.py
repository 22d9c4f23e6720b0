"""Quantile forecasts of Seq2SeqRegressor and the quantile metrics."""

import numpy as np
import pytest
import torch
from scipy.stats import norm
from sklearn.base import clone
from sklearn.metrics import mean_pinball_loss as sk_mean_pinball_loss
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_rnn import Seq2SeqRegressor, load, save
from sklearn_rnn.metrics import (
    interval_coverage,
    interval_coverage_scorer,
    mean_pinball_loss,
    mean_pinball_loss_scorer,
    sequence_r2_score,
)
from sklearn_rnn.preprocessing import make_windows

FAST = dict(hidden_size=16, max_iter=25, batch_size=32, learning_rate_init=0.02, n_threads=1)
LEVELS = (0.1, 0.5, 0.9)


def _noisy_windows(n=700, sigma=10.0, seed=0):
    """Windows of a seasonal series with Gaussian noise of scale ``sigma``."""
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    series = 500 + 100 * np.sin(2 * np.pi * t / 12) + rng.normal(0, sigma, n)
    return make_windows(series, input_length=24, horizon=3)


@pytest.fixture(scope="module")
def fitted():
    X, y = _noisy_windows()
    reg = Seq2SeqRegressor(quantiles=LEVELS, **{**FAST, "max_iter": 40}, random_state=0)
    return reg.fit(X[:500], y[:500]), X[500:], y[500:]


def test_interval_covers_about_its_nominal_share_of_new_values(fitted):
    reg, X_test, y_test = fitted
    q = reg.predict_quantiles(X_test)
    assert q.shape == (len(X_test), 3, 3)
    coverage = interval_coverage(y_test, q[..., 0], q[..., 2])
    assert 0.65 <= coverage <= 0.93
    # the noise (sigma 10) sets the width: 2 * 1.28 * 10 for a 10-90% interval
    width = np.mean(q[..., 2] - q[..., 0])
    assert 0.6 * 2 * norm.ppf(0.9) * 10 < width < 1.6 * 2 * norm.ppf(0.9) * 10


def test_quantiles_are_ordered_and_predict_is_the_median(fitted):
    reg, X_test, y_test = fitted
    q = reg.predict_quantiles(X_test)
    assert np.all(np.diff(q, axis=-1) >= 0)
    np.testing.assert_allclose(reg.predict(X_test), q[..., 1], rtol=1e-6)
    assert reg.score(X_test, y_test) > 0.9


def test_training_minimises_the_pinball_loss(fitted):
    reg, X_test, y_test = fitted
    q = reg.predict_quantiles(X_test)
    loss = mean_pinball_loss(y_test, q, quantiles=LEVELS)
    # a constant interval around the median of the training targets is far worse
    flat = np.broadcast_to(np.quantile(y_test, LEVELS), q.shape)
    assert loss < 0.5 * mean_pinball_loss(y_test, flat, quantiles=LEVELS)
    assert reg.loss_curve_[-1] < reg.loss_curve_[0]


def test_criterion_is_the_masked_weighted_pinball_loss():
    X = [np.ones(n) for n in (2, 3, 4)]
    y = [np.zeros(n) for n in (2, 3, 4)]
    reg = Seq2SeqRegressor(mode="aligned", quantiles=(0.2, 0.7), **FAST, random_state=0)
    reg.set_params(max_iter=1).fit(X, y)
    rng = np.random.RandomState(0)
    y_true = rng.normal(size=(3, 4, 1))
    y_pred = rng.normal(size=(3, 4, 1, 2))
    lengths, weight = np.array([2, 3, 4]), np.array([1.0, 2.0, 0.5])
    loss = reg.net_.get_loss(
        torch.tensor(y_pred, dtype=torch.float32),
        {
            "y": torch.tensor(y_true, dtype=torch.float32),
            "lengths": torch.tensor(lengths),
            "sample_weight": torch.tensor(weight, dtype=torch.float32),
        },
    )
    ragged_true = [y_true[i, :t, 0] for i, t in enumerate(lengths)]
    ragged_pred = [y_pred[i, :t, 0, :] for i, t in enumerate(lengths)]
    expected = mean_pinball_loss(
        ragged_true, ragged_pred, quantiles=(0.2, 0.7), sample_weight=weight
    )
    assert float(loss) == pytest.approx(expected, rel=1e-5)


def test_predict_interpolates_the_median_when_0_5_is_not_a_level():
    X, y = _noisy_windows(n=200)
    reg = Seq2SeqRegressor(quantiles=(0.2, 0.6), **FAST, random_state=0).fit(X, y)
    q = reg.predict_quantiles(X)
    np.testing.assert_allclose(reg.predict(X), 0.25 * q[..., 0] + 0.75 * q[..., 1], rtol=1e-6)
    high = Seq2SeqRegressor(quantiles=(0.6, 0.9), **FAST, random_state=0).fit(X, y)
    np.testing.assert_allclose(high.predict(X), high.predict_quantiles(X)[..., 0], rtol=1e-6)


def test_several_outputs_get_one_column_per_output_and_quantile():
    X, y = _noisy_windows(n=300)
    y2 = np.stack([y, -0.01 * y], axis=-1)  # outputs near 500 and near -5
    reg = Seq2SeqRegressor(quantiles=LEVELS, **FAST, random_state=0).fit(X, y2)
    q = reg.predict_quantiles(X)
    assert q.shape == (len(X), 3, 6)
    assert np.all(q[..., :3] > 200) and np.all(q[..., 3:] < 0)
    np.testing.assert_allclose(reg.predict(X), q[..., 1::3], rtol=1e-6)
    assert np.all(np.diff(q.reshape(len(X), 3, 2, 3), axis=-1) >= 0)
    assert mean_pinball_loss(y2, q, quantiles=LEVELS) < 5
    with pytest.raises(ValueError, match="need 6"):
        mean_pinball_loss(y2, q[..., :3], quantiles=LEVELS)


def test_aligned_ragged_quantiles_are_ragged():
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(n, 2)) for n in rng.randint(4, 12, size=60)]
    y = [100 + 10 * np.cumsum(x[:, 0]) for x in X]
    reg = Seq2SeqRegressor(mode="aligned", quantiles=(0.25, 0.75), **FAST, random_state=0)
    q = reg.fit(X, y).predict_quantiles(X)
    assert q.dtype == object and len(q) == len(X)
    assert [v.shape for v in q] == [(len(x), 2) for x in X]
    assert all(np.all(v[:, 0] <= v[:, 1]) for v in q)
    point = reg.predict(X)
    np.testing.assert_allclose(np.concatenate(point), np.concatenate([v.mean(1) for v in q]))
    coverage = interval_coverage_scorer(reg, X, y)
    assert coverage == interval_coverage(y, [v[:, 0] for v in q], [v[:, 1] for v in q])


def test_one_dim_targets_give_one_row_of_quantiles_per_sample():
    X, y = _noisy_windows(n=200)
    reg = Seq2SeqRegressor(quantiles=(0.3, 0.5), **FAST, random_state=0).fit(X, y[:, 0])
    q = reg.predict_quantiles(X)
    assert q.shape == (len(X), 2)
    loss = mean_pinball_loss(y[:, 0], q, quantiles=(0.3, 0.5))
    expected = np.mean(
        [sk_mean_pinball_loss(y[:, 0], q[:, j], alpha=a) for j, a in enumerate((0.3, 0.5))]
    )
    assert loss == pytest.approx(expected)


def test_scorers_in_cross_validate():
    X, y = _noisy_windows(n=300)
    reg = Seq2SeqRegressor(quantiles=LEVELS, **FAST, random_state=0)
    scores = cross_validate(
        reg,
        X,
        y,
        cv=TimeSeriesSplit(n_splits=2),
        scoring={
            "pinball": mean_pinball_loss_scorer,
            "coverage": interval_coverage_scorer,
            "r2": "r2",
        },
    )
    assert np.all(scores["test_pinball"] < 0)
    assert np.all((scores["test_coverage"] > 0.3) & (scores["test_coverage"] <= 1))
    assert np.all(np.isfinite(scores["test_r2"]))


def test_scorers_read_through_pipelines_and_searches_and_use_the_fitted_levels():
    X, y = _noisy_windows(n=200)
    reg = Seq2SeqRegressor(quantiles=LEVELS, **{**FAST, "max_iter": 3}, random_state=0)
    shift = FunctionTransformer(lambda X: X + 100.0)  # a step the scorer must apply
    pipe = Pipeline([("shift", shift), ("reg", reg)]).fit(X, y)
    alone = clone(reg).fit(X + 100.0, y)
    for scorer in (mean_pinball_loss_scorer, interval_coverage_scorer):
        assert scorer(pipe, X, y) == scorer(alone, X + 100.0, y)
    # the levels of the fit, not the parameter as it is now
    before = mean_pinball_loss_scorer(alone, X + 100.0, y)
    alone.set_params(quantiles=(0.2, 0.8))
    assert mean_pinball_loss_scorer(alone, X + 100.0, y) == before
    search = GridSearchCV(
        pipe,
        {"reg__hidden_size": [4, 8]},
        cv=TimeSeriesSplit(2, gap=3),
        scoring={"pinball": mean_pinball_loss_scorer, "coverage": interval_coverage_scorer},
        refit="pinball",
    ).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_pinball"]).all()
    assert mean_pinball_loss_scorer(search, X, y) == mean_pinball_loss_scorer(
        search.best_estimator_, X, y
    )
    unfitted = GridSearchCV(pipe, {"reg__hidden_size": [4]}, cv=TimeSeriesSplit(2), refit=False)
    unfitted.set_params(scoring=mean_pinball_loss_scorer).fit(X, y)
    with pytest.raises(ValueError, match="no predict_quantiles.*refit=True"):
        mean_pinball_loss_scorer(unfitted, X, y)


def test_save_load_keeps_the_quantiles(tmp_path, fitted):
    reg, X_test, _ = fitted
    save(reg, tmp_path / "model")
    loaded = load(tmp_path / "model")
    np.testing.assert_array_equal(loaded.predict_quantiles(X_test), reg.predict_quantiles(X_test))
    np.testing.assert_array_equal(loaded.predict(X_test), reg.predict(X_test))


def test_early_stopping_scores_the_median():
    X, y = _noisy_windows(n=400)
    reg = Seq2SeqRegressor(quantiles=LEVELS, early_stopping=True, **FAST, random_state=0)
    reg.fit(X, y)
    assert len(reg.validation_scores_) == reg.n_iter_
    assert max(reg.validation_scores_) > 0.8  # R^2 of the median on standardised targets


@pytest.mark.parametrize(
    "quantiles, match",
    [
        ((0.0, 0.5), "strictly between 0 and 1"),
        ((0.5, 1.0), "strictly between 0 and 1"),
        ((0.9, 0.1), "strictly increasing"),
        ((0.5, 0.5), "strictly increasing"),
        ((), "non-empty"),
        ([[0.1, 0.9]], "non-empty flat"),
        (0.5, "quantiles"),
        (("a", "b"), "sequence of numbers"),
    ],
)
def test_bad_quantiles_raise_before_training(quantiles, match):
    X, y = _noisy_windows(n=60)
    reg = Seq2SeqRegressor(quantiles=quantiles, **FAST)
    with pytest.raises(ValueError, match=match):
        reg.fit(X, y)
    assert not hasattr(reg, "net_")


def test_predict_quantiles_needs_quantiles():
    X, y = _noisy_windows(n=60)
    assert not hasattr(Seq2SeqRegressor(), "predict_quantiles")
    reg = Seq2SeqRegressor(**{**FAST, "max_iter": 1}).fit(X, y)
    reg.set_params(quantiles=LEVELS)
    with pytest.raises(ValueError, match="fitted with quantiles=None"):
        reg.predict_quantiles(X)
    with pytest.raises(ValueError, match="quantiles=None"):
        mean_pinball_loss_scorer(reg.set_params(quantiles=None), X, y)


def test_warm_start_with_other_quantiles_raises():
    X, y = _noisy_windows(n=60)
    reg = Seq2SeqRegressor(quantiles=LEVELS, warm_start=True, **{**FAST, "max_iter": 1})
    reg.fit(X, y)
    with pytest.raises(ValueError, match="targets differ"):
        reg.set_params(quantiles=(0.2, 0.8)).fit(X, y)


def test_interval_coverage_counts_bounds_and_respects_weights():
    y = [[1.0, 2.0], [3.0]]
    lower = [[1.0, 2.5], [0.0]]
    upper = [[1.0, 3.0], [2.0]]
    assert interval_coverage(y, lower, upper) == pytest.approx(1 / 3)
    assert interval_coverage(y, lower, upper, sample_weight=[3.0, 0.0]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="sample_weight"):
        interval_coverage(y, lower, upper, sample_weight=[1.0])


def test_a_list_of_numbers_is_one_target_per_sample_as_in_fit():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    y = [float(v) for v in X.sum(1)]
    reg = Seq2SeqRegressor(**{**FAST, "max_iter": 2}, random_state=0).fit(X, y)
    assert reg.score(X, y) == reg.score(X, np.array(y))
    lower, upper = [v - 1 for v in y], [v + 1 for v in y]
    assert interval_coverage(y, lower, upper) == 1.0
    assert sequence_r2_score([True, False, True], [0.9, 0.1, 0.8]) == pytest.approx(
        sequence_r2_score(np.array([1.0, 0.0, 1.0]), np.array([0.9, 0.1, 0.8]))
    )
    pred = [[v - 1, v + 1] for v in y]
    assert mean_pinball_loss(y, pred, quantiles=(0.2, 0.8)) == pytest.approx(
        mean_pinball_loss(np.array(y), np.array(pred), quantiles=(0.2, 0.8))
    )


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("layout", ["1-D", "2-D"])
def test_regression_metrics_reject_nan_and_infinity_in_every_layout(bad, layout):
    def shaped(values):
        return np.array(values) if layout == "1-D" else np.array(values)[None, :]

    good, other = shaped([1.0, 2.0, 3.0]), shaped([1.0, 2.0, 2.0])
    wrong = shaped([1.0, bad, 3.0])
    match = "NaN" if np.isnan(bad) else "infinity"
    calls = [
        lambda t, p: sequence_r2_score(t, p),
        lambda t, p: interval_coverage(t, p, p),
        lambda t, p: mean_pinball_loss(t, p),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=f"y_true contains {match}"):
            call(wrong, other)
        with pytest.raises(ValueError, match=f"y_pred contains {match}"):
            call(good, wrong)
    # quantile columns of 1-D targets, (n, n_quantiles)
    with pytest.raises(ValueError, match=f"y_pred contains {match}"):
        mean_pinball_loss([1.0, 2.0], [[0.5, bad], [1.5, 2.5]], quantiles=(0.1, 0.9))


def test_mean_pinball_loss_by_hand():
    y_true = np.array([[0.0, 10.0]])
    y_pred = np.array([[[1.0, 2.0], [8.0, 9.0]]])  # levels 0.25 and 0.75
    # step 1: d=-1 -> 0.75, d=-2 -> 0.5; step 2: d=2 -> 0.5, d=1 -> 0.75
    expected = (0.75 + 0.5 + 0.5 + 0.75) / 4
    assert mean_pinball_loss(y_true, y_pred, quantiles=(0.25, 0.75)) == pytest.approx(expected)
    with pytest.raises(ValueError, match="strictly increasing"):
        mean_pinball_loss(y_true, y_pred, quantiles=(0.75, 0.25))


def test_quantiles_follow_the_level_of_each_window_with_last_scaling():
    X, y = _noisy_windows(n=300)
    reg = Seq2SeqRegressor(quantiles=LEVELS, scaling="last", **FAST, random_state=0).fit(X, y)
    q = reg.predict_quantiles(X[:20])
    # the model reads each window relative to its last value: a shifted window
    # gets the same quantiles, shifted
    np.testing.assert_allclose(reg.predict_quantiles(X[:20] + 1000.0), q + 1000.0, rtol=1e-6)
    assert np.all(np.diff(q, axis=-1) >= 0)
    np.testing.assert_allclose(reg.predict(X[:20]), q[..., 1], rtol=1e-6)
