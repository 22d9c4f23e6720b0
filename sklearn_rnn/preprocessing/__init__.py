"""Transformers and helpers that make and prepare sequences."""

from sklearn_rnn.preprocessing._layout import FromChannelsFirst
from sklearn_rnn.preprocessing._scaler import SequenceScaler
from sklearn_rnn.preprocessing._text import TokenSequenceVectorizer
from sklearn_rnn.preprocessing._windows import make_windows

__all__ = ["FromChannelsFirst", "SequenceScaler", "TokenSequenceVectorizer", "make_windows"]
