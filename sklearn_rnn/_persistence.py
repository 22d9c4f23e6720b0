"""Saving fitted estimators to a folder and loading them back, without pickle.

A model folder holds three kinds of file:

- ``estimator.json``: the format version, the versions of the libraries
  that wrote it, the estimator's class and parameters, its fitted
  attributes (numpy arrays keep their dtype and shape, so classes of any
  label type and feature names come back as they were) and, for neural
  estimators, the net's settings and per-epoch history;
- ``weights.safetensors``: the torch module's weights;
- ``optimizer.safetensors``: the optimizer's state, so that ``warm_start``
  continues training after loading.

Loading reads JSON and safetensors only: it never unpickles, and it builds
only the package's own public estimator classes.
"""

import base64
import json
import numbers
import os
import platform
import sys

import numpy as np
import sklearn
import skorch
import torch
from safetensors.torch import load_file, save_file
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
from skorch.history import History

from sklearn_rnn._runtime import resolve_device
from sklearn_rnn._version import __version__

__all__ = ["FORMAT_VERSION", "load", "save", "skops_trusted_types"]

FORMAT_VERSION = 1
_FORMAT = "sklearn_rnn model"
_META = "estimator.json"
_WEIGHTS = "weights.safetensors"
_OPTIMIZER = "optimizer.safetensors"
_SPECIAL = "__type__"


