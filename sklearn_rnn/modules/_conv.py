"""Convolutional front-end: 1-D convolution blocks that see real steps only."""

import torch
import torch.nn.functional as F
from torch import nn


def length_mask(lengths, n_steps):
    """Boolean mask of shape (batch, n_steps): True at the real steps."""
    return torch.arange(n_steps, device=lengths.device).unsqueeze(0) < lengths.unsqueeze(1)


def _ceil_div(lengths, factor):
    return torch.div(lengths + factor - 1, factor, rounding_mode="floor")


def downsampling_factor(max_length, target=64):
    """Smallest power of two that shortens ``max_length`` steps to at most ``target``.

    The ``stride`` of a :class:`ConvFrontEnd` that lets the recurrent layers
    read at most ``target`` steps of the longest sequence.

    Parameters
    ----------
    max_length : int
        Longest sequence of the training data.
    target : int, default=64
        Most steps the recurrent layers should read.

    Returns
    -------
    factor : int
        ``2 ** k`` for the smallest ``k >= 0`` with ``max_length / 2 ** k <= target``.

    See Also
    --------
    ConvFrontEnd : The blocks that shorten sequences by this factor.

    Examples
    --------
    >>> from sklearn_rnn.modules import downsampling_factor
    >>> downsampling_factor(8), downsampling_factor(427), downsampling_factor(1460)
    (1, 8, 32)
    """
    factor = 1
    while max_length / factor > target:
        factor *= 2
    return factor


def batch_invariant_conv1d(conv, x):
    """``conv(x)`` as one matrix product over all windows of all sequences.

    The result of each sequence does not depend on the others in the batch
    (a convolution kernel may pick its algorithm by batch size, which changes
    the rounding), so predictions on a subset equal those on the whole.
    """
    (kernel,), (stride,), (padding,) = conv.kernel_size, conv.stride, conv.padding
    windows = (F.pad(x, (padding, padding)) if padding else x).unfold(2, kernel, stride)
    batch, channels, steps, _ = windows.shape
    windows = windows.permute(0, 2, 1, 3).reshape(batch * steps, channels * kernel)
    out = windows @ conv.weight.reshape(conv.out_channels, -1).T + conv.bias
    return out.reshape(batch, steps, -1).transpose(1, 2)


class MaskedBatchNorm1d(nn.BatchNorm1d):
    """Batch normalisation over the real steps of padded, channels-first batches.

    In training, the mean and variance of each channel come from the real steps
    of the batch only (padding never counts), and update the running
    statistics that inference uses, so that at inference each sequence is
    normalised independently of the others and of its padding.

    Parameters
    ----------
    num_features : int
        Channels.

    See Also
    --------
    ConvFrontEnd : The convolution blocks it normalises.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules._conv import MaskedBatchNorm1d
    >>> norm = MaskedBatchNorm1d(3)
    >>> x, mask = torch.randn(2, 3, 5), torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]).bool()
    >>> norm(x, mask).shape
    torch.Size([2, 3, 5])
    """

    def forward(self, x, mask):
        """Normalise a padded batch over its real steps.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, channels, time)
            Channels-first features.
        mask : torch.Tensor of shape (batch, time)
            True at the real steps.

        Returns
        -------
        normalised : torch.Tensor of shape (batch, channels, time)
            ``x`` normalised and scaled per channel (padded steps are
            transformed too; mask them afterwards).
        """
        if self.training:
            weights = mask.unsqueeze(1).to(x.dtype)
            count = weights.sum()
            mean = (x * weights).sum(dim=(0, 2)) / count
            var = (((x - mean[None, :, None]) ** 2) * weights).sum(dim=(0, 2)) / count
            with torch.no_grad():
                unbiased = var * count / (count - 1).clamp(min=1)
                self.running_mean.lerp_(mean, self.momentum)
                self.running_var.lerp_(unbiased, self.momentum)
                self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        scale = self.weight * torch.rsqrt(var + self.eps)
        return x * scale[None, :, None] + (self.bias - mean * scale)[None, :, None]


class StepLayerNorm(nn.LayerNorm):
    """Layer normalisation over the channels of each step of channels-first batches.

    Each step is normalised on its own, so no step's output depends on any
    other step (the normalisation of a causal :class:`ConvFrontEnd`, in
    training as well as at inference).

    Parameters
    ----------
    num_features : int
        Channels.

    See Also
    --------
    MaskedBatchNorm1d : The normalisation over the real steps of a batch.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules._conv import StepLayerNorm
    >>> norm = StepLayerNorm(3)
    >>> x, mask = torch.randn(2, 3, 5), torch.ones(2, 5, dtype=torch.bool)
    >>> norm(x, mask).shape
    torch.Size([2, 3, 5])
    """

    def forward(self, x, mask=None):
        """Normalise every step over its channels.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, channels, time)
            Channels-first features.
        mask : torch.Tensor of shape (batch, time), default=None
            Unused (every step is normalised alone), for the signature of
            :class:`MaskedBatchNorm1d`.

        Returns
        -------
        normalised : torch.Tensor of shape (batch, channels, time)
            ``x`` normalised and scaled per step.
        """
        return super().forward(x.transpose(1, 2)).transpose(1, 2)


