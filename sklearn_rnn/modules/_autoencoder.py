"""Autoencoder modules: dense for feature vectors, recurrent for sequences."""

import torch
from torch import nn

from sklearn_rnn.modules._encoder import RecurrentEncoder

_ACTIVATIONS = {
    "identity": nn.Identity,
    "logistic": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
}


class Corruption(nn.Module):
    """Input noise of a denoising autoencoder, applied in training mode only.

    In evaluation mode (``module.eval()``) the input passes unchanged, so codes
    and reconstructions at inference read the input as given.

    Parameters
    ----------
    noise : {"gaussian", "masking"} or None, default=None
        "gaussian" adds normal noise of standard deviation ``noise_level``;
        "masking" sets a random fraction ``noise_level`` of the values to 0;
        None adds nothing.
    noise_level : float, default=0.1
        Standard deviation ("gaussian") or fraction of masked values ("masking").

    See Also
    --------
    DenseAutoencoderModule : A user of this corruption.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import Corruption
    >>> corruption = Corruption("masking", noise_level=0.5)
    >>> X = torch.ones(2, 8)
    >>> bool((corruption(X) == 0).any())
    True
    >>> bool((corruption.eval()(X) == X).all())
    True
    """

    def __init__(self, noise=None, noise_level=0.1):
        super().__init__()
        self.noise = noise
        self.noise_level = noise_level

    def forward(self, X):
        """Return ``X`` corrupted when training, ``X`` itself otherwise.

        Parameters
        ----------
        X : torch.Tensor
            Input of any shape; it is never modified in place.

        Returns
        -------
        X_noisy : torch.Tensor
            Corrupted copy of ``X`` (``X`` itself in evaluation mode).
        """
        if not self.training or self.noise is None or self.noise_level == 0:
            return X
        if self.noise == "gaussian":
            return X + self.noise_level * torch.randn_like(X)
        keep = torch.rand_like(X) >= self.noise_level
        return X * keep


def _dense_stack(sizes, activation, dropout):
    """Linear layers through ``sizes``, each but the last followed by activation and dropout."""
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(_ACTIVATIONS[activation]())
            if dropout:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


class DenseAutoencoderModule(nn.Module):
    """Stacked autoencoder on feature vectors, symmetric around a linear code.

    The encoder maps ``n_features -> hidden_layer_sizes... -> n_components``,
    the decoder mirrors it back to ``n_features``. Hidden layers use
    ``activation``; the code and the output are linear. Layers act on the last
    axis, so inputs may carry extra axes, e.g. ``(batch, 1, n_features)``.

    Parameters
    ----------
    n_features : int
        Size of the input (and output) vectors.
    n_components : int
        Size of the code.
    hidden_layer_sizes : tuple of int, default=()
        Sizes of the encoder's hidden layers, from the input inwards.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Activation of the hidden layers.
    dropout : float, default=0.0
        Dropout after each hidden layer.
    noise : {"gaussian", "masking"} or None, default=None
        Corruption of the inputs while training, see :class:`Corruption`.
    noise_level : float, default=0.1
        Strength of the corruption, see :class:`Corruption`.

    See Also
    --------
    RecurrentAutoencoderModule : The autoencoder for sequences.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import DenseAutoencoderModule
    >>> module = DenseAutoencoderModule(n_features=6, n_components=2, hidden_layer_sizes=(4,))
    >>> X = torch.randn(5, 6)
    >>> module.encode(X).shape, module(X).shape
    (torch.Size([5, 2]), torch.Size([5, 6]))
    """

    def __init__(
        self,
        n_features,
        n_components,
        hidden_layer_sizes=(),
        activation="relu",
        dropout=0.0,
        noise=None,
        noise_level=0.1,
    ):
        super().__init__()
        sizes = [n_features, *hidden_layer_sizes, n_components]
        self.corruption = Corruption(noise, noise_level)
        self.encoder = _dense_stack(sizes, activation, dropout)
        self.decoder = _dense_stack(sizes[::-1], activation, dropout)

    def encode(self, X, lengths=None):
        """Return the codes of ``X``.

        Parameters
        ----------
        X : torch.Tensor of shape (..., n_features)
            Feature vectors.
        lengths : None
            Unused, for the same signature as the recurrent autoencoder.

        Returns
        -------
        codes : torch.Tensor of shape (..., n_components)
            One code per vector.
        """
        return self.encoder(X)

    def decode(self, codes, lengths=None):
        """Rebuild feature vectors from their codes.

        Parameters
        ----------
        codes : torch.Tensor of shape (..., n_components)
            Codes, e.g. from :meth:`encode`.
        lengths : None
            Unused, for the same signature as the recurrent autoencoder.

        Returns
        -------
        X_rebuilt : torch.Tensor of shape (..., n_features)
            One reconstruction per code.
        """
        return self.decoder(codes)

    def forward(self, X, lengths=None):
        """Reconstruct ``X`` (corrupted first, when training and ``noise`` is set).

        Parameters
        ----------
        X : torch.Tensor of shape (..., n_features)
            Feature vectors.
        lengths : None
            Unused, for the same signature as the recurrent autoencoder.

        Returns
        -------
        X_rebuilt : torch.Tensor of shape (..., n_features)
            Reconstruction of ``X``.
        """
        return self.decode(self.encode(self.corruption(X)))

    def squared_error(self, X, lengths=None):
        """Return the squared reconstruction error of each sample.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, ..., n_features)
            Feature vectors.
        lengths : None
            Unused, for the same signature as the recurrent autoencoder.

        Returns
        -------
        errors : torch.Tensor of shape (batch, 2)
            Per sample: the sum of squared reconstruction errors and the
            number of values it sums over.
        """
        err = (self.forward(X) - X).square().reshape(len(X), -1)
        return torch.stack([err.sum(1), torch.full_like(err[:, 0], err.shape[1])], dim=1)


