"""Stacked recurrent encoder that is exact on padded batches without packing."""

import torch
from torch import nn

from sklearn_rnn._sequences import reverse_within_length
from sklearn_rnn.modules._conv import ConvFrontEnd

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
        Vocabulary size for token-id input; None for numeric features. The
        last row stands for ids unseen at fit: it starts at zero.
    embedding_dim : int, default=None
        Size of the token embedding.
    embedding_weights : torch.Tensor of shape (num_embeddings, embedding_dim), default=None
        Initial embedding matrix (e.g. pretrained word vectors); None for a
        random initialisation.
    freeze_embedding : bool, default=False
        Keep the embedding matrix fixed during training.
    embedding_dropout : float, default=0.0
        Probability of dropping a token's whole embedding vector in training
        (the kept ones are scaled by ``1 / (1 - p)``), so the model cannot
        lean on any single word.
    conv_filters : sequence of int, default=()
        Channels of the convolution blocks of a :class:`ConvFrontEnd` that
        reads the (numeric or embedded) steps before the recurrent layers;
        ``()`` for none.
    conv_kernel_size : int or sequence of int, default=(7, 5, 3)
        Kernel of each convolution block.
    conv_stride : int, default=1
        Factor (a power of two) by which the front-end shortens the
        sequences; :meth:`output_lengths` gives the lengths of the outputs.
    conv_causal : bool, default=False
        Causal front-end: each step reads only itself and earlier steps
        (``conv_stride`` must be 1), see :class:`ConvFrontEnd`.
    residual : bool, default=False
        Add the input of every layer from the second on to its output (a
        skip connection, so that a deep stack starts close to the identity
        and its gradients reach the lower layers). Those inputs are the
        previous layer's outputs, both directions concatenated when
        bidirectional, so their size always matches; the first layer, whose
        input is the features (or embedding, or front-end output), has none.
        ``dropout`` acts on what each layer reads, not on the skip path.
    layer_norm : bool, default=False
        Normalise the output of every layer (both directions together) with
        :class:`torch.nn.LayerNorm`, over the features of each step alone, so
        padded steps never reach the real ones. With ``residual``, the
        normalised output is added to the layer's input.

    See Also
    --------
    SequenceClassifierModule : The encoder with a classification head.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import RecurrentEncoder
    >>> encoder = RecurrentEncoder(input_size=2, hidden_size=4, bidirectional=True)
    >>> X, lengths = torch.randn(3, 6, 2), torch.tensor([6, 2, 4])
    >>> outputs = encoder(X, lengths)
    >>> outputs.shape
    torch.Size([3, 6, 8])
    >>> encoder.last_state(outputs, lengths).shape
    torch.Size([3, 8])
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
        embedding_weights=None,
        freeze_embedding=False,
        embedding_dropout=0.0,
        conv_filters=(),
        conv_kernel_size=(7, 5, 3),
        conv_stride=1,
        conv_causal=False,
        residual=False,
        layer_norm=False,
    ):
        super().__init__()
        self.embedding = None
        if num_embeddings is not None:
            self.embedding = nn.Embedding(num_embeddings, embedding_dim)
            with torch.no_grad():
                if embedding_weights is not None:
                    self.embedding.weight.copy_(torch.as_tensor(embedding_weights))
                else:
                    self.embedding.weight[-1].zero_()
            self.embedding.weight.requires_grad_(not freeze_embedding)
            input_size = embedding_dim
        self.front = None
        if len(conv_filters):
            self.front = ConvFrontEnd(
                input_size, conv_filters, conv_kernel_size, conv_stride, causal=conv_causal
            )
            input_size = self.front.output_size
        self.embedding_dropout = embedding_dropout
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
        self.residual = residual
        self.norms = None
        if layer_norm:
            self.norms = nn.ModuleList(nn.LayerNorm(self.output_size) for _ in range(num_layers))

    def _drop_tokens(self, X):
        """Zero whole token vectors with probability ``embedding_dropout`` (training only)."""
        p = self.embedding_dropout
        if not self.training or p == 0:
            return X
        keep = torch.empty(X.shape[:2] + (1,), device=X.device, dtype=X.dtype)
        return X * keep.bernoulli_(1 - p).div_(1 - p)

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
            Top-layer outputs at every step (at every ``conv_stride``-th step
            with a shortening front-end, see :meth:`output_lengths`); values at
            padded steps are meaningless.
        """
        if self.embedding is not None:
            X = self._drop_tokens(self.embedding(X))
        if self.front is not None:
            X, lengths = self.front(X, lengths)
        rev = None
        if self.bidirectional:
            lengths = lengths.to(X.device)
            rev = reverse_within_length(lengths, X.shape[1]).unsqueeze(-1)
        for i, directions in enumerate(self.layers):
            skip = X
            if i:
                X = self.dropout(X)
            out, _ = directions[0](X)
            if rev is not None:
                X_rev = X.gather(1, rev.expand(-1, -1, X.shape[2]))
                out_rev, _ = directions[1](X_rev)
                out_rev = out_rev.gather(1, rev.expand(-1, -1, out_rev.shape[2]))
                out = torch.cat([out, out_rev], dim=2)
            if self.norms is not None:
                out = self.norms[i](out)
            if self.residual and i:
                out = out + skip
            X = out
        return X

    def output_lengths(self, lengths):
        """Real length of each output sequence of :meth:`forward`.

        Parameters
        ----------
        lengths : torch.Tensor of shape (batch,)
            Real length of each input sequence.

        Returns
        -------
        lengths : torch.Tensor of shape (batch,)
            ``lengths``, or ``ceil(lengths / conv_stride)`` with a shortening
            front-end.
        """
        if self.front is None:
            return lengths
        return self.front.output_lengths(lengths)

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

    def pool(self, outputs, lengths, pooling="last"):
        """Summary of each sequence over its real steps only.

        Parameters
        ----------
        outputs : torch.Tensor of shape (batch, time, output_size)
            Result of :meth:`forward`.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.
        pooling : {"last", "mean", "max", "mean_max"}, default="last"
            ``"last"``: :meth:`last_state`; ``"mean"`` / ``"max"``: mean or
            maximum of the top-layer outputs over the real steps (padding is
            masked out); ``"mean_max"``: both, concatenated.

        Returns
        -------
        summary : torch.Tensor of shape (batch, output_size) or (batch, 2 * output_size)
            One vector per sequence (twice as long with ``"mean_max"``).
        """
        if pooling == "last":
            return self.last_state(outputs, lengths)
        lengths = lengths.to(outputs.device)
        steps = torch.arange(outputs.shape[1], device=outputs.device)
        mask = (steps.unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(-1)
        if pooling == "mean":
            total = outputs.masked_fill(~mask, 0.0).sum(dim=1)
            return total / lengths.unsqueeze(1).to(outputs.dtype)
        if pooling == "max":
            return outputs.masked_fill(~mask, float("-inf")).amax(dim=1)
        if pooling == "mean_max":
            return torch.cat(
                [self.pool(outputs, lengths, "mean"), self.pool(outputs, lengths, "max")], dim=1
            )
        raise ValueError(f"pooling={pooling!r} is not one of 'last', 'mean', 'max', 'mean_max'.")
