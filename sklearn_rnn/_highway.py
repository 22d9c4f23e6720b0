"""Least-squares start of the linear highway of encoder-decoder forecasts."""

import numpy as np
import torch
from sklearn.linear_model import RidgeCV
from threadpoolctl import threadpool_limits

from sklearn_rnn._scaling import standard_scaling

# Ridge penalties tried by leave-one-out cross-validation, on highway inputs
# standardised per column and sample weights of mean 1.
HIGHWAY_ALPHAS = np.logspace(-3, 3, 13)
# Samples read per batch when collecting the highway's inputs.
CHUNK = 4096
# At most this many training windows (evenly spaced) give the fit, and there
# is no least-squares start when the highway reads more values than
# MAX_INPUTS (its cost grows with their square).
MAX_SAMPLES = 20_000
MAX_INPUTS = 512


def highway_start(module, data, n_train):
    """Set the highway of ``module`` to the ridge regression of the targets on its inputs.

    The highway (``EncoderDecoderModule.highway``) is a linear map from the
    last input steps, as scaled for the network, to every decoded step. Its
    weights are set to the ridge regression of the encoded training targets
    on those inputs, the penalty chosen by efficient leave-one-out
    cross-validation among ``HIGHWAY_ALPHAS``, and the output layer of the
    decoder (``module.head``) is set to zero: training starts from the
    linear forecast, and the recurrent part learns what it misses. Every
    quantile of an output starts from the same map. At most ``MAX_SAMPLES``
    windows, evenly spaced, are read. The penalty applies to the inputs
    standardised per column, with sample weights of mean 1, so neither the
    inputs' scale nor the weights' total changes the fit. Nothing is changed
    when the highway reads more than ``MAX_INPUTS`` values
    (``highway_window`` times the input features), when the training part
    has fewer than 3 windows, when its sample weights sum to zero, or when
    the inputs or targets are not finite.

    Parameters
    ----------
    module : EncoderDecoderModule
        A new module with a highway.
    data : SequenceData
        The training data with encoded targets ``(n, horizon, n_outputs)``.
    n_train : int
        The samples to read: the first ``n_train`` (the training part).

    Returns
    -------
    alpha : float or None
        The chosen penalty, None when the weights were left as drawn.
    """
    if n_train < 3 or module.highway.in_features > MAX_INPUTS:
        return None
    rows = np.arange(n_train)
    if n_train > MAX_SAMPLES:
        rows = np.linspace(0, n_train - 1, MAX_SAMPLES).round().astype(np.int64)
    inputs, targets, weights = [], [], []
    with torch.no_grad():
        for start in range(0, len(rows), CHUNK):
            batch, target = data.batch(rows[start : start + CHUNK])
            X, lengths = batch["X"], batch["lengths"]
            if module.future_covariates is not None:
                X, lengths, _ = module.split_future(X, lengths)
            if isinstance(target, dict):
                if target.get("sample_weight") is not None:
                    weights.append(target["sample_weight"].double().cpu().numpy())
                target = target["y"]
            inputs.append(module.highway_inputs(X, lengths).double().cpu().numpy())
            targets.append(target.flatten(1).double().cpu().numpy())
    Z, T = np.concatenate(inputs), np.concatenate(targets)
    if not (np.isfinite(Z).all() and np.isfinite(T).all()):
        return None
    w = np.concatenate(weights) if weights else None
    if w is not None:
        if not w.sum() > 0:
            return None
        w = w / w.mean()
    mean, scale = standard_scaling(Z[:, None, :], np.ones(len(Z), dtype=np.int64))
    # sklearn's solvers use BLAS threads: as many as the fit's torch threads
    with threadpool_limits(limits=torch.get_num_threads()):
        ridge = RidgeCV(alphas=HIGHWAY_ALPHAS).fit((Z - mean) / scale, T, sample_weight=w)
    coef = ridge.coef_ / scale
    intercept = ridge.intercept_ - coef @ mean
    layer = module.highway
    repeats = layer.out_features // T.shape[1]
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(np.repeat(coef, repeats, axis=0)))
        layer.bias.copy_(torch.from_numpy(np.repeat(intercept, repeats)))
        module.head.weight.zero_()
        module.head.bias.zero_()
    return float(ridge.alpha_)
