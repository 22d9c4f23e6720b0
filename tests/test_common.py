"""scikit-learn's estimator checks on every public estimator."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_rnn import (
    AutoencoderTransformer,
    BiRNNTagger,
    LSTMClassifier,
    Seq2SeqClassifier,
    Seq2SeqRegressor,
)
from sklearn_rnn.preprocessing import FromChannelsFirst, SequenceScaler

# Small, fast settings: the checks fit many times on tiny data.
ESTIMATORS = [
    # The checks' tables of features are read as univariate sequences of a few
    # steps; scaling each over its own steps (the default) would erase the
    # level that separates their classes. The convolutional front-end (tested
    # in test_conv.py) is left out: it only slows the many fits down.
    LSTMClassifier(
        hidden_size=16,
        max_iter=40,
        batch_size=32,
        learning_rate_init=0.02,
        scaling="standard",
        conv_filters=(),
        random_state=0,
    ),
    Seq2SeqRegressor(
        hidden_size=8, max_iter=5, batch_size=32, learning_rate_init=0.02, random_state=0
    ),
    # quantile forecasts: the median is what predict and score see
    Seq2SeqRegressor(
        quantiles=(0.1, 0.5, 0.9),
        hidden_size=8,
        max_iter=5,
        batch_size=32,
        learning_rate_init=0.02,
        random_state=0,
    ),
    # a convolutional front-end that shortens the encoder's input
    Seq2SeqRegressor(
        conv_filters=(4,),
        conv_kernel_size=3,
        conv_stride=2,
        hidden_size=8,
        max_iter=5,
        batch_size=32,
        learning_rate_init=0.02,
        random_state=0,
    ),
    SequenceScaler(),
    FromChannelsFirst(),
    BiRNNTagger(
        hidden_size=16,
        num_layers=1,
        dropout=0.0,
        max_iter=5,
        batch_size=32,
        learning_rate_init=0.02,
        random_state=0,
    ),
    Seq2SeqClassifier(
        hidden_size=8, max_iter=5, batch_size=32, learning_rate_init=0.02, random_state=0
    ),
    AutoencoderTransformer(
        n_components=2,
        hidden_layer_sizes=(8,),
        max_iter=20,
        batch_size=32,
        learning_rate_init=0.02,
        random_state=0,
    ),
]

EXPECTED_FAILED_CHECKS = {
    "LSTMClassifier": {
        "check_sample_weight_equivalence_on_dense_data": (
            "training is stochastic mini-batch optimisation: a weight of 2 changes the "
            "batches and the loss average, so it is not the same as repeating a sample."
        ),
    },
    "BiRNNTagger": {
        "check_sample_weight_equivalence_on_dense_data": (
            "training is stochastic mini-batch optimisation: a weight of 2 changes the "
            "batches and the loss average, so it is not the same as repeating a sample."
        ),
    },
    "Seq2SeqClassifier": {
        "check_sample_weight_equivalence_on_dense_data": (
            "training is stochastic mini-batch optimisation: a weight of 2 changes the "
            "batches and the loss average, so it is not the same as repeating a sample."
        ),
    },
    "Seq2SeqRegressor": {
        "check_sample_weight_equivalence_on_dense_data": (
            "training is stochastic mini-batch optimisation: a weight of 2 changes the "
            "batches and the loss average, so it is not the same as repeating a sample."
        ),
        "check_regressors_train": (
            "the check sets alpha=0.01 and then asks for R^2 > 0.5; alpha here is Adam "
            "weight decay on every weight (the package's L2 convention), far stronger than "
            "MLPRegressor's alpha / n_samples, and shrinks the tiny check model to the mean "
            "(R^2 about 0). With alpha=0, hidden_size=16 and 40 epochs it reaches "
            "R^2 = 0.78 on the same data; the settings above stay at 5 epochs for speed."
        ),
    },
}


# The checks feed integer X (e.g. check_dtype_object): the estimators warn that
# integers without embedding_dim are read as numbers, which is what the checks mean.
@pytest.mark.filterwarnings("ignore:X holds integers but embedding_dim=None")
@parametrize_with_checks(
    ESTIMATORS,
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(type(est).__name__, {}),
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
