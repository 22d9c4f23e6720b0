"""Parameters of the convolutional front-end, checked alike by every estimator that has it."""

from numbers import Integral

import numpy as np

from sklearn_rnn._compat import Interval

CONV_PARAMETER_CONSTRAINTS = {
    "conv_filters": ["array-like"],
    "conv_kernel_size": [Interval(Integral, 1, None, closed="left"), "array-like"],
    "conv_stride": [Interval(Integral, 1, None, closed="left")],
}

# How the front-end may read the input of a fit (see check_conv_layout):
# shortening the sequences, keeping every step, or keeping every step causally.
STRIDED, SAME, CAUSAL = "strided", "same", "causal"


def _whole_numbers(values, name):
    """``values`` (a flat array-like of integers) as a tuple of ints; a ValueError otherwise.

    Floats such as 4.7 are refused rather than cut to 4.
    """
    array = np.asarray(values).reshape(-1)
    if array.size and (array.dtype.kind not in "iu"):
        raise ValueError(f"{name} must hold integers; got {values!r}.")
    return tuple(int(v) for v in array)


def check_conv(filters, kernel_size, stride):
    """Validate the front-end parameters; return the channels and kernels as ints.

    ``stride`` may be "auto" (resolved by the caller once ``filters`` is known).

    Returns
    -------
    filters : tuple of int
        Channels of each block (empty for no front-end).
    kernel_size : int or tuple of int
        One kernel for all blocks, or one per block.
    """
    filters = _whole_numbers(filters, "conv_filters")
    if any(c < 1 for c in filters):
        raise ValueError(f"conv_filters must hold positive channel counts; got {filters}.")
    if isinstance(kernel_size, Integral) and not isinstance(kernel_size, bool):
        kernel_size = int(kernel_size)
    else:
        kernel_size = _whole_numbers(kernel_size, "conv_kernel_size")
        if len(kernel_size) < len(filters) or any(k < 1 for k in kernel_size):
            raise ValueError(
                "conv_kernel_size must be a positive int or hold one positive kernel "
                f"size per block of conv_filters={filters}; got {kernel_size}."
            )
    if stride != "auto" and stride & (stride - 1):
        raise ValueError(f"conv_stride must be a power of two (1, 2, 4, ...); got {stride}.")
    if stride != "auto" and stride > 1 and not filters:
        raise ValueError(
            f"conv_stride={stride} shortens sequences in the convolutional front-end, "
            "but conv_filters is empty; give conv_filters or use conv_stride=1."
        )
    return filters, kernel_size


def check_conv_layout(filters, stride, layout, reason):
    """Raise when the front-end, or its shortening, does not apply to the input of a fit.

    ``layout`` is :data:`STRIDED`, :data:`SAME`, :data:`CAUSAL` or None (no
    front-end possible); ``reason`` says why it is not :data:`STRIDED`.
    """
    if filters and layout is None:
        raise ValueError(
            f"conv_filters={filters} sets a convolutional front-end over neighbouring "
            f"time steps, but {reason}; use conv_filters=()."
        )
    if stride > 1 and layout in (SAME, CAUSAL):
        raise ValueError(
            f"conv_stride={stride} shortens the sequences, but {reason}, so the "
            "front-end must keep every step; use conv_stride=1."
        )