class RecurrentAutoencoderModule(nn.Module):
    """Sequence autoencoder: recurrent encoder -> linear code -> recurrent decoder.

    The encoder's state after each sequence's last *real* step is mapped to a
    code of ``n_components`` values. The decoder, a recurrent stack of the
    same shape, reads the code at every step and a linear layer turns its
    outputs into the rebuilt steps. Padding changes neither the code nor the
    rebuilt real steps.

    Parameters
    ----------
    input_size : int
        Features per time step.
    n_components : int
        Size of the code.
    hidden_size : int
        Hidden units per layer and direction, in the encoder and the decoder.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Recurrent cell.
    num_layers : int, default=1
        Stacked layers of the encoder and of the decoder.
    bidirectional : bool, default=False
        Bidirectional encoder and decoder.
    dropout : float, default=0.0
        Dropout between stacked layers.
    noise : {"gaussian", "masking"} or None, default=None
        Corruption of the inputs while training, see :class:`Corruption`.
    noise_level : float, default=0.1
        Strength of the corruption, see :class:`Corruption`.
    conv_filters : sequence of int, default=()
        Channels of the blocks of a :class:`ConvFrontEnd` before the
        recurrent encoder; ``()`` for none. The decoder has none.
    conv_kernel_size : int or sequence of int, default=(7, 5, 3)
        Kernel of each convolution block.
    conv_stride : int, default=1
        Factor (a power of two) by which the front-end shortens the
        sequences on the way to the code; the decoder still rebuilds every
        step.
    residual : bool, default=False
        Skip connections between the stacked layers of the encoder and of
        the decoder (see :class:`RecurrentEncoder`).
    layer_norm : bool, default=False
        Layer normalisation of the output of every layer of the encoder and
        of the decoder (see :class:`RecurrentEncoder`).

    See Also
    --------
    DenseAutoencoderModule : The autoencoder for feature vectors.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import RecurrentAutoencoderModule
    >>> module = RecurrentAutoencoderModule(input_size=2, n_components=3, hidden_size=4)
    >>> X, lengths = torch.randn(4, 5, 2), torch.tensor([5, 3, 5, 1])
    >>> module.encode(X, lengths).shape, module(X, lengths).shape
    (torch.Size([4, 3]), torch.Size([4, 5, 2]))
    """

    def __init__(
        self,
        input_size,
        n_components,
        hidden_size,
        cell="lstm",
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        noise=None,
        noise_level=0.1,
        conv_filters=(),
        conv_kernel_size=(7, 5, 3),
        conv_stride=1,
        residual=False,
        layer_norm=False,
    ):
        super().__init__()
        stack = dict(
            hidden_size=hidden_size,
            cell=cell,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            residual=residual,
            layer_norm=layer_norm,
        )
        self.corruption = Corruption(noise, noise_level)
        self.encoder = RecurrentEncoder(
            input_size,
            conv_filters=conv_filters,
            conv_kernel_size=conv_kernel_size,
            conv_stride=conv_stride,
            **stack,
        )
        self.to_code = nn.Linear(self.encoder.output_size, n_components)
        self.decoder = RecurrentEncoder(n_components, **stack)
        self.output = nn.Linear(self.decoder.output_size, input_size)

    def encode(self, X, lengths):
        """Return one code per sequence.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size)
            Padded sequences.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        codes : torch.Tensor of shape (batch, n_components)
            The code of each sequence, from the state after its last real step.
        """
        outputs = self.encoder(X, lengths)
        return self.to_code(self.encoder.last_state(outputs, self.encoder.output_lengths(lengths)))

    def decode(self, codes, lengths, n_steps=None):
        """Rebuild sequences of ``lengths`` steps from their codes.

        Parameters
        ----------
        codes : torch.Tensor of shape (batch, n_components)
            Codes, e.g. from :meth:`encode`.
        lengths : torch.Tensor of shape (batch,)
            Number of steps to rebuild for each code.
        n_steps : int, default=None
            Length of the padded output; None for the longest of ``lengths``.

        Returns
        -------
        X_rebuilt : torch.Tensor of shape (batch, n_steps, input_size)
            Rebuilt sequences; values at padded steps are meaningless.
        """
        if n_steps is None:
            n_steps = int(lengths.max())
        steps = codes.unsqueeze(1).expand(-1, n_steps, -1).contiguous()
        return self.output(self.decoder(steps, lengths))

    def forward(self, X, lengths):
        """Reconstruct ``X`` (corrupted first, when training and ``noise`` is set).

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size)
            Padded sequences.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        X_rebuilt : torch.Tensor of shape (batch, time, input_size)
            Reconstruction of ``X``; values at padded steps are meaningless.
        """
        return self.decode(self.encode(self.corruption(X), lengths), lengths, X.shape[1])

    def squared_error(self, X, lengths):
        """Return the squared reconstruction error of each sequence over its real steps.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size)
            Padded sequences.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        errors : torch.Tensor of shape (batch, 2)
            Per sequence: the sum of squared errors over the real steps and
            the number of real values it sums over.
        """
        err = (self.forward(X, lengths) - X).square().sum(2)
        lengths = lengths.to(X.device)
        real = torch.arange(X.shape[1], device=X.device).unsqueeze(0) < lengths.unsqueeze(1)
        sse = (err * real).sum(1)
        return torch.stack([sse, (lengths * X.shape[2]).to(sse.dtype)], dim=1)
