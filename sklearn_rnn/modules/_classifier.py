"""Sequence-to-label module: recurrent encoder, pooling over real steps, linear head."""

import torch
from torch import nn

from sklearn_rnn.modules._attention import Attention
from sklearn_rnn.modules._encoder import RecurrentEncoder


class SequenceClassifierModule(nn.Module):
    """Recurrent encoder followed by a linear layer on a summary of the real steps.

    The module behind :class:`~sklearn_rnn.LSTMClassifier`: the summary is the
    state after the last real step, or the mean or maximum of the outputs over
    the real steps, so padding never changes the logits.

    Parameters
    ----------
    n_classes : int
        Number of output logits.
    dropout : float, default=0.0
        Dropout between stacked layers and before the output layer.
    pooling : {"last", "mean", "max", "mean_max", "attention"}, default="last"
        Summary of each sequence (see :meth:`RecurrentEncoder.pool`);
        "attention": the outputs weighted by additive attention of a learned
        query over the real steps (:class:`Attention`).
    length_scale : float, default=None
        With a value, the output layer also reads ``log(length /
        length_scale)`` of each sequence (one more input, after the summary);
        None for the summary alone.
    kernel_features : RandomKernelRidge, default=None
        Module whose class scores are added to the logits of the output
        layer (fit it on the training data before training); None for none.
        With it, each step of ``X`` holds twice the features: those the
        network reads (scaled), then those the kernels read (the values as
        given, see :class:`~sklearn_rnn._scaling.WithRawInputs`).
    **encoder_params : dict
        Passed to :class:`RecurrentEncoder`.

    See Also
    --------
    RecurrentEncoder : The encoder it summarises.
    sklearn_rnn.LSTMClassifier : The estimator that trains it.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import SequenceClassifierModule
    >>> module = SequenceClassifierModule(n_classes=3, input_size=2, hidden_size=4)
    >>> X = torch.zeros(5, 7, 2)
    >>> module(X, torch.tensor([7, 3, 1, 7, 2])).shape
    torch.Size([5, 3])
    """

    def __init__(
        self,
        n_classes,
        dropout=0.0,
        pooling="last",
        length_scale=None,
        kernel_features=None,
        **encoder_params,
    ):
        super().__init__()
        self.kernel_features = kernel_features
        self.pooling = pooling
        self.length_scale = length_scale
        self.encoder = RecurrentEncoder(dropout=dropout, **encoder_params)
        self.dropout = nn.Dropout(dropout)
        factor = 2 if pooling == "mean_max" else 1
        self.embedding_size = factor * self.encoder.output_size
        if pooling == "attention":
            size = self.encoder.output_size
            self.attention = Attention(size, size, kind="additive")
            self.query = nn.Parameter(torch.zeros(size))
        extra = 0 if length_scale is None else 1
        self.head = nn.Linear(self.embedding_size + extra, n_classes)

    def embed(self, X, lengths):
        """Return the sequence embedding.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded features, or padded token ids.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        embedding : torch.Tensor of shape (batch, embedding_size)
            Summary of each sequence over its real steps (see ``pooling``).
        """
        if self.pooling == "attention":
            return self._attend(X, lengths)[0]
        outputs = self.encoder(self._network_inputs(X), lengths)
        return self.encoder.pool(outputs, self.encoder.output_lengths(lengths), self.pooling)

    def _network_inputs(self, X):
        """The features the network reads: the first half with kernel features."""
        if self.kernel_features is None:
            return X
        return X[..., : X.shape[-1] // 2]

    def _attend(self, X, lengths):
        outputs = self.encoder(self._network_inputs(X), lengths)
        query = self.query.expand(outputs.shape[0], -1)
        return self.attention(query, outputs, self.encoder.output_lengths(lengths))

    def attention_weights(self, X, lengths):
        """Return the attention weights of ``pooling="attention"``.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded features, or padded token ids.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        weights : torch.Tensor of shape (batch, out_time, 1)
            Weight of each output step of the encoder (one per
            ``conv_stride`` input steps with a shortening front-end): zero at
            padded steps, summing to one over the real ones.
        """
        if self.pooling != "attention":
            raise ValueError(f'pooling="{self.pooling}" has no attention weights.')
        return self._attend(X, lengths)[1].unsqueeze(-1)

    def forward(self, X, lengths):
        """Return the class logits.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded features, or padded token ids.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        logits : torch.Tensor of shape (batch, n_classes)
            Unnormalised class scores.
        """
        summary = self.dropout(self.embed(X, lengths))
        if self.length_scale is not None:
            scaled = torch.log(lengths.to(summary) / self.length_scale)
            summary = torch.cat([summary, scaled.unsqueeze(1)], dim=1)
        logits = self.head(summary)
        if self.kernel_features is not None:
            logits = logits + self.kernel_features(X[..., X.shape[-1] // 2 :], lengths)
        return logits
