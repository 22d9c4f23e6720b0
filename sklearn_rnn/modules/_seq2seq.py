"""Sequence-to-sequence modules: aligned per-step outputs and an encoder-decoder."""

import torch
from torch import nn

from sklearn_rnn.modules._encoder import RecurrentEncoder

_CELLS = {"lstm": nn.LSTMCell, "gru": nn.GRUCell, "rnn": nn.RNNCell}


def _sorted_quantiles(out, n_outputs, n_quantiles):
    """Head outputs ``(..., n_outputs * n_quantiles)`` as ``(..., n_outputs, n_quantiles)``.

    The values of each output are sorted along the last axis, so the
    quantiles never cross (sorting never increases the pinball loss).
    """
    return out.unflatten(-1, (n_outputs, n_quantiles)).sort(dim=-1).values


class AlignedSeq2SeqModule(nn.Module):
    """Recurrent encoder with a linear layer on every step: one output per input step.

    The module behind :class:`~sklearn_rnn.Seq2SeqRegressor` with
    ``mode="aligned"``. Outputs at padded steps are meaningless and masked
    from the loss.

    Parameters
    ----------
    n_outputs : int
        Output values per time step.
    dropout : float, default=0.0
        Dropout between stacked layers and before the output layer.
    n_quantiles : int, default=None
        Quantiles predicted for every output (sorted, so they never cross);
        None for one value per output.
    **encoder_params : dict
        Passed to :class:`RecurrentEncoder`.

    See Also
    --------
    EncoderDecoderModule : Outputs of another length than the input.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import AlignedSeq2SeqModule
    >>> module = AlignedSeq2SeqModule(n_outputs=1, input_size=2, hidden_size=4)
    >>> module(torch.zeros(3, 5, 2), torch.tensor([5, 5, 2])).shape
    torch.Size([3, 5, 1])
    """

    def __init__(self, n_outputs, dropout=0.0, n_quantiles=None, **encoder_params):
        super().__init__()
        self.n_outputs = n_outputs
        self.n_quantiles = n_quantiles
        self.encoder = RecurrentEncoder(dropout=dropout, **encoder_params)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.encoder.output_size, n_outputs * (n_quantiles or 1))

    def forward(self, X, lengths):
        """Return the outputs of every step.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded features, or padded token ids.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        outputs : torch.Tensor of shape (batch, time, n_outputs)
            One output per input step; values at padded steps are meaningless.
            With ``n_quantiles``: ``(batch, time, n_outputs, n_quantiles)``,
            increasing along the last axis.
        """
        out = self.head(self.dropout(self.encoder(X, lengths)))
        if self.n_quantiles is None:
            return out
        return _sorted_quantiles(out, self.n_outputs, self.n_quantiles)


