"""PyTorch modules behind the estimators (torch only: no scikit-learn, no skorch)."""

from sklearn_rnn.modules._classifier import SequenceClassifierModule
from sklearn_rnn.modules._encoder import RecurrentEncoder
from sklearn_rnn.modules._seq2seq import AlignedSeq2SeqModule, EncoderDecoderModule

__all__ = [
    "AlignedSeq2SeqModule",
    "EncoderDecoderModule",
    "RecurrentEncoder",
    "SequenceClassifierModule",
]
