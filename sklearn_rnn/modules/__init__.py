"""PyTorch modules behind the estimators (torch only: no scikit-learn, no skorch)."""

from sklearn_rnn.modules._classifier import SequenceClassifierModule
from sklearn_rnn.modules._encoder import RecurrentEncoder

__all__ = ["RecurrentEncoder", "SequenceClassifierModule"]
