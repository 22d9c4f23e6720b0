"""Transformers and helpers that make and prepare sequences."""

from sklearn_rnn.preprocessing._layout import FromChannelsFirst
from sklearn_rnn.preprocessing._long import from_long_dataframe
from sklearn_rnn.preprocessing._scaler import SequenceScaler
from sklearn_rnn.preprocessing._text import TokenSequenceVectorizer
from sklearn_rnn.preprocessing._windows import last_windows, make_windows

__all__ = [
    "FromChannelsFirst",
    "SequenceScaler",
    "TokenSequenceVectorizer",
    "from_long_dataframe",
    "last_windows",
    "make_windows",
]