class EncoderDecoderModule(nn.Module):
    """Encoder-decoder: a context from the input, then ``horizon`` decoded steps.

    The encoder (a :class:`RecurrentEncoder` read up to each sequence's last
    real step, or a dense layer for feature vectors) gives a context vector.
    It sets the decoder's initial hidden state and is fed to the decoder at
    every step together with the previous output. The decoder is a stack of
    recurrent cells; at step ``t`` its input is the target of step ``t - 1``
    with probability ``teacher_forcing_ratio`` while training (teacher
    forcing), and otherwise its own prediction of step ``t - 1`` (always
    at inference). The input of the first step is zero. With
    ``future_covariates``, step ``t`` also gets the values of those input
    columns known in advance for it (see :meth:`split_future`).

    Parameters
    ----------
    n_outputs : int
        Output values per time step.
    horizon : int
        Number of decoded steps.
    input_size : int
        Features per time step (or of each vector when ``vector_input``).
    hidden_size : int
        Hidden units of the encoder (per direction) and of the decoder.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Recurrent cell of encoder and decoder.
    num_layers : int, default=1
        Stacked layers of encoder and decoder.
    bidirectional : bool, default=False
        Bidirectional encoder (the decoder runs forward in time).
    dropout : float, default=0.0
        Dropout between stacked layers and before the output layer.
    teacher_forcing_ratio : float, default=0.5
        Probability of feeding the true previous target while training.
    vector_input : bool, default=False
        Whether the input is one feature vector per sample, given as
        ``X[:, 0]`` of a (batch, 1, input_size) tensor.
    num_embeddings : int, default=None
        Vocabulary size for token-id input; None for numeric features.
    embedding_dim : int, default=None
        Size of the token embedding.
    n_quantiles : int, default=None
        Quantiles predicted for every output (sorted, so they never cross);
        None for one value per output.
    point_weights : sequence of float, default=None
        With ``n_quantiles``: weights of the quantiles (summing to 1) whose
        weighted sum is the point forecast fed to the next decoder step;
        None weighs the middle quantile only.
    highway_window : int, default=0
        Input steps read by a linear map added to the decoder's outputs (the
        autoregressive "highway" of LSTNet, Lai et al. 2018): the last
        ``highway_window`` real steps of every input feature give, through
        one linear layer, a term added to each decoded step's output, and so
        to the prediction fed to the next step. Steps before a sequence's
        start count as zeros. 0 for none.
    conv_filters : sequence of int, default=()
        Channels of the blocks of a :class:`ConvFrontEnd` before the
        recurrent encoder; ``()`` for none.
    conv_kernel_size : int or sequence of int, default=(7, 5, 3)
        Kernel of each convolution block.
    conv_stride : int, default=1
        Factor (a power of two) by which the front-end shortens the input
        sequences; the context is the state after the last real step of the
        shortened sequence.
    future_covariates : sequence of int, default=None
        Input columns whose values are known in advance for the horizon.
        Each input sequence then ends with ``horizon`` more steps: the
        encoder reads the steps before them, and decoder step ``t`` gets
        these columns at step ``length - horizon + t``. None: every step
        is read by the encoder.
    residual : bool, default=False
        Skip connections between the encoder's stacked layers (see
        :class:`RecurrentEncoder`); the decoder has none.
    layer_norm : bool, default=False
        Layer normalisation of the output of each encoder layer (see
        :class:`RecurrentEncoder`); the decoder has none.

    See Also
    --------
    AlignedSeq2SeqModule : One output per input step.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import EncoderDecoderModule
    >>> module = EncoderDecoderModule(n_outputs=1, horizon=4, input_size=2, hidden_size=8)
    >>> module.eval()(torch.zeros(3, 6, 2), torch.tensor([6, 3, 1])).shape
    torch.Size([3, 4, 1])
    """

    takes_targets = True

    def __init__(
        self,
        n_outputs,
        horizon,
        input_size,
        hidden_size,
        cell="lstm",
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        teacher_forcing_ratio=0.5,
        vector_input=False,
        num_embeddings=None,
        embedding_dim=None,
        n_quantiles=None,
        point_weights=None,
        highway_window=0,
        conv_filters=(),
        conv_kernel_size=(7, 5, 3),
        conv_stride=1,
        future_covariates=None,
        residual=False,
        layer_norm=False,
    ):
        super().__init__()
        if future_covariates is not None and vector_input:
            raise ValueError("future_covariates needs input sequences, not vectors.")
        self.future_covariates = None
        n_future = 0
        if future_covariates is not None:
            self.future_covariates = [int(c) for c in future_covariates]
            n_future = len(self.future_covariates)
        self.n_outputs = n_outputs
        self.n_quantiles = n_quantiles
        if n_quantiles is not None:
            if point_weights is None:
                point_weights = [float(i == n_quantiles // 2) for i in range(n_quantiles)]
            self.register_buffer(
                "point_weights",
                torch.as_tensor(point_weights, dtype=torch.float32),
                persistent=False,
            )
        self.horizon = horizon
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = cell == "lstm"
        self.teacher_forcing_ratio = teacher_forcing_ratio
        self.vector_input = vector_input
        if vector_input:
            self.encoder = nn.Sequential(nn.Linear(input_size, hidden_size), nn.Tanh())
            context_size = hidden_size
        else:
            self.encoder = RecurrentEncoder(
                input_size,
                hidden_size,
                cell=cell,
                num_layers=num_layers,
                bidirectional=bidirectional,
                dropout=dropout,
                num_embeddings=num_embeddings,
                embedding_dim=embedding_dim,
                conv_filters=conv_filters,
                conv_kernel_size=conv_kernel_size,
                conv_stride=conv_stride,
                residual=residual,
                layer_norm=layer_norm,
            )
            context_size = self.encoder.output_size
        self.init_state = nn.Linear(context_size, num_layers * hidden_size)
        first_input = n_outputs + context_size + n_future
        self.cells = nn.ModuleList(
            _CELLS[cell](first_input if i == 0 else hidden_size, hidden_size)
            for i in range(num_layers)
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, n_outputs * (n_quantiles or 1))
        self.highway_window = highway_window
        self.highway = None
        if highway_window:
            self.highway = nn.Linear(
                highway_window * input_size, horizon * n_outputs * (n_quantiles or 1)
            )

    def highway_terms(self, X, lengths):
        """Return the linear term of every decoded step (see ``highway_window``).

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size)
            Padded input sequences.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        terms : torch.Tensor of shape (batch, horizon, n_outputs * n_quantiles)
            Added to the output layer's values at each step.
        """
        return self.highway(self.highway_inputs(X, lengths)).view(X.shape[0], self.horizon, -1)

    def highway_inputs(self, X, lengths):
        """Return what the highway reads: the last ``highway_window`` real steps.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size)
            Padded input sequences.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        inputs : torch.Tensor of shape (batch, highway_window * input_size)
            Step by step, oldest first, every feature of a step together;
            zeros stand for the steps before a short sequence's start.
        """
        k = self.highway_window
        steps = lengths.to(X.device).view(-1, 1) - k + torch.arange(k, device=X.device)
        real = (steps >= 0).unsqueeze(-1).to(X.dtype)
        index = steps.clamp(min=0).unsqueeze(-1).expand(-1, -1, X.shape[-1])
        return (X.gather(1, index) * real).flatten(1)

    def context(self, X, lengths):
        """Return the context vector of each sample.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded input sequences (or vectors as ``(batch, 1, input_size)``).
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        context : torch.Tensor of shape (batch, context_size)
            The encoder's state after each sequence's last real step (the
            dense encoding of each vector with ``vector_input``).
        """
        if self.vector_input:
            return self.encoder(X[:, 0])
        outputs = self.encoder(X, lengths)
        return self.encoder.last_state(outputs, self.encoder.output_lengths(lengths))

    def split_future(self, X, lengths):
        """Split sequences that end with the horizon's future covariates.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size)
            Padded sequences, each ending with ``horizon`` future steps.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence, future steps included.

        Returns
        -------
        X : torch.Tensor of shape (batch, time - horizon, input_size)
            The input steps, every later step zero.
        lengths : torch.Tensor of shape (batch,)
            Input steps of each sequence (``lengths - horizon``).
        future : torch.Tensor of shape (batch, horizon, len(future_covariates))
            The ``future_covariates`` columns of the future steps.
        """
        inputs = lengths - self.horizon
        at = inputs.to(X.device)[:, None]
        steps = torch.arange(self.horizon, device=X.device)[None, :]
        rows = torch.arange(X.shape[0], device=X.device)[:, None]
        future = X[rows, at + steps][..., self.future_covariates]
        X = X[:, : X.shape[1] - self.horizon]
        before = torch.arange(X.shape[1], device=X.device)[None, :] < at
        return torch.where(before[..., None], X, 0.0), inputs, future

    def forward(self, X, lengths, y=None):
        """Decode ``horizon`` steps.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded input sequences (or vectors as ``(batch, 1, input_size)``);
            with ``future_covariates``, each ending with the ``horizon``
            future steps.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.
        y : torch.Tensor of shape (batch, horizon, n_outputs), default=None
            Targets for teacher forcing; used only in training mode.

        Returns
        -------
        outputs : torch.Tensor of shape (batch, horizon, n_outputs)
            Decoded steps. With ``n_quantiles``: ``(batch, horizon,
            n_outputs, n_quantiles)``, increasing along the last axis.
        """
        future = None
        if self.future_covariates is not None:
            X, lengths, future = self.split_future(X, lengths)
        ctx = self.context(X, lengths)
        batch = ctx.shape[0]
        terms = None if self.highway is None else self.highway_terms(X, lengths)
        h = list(torch.tanh(self.init_state(ctx)).view(batch, self.num_layers, -1).unbind(1))
        c = [torch.zeros_like(s) for s in h] if self.lstm else None
        prev = ctx.new_zeros((batch, self.n_outputs))
        force = y is not None and self.training and self.teacher_forcing_ratio > 0
        if force:
            y = y.to(ctx.device, ctx.dtype)
        outputs = []
        for t in range(self.horizon):
            inp = torch.cat([prev, ctx] if future is None else [prev, ctx, future[:, t]], dim=1)
            for i, cell in enumerate(self.cells):
                if i:
                    inp = self.dropout(inp)
                if self.lstm:
                    h[i], c[i] = cell(inp, (h[i], c[i]))
                else:
                    h[i] = cell(inp, h[i])
                inp = h[i]
            out = point = self.head(self.dropout(inp))
            if terms is not None:
                out = point = out + terms[:, t]
            if self.n_quantiles is not None:
                out = _sorted_quantiles(out, self.n_outputs, self.n_quantiles)
                point = (out * self.point_weights.to(out.dtype)).sum(-1)
            outputs.append(out)
            if force and t + 1 < self.horizon:
                if self.teacher_forcing_ratio >= 1:
                    prev = y[:, t]
                else:
                    keep = torch.rand(batch, 1, device=ctx.device) < self.teacher_forcing_ratio
                    prev = torch.where(keep, y[:, t], point)
            else:
                prev = point
        return torch.stack(outputs, dim=1)
