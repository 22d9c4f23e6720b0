"""PyTorch modules behind the estimators (torch only: no scikit-learn, no skorch)."""

from sklearn_rnn.modules._attention import Attention
from sklearn_rnn.modules._autoencoder import (
    Corruption,
    DenseAutoencoderModule,
    RecurrentAutoencoderModule,
)
from sklearn_rnn.modules._classifier import SequenceClassifierModule
from sklearn_rnn.modules._conv import ConvFrontEnd, downsampling_factor
from sklearn_rnn.modules._decoder import TokenSeq2SeqModule
from sklearn_rnn.modules._encoder import RecurrentEncoder
from sklearn_rnn.modules._random_kernels import (
    N_KERNELS,
    RandomKernelFeatures,
    RandomKernelRidge,
)
from sklearn_rnn.modules._seq2seq import AlignedSeq2SeqModule, EncoderDecoderModule
from sklearn_rnn.modules._tagger import CharCNN, SequenceTaggerModule, StepCrossEntropy

__all__ = [
    "N_KERNELS",
    "RandomKernelFeatures",
    "RandomKernelRidge",
    "AlignedSeq2SeqModule",
    "Attention",
    "CharCNN",
    "ConvFrontEnd",
    "Corruption",
    "DenseAutoencoderModule",
    "EncoderDecoderModule",
    "RecurrentAutoencoderModule",
    "RecurrentEncoder",
    "SequenceClassifierModule",
    "SequenceTaggerModule",
    "StepCrossEntropy",
    "TokenSeq2SeqModule",
    "downsampling_factor",
]
