"""Stacked recurrent encoder that is exact on padded batches without packing."""

import torch
from torch import nn

from sklearn_rnn._sequences import reverse_within_length

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class RecurrentEncoder(nn.Module):
    """Stacked (optionally bidirectional) RNN, LSTM or GRU over padded batches.

    Each layer and direction is a single-layer recurrent module. The forward
    direction reads padded batches as they are: padding comes after the real
    steps, so it never influences them. The backward direction reads each
    sequence reversed *within its own length*, so padding never reaches it
    either. No ``pack_padded_sequence`` is needed.

    Parameters
    ----------
    input_size : int
        Features per time step (ignored when ``num_embeddings`` is set).
    hidden_size : int
        Hidden units per direction.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Recurrent cell. "rnn" is ``h_t = tanh(b + W h_{t-1} + U x_t)``.
    num_layers : int, default=1
        Number of stacked layers.
    bidirectional : bool, default=False
        Add a backward direction to every layer.
    dropout : float, default=0.0
        Dropout between stacked layers.
    num_embeddings : int, default=None
        Vocabulary size for token-id input; None for numeric features.
    embedding_dim : int, default=None
        Size of the token embedding.
    """

    def __init__(
        self,
        input_size,
        hidden_size,
        cell="lstm",
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        num_embeddings=None,
        embedding_dim=None,
    ):
        super().__init__()
        self.embedding = None
        if num_embeddings is not None:
            self.embedding = nn.Embedding(num_embeddings, embedding_dim)
            input_size = embedding_dim
        self.bidirectional = bidirectional
        self.num_directions = 2 if bidirectional else 1
        self.output_size = hidden_size * self.num_directions
        rnn = _CELLS[cell]
        self.layers = nn.ModuleList()
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else self.output_size
            self.layers.append(
                nn.ModuleList(
                    rnn(in_size, hidden_size, batch_first=True) for _ in range(self.num_directions)
                )
            )
        self.dropout = nn.Dropout(dropout)

    def forward(self, X, lengths):
        """Encode a padded batch.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded features, or padded token ids.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence (int64, on any device).

        Returns
        -------
        outputs : torch.Tensor of shape (batch, time, output_size)
            Top-layer outputs at every step; values at padded steps are
            meaningless.
        """
        if self.embedding is not None:
            X = self.embedding(X)
        rev = None
        if self.bidirectional:
            lengths = lengths.to(X.device)
            rev = reverse_within_length(lengths, X.shape[1]).unsqueeze(-1)
        for i, directions in enumerate(self.layers):
            if i:
                X = self.dropout(X)
            out, _ = directions[0](X)
            if rev is not None:
                X_rev = X.gather(1, rev.expand(-1, -1, X.shape[2]))
                out_rev, _ = directions[1](X_rev)
                out_rev = out_rev.gather(1, rev.expand(-1, -1, out_rev.shape[2]))
                out = torch.cat([out, out_rev], dim=2)
            X = out
        return X

    def last_state(self, outputs, lengths):
        """Summary of each sequence: the state after its last real step.

        Parameters
        ----------
        outputs : torch.Tensor of shape (batch, time, output_size)
            Result of :meth:`forward`.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        state : torch.Tensor of shape (batch, output_size)
            Forward direction at step ``length - 1``; when bidirectional,
            concatenated with the backward direction at step 0 (after it has
            read the whole sequence).
        """
        batch, _, size = outputs.shape
        lengths = lengths.to(outputs.device)
        index = (lengths - 1).view(batch, 1, 1).expand(batch, 1, size)
        last = outputs.gather(1, index).squeeze(1)
        if not self.bidirectional:
            return last
        half = size // 2
        return torch.cat([last[:, :half], outputs[:, 0, half:]], dim=1)
