"""Recurrent neural networks (RNN, LSTM, GRU) as scikit-learn estimators."""

from sklearn_rnn._classifier import LSTMClassifier

__version__ = "0.1.0"

__all__ = ["LSTMClassifier", "__version__"]
