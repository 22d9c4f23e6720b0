"""Features of fixed dilated kernels over the real steps (MiniRocket's kernels and pooling)."""

import hashlib
import itertools

import numpy as np
import torch
from torch import nn

from sklearn_rnn._scaling import standard_scaling

# The 84 kernels of length 9: weight 2 at three positions, -1 at the other six.
_TRIPLES = torch.tensor(list(itertools.combinations(range(9), 3)))
N_KERNELS = len(_TRIPLES)
_GOLDEN = (np.sqrt(5.0) + 1.0) / 2.0
_MAX_DILATIONS = 32
_CHUNK_STEPS = 2**16  # most padded steps (sequences x time) computed at once
_CACHE_FLOATS = 2**28  # most feature values kept (1 GiB of float32)


def kernel_dilations(max_length, n_features):
    """Dilations of the kernels and how many features each gives per kernel.

    As MiniRocket: up to 32 dilations spaced exponentially from 1 to the one
    whose receptive field spans ``max_length`` steps, the features of each
    kernel shared out among them.

    Parameters
    ----------
    max_length : int
        Longest training sequence.
    n_features : int
        Features wanted; rounded down to a multiple of 84 (the kernels).

    Returns
    -------
    dilations : list of int
        Increasing dilations.
    counts : list of int
        Features per kernel at each dilation (their sum is ``n_features // 84``).
    """
    per_kernel = max(1, n_features // N_KERNELS)
    n_dilations = min(per_kernel, _MAX_DILATIONS)
    top = np.log2(max(max_length - 1, 1) / 8.0) if max_length > 9 else 0.0
    dilations, counts = np.unique(
        np.logspace(0, max(top, 0.0), n_dilations, base=2).astype(np.int64), return_counts=True
    )
    counts = (counts * (per_kernel / n_dilations)).astype(np.int64)
    i = 0
    while counts.sum() < per_kernel:
        counts[i] += 1
        i = (i + 1) % len(counts)
    return [int(d) for d in dilations], [int(c) for c in counts]


class RandomKernelFeatures(nn.Module):
    """Proportions of positive values of fixed dilated convolutions, per sequence.

    The feature transform of MiniRocket (Dempster et al., KDD 2021): 84
    fixed kernels of length 9 (weights -1 and 2) at several dilations, each
    compared with biases drawn from quantiles of its output on training
    sequences; a feature is the proportion of real steps at which the
    output exceeds its bias. Nothing here is trained: :meth:`fit` sets the
    biases, and the mean and scale that standardise the features, from the
    training sequences.

    Every output comes from the real steps of its own sequence, with zeros
    beyond both ends, and from element-wise sums in a fixed order, so a
    sequence gets the same features alone or in any padded batch. Half of
    the (kernel, dilation) pairs count every real step, the others only
    the steps whose kernel lies inside the sequence (all steps when the
    sequence is shorter than the kernel's span). With several input
    features, each pair reads the sum of a random subset of them.

    Parameters
    ----------
    input_size : int
        Features per step.
    max_length : int
        Longest training sequence (sets the dilations).
    n_features : int, default=9996
        Number of features (a multiple of 84).

    Attributes
    ----------
    n_features : int
        Number of features of :meth:`forward`.

    See Also
    --------
    SequenceClassifierModule : The classifier whose head reads them.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import RandomKernelFeatures
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> features = RandomKernelFeatures(1, max_length=50, n_features=168)
    >>> X, lengths = torch.randn(4, 50, 1), torch.tensor([50, 40, 30, 20])
    >>> features.fit(X, lengths).n_features
    168
    >>> features(X, lengths).shape
    torch.Size([4, 168])
    """

    def __init__(self, input_size, max_length, n_features=9996):
        super().__init__()
        self.input_size = int(input_size)
        self.dilations, self.counts = kernel_dilations(int(max_length), int(n_features))
        self.n_features = N_KERNELS * sum(self.counts)
        self.register_buffer("triples", _TRIPLES.clone(), persistent=False)
        n_pairs = _MAX_DILATIONS * N_KERNELS  # one shape whatever the dilations
        if self.input_size > 1:  # a random, non-empty subset of the inputs per pair
            mix = torch.rand(n_pairs, self.input_size) < 0.5
            mix[torch.arange(n_pairs), torch.randint(self.input_size, (n_pairs,))] = True
        else:
            mix = torch.ones(n_pairs, 1, dtype=torch.bool)
        self.register_buffer("mix", mix)
        self.register_buffer("biases", torch.zeros(self.n_features))
        self.register_buffer("mean", torch.zeros(self.n_features))
        self.register_buffer("scale", torch.ones(self.n_features))
        self._cache = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = None  # the cache lives for one fit
        return state

    def keep_cache(self, on=True):
        """Remember the features of each sequence seen (training data) until ``keep_cache(False)``.

        The features of a sequence never change, so while training reads the
        same sequences epoch after epoch they are computed once (up to 2 ** 28
        values, 1 GiB; the features of further sequences are computed each
        time); the memory is given back by ``keep_cache(False)``.

        Parameters
        ----------
        on : bool, default=True
            Start (True) or stop and empty (False) the cache.

        Returns
        -------
        self : RandomKernelFeatures
            This module.
        """
        self._cache = {} if on else None
        return self

    @staticmethod
    def key(x, length):
        """A digest of the first ``length`` steps of one sequence ``x``."""
        return hashlib.blake2b(x[:length].cpu().numpy().tobytes(), digest_size=16).digest()

    def _cached(self, X, lengths):
        """Raw features of a batch, from the cache where it has them."""
        keys = [self.key(X[i], int(n)) for i, n in enumerate(lengths.tolist())]
        missing = [i for i, key in enumerate(keys) if key not in self._cache]
        if missing:
            rows = torch.tensor(missing, device=X.device)
            n_steps = int(lengths[rows].max())
            new = self.raw_features(X[rows, :n_steps], lengths[rows])
            room = _CACHE_FLOATS // self.n_features - len(self._cache)
            for i, row in zip(missing[: max(room, 0)], new, strict=False):
                self._cache[keys[i]] = row
            if room < len(missing):  # beyond the budget: computed, not kept
                by_key = dict(zip((keys[i] for i in missing), new, strict=True))
                return torch.stack([self._cache.get(k, by_key.get(k)) for k in keys])
        return torch.stack([self._cache[key] for key in keys])

    def _mixed(self, X, lengths, d_index):
        """Inputs of the 84 pairs of dilation ``d_index``: ``(batch, 1 or 84, time)``."""
        real = torch.arange(X.shape[1], device=X.device)[None, :] < lengths[:, None]
        X = torch.where(real[:, :, None], X, 0.0)
        if self.input_size == 1:
            return X.transpose(1, 2)
        mix = self.mix[d_index * N_KERNELS : (d_index + 1) * N_KERNELS].to(X.dtype)
        mixed = X[:, None, :, 0] * mix[None, :, 0, None]
        for f in range(1, self.input_size):  # a fixed order of sums
            mixed = mixed + X[:, None, :, f] * mix[None, :, f, None]
        return mixed

    def _outputs(self, x, dilation, kernels=None):
        """Convolution of ``x`` (``(batch, 1 or 84, time)``) with the kernels, "same" padding.

        ``kernels`` (one index per row of the batch, with ``x`` of one
        channel per pair) selects one kernel per row; None gives all 84.
        """
        n_steps = x.shape[-1]
        padded = nn.functional.pad(x, (4 * dilation, 4 * dilation))
        taps = [padded[..., i * dilation : i * dilation + n_steps] for i in range(9)]
        total = taps[0]
        for tap in taps[1:]:
            total = total + tap
        taps = torch.stack(taps, dim=-2)  # (batch, channels, 9, time)
        triples = self.triples if kernels is None else self.triples[kernels]
        if kernels is None:
            if x.shape[1] == 1:
                picked = taps[:, 0][:, triples]  # (batch, 84, 3, time)
            else:
                picked = taps[:, torch.arange(N_KERNELS, device=x.device)[:, None], triples]
            total = total.expand(-1, N_KERNELS, -1) if x.shape[1] == 1 else total
        else:
            rows = torch.arange(x.shape[0], device=x.device)[:, None]
            picked = taps[:, 0][rows, triples][:, None]  # (batch, 1, 3, time)
        three = picked[..., 0, :] + picked[..., 1, :] + picked[..., 2, :]
        return 3.0 * three - total

    def _counted(self, lengths, n_steps, dilation, d_index):
        """Steps each pair counts: ``(batch, 84, time)`` booleans and their numbers."""
        steps = torch.arange(n_steps, device=lengths.device)[None, :]
        every = steps < lengths[:, None]
        margin = 4 * dilation
        inner = (steps >= margin) & (steps < lengths[:, None] - margin)
        inner = torch.where((lengths > 2 * margin)[:, None], inner, every)
        parity = (d_index + torch.arange(N_KERNELS, device=lengths.device)) % 2 == 1
        counted = torch.where(parity[None, :, None], inner[:, None], every[:, None])
        return counted, counted.sum(-1, keepdim=True).clamp(min=1)

    def raw_features(self, X, lengths):
        """Compute the features of a padded batch, before standardisation.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size)
            Padded features.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        features : torch.Tensor of shape (batch, n_features)
            Proportion of the counted steps at which each kernel's output
            exceeds each of its biases.
        """
        lengths = lengths.to(X.device)
        rows = max(1, _CHUNK_STEPS // max(X.shape[1], 1))  # bounds the memory of a batch
        if len(X) > rows:
            return torch.cat(
                [
                    self.raw_features(X[i : i + rows], lengths[i : i + rows])
                    for i in range(0, len(X), rows)
                ]
            )
        X = X.double()
        out, start = [], 0
        for d_index, (dilation, count) in enumerate(zip(self.dilations, self.counts, strict=True)):
            outputs = self._outputs(self._mixed(X, lengths, d_index), dilation)
            counted, n_counted = self._counted(lengths, X.shape[1], dilation, d_index)
            biases = self.biases[start : start + N_KERNELS * count].view(N_KERNELS, count, 1)
            above = (outputs[:, :, None, :] > biases.double()) & counted[:, :, None, :]
            out.append((above.sum(-1) / n_counted).reshape(X.shape[0], -1))
            start += N_KERNELS * count
        return torch.cat(out, dim=1).to(torch.float32)

    @torch.no_grad()
    def fit(self, X, lengths, batch_size=64):
        """Set the biases and the standardisation from training sequences.

        Each (kernel, dilation) pair draws one training sequence (with
        torch's global random generator) and takes its biases from quantiles
        of its output over that sequence's real steps (levels spread by the
        golden ratio, as MiniRocket).

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, time, input_size)
            Padded training sequences.
        lengths : torch.Tensor of shape (n_samples,)
            Real length of each.
        batch_size : int, default=64
            Sequences per batch when computing the features.

        Returns
        -------
        self : RandomKernelFeatures
            This module, fitted.
        """
        lengths = lengths.to(X.device)
        levels = torch.tensor(
            [(k * _GOLDEN) % 1.0 for k in range(1, self.n_features + 1)], dtype=torch.float64
        )
        biases, start = [], 0
        for d_index, (dilation, count) in enumerate(zip(self.dilations, self.counts, strict=True)):
            picks = torch.randint(len(X), (N_KERNELS,))
            x = self._mixed(X[picks].double(), lengths[picks], d_index)
            if x.shape[1] > 1:  # each row keeps its own pair's input
                x = x[torch.arange(N_KERNELS), torch.arange(N_KERNELS)][:, None]
            outputs = self._outputs(x, dilation, kernels=torch.arange(N_KERNELS))[:, 0]
            for k in range(N_KERNELS):
                real = outputs[k, : int(lengths[picks[k]])]
                q = levels[start + k * count : start + (k + 1) * count]
                biases.append(torch.quantile(real, q.to(real)))
            start += N_KERNELS * count
        self.biases.copy_(torch.cat(biases).to(self.biases))
        features = self.raw_batches(X, lengths, batch_size)
        mean, scale = standard_scaling(features.numpy()[:, None, :], np.ones(len(features)))
        self.mean.copy_(torch.from_numpy(mean))
        self.scale.copy_(torch.from_numpy(scale))
        return self

    @torch.no_grad()
    def raw_batches(self, X, lengths, batch_size=64):
        """Raw (unstandardised) features of many sequences, in batches of similar lengths.

        Reads and fills the cache of :meth:`keep_cache` when it is on.

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, time, input_size)
            Padded sequences.
        lengths : torch.Tensor of shape (n_samples,)
            Real length of each.
        batch_size : int, default=64
            Sequences per batch.

        Returns
        -------
        features : torch.Tensor of shape (n_samples, n_features)
            Float32, on the CPU, in the order of ``X``.
        """
        lengths = lengths.to(X.device)
        order = torch.argsort(lengths.cpu(), stable=True).to(X.device)
        parts = []
        for i in range(0, len(X), batch_size):
            rows = order[i : i + batch_size]
            n_steps = int(lengths[rows].max())
            parts.append(self._features(X[rows, :n_steps], lengths[rows]).cpu())
        features = torch.empty(len(X), self.n_features)
        features[order.cpu()] = torch.cat(parts)
        return features

    def forward(self, X, lengths):
        """Standardised features of a padded batch.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size)
            Padded features.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        features : torch.Tensor of shape (batch, n_features)
            Standardised with the training mean and scale.
        """
        return (self._features(X, lengths) - self.mean) / self.scale

    def _features(self, X, lengths):
        if self._cache is None:
            return self.raw_features(X, lengths)
        return self._cached(X, lengths)


def _ridge_loo(F, Y, weights, alphas):
    """Weighted ridge regression of ``Y`` on ``F`` with leave-one-out choice of the penalty.

    The intercept is fitted (weighted centring), the penalty is the one of
    ``alphas`` with the least weighted leave-one-out squared error, computed
    exactly from one eigendecomposition of the Gram matrix (as
    scikit-learn's ``RidgeCV``).

    Returns
    -------
    weight, bias, alpha, loo
        Primal weights ``(n_features, n_targets)``, intercept, chosen
        penalty and leave-one-out predictions ``(n_samples, n_targets)``
        (a sample of weight 0, outside the fit, gets its prediction).
    """
    total = weights.sum()
    F_mean = (weights[:, None] * F).sum(0) / total
    Y_mean = (weights[:, None] * Y).sum(0) / total
    root = weights.sqrt()[:, None]
    Fw, Yw = root * (F - F_mean), root * (Y - Y_mean)
    # centring leaves the direction of ``root`` outside the span of ``Fw``: the
    # intercept's, which is not penalised (as in scikit-learn's RidgeGCV)
    eigvals, Q = torch.linalg.eigh(Fw @ Fw.T + root @ root.T)
    intercept = int(torch.argmax((Q.T @ (root[:, 0] / root.norm())).abs()))
    QY = Q.T @ Yw
    best = None
    for alpha in alphas:
        inv = 1.0 / (eigvals.clamp(min=0) + alpha)
        inv[intercept] = 0.0
        dual = Q @ (inv[:, None] * QY)
        residual = dual / ((Q**2) @ inv)[:, None]  # weighted leave-one-out residuals
        error = float((residual**2).sum())
        if best is None or error < best[0]:
            best = (error, alpha, dual, residual)
    _, alpha, dual, residual = best
    weight = Fw.T @ dual
    bias = Y_mean - F_mean @ weight
    fitted = F @ weight + bias
    inside = (weights > 0)[:, None]
    loo = torch.where(inside, Y - residual / root.clamp(min=1e-12), fitted)
    return weight, bias, alpha, loo


class RandomKernelRidge(nn.Module):
    """Class scores of a ridge classifier on :class:`RandomKernelFeatures`.

    MiniRocket's classifier as a module: :meth:`fit` sets the features from
    the training sequences, then solves one-vs-rest ridge regression of the
    classes coded -1 / +1 on them (weighted by the sample weights), its
    penalty chosen among ``alphas`` by exact leave-one-out error, as
    scikit-learn's ``RidgeClassifierCV``. The scores are multiplied by
    ``score_scale``, a parameter that training may adjust (the only one
    here; the features and the ridge are fixed).

    While the module is in training mode, a sequence of the ridge's fit
    gets its leave-one-out scores (those of the ridge fitted without it),
    so that a network trained on top of these scores learns from honest
    ones; in evaluation mode every sequence gets the scores of the ridge
    fitted on all of them (and so does a sequence outside the fit).

    Parameters
    ----------
    input_size : int
        Features per step.
    max_length : int
        Longest training sequence.
    n_classes : int
        Number of classes.
    n_features : int, default=9996
        Features of the kernels (a multiple of 84).
    score_scale : float, default=10.0
        Initial factor of the ridge scores.
    alphas : sequence of float, default=numpy.logspace(-3, 3, 10)
        Candidate penalties.

    See Also
    --------
    RandomKernelFeatures : The features.
    SequenceClassifierModule : The classifier that adds these scores to its logits.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn.modules import RandomKernelRidge
    >>> _ = torch.manual_seed(0)
    >>> X = torch.randn(20, 30, 1).cumsum(1)
    >>> lengths, y = torch.full((20,), 30), (X[:, -1, 0] > 0).long()
    >>> ridge = RandomKernelRidge(1, max_length=30, n_classes=2, n_features=840)
    >>> ridge.fit(X, lengths, y).eval()(X, lengths).shape
    torch.Size([20, 2])
    """

    def __init__(
        self,
        input_size,
        max_length,
        n_classes,
        n_features=9996,
        score_scale=10.0,
        alphas=None,
    ):
        super().__init__()
        self.features = RandomKernelFeatures(input_size, max_length, n_features)
        alphas = np.logspace(-3, 3, 10) if alphas is None else alphas
        self.alphas = tuple(float(a) for a in alphas)
        n = self.features.n_features
        self.score_scale = nn.Parameter(torch.tensor(float(score_scale)))
        self.register_buffer("weight", torch.zeros(n, n_classes))
        self.register_buffer("bias", torch.zeros(n_classes))
        self.register_buffer("alpha", torch.zeros(()))
        self._loo = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_loo"] = None  # lives for one fit
        return state

    @torch.no_grad()
    def fit(self, X, lengths, y, sample_weight=None, refit_features=True):
        """Fit the features and the ridge on training sequences.

        Keeps the features and the leave-one-out scores of these sequences
        (of a sequence given more than once, the mean of its rows' scores)
        until ``keep_cache(False)``.

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, time, input_size)
            Padded training sequences.
        lengths : torch.Tensor of shape (n_samples,)
            Real length of each.
        y : torch.Tensor of shape (n_samples,)
            Class indices.
        sample_weight : torch.Tensor of shape (n_samples,), default=None
            Weight of each sequence in the ridge; None for equal weights.
        refit_features : bool, default=True
            False keeps the features' biases and standardisation (a warm
            refit) and fits the ridge alone.

        Returns
        -------
        self : RandomKernelRidge
            This module, fitted.
        """
        self.features.keep_cache(True)
        if refit_features:
            self.features.fit(X, lengths)
        F = self.features.raw_batches(X, lengths)  # from the cache, up to its limit
        keys = [self.features.key(X[i], int(n)) for i, n in enumerate(lengths.tolist())]
        F = F.to(self.weight.device).double()
        F = (F - self.features.mean.double()) / self.features.scale.double()
        Y = -F.new_ones(len(F), self.weight.shape[1])
        Y[torch.arange(len(F)), y.long().to(F.device)] = 1.0
        weights = F.new_ones(len(F))
        if sample_weight is not None:
            weights = sample_weight.to(F)
            weights = weights / weights.mean().clamp(min=1e-12)
        weight, bias, alpha, loo = _ridge_loo(F, Y, weights, self.alphas)
        self.weight.copy_(weight.to(self.weight))
        self.bias.copy_(bias.to(self.bias))
        self.alpha.fill_(alpha)
        loo = loo.to(self.weight)
        rows = {}  # a sequence given more than once gets the mean of its rows' scores
        for i, key in enumerate(keys):
            rows.setdefault(key, []).append(i)
        self._loo = {key: loo[i].mean(0) for key, i in rows.items()}
        return self

    def keep_cache(self, on=True):
        """Keep (True) or drop (False) what :meth:`fit` remembers of the training sequences.

        Parameters
        ----------
        on : bool, default=True
            False empties the caches of features and leave-one-out scores.

        Returns
        -------
        self : RandomKernelRidge
            This module.
        """
        self.features.keep_cache(on)
        if not on:
            self._loo = None
        return self

    def forward(self, X, lengths):
        """Scaled ridge scores of a padded batch.

        Parameters
        ----------
        X : torch.Tensor of shape (batch, time, input_size)
            Padded features.
        lengths : torch.Tensor of shape (batch,)
            Real length of each sequence.

        Returns
        -------
        scores : torch.Tensor of shape (batch, n_classes)
            ``score_scale`` times the ridge scores: in training mode the
            leave-one-out ones for the sequences of the ridge's fit.
        """
        scores = None
        if self.training and self._loo:
            keys = [self.features.key(X[i], int(n)) for i, n in enumerate(lengths.tolist())]
            if any(key in self._loo for key in keys):
                plain = self.features(X, lengths) @ self.weight + self.bias
                scores = torch.stack(
                    [
                        self._loo[key].to(X.device) if key in self._loo else plain[i]
                        for i, key in enumerate(keys)
                    ]
                )
        if scores is None:
            scores = self.features(X, lengths) @ self.weight + self.bias
        return self.score_scale * scores
