"""Attention over the steps of a padded sequence (Luong 2015, Bahdanau 2015)."""

import torch
from torch import nn

_KINDS = ("dot", "general", "additive")


class Attention(nn.Module):
    """Attention of queries over the real steps of padded key sequences.

    Scores each key step against a query, turns the scores into weights
    with a softmax over the real steps only (padding gets weight zero) and
    returns the weighted sum of the keys (the context) with the weights.

    - ``"dot"``: ``score = q . k`` (``query_size == key_size``), Luong 2015;
    - ``"general"``: ``score = q . (W k)``, Luong 2015;
    - ``"additive"``: ``score = v . tanh(W_q q + W_k k)``, Bahdanau 2015.

    The same module pools one sequence into one vector when the query is a
    learned vector, and lets a decoder look at the encoder's steps when the
    query is the decoder's state.

    Parameters
    ----------
    query_size : int
        Size of each query vector.
    key_size : int
        Size of each key (and value) vector.
    kind : {"dot", "general", "additive"}, default="general"
        Scoring function.
    attention_size : int, default=None
        Hidden size of the additive scorer; None uses ``query_size``.

    See Also
    --------
    TokenSeq2SeqModule : A decoder that attends to the encoder's steps.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import Attention
    >>> attention = Attention(4, 4, kind="dot")
    >>> keys = torch.randn(2, 5, 4)
    >>> context, weights = attention(torch.randn(2, 4), keys, torch.tensor([5, 2]))
    >>> context.shape, weights.shape
    (torch.Size([2, 4]), torch.Size([2, 5]))
    >>> float(weights[1, 2:].sum())
    0.0
    """

    def __init__(self, query_size, key_size, kind="general", attention_size=None):
        super().__init__()
        if kind not in _KINDS:
            raise ValueError(f"kind={kind!r} is not one of {_KINDS}.")
        if kind == "dot" and query_size != key_size:
            raise ValueError(
                f"Dot attention needs queries and keys of one size, got {query_size} and "
                f"{key_size}; use kind='general' or 'additive'."
            )
        self.kind = kind
        self.query_size = query_size
        self.key_size = key_size
        if kind == "general":
            self.key_proj = nn.Linear(key_size, query_size, bias=False)
        elif kind == "additive":
            size = attention_size or query_size
            self.key_proj = nn.Linear(key_size, size, bias=False)
            self.query_proj = nn.Linear(query_size, size)
            self.v = nn.Linear(size, 1, bias=False)

    def prepare(self, keys):
        """Projected keys, computed once per key sequence and reused for every query.

        Parameters
        ----------
        keys : torch.Tensor of shape (batch, time, key_size)
            Padded key sequences.

        Returns
        -------
        projected : torch.Tensor of shape (batch, time, size)
            What :meth:`forward` takes as ``projected``.
        """
        return keys if self.kind == "dot" else self.key_proj(keys)

    def forward(self, query, keys, lengths=None, projected=None):
        """Context vectors and attention weights.

        Parameters
        ----------
        query : torch.Tensor of shape (batch, query_size) or (batch, n_queries, query_size)
            One query per sample, or several (e.g. one per decoder step).
        keys : torch.Tensor of shape (batch, time, key_size)
            Padded key (and value) sequences.
        lengths : torch.Tensor of shape (batch,), default=None
            Real length of each key sequence; None when none is padded.
        projected : torch.Tensor, default=None
            ``prepare(keys)``, when already computed.

        Returns
        -------
        context : torch.Tensor of shape (batch, key_size) or (batch, n_queries, key_size)
            Weighted sums of the keys.
        weights : torch.Tensor of shape (batch, time) or (batch, n_queries, time)
            Attention weights; zero at padded steps, summing to one over the real ones.
        """
        single = query.dim() == 2
        if single:
            query = query.unsqueeze(1)
        if projected is None:
            projected = self.prepare(keys)
        if self.kind == "additive":
            hidden = self.query_proj(query).unsqueeze(2) + projected.unsqueeze(1)
            scores = self.v(torch.tanh(hidden)).squeeze(-1)
        else:
            scores = torch.bmm(query, projected.transpose(1, 2))
        if lengths is not None:
            steps = torch.arange(keys.shape[1], device=keys.device)
            pad = steps.unsqueeze(0) >= lengths.to(keys.device).unsqueeze(1)
            scores = scores.masked_fill(pad.unsqueeze(1), float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        context = torch.bmm(weights, keys)
        if single:
            return context.squeeze(1), weights.squeeze(1)
        return context, weights
