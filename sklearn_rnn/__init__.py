"""Recurrent neural networks (RNN, LSTM, GRU) as scikit-learn estimators."""

from sklearn_rnn._autoencoder import AutoencoderTransformer
from sklearn_rnn._classifier import LSTMClassifier
from sklearn_rnn._persistence import load, save, skops_trusted_types
from sklearn_rnn._seq2seq import Seq2SeqRegressor
from sklearn_rnn._seq2seq_classifier import Seq2SeqClassifier
from sklearn_rnn._tagger import BiRNNTagger
from sklearn_rnn._version import __version__

__all__ = [
    "AutoencoderTransformer",
    "BiRNNTagger",
    "LSTMClassifier",
    "Seq2SeqClassifier",
    "Seq2SeqRegressor",
    "__version__",
    "load",
    "save",
    "skops_trusted_types",
]