# ------------------------------------------------------------------ JSON values
def _encode(value, where):
    """A JSON-ready copy of ``value``; special types become tagged dicts."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        return _encode_array(value, where)
    if isinstance(value, np.generic):
        return {_SPECIAL: "scalar", "value": _encode_array(np.asarray(value), where)}
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, bytes):
        return {_SPECIAL: "bytes", "value": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_encode(v, where) for v in value]
        if isinstance(value, list):
            return items
        kind = "tuple" if isinstance(value, tuple) else "set"
        return {_SPECIAL: kind, "value": items}
    if isinstance(value, dict):
        items = [[_encode(k, where), _encode(v, where)] for k, v in value.items()]
        return {_SPECIAL: "dict", "value": items}
    if isinstance(value, np.random.RandomState):
        return {_SPECIAL: "random_state", "value": _encode(value.get_state(), where)}
    if isinstance(value, torch.device):
        return {_SPECIAL: "device", "value": str(value)}
    raise TypeError(
        f"{where} holds a value of type {type(value).__name__}, which cannot be saved "
        "without pickle; use pickle or joblib for this estimator."
    )


def _encode_array(a, where):
    if a.dtype.kind not in "biufUSO":
        raise TypeError(
            f"{where} is an array of dtype {a.dtype}, which cannot be saved without "
            "pickle; use pickle or joblib for this estimator."
        )
    flat = a.ravel().tolist()
    if a.dtype.kind in "OS":
        flat = [_encode(v, where) for v in flat]
    return {_SPECIAL: "ndarray", "dtype": a.dtype.str, "shape": list(a.shape), "value": flat}


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind, inner = value[_SPECIAL], value["value"]
    if kind == "ndarray":
        dtype = np.dtype(value["dtype"])
        if dtype.kind in "OS":
            flat = [_decode(v) for v in inner]
            if dtype.kind == "O":
                out = np.empty(len(flat), dtype=object)
                out[:] = flat
            else:
                out = np.array(flat, dtype=dtype)
        else:
            out = np.array(inner, dtype=dtype)
        return out.reshape(value["shape"])
    if kind == "scalar":
        return _decode(inner)[()]
    if kind == "bytes":
        return base64.b64decode(inner)
    if kind == "tuple":
        return tuple(_decode(v) for v in inner)
    if kind == "set":
        return {_decode(v) for v in inner}
    if kind == "dict":
        return {_decode(k): _decode(v) for k, v in inner}
    if kind == "random_state":
        rs = np.random.RandomState()
        rs.set_state(_decode(inner))
        return rs
    if kind == "device":
        return torch.device(inner)
    raise ValueError(f"Unknown value type {kind!r} in the model file.")


def _versions():
    import safetensors

    return {
        "sklearn_rnn": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "skorch": skorch.__version__,
        "safetensors": safetensors.__version__,
    }


def _public_classes():
    """The package's public estimator classes, by name (the only ones ``load`` builds).

    The package namespace is read from ``sys.modules``, not imported: the
    package imports this module, and is complete before ``save`` or ``load``
    can run (Python runs a package's ``__init__`` before any of its modules).
    """
    import sklearn_rnn.preprocessing

    package = sys.modules[__name__.rpartition(".")[0]]
    classes = {}
    for namespace in (package, sklearn_rnn.preprocessing):
        for name in namespace.__all__:
            obj = getattr(namespace, name)
            if isinstance(obj, type) and issubclass(obj, BaseEstimator):
                classes[name] = obj
    return classes


# ------------------------------------------------------------------------ save
def save(estimator, folder):
    """Save a fitted estimator to a folder, without pickle.

    Weights go to safetensors files, everything else (parameters, fitted
    attributes, training history, library versions) to ``estimator.json``.
    Existing model files in ``folder`` are overwritten.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator of this package.
    folder : str or path-like
        Folder to write; created when missing.

    Returns
    -------
    folder : str
        The folder written.

    See Also
    --------
    load : Load the estimator back.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> import sklearn_rnn
    >>> from sklearn_rnn import LSTMClassifier
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(20, 5, 2)), np.arange(20) % 2
    >>> clf = LSTMClassifier(hidden_size=4, max_iter=2, random_state=0).fit(X, y)
    >>> folder = sklearn_rnn.save(clf, tempfile.mkdtemp())
    >>> loaded = sklearn_rnn.load(folder)
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    meta, weights, optimizer = _export(estimator)
    os.makedirs(folder, exist_ok=True)
    if weights is not None:
        save_file(weights, os.path.join(folder, _WEIGHTS))
        save_file(optimizer, os.path.join(folder, _OPTIMIZER))
    with open(os.path.join(folder, _META), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
    return str(folder)


def _export(estimator):
    """``(meta, weights, optimizer)``: JSON-ready description and CPU tensors (or None)."""
    name = type(estimator).__name__
    if _public_classes().get(name) is not type(estimator):
        raise TypeError(
            f"{name} is not a public estimator of sklearn_rnn; save only works for "
            "those. Use pickle or joblib for other objects."
        )
    check_is_fitted(estimator)
    params = estimator.get_params(deep=False)
    fitted = {k: v for k, v in vars(estimator).items() if k not in params and k != "net_"}
    meta = {
        "format": _FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": _versions(),
        "class": name,
        "params": {k: _encode(v, f"parameter {k}") for k, v in params.items()},
        "fitted": {k: _encode(v, f"attribute {k}") for k, v in fitted.items()},
    }
    net = getattr(estimator, "net_", None)
    if net is None:
        return meta, None, None
    meta["net"], weights, optimizer = _net_state(net)
    return meta, weights, optimizer


def _cpu(tensors):
    return {k: v.detach().to("cpu", copy=True).contiguous() for k, v in tensors.items()}


def _net_state(net):
    """``(meta, weights, optimizer tensors)`` of a trained net."""
    weights = _cpu(net.module_.state_dict())
    opt = net.optimizer_.state_dict()
    tensors, scalars = {}, {}
    for pid, state in opt["state"].items():
        for key, v in state.items():
            if isinstance(v, torch.Tensor):
                tensors[f"{pid}.{key}"] = v
            else:
                scalars[f"{pid}.{key}"] = _encode(v, "optimizer state")
    split = net.train_split
    meta = {
        "device": str(net.device),
        "shuffle_seed": _encode(net.shuffle_seed, "shuffle_seed"),
        "shuffle_state": _encode(net.shuffle_rng_.bit_generator.state, "shuffle state"),
        "split_seed": _encode(getattr(split, "random_state", None), "split seed"),
        "stratified": bool(getattr(split, "stratified", False)),
        "optimizer_param_groups": _encode(opt["param_groups"], "optimizer settings"),
        "optimizer_scalars": scalars,
        "history": [
            {k: _encode(v, "history") for k, v in row.items() if k != "batches"}
            for row in net.history
        ],
    }
    return meta, weights, _cpu(tensors)


# ------------------------------------------------------------------------ load
def load(folder, *, device=None):
    """Load an estimator saved with :func:`save`, without unpickling anything.

    Only JSON and safetensors files are read, so loading a model folder never
    runs code from it.

    Parameters
    ----------
    folder : str or path-like
        Folder written by :func:`save`.
    device : str, default=None
        Torch device of the loaded network. None: the estimator's own
        ``device`` parameter when that device exists on this machine, the
        CPU otherwise (a model trained on a GPU loads on a CPU-only
        machine). When given, it also becomes the ``device`` parameter.

    Returns
    -------
    estimator : estimator
        The fitted estimator; it predicts exactly as the saved one.

    Raises
    ------
    ValueError
        When the folder holds no model, or one of another format version.

    See Also
    --------
    save : Save a fitted estimator.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> import sklearn_rnn
    >>> from sklearn_rnn.preprocessing import SequenceScaler
    >>> scaler = SequenceScaler().fit([np.arange(3.0), np.arange(5.0)])
    >>> sklearn_rnn.load(sklearn_rnn.save(scaler, tempfile.mkdtemp())).mean_
    array([1.625])
    """
    path = os.path.join(folder, _META)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"{folder!s} holds no saved model: {_META} is missing. Pass a folder "
            "written by sklearn_rnn.save."
        )
    with open(path, encoding="utf-8") as f:
        try:
            meta = json.load(f)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path} is not a valid model file: {exc}.") from exc
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        raise ValueError(f"{path} is not a sklearn_rnn model file.")
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        saved_by = meta.get("versions", {}).get("sklearn_rnn", "unknown")
        raise ValueError(
            f"The model in {folder!s} has format version {version} (written by "
            f"sklearn_rnn {saved_by}), but this sklearn_rnn ({__version__}) reads "
            f"format version {FORMAT_VERSION} only. Load it with sklearn_rnn "
            f"{saved_by}, or fit the model again."
        )
    cls = _public_classes().get(meta["class"])
    if cls is None:
        raise ValueError(
            f"The model in {folder!s} is a {meta['class']!r}, which is not an "
            "estimator of this version of sklearn_rnn."
        )
    weights = optimizer = None
    if "net" in meta:
        weights = load_file(os.path.join(folder, _WEIGHTS), device="cpu")
        opt_path = os.path.join(folder, _OPTIMIZER)
        optimizer = load_file(opt_path) if os.path.isfile(opt_path) else None
    estimator = cls.__new__(cls)
    _restore(estimator, meta, weights, optimizer, device, where=folder)
    return estimator


