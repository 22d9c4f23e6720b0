"""Token encoder-decoder: a recurrent decoder with attention, greedy and beam search."""

import torch
from torch import nn

from sklearn_rnn.modules._attention import Attention
from sklearn_rnn.modules._encoder import RecurrentEncoder

# Output ids: 0 starts every decoded sequence, 1 ends it, tokens from 2 on.
START, END = 0, 1
_RNNS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class TokenSeq2SeqModule(nn.Module):
    """Encoder-decoder that writes a token sequence of its own length.

    The encoder (a :class:`RecurrentEncoder`, or a dense layer for one
    feature vector per sample) gives a memory of steps and a summary that
    sets the decoder's initial state. The decoder is a stacked recurrent
    network over the previous output token's embedding. With attention its
    state at each step queries the memory (:class:`Attention`) and the
    output layer reads ``tanh(W [state; context])`` (Luong 2015); without,
    the summary is fed to the decoder at every step.

    In training the targets are given: with ``teacher_forcing_ratio=1`` the
    decoder reads the true previous tokens (all steps at once); below 1,
    each step reads the true previous token with that probability and the
    decoder's own best guess otherwise.

    Parameters
    ----------
    n_tokens : int
        Output ids, start and end included.
    input_size : int
        Features per input step (or of each vector when ``vector_input``).
    hidden_size : int
        Hidden units of the encoder (per direction); the decoder has the
        encoder's output size.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Recurrent cell of encoder and decoder.
    num_layers : int, default=1
        Stacked layers of encoder and decoder.
    bidirectional : bool, default=False
        Bidirectional encoder.
    dropout : float, default=0.0
        Dropout between stacked layers and before the output layer.
    attention : {None, "dot", "general", "additive"}, default="general"
        Attention over the encoder's steps; None for none.
    teacher_forcing_ratio : float, default=1.0
        Probability of reading the true previous token while training.
    vector_input : bool, default=False
        Whether the input is one feature vector per sample, as ``X[:, 0]``
        of a (batch, 1, input_size) tensor.
    num_embeddings : int, default=None
        Input vocabulary size for token ids; None for numeric features.
    embedding_dim : int, default=None
        Size of the input token embedding.
    output_embedding_dim : int, default=None
        Size of the output token embedding; None uses ``embedding_dim``, or
        the decoder size without one.
    residual : bool, default=False
        Skip connections between the encoder's stacked layers (see
        :class:`RecurrentEncoder`); the decoder has none.
    layer_norm : bool, default=False
        Layer normalisation of the output of each encoder layer (see
        :class:`RecurrentEncoder`); the decoder has none.

    See Also
    --------
    Attention : The attention of the decoder over the encoder's steps.
    EncoderDecoderModule : Real-valued output sequences of another length.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import TokenSeq2SeqModule
    >>> module = TokenSeq2SeqModule(n_tokens=6, input_size=2, hidden_size=4)
    >>> X, lengths = torch.zeros(3, 5, 2), torch.tensor([5, 4, 2])
    >>> y = torch.tensor([[2, 3, 1], [4, 1, 1], [5, 2, 1]])
    >>> module(X, lengths, y).shape
    torch.Size([3, 3, 6])
    >>> module.max_output_length = 4
    >>> out = module.eval().decode(X, lengths)
    >>> out.shape[0], out.shape[2], out.shape[1] <= 4
    (3, 2, True)
    """

    takes_targets = True
    uses_targets_in_eval = True

    def __init__(
        self,
        n_tokens,
        input_size,
        hidden_size,
        cell="lstm",
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        attention="general",
        teacher_forcing_ratio=1.0,
        vector_input=False,
        num_embeddings=None,
        embedding_dim=None,
        output_embedding_dim=None,
        residual=False,
        layer_norm=False,
    ):
        super().__init__()
        self.vector_input = vector_input
        self.lstm = cell == "lstm"
        self.num_layers = num_layers
        self.teacher_forcing_ratio = teacher_forcing_ratio
        self.beam_width = 1
        self.min_output_length = 0
        self.max_output_length = 50
        if vector_input:
            self.encoder = nn.Sequential(nn.Linear(input_size, hidden_size), nn.Tanh())
            memory_size = hidden_size
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
                residual=residual,
                layer_norm=layer_norm,
            )
            memory_size = self.encoder.output_size
        size = memory_size
        self.decoder_size = size
        emb = output_embedding_dim or embedding_dim or size
        self.embedding = nn.Embedding(n_tokens, emb)
        self.init_state = nn.Linear(memory_size, num_layers * size)
        self.attention = None if attention is None else Attention(size, memory_size, attention)
        in_size = emb if attention is not None else emb + memory_size
        self.rnn = _RNNS[cell](
            in_size,
            size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        if attention is not None:
            self.combine = nn.Linear(size + memory_size, size)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(size, n_tokens)

    # ------------------------------------------------------------------ encoder
    def encode(self, X, lengths):
        """Encode the inputs: their memory, its lengths and a summary of each.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded input sequences (or vectors as ``(batch, 1, input_size)``).
        lengths : torch.Tensor of shape (batch,)
            Real length of each input.

        Returns
        -------
        memory : torch.Tensor of shape (batch, time, memory_size)
            The encoder's output at every step (one step for vectors).
        lengths : torch.Tensor of shape (batch,)
            Real steps of the memory, on its device.
        summary : torch.Tensor of shape (batch, memory_size)
            The encoder's state after the last real step, or the code of
            each vector.
        """
        if self.vector_input:
            summary = self.encoder(X[:, 0])
            ones = torch.ones(len(X), dtype=torch.int64, device=X.device)
            return summary.unsqueeze(1), ones, summary
        lengths = lengths.to(X.device)
        memory = self.encoder(X, lengths)
        return memory, lengths, self.encoder.last_state(memory, lengths)

    def transform(self, X, lengths):
        """Return the encoder's summary of each input.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded input sequences (or vectors as ``(batch, 1, input_size)``).
        lengths : torch.Tensor of shape (batch,)
            Real length of each input.

        Returns
        -------
        summary : torch.Tensor of shape (batch, memory_size)
            See :meth:`encode`.
        """
        return self.encode(X, lengths)[2]

    def _initial_state(self, summary):
        batch = summary.shape[0]
        h = torch.tanh(self.init_state(summary)).view(batch, self.num_layers, -1)
        h = h.transpose(0, 1).contiguous()
        return (h, torch.zeros_like(h)) if self.lstm else h

    # ------------------------------------------------------------------ decoder
    def _steps(self, tokens, state, memory, lengths, projected, summary):
        """Decode the steps whose inputs are ``tokens`` (batch, steps).

        Returns logits (batch, steps, n_tokens), the new state and the
        attention weights (batch, steps, time) or None.
        """
        inp = self.embedding(tokens)
        if self.attention is None:
            inp = torch.cat([inp, summary.unsqueeze(1).expand(-1, inp.shape[1], -1)], dim=2)
        out, state = self.rnn(inp, state)
        weights = None
        if self.attention is not None:
            context, weights = self.attention(out, memory, lengths, projected)
            out = torch.tanh(self.combine(torch.cat([out, context], dim=2)))
        return self.head(self.dropout(out)), state, weights

    def _start(self, X, lengths):
        memory, lengths, summary = self.encode(X, lengths)
        projected = None if self.attention is None else self.attention.prepare(memory)
        return memory, lengths, projected, summary, self._initial_state(summary)

    def forward(self, X, lengths, y=None):
        """Compute the logits of every target step given the previous target tokens.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded input sequences (or vectors as ``(batch, 1, input_size)``).
        lengths : torch.Tensor of shape (batch,)
            Real length of each input.
        y : torch.Tensor of shape (batch, steps)
            Target ids, each sequence ending with the end id (padding after
            it is masked by the caller).

        Returns
        -------
        logits : torch.Tensor of shape (batch, steps, n_tokens)
            Unnormalised scores of each output id at each target step.
        """
        if y is None:
            raise ValueError("TokenSeq2SeqModule.forward needs the targets y; use decode.")
        memory, lengths, projected, summary, state = self._start(X, lengths)
        y = y.to(memory.device)
        prev = torch.cat([torch.full_like(y[:, :1], START), y[:, :-1]], dim=1)
        ratio = self.teacher_forcing_ratio if self.training else 1.0
        if ratio >= 1:
            return self._steps(prev, state, memory, lengths, projected, summary)[0]
        logits = []
        inp = prev[:, :1]
        for t in range(y.shape[1]):
            step, state, _ = self._steps(inp, state, memory, lengths, projected, summary)
            logits.append(step)
            if t + 1 < y.shape[1]:
                guess = step.detach().argmax(2)
                keep = torch.rand(guess.shape, device=guess.device) < ratio
                inp = torch.where(keep, prev[:, t + 1 : t + 2], guess)
        return torch.cat(logits, dim=1)

    def attention_weights(self, X, lengths, y):
        """Compute the attention weights of each step of the given outputs ``y``.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded input sequences (or vectors as ``(batch, 1, input_size)``).
        lengths : torch.Tensor of shape (batch,)
            Real length of each input.
        y : torch.Tensor of shape (batch, steps)
            Output ids whose steps are scored, as in :meth:`forward`.

        Returns
        -------
        weights : torch.Tensor of shape (batch, steps, time)
            Weights over the input steps read when writing each output step
            (zero on padding).
        """
        memory, lengths, projected, summary, state = self._start(X, lengths)
        y = y.to(memory.device)
        prev = torch.cat([torch.full_like(y[:, :1], START), y[:, :-1]], dim=1)
        return self._steps(prev, state, memory, lengths, projected, summary)[2]

    def decode(self, X, lengths):
        """Beam search (greedy when ``beam_width`` is 1) up to ``max_output_length`` steps.

        A hypothesis ends with the end id (not before ``min_output_length``
        tokens). The search keeps the
        ``beam_width`` hypotheses of highest log-likelihood; among those,
        the one of highest log-likelihood per token (end included) wins.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size) or (batch, time)
            Padded input sequences (or vectors as ``(batch, 1, input_size)``).
        lengths : torch.Tensor of shape (batch,)
            Real length of each input.

        Returns
        -------
        out : torch.Tensor of shape (batch, steps, 2)
            Channel 0: the output ids (float), ending with the end id unless
            ``max_output_length`` was reached; channel 1: the log-probability
            of each of them. Steps after the end are zero.
        """
        memory, lengths, projected, summary, state = self._start(X, lengths)
        batch, k = memory.shape[0], self.beam_width
        n_tokens = self.head.out_features

        def expand(t, dim=0):
            return None if t is None else t.repeat_interleave(k, dim=dim)

        memory, lengths, projected, summary = map(expand, (memory, lengths, projected, summary))
        state = tuple(expand(s, 1) for s in state) if self.lstm else expand(state, 1)
        device = memory.device
        scores = torch.full((batch, k), float("-inf"), device=device)
        scores[:, 0] = 0.0
        ended_row = torch.full((n_tokens,), float("-inf"), device=device)
        ended_row[END] = 0.0
        prev = torch.full((batch * k, 1), START, dtype=torch.int64, device=device)
        done = torch.zeros(batch * k, dtype=torch.bool, device=device)
        tokens = torch.zeros((batch * k, 0), dtype=torch.int64, device=device)
        logps = torch.zeros((batch * k, 0), device=device)
        offsets = (torch.arange(batch, device=device) * k).unsqueeze(1)
        for step in range(self.max_output_length):
            logits, state, _ = self._steps(prev, state, memory, lengths, projected, summary)
            logp = torch.log_softmax(logits[:, 0].float(), dim=1)
            logp[:, START] = float("-inf")
            if step < self.min_output_length:
                logp[:, END] = float("-inf")
            logp = torch.where(done.unsqueeze(1), ended_row, logp)
            total = (scores.view(-1, 1) + logp).view(batch, k * n_tokens)
            scores, idx = total.topk(k, dim=1)
            rows = (offsets + torch.div(idx, n_tokens, rounding_mode="floor")).view(-1)
            tok = (idx % n_tokens).view(-1)
            step_logp = logp[rows, tok]
            tokens = torch.cat([tokens[rows], tok.unsqueeze(1)], dim=1)
            logps = torch.cat([logps[rows], step_logp.unsqueeze(1)], dim=1)
            done = done[rows] | (tok == END)
            state = tuple(s[:, rows] for s in state) if self.lstm else state[:, rows]
            prev = tok.unsqueeze(1)
            if bool(done.all()):
                break
        real = tokens == END
        first_end = torch.where(real.any(1), real.int().argmax(1), tokens.shape[1] - 1)
        n_steps = first_end + 1
        steps = torch.arange(tokens.shape[1], device=device)
        keep = steps.unsqueeze(0) < n_steps.unsqueeze(1)
        logps = logps.masked_fill(~keep, 0.0)
        tokens = tokens.masked_fill(~keep, 0)
        per_token = (logps.sum(1) / n_steps).view(batch, k)
        per_token = per_token.masked_fill(torch.isnan(per_token), float("-inf"))
        best = offsets.view(-1) + per_token.argmax(1)
        return torch.stack([tokens[best].float(), logps[best]], dim=2)
