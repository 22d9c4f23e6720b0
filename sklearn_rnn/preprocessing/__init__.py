"""Transformers and helpers that make and prepare sequences."""

from sklearn_rnn.preprocessing._scaler import SequenceScaler
from sklearn_rnn.preprocessing._windows import make_windows

__all__ = ["SequenceScaler", "make_windows"]
