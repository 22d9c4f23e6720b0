"""Recurrent neural networks (RNN, LSTM, GRU) as scikit-learn estimators."""

from sklearn_rnn._autoencoder import AutoencoderTransformer
from sklearn_rnn._classifier import LSTMClassifier
from sklearn_rnn._seq2seq import Seq2SeqRegressor

__version__ = "0.1.0"

__all__ = ["AutoencoderTransformer", "LSTMClassifier", "Seq2SeqRegressor", "__version__"]
