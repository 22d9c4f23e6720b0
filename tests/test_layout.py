"""FromChannelsFirst and the warning on 3-D input that looks channels first."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

import sklearn_rnn
from sklearn_rnn import AutoencoderTransformer, LSTMClassifier, Seq2SeqRegressor
from sklearn_rnn._input import TRANSPOSED_MAX_STEPS, TRANSPOSED_RATIO, check_input
from sklearn_rnn.preprocessing import FromChannelsFirst, TokenSequenceVectorizer

SMALL = dict(hidden_size=4, max_iter=2, batch_size=8, n_threads=1, random_state=0)
TRANSPOSED = "X looks transposed"


def _channels_first(n=12, channels=3, steps=20, seed=0):
    return np.random.RandomState(seed).normal(size=(n, channels, steps))


def _unequal(n=6, channels=2, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.normal(size=(channels, rng.randint(3, 15))) for _ in range(n)]


def test_3d_array_swaps_channels_and_time_and_comes_back():
    X = _channels_first()
    out = FromChannelsFirst().fit_transform(X)
    assert out.shape == (12, 20, 3) and out.dtype == X.dtype
    for i, t, c in [(0, 0, 0), (3, 7, 2), (11, 19, 1)]:
        assert out[i, t, c] == X[i, c, t]
    assert out.flags.c_contiguous and not np.shares_memory(out, X)
    back = FromChannelsFirst().inverse_transform(out)
    assert back.shape == X.shape and back.flags.c_contiguous
    np.testing.assert_array_equal(back, X)


def test_read_only_and_single_channel_input_gives_a_new_writable_array():
    X = _channels_first(channels=1)
    X.flags.writeable = False  # as a joblib memmap
    out = FromChannelsFirst().transform(X)
    assert out.shape == (12, 20, 1) and out.flags.writeable
    out[0, 0, 0] = 99.0
    assert X[0, 0, 0] != 99.0


def test_unequal_length_list_becomes_ragged_time_first_and_comes_back():
    X = _unequal()
    out = FromChannelsFirst().fit_transform(X)
    assert out.dtype == object and out.shape == (6,)
    for x, o in zip(X, out, strict=True):
        assert o.shape == (x.shape[1], 2)
        np.testing.assert_array_equal(o, x.T)
    back = FromChannelsFirst().inverse_transform(out)
    for x, b in zip(X, back, strict=True):
        np.testing.assert_array_equal(b, x)


def test_univariate_inputs_pass_through_as_copies():
    rng = np.random.RandomState(0)
    table = rng.normal(size=(5, 9))
    out = FromChannelsFirst().fit_transform(table)
    np.testing.assert_array_equal(out, table)
    assert not np.shares_memory(out, table)
    series = [rng.normal(size=n) for n in (4, 7)]
    out = FromChannelsFirst().fit_transform(series)
    assert [o.shape for o in out] == [(4,), (7,)]
    np.testing.assert_array_equal(out[1], series[1])


def test_a_table_follows_set_output():
    df = pd.DataFrame(np.arange(12.0).reshape(3, 4), columns=["t0", "t1", "t2", "t3"])
    conv = FromChannelsFirst().set_output(transform="pandas").fit(df)
    out = conv.transform(df)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == list(df.columns)
    np.testing.assert_array_equal(out.to_numpy(), df.to_numpy())
    assert list(conv.get_feature_names_out()) == ["t0", "t1", "t2", "t3"]


def test_pipeline_equals_the_estimator_on_transposed_input():
    X, y = _channels_first(n=16), np.arange(16) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pipe = make_pipeline(FromChannelsFirst(), LSTMClassifier(**SMALL)).fit(X, y)
        proba = pipe.predict_proba(X)
    direct = LSTMClassifier(**SMALL).fit(X.transpose(0, 2, 1), y)
    np.testing.assert_array_equal(proba, direct.predict_proba(X.transpose(0, 2, 1)))
    assert pipe[-1].n_features_in_ == 3 and pipe[0].n_features_in_ == 3


def test_pipeline_on_unequal_lengths_in_cross_validation():
    X, y = _unequal(n=16), np.arange(16) % 2
    pipe = make_pipeline(FromChannelsFirst(), LSTMClassifier(**SMALL))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = cross_val_score(pipe, X, y, cv=2)
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))


def test_stateless_clone_pickle_and_save(tmp_path):
    X = _channels_first()
    expected = FromChannelsFirst().transform(X)  # no fit needed
    conv = FromChannelsFirst().fit(X)
    assert conv.n_features_in_ == 3
    for other in (clone(conv).fit(X), pickle.loads(pickle.dumps(conv))):
        np.testing.assert_array_equal(other.transform(X), expected)
    loaded = sklearn_rnn.load(sklearn_rnn.save(conv, tmp_path))
    assert loaded.n_features_in_ == 3
    np.testing.assert_array_equal(loaded.transform(X), expected)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (None, ValueError, "None"),
        (sp.csr_matrix(np.ones((3, 4))), TypeError, "Sparse"),
        ("abc", TypeError, "str"),
        (np.ones(5), ValueError, "1-D array"),
        (np.ones((2, 3, 4, 5)), ValueError, "4 dimensions.*n_channels, n_timesteps"),
        (np.ones((2, 0, 4)), ValueError, "0 channels"),
        (np.ones((2, 3, 0)), ValueError, "0 time steps"),
        (np.ones((0, 3, 4)), ValueError, "0 sample"),
        ([], ValueError, "0 sample"),
        (np.full((2, 3, 4), np.nan), ValueError, "NaN"),
        (np.full((2, 3, 4), "x"), ValueError, "strings"),
        ([np.ones((2, 5)), np.ones((3, 5))], ValueError, "different numbers of channels"),
        ([np.ones((2, 5)), np.ones((2, 3, 1))], ValueError, r"X\[1\] has 3 dimensions"),
        ([np.ones((2, 5)), "abc"], ValueError, r"X\[1\] is a str"),
        ([np.ones((2, 5)), np.ones((0, 5))], ValueError, r"X\[1\] has 0 channels"),
        ([np.ones((2, 5)), np.ones((2, 0))], ValueError, "zero-length"),
        ([np.ones((2, 5)), np.array([[1.0, np.inf]] * 2)], ValueError, "infinity"),
    ],
)
def test_bad_input_is_a_clear_error(X, error, match):
    with pytest.raises(error, match=match):
        FromChannelsFirst().fit(X)
    with pytest.raises(error, match=match):
        FromChannelsFirst().transform(X)


def test_sktime_nested_dataframe_names_the_conversion():
    nested = pd.DataFrame({"dim_0": [pd.Series(np.arange(5.0)), pd.Series(np.arange(5.0))]})
    with pytest.raises(TypeError, match="nested_univ.*convert_to"):
        FromChannelsFirst().fit(nested)


def test_fitted_channels_are_checked():
    conv = FromChannelsFirst().fit(_channels_first(channels=3))
    with pytest.raises(ValueError, match="X has 2 channels, but FromChannelsFirst was fitted"):
        conv.transform(_channels_first(channels=2))
    with pytest.raises(ValueError, match="X has 1 channels"):
        conv.transform(np.ones((4, 20)))
    with pytest.raises(ValueError, match="2 features per time step.*fitted with 3"):
        conv.inverse_transform(np.ones((4, 20, 2)))
    conv.transform(_channels_first(channels=3, steps=7))  # other lengths are fine
    with pytest.raises(ValueError, match="4 dimensions.*n_timesteps, n_features"):
        conv.inverse_transform(np.ones((2, 3, 4, 5)))


# --------------------------------------------------------------- the warning
@pytest.mark.parametrize(
    "X",
    [
        np.ones((4, 1, 11)),  # aeon's univariate layout
        np.ones((4, TRANSPOSED_MAX_STEPS, TRANSPOSED_RATIO * TRANSPOSED_MAX_STEPS + 1)),
        [np.ones((2, 40)), np.ones((2, 40))],  # a list of equal (n_channels, n_timesteps)
    ],
    ids=["univariate", "boundary", "list"],
)
def test_input_that_looks_channels_first_warns(X):
    with pytest.warns(UserWarning, match=f"{TRANSPOSED}.*FromChannelsFirst"):
        check_input(X)


@pytest.mark.parametrize(
    "X, kwargs",
    [
        (np.ones((4, 5, 2)), {}),
        (np.ones((4, 1, 10)), {}),  # ten times as many features as steps: not more
        (np.ones((4, TRANSPOSED_MAX_STEPS + 1, 1000)), {}),  # e.g. word vectors
        (np.ones((4, 500)), {}),  # univariate series
        (np.ones((4, 500)), {"vectors": True}),  # feature vectors
        ([np.ones((1, 3))] * 4, {}),  # one step of three features
        (np.array([[5, 2, -1], [3, -1, -1]]), {"tokens": True}),  # padded token ids
        ([np.array([4, 1]), np.array([2])], {"tokens": True}),
    ],
)
def test_usual_inputs_do_not_warn(X, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_input(X, **kwargs)


def test_estimators_warn_at_the_callers_line_and_accept_the_converted_input():
    X, y = _channels_first(n=16, channels=1, steps=30), np.arange(16) % 2
    with pytest.warns(UserWarning, match=TRANSPOSED) as record:
        LSTMClassifier(**SMALL).fit(X, y)
    assert [w.filename for w in record if TRANSPOSED in str(w.message)] == [__file__]
    with pytest.warns(UserWarning, match=TRANSPOSED) as record:
        make_pipeline(LSTMClassifier(**SMALL)).fit(X, y)
    assert [w.filename for w in record if TRANSPOSED in str(w.message)] == [__file__]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LSTMClassifier(**SMALL).fit(FromChannelsFirst().transform(X), y)


def test_tables_read_as_vectors_and_token_matrices_do_not_warn():
    rng = np.random.RandomState(0)
    wide = rng.normal(size=(16, 64))
    texts = ["a b c", "b c", "c a a b", "a"] * 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AutoencoderTransformer(n_components=2, **SMALL).fit(wide)
        Seq2SeqRegressor(input_type="vectors", **SMALL).fit(wide, rng.normal(size=(16, 3)))
        make_pipeline(
            TokenSequenceVectorizer(output="padded"), LSTMClassifier(embedding_dim=4, **SMALL)
        ).fit(texts, np.arange(16) % 2)


def test_list_of_unequal_channels_first_series_names_the_converter():
    with pytest.raises(ValueError, match="different numbers of features.*FromChannelsFirst"):
        LSTMClassifier(**SMALL).fit(_unequal(n=4), [0, 1, 0, 1])


@pytest.mark.parametrize("estimator", [Seq2SeqRegressor(**SMALL), LSTMClassifier(**SMALL)])
def test_a_one_step_table_after_longer_sequences_warns(estimator):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 12, 1))
    y = X[:, -3:, 0] if isinstance(estimator, Seq2SeqRegressor) else np.arange(20) % 2
    model = clone(estimator).fit(X, y)
    with pytest.warns(UserWarning, match=r"shape \(12, 1\), read as 12 sequences of 1 step"):
        out = model.predict(X[0])  # one window without its sample axis
    assert len(out) == 12
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(model.predict(X[0][None])) == 1  # the fix the message gives
        model.predict(X[:3, :, 0])  # 2-D sequences of 12 steps
    one_step = clone(estimator).fit(X[:, :1], y if y.ndim == 1 else y[:, :1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one_step.predict(X[:5, 0])  # fitted on 1-step sequences: nothing to warn about
