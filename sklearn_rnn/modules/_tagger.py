"""Per-step tagging module: word and character representations, recurrent encoder, linear head."""

import torch
from torch import nn
from torch.nn import functional as F

from sklearn_rnn.modules._encoder import RecurrentEncoder


class CharCNN(nn.Module):
    """Character-level representation of words: embedding, convolutions, max pooling.

    The filters are split between several widths (2 to 5 characters by
    default), so that both short affixes ("-s", "-ly") and longer ones
    ("-tion", "-ness") are matched. Each convolution also reads one
    padding position before and after the word, so a filter can match a
    prefix or suffix as such.

    Parameters
    ----------
    num_chars : int
        Rows of the character embedding; index 0 is padding.
    output_size : int
        Number of filters in all, the size of each word's representation.
    char_dim : int, default=32
        Size of the character embedding.
    kernel_sizes : tuple of int, default=(2, 3, 4, 5)
        Convolution widths, in characters. The filters are shared out evenly
        (the widest gets the remainder); with fewer filters than widths only
        the first ``output_size`` widths are used.

    See Also
    --------
    SequenceTaggerModule : The tagger that reads words through it.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import CharCNN
    >>> cnn = CharCNN(num_chars=30, output_size=8)
    >>> chars = torch.tensor([[3, 4, 5, 0], [6, 7, 0, 0]])  # two words, padded
    >>> cnn(chars).shape
    torch.Size([2, 8])
    """

    def __init__(self, num_chars, output_size, char_dim=32, kernel_sizes=(2, 3, 4, 5)):
        super().__init__()
        self.embedding = nn.Embedding(num_chars, char_dim, padding_idx=0)
        widths = tuple(kernel_sizes)[:output_size]
        sizes = [output_size // len(widths)] * len(widths)
        sizes[-1] += output_size - sum(sizes)
        self.convs = nn.ModuleList(
            nn.Conv1d(char_dim, size, width, padding=width - 1)
            for width, size in zip(widths, sizes, strict=True)
        )
        self.output_size = output_size

    def forward(self, chars):
        """Represent words given as padded character ids.

        Parameters
        ----------
        chars : torch.Tensor of shape (n_words, max_chars)
            Character ids, 0 after the end of each word.

        Returns
        -------
        words : torch.Tensor of shape (n_words, output_size)
            Maximum of each filter's responses over the positions that
            overlap the word's real characters (0 for an empty word).
        """
        emb = self.embedding(chars).transpose(1, 2)
        n_chars = (chars != 0).sum(dim=1, keepdim=True)
        out = []
        for conv in self.convs:
            width = conv.kernel_size[0]
            # position j of a full convolution covers characters j - width + 1 .. j
            response = torch.relu(conv(emb))
            steps = torch.arange(response.shape[2], device=chars.device)
            real = (steps.unsqueeze(0) < n_chars + width - 1) & (n_chars > 0)
            real = real.unsqueeze(1)
            # after relu, 0 is the floor: positions outside the word never win
            out.append(response.masked_fill(~real, 0.0).max(dim=2).values)
        return torch.cat(out, dim=1)


class SequenceTaggerModule(nn.Module):
    """Recurrent encoder with a linear layer on every step.

    Three inputs are supported: numeric features ``(batch, time, features)``;
    token ids ``(batch, time)`` (with ``num_embeddings``); and words as
    ``(batch, time, 1 + max_chars)`` where the first entry is the word id
    and the rest its character ids (with ``num_embeddings`` and
    ``num_chars``). Word ids are replaced by ``unknown_index`` with
    probability ``word_dropout`` in training, so the model learns to tag
    words it has not seen from their characters and context.

    Parameters
    ----------
    n_classes : int
        Number of tags.
    input_size : int
        Features per step for numeric input (ignored with ``num_embeddings``).
    num_embeddings : int, default=None
        Rows of the word embedding; None for numeric features.
    embedding_dim : int, default=None
        Size of the word embedding.
    num_chars : int, default=None
        Rows of the character embedding; None: no character representation.
    char_embedding_dim : int, default=None
        Size of the character-level representation of each word.
    word_dropout : float, default=0.0
        Probability of replacing a word id by ``unknown_index`` in training.
    unknown_index : int, default=None
        Word id of unknown words.
    dropout : float, default=0.0
        Dropout on the step inputs, between stacked layers and before the head.
    **encoder_params : dict
        ``hidden_size``, ``cell``, ``num_layers``, ``bidirectional``,
        ``residual``, ``layer_norm`` of :class:`RecurrentEncoder`.

    See Also
    --------
    CharCNN : The character representation of words.
    StepCrossEntropy : The per-step loss of its logits.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import SequenceTaggerModule
    >>> module = SequenceTaggerModule(n_classes=5, input_size=3, hidden_size=4)
    >>> module(torch.zeros(2, 6, 3), torch.tensor([6, 4])).shape
    torch.Size([2, 6, 5])
    """

    def __init__(
        self,
        n_classes,
        input_size,
        num_embeddings=None,
        embedding_dim=None,
        num_chars=None,
        char_embedding_dim=None,
        word_dropout=0.0,
        unknown_index=None,
        dropout=0.0,
        **encoder_params,
    ):
        super().__init__()
        self.embedding = self.chars = None
        if num_embeddings is not None:
            self.embedding = nn.Embedding(num_embeddings, embedding_dim)
            input_size = embedding_dim
            if num_chars is not None:
                self.chars = CharCNN(num_chars, char_embedding_dim)
                input_size += char_embedding_dim
        self.word_dropout = word_dropout
        self.unknown_index = unknown_index
        self.input_dropout = nn.Dropout(dropout if num_embeddings is not None else 0.0)
        self.encoder = RecurrentEncoder(input_size=input_size, dropout=dropout, **encoder_params)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.encoder.output_size, n_classes)

    def _inputs(self, X):
        if self.embedding is None:
            return X
        words = X[..., 0] if self.chars is not None else X
        if self.training and self.word_dropout > 0:
            drop = torch.rand(words.shape, device=words.device) < self.word_dropout
            words = words.masked_fill(drop, self.unknown_index)
        emb = self.embedding(words)
        if self.chars is not None:
            chars = X[..., 1:]
            batch, time, n_chars = chars.shape
            char_rep = self.chars(chars.reshape(batch * time, n_chars))
            emb = torch.cat([emb, char_rep.view(batch, time, -1)], dim=2)
        return self.input_dropout(emb)

    def forward(self, X, lengths):
        """Return the tag scores (logits) at every step.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size), (batch, time) or \
(batch, time, 1 + max_chars)
            Padded numeric features, word ids, or word ids with their
            character ids.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        logits : torch.Tensor of shape (batch, time, n_classes)
            Tag scores; values at padded steps are meaningless.
        """
        return self.head(self.dropout(self.encoder(self._inputs(X), lengths)))


class StepCrossEntropy(nn.Module):
    """Cross-entropy of per-step logits, one loss per step.

    Unlike :class:`torch.nn.CrossEntropyLoss`, it takes logits of shape
    ``(batch, time, n_classes)`` and returns the unreduced ``(batch, time)``
    losses, so the caller can mask the padded steps.

    Parameters
    ----------
    *args, **kwargs
        Those of :class:`torch.nn.Module`; the loss itself has no settings.

    See Also
    --------
    SequenceTaggerModule : The module whose logits it scores.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import StepCrossEntropy
    >>> logits = torch.zeros(2, 3, 4)
    >>> target = torch.zeros(2, 3, dtype=torch.long)
    >>> StepCrossEntropy()(logits, target).shape
    torch.Size([2, 3])
    """

    def forward(self, logits, target):
        """Return the cross-entropy of every step.

        Parameters
        ----------
        logits : torch.Tensor of shape (batch, time, n_classes)
            Tag scores.
        target : torch.Tensor of shape (batch, time)
            True class index of every step.

        Returns
        -------
        losses : torch.Tensor of shape (batch, time)
            Unreduced losses; the caller masks the padded steps.
        """
        return F.cross_entropy(logits.transpose(1, 2), target, reduction="none")
