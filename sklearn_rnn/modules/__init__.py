"""PyTorch modules behind the estimators (torch only: no scikit-learn, no skorch)."""

from sklearn_rnn.modules._autoencoder import (
    Corruption,
    DenseAutoencoderModule,
    RecurrentAutoencoderModule,
)
from sklearn_rnn.modules._classifier import SequenceClassifierModule
from sklearn_rnn.modules._encoder import RecurrentEncoder
from sklearn_rnn.modules._seq2seq import AlignedSeq2SeqModule, EncoderDecoderModule
from sklearn_rnn.modules._tagger import CharCNN, SequenceTaggerModule, StepCrossEntropy

__all__ = [
    "AlignedSeq2SeqModule",
    "CharCNN",
    "Corruption",
    "DenseAutoencoderModule",
    "EncoderDecoderModule",
    "RecurrentAutoencoderModule",
    "RecurrentEncoder",
    "SequenceClassifierModule",
    "SequenceTaggerModule",
    "StepCrossEntropy",
]