class ConvFrontEnd(nn.Module):
    """1-D convolution blocks in front of the recurrent layers.

    Each block zeroes the padded steps, convolves ("same" zero padding),
    normalises over the real steps (:class:`MaskedBatchNorm1d`) and applies a
    ReLU, so every real step of a sequence gets the same output whatever the
    padding of its batch. With ``stride > 1`` the blocks shorten the
    sequences by that factor (a power of two): the first block strides, each
    later block ends in a max-pool of 2, and the lengths become
    ``ceil(length / stride)``.

    With ``causal=True`` each output step reads only its own and earlier input
    steps: every convolution pads on the left only (``kernel - 1`` zeros) and
    each step is normalised over its own channels (:class:`StepLayerNorm`),
    so no output depends on a later step, in training as at inference. The
    sequences keep their length (``stride`` must be 1).

    Parameters
    ----------
    input_size : int
        Features per step.
    filters : sequence of int
        Output channels of each block.
    kernel_size : int or sequence of int, default=(7, 5, 3)
        Kernel of each block (an int for all). A strided first block's kernel
        is widened to at least ``2 * stride - 1``, so that it reads every step.
    stride : int, default=1
        Factor by which the blocks shorten the sequences (a power of two).
    causal : bool, default=False
        Convolve causally (see above); the kernel sizes are then used as
        given, ``kernel - 1`` earlier steps besides the step itself.

    See Also
    --------
    RecurrentEncoder : The recurrent layers that read its outputs.
    downsampling_factor : The ``stride`` that shortens a length to a target.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import ConvFrontEnd
    >>> front = ConvFrontEnd(2, filters=(8, 8), kernel_size=3, stride=4)
    >>> outputs, lengths = front(torch.randn(3, 20, 2), torch.tensor([20, 9, 4]))
    >>> outputs.shape, lengths.tolist()
    (torch.Size([3, 5, 8]), [5, 3, 1])
    >>> causal = ConvFrontEnd(2, filters=(8,), kernel_size=3, causal=True)
    >>> causal(torch.randn(3, 20, 2), torch.tensor([20, 9, 4]))[0].shape
    torch.Size([3, 20, 8])
    """

    def __init__(self, input_size, filters, kernel_size=(7, 5, 3), stride=1, causal=False):
        super().__init__()
        if causal and stride != 1:
            raise ValueError(
                f"A causal front-end keeps every step: stride must be 1; got {stride}."
            )
        filters = tuple(filters)
        n_blocks = len(filters)
        kernels = (kernel_size,) * n_blocks if isinstance(kernel_size, int) else kernel_size
        kernels = tuple(kernels)[:n_blocks]
        pools = [1] * n_blocks
        k = stride.bit_length() - 1  # stride == 2 ** k
        n_pooled = max(0, min(k, n_blocks) - 1)
        for i in range(1, n_pooled + 1):
            pools[i] = 2
        self.first_stride = stride // 2**n_pooled
        self.pools = pools
        self.stride = stride
        self.causal = causal
        self.output_size = filters[-1]
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        in_channels = input_size
        for i, (channels, kernel) in enumerate(zip(filters, kernels, strict=True)):
            step = self.first_stride if i == 0 else 1
            kernel = max(int(kernel), 2 * step - 1)
            if causal:  # left padding in forward
                conv = nn.Conv1d(in_channels, channels, kernel)
                self.norms.append(StepLayerNorm(channels))
            else:
                kernel += 1 - kernel % 2  # odd, so that "same" padding is symmetric
                conv = nn.Conv1d(in_channels, channels, kernel, stride=step, padding=kernel // 2)
                self.norms.append(MaskedBatchNorm1d(channels))
            self.convs.append(conv)
            in_channels = channels

    def output_lengths(self, lengths):
        """Return the lengths of the sequences after the blocks.

        Parameters
        ----------
        lengths : torch.Tensor of shape (batch,)
            Real length of each input sequence.

        Returns
        -------
        lengths : torch.Tensor of shape (batch,)
            ``ceil(lengths / stride)``.
        """
        return _ceil_div(lengths, self.stride)

    def forward(self, X, lengths):
        """Convolve a padded batch.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size)
            Padded features.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        outputs : torch.Tensor of shape (batch, ceil(time / stride), output_size)
            Features of each remaining step; zero at padded steps.
        lengths : torch.Tensor of shape (batch,)
            Real length of each output sequence.
        """
        lengths = lengths.to(X.device)
        h = X.transpose(1, 2)
        for conv, norm, pool in zip(self.convs, self.norms, self.pools, strict=True):
            h = h * length_mask(lengths, h.shape[2]).unsqueeze(1).to(h.dtype)
            if self.causal:
                h = F.pad(h, (conv.kernel_size[0] - 1, 0))
            # training: torch's convolution (fastest); inference: batch-invariant
            h = conv(h) if self.training else batch_invariant_conv1d(conv, h)
            if conv.stride[0] > 1:
                step = conv.stride[0]
                lengths = _ceil_div(lengths, step)
            mask = length_mask(lengths, h.shape[2])
            h = F.relu(norm(h, mask)) * mask.unsqueeze(1).to(h.dtype)
            if pool > 1:
                h = F.max_pool1d(h, pool, pool, ceil_mode=True)
                lengths = _ceil_div(lengths, pool)
        return h.transpose(1, 2), lengths