def _restore(estimator, meta, weights, optimizer, device=None, where="the model"):
    """Set the parameters, fitted attributes and net of a new ``estimator`` from ``_export``."""
    params = {k: _decode(v) for k, v in meta["params"].items()}
    if device is not None:
        params["device"] = device
    estimator.__dict__.update(type(estimator)(**params).__dict__)
    estimator.__dict__.update({k: _decode(v) for k, v in meta["fitted"].items()})
    if hasattr(estimator, "_upgrade_fitted"):
        estimator._upgrade_fitted()
    if "net" in meta:
        estimator.net_ = _load_net(estimator, meta["net"], weights, optimizer, device, where)


def _target_device(estimator, device):
    if device is not None:
        return resolve_device(device)
    try:
        return resolve_device(estimator.device)
    except ValueError:  # e.g. saved on a GPU, loaded where there is none
        return "cpu"


def _load_net(estimator, saved, weights, optimizer, device, where):
    device = _target_device(estimator, device)
    net = estimator._rebuild_net(
        device,
        shuffle_seed=_decode(saved["shuffle_seed"]) or 0,
        split_seed=_decode(saved["split_seed"]) or 0,
        stratified=saved["stratified"],
    )
    try:
        net.module_.load_state_dict(weights)
    except RuntimeError as exc:
        raise ValueError(
            f"The weights in {where!s} do not fit the saved parameters: {exc}"
        ) from exc
    if optimizer is not None:
        net.optimizer_.load_state_dict(_optimizer_state(saved, optimizer))
    net.shuffle_rng_.bit_generator.state = _decode(saved["shuffle_state"])
    net.history_ = History([{k: _decode(v) for k, v in row.items()} for row in saved["history"]])
    return net


