"""Sequence-to-label module: recurrent encoder, pooling over real steps, linear head."""

from torch import nn

from sklearn_rnn.modules._encoder import RecurrentEncoder


class SequenceClassifierModule(nn.Module):
    """Recurrent encoder followed by a linear layer on a summary of the real steps.

    Parameters
    ----------
    n_classes : int
        Number of output logits.
    dropout : float, default=0.0
        Dropout between stacked layers and before the output layer.
    pooling : {"last", "mean", "max"}, default="last"
        Summary of each sequence (see :meth:`RecurrentEncoder.pool`).
    **encoder_params : dict
        Passed to :class:`RecurrentEncoder`.
    """

    def __init__(self, n_classes, dropout=0.0, pooling="last", **encoder_params):
        super().__init__()
        self.pooling = pooling
        self.encoder = RecurrentEncoder(dropout=dropout, **encoder_params)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.encoder.output_size, n_classes)

    def embed(self, X, lengths):
        """Return the sequence embedding, shape (batch, encoder.output_size)."""
        return self.encoder.pool(self.encoder(X, lengths), lengths, self.pooling)

    def forward(self, X, lengths):
        """Return class logits, shape (batch, n_classes)."""
        return self.head(self.dropout(self.embed(X, lengths)))