def _optimizer_state(saved, tensors):
    state = {}
    flat = {**tensors, **{k: _decode(v) for k, v in saved["optimizer_scalars"].items()}}
    for key, value in flat.items():
        pid, name = key.split(".", 1)
        state.setdefault(int(pid), {})[name] = value
    return {"state": state, "param_groups": _decode(saved["optimizer_param_groups"])}


# ------------------------------------------------------------------- skops.io
_STATE_KEY = "sklearn_rnn_state"


def portable_state(estimator):
    """State of a fitted estimator as JSON text and numpy arrays (no torch object).

    What ``__getstate__`` gives ``skops.io``, which stores such values
    without pickle; :func:`restore_portable_state` builds the estimator back.
    """
    meta, weights, optimizer = _export(estimator)
    return {
        _STATE_KEY: json.dumps(meta),
        "weights": {k: v.numpy() for k, v in weights.items()},
        "optimizer": {k: v.numpy() for k, v in optimizer.items()},
    }


def is_portable_state(state):
    """Whether ``state`` (given to ``__setstate__``) comes from :func:`portable_state`."""
    return isinstance(state, dict) and _STATE_KEY in state


def restore_portable_state(estimator, state):
    """Fill a new ``estimator`` (made by ``__new__``) from :func:`portable_state`."""
    meta = json.loads(state[_STATE_KEY])
    if (
        meta.get("format_version") != FORMAT_VERSION
        or meta.get("class") != type(estimator).__name__
    ):
        raise ValueError(
            f"The saved state is a {meta.get('class')!r} of format version "
            f"{meta.get('format_version')}; this sklearn_rnn reads {type(estimator).__name__} "
            f"of format version {FORMAT_VERSION} only."
        )

    def tensors(arrays):
        return {k: torch.from_numpy(np.array(v)) for k, v in arrays.items()}

    _restore(estimator, meta, tensors(state["weights"]), tensors(state["optimizer"]))


def skops_trusted_types():
    """Return the names of the package's estimator types, to trust in ``skops.io``.

    :func:`skops.io.load` builds only types it trusts: scikit-learn's and
    numpy's by default, and those passed as ``trusted``. A Pipeline that
    holds this package's estimators (with their torch weights, stored as
    numpy arrays) loads with ``trusted=sklearn_rnn.skops_trusted_types()``;
    :func:`skops.io.get_untrusted_types` lists what a file would build.

    Returns
    -------
    types : list of str
        The full names of the public estimator classes, e.g.
        ``"sklearn_rnn._classifier.LSTMClassifier"``.

    See Also
    --------
    save : Save one estimator to a folder (safetensors and JSON).

    Examples
    --------
    >>> import numpy as np
    >>> import sklearn_rnn
    >>> from sklearn_rnn import LSTMClassifier
    >>> "sklearn_rnn._classifier.LSTMClassifier" in sklearn_rnn.skops_trusted_types()
    True
    >>> import skops.io as sio
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(20, 5, 2)), np.arange(20) % 2
    >>> clf = LSTMClassifier(hidden_size=4, max_iter=2, random_state=0).fit(X, y)
    >>> data = sio.dumps(clf)
    >>> loaded = sio.loads(data, trusted=sklearn_rnn.skops_trusted_types())
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    return sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in _public_classes().values())
