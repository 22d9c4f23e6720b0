"""The private scikit-learn and skorch APIs this package uses, in one place.

Every module of the package takes these names from here, so that a change
in a private API of either library is fixed once. Each entry says where it
lives and since when; the supported versions are those of ``pyproject.toml``
(scikit-learn >= 1.6, skorch >= 1.0).

scikit-learn
------------
- ``_fit_context`` (``sklearn.base``, 1.3+): parameter validation and nested
  validation skipping around ``fit``, as scikit-learn's own estimators use.
- ``Hidden``, ``Interval``, ``StrOptions`` (``sklearn.utils._param_validation``,
  1.2+): the constraints of ``_parameter_constraints`` (``Hidden`` for the
  ``"deprecated"`` default of a renamed parameter).
- ``validate_parameter_constraints`` (``sklearn.utils._param_validation``,
  1.2+): checks parameters that are read after ``fit`` (the decoding
  parameters of ``Seq2SeqClassifier.predict``) with the message of ``fit``.
- ``_check_feature_names``, ``_check_n_features`` (``sklearn.utils.validation``,
  functions since 1.6; methods of ``BaseEstimator`` before): record and check
  ``feature_names_in_`` and ``n_features_in_``.
- ``_get_feature_names`` (``sklearn.utils.validation``, 1.0+): the column
  names of a DataFrame, or None.
- ``_check_sample_weight`` (``sklearn.utils.validation``, 0.24+;
  ``ensure_non_negative`` since 1.0).
- ``_wrap_data_with_container`` (``sklearn.utils._set_output``, 1.2+): wraps
  a transformer's 2-D output as ``set_output`` asks (pandas, polars).

skorch
------
- ``NeuralNet._set_training`` (skorch 0.12+): switches the module between
  train and eval mode; :class:`~sklearn_rnn._net.SequenceNet` overrides it and
  the accelerated net calls it through :func:`set_training`.
- ``NeuralNet.fit_loop``, ``get_iterator``, ``get_loss``, ``get_dataset``,
  ``train_step_single``, ``infer``: public extension points, overridden in
  ``_net.py``; listed here because their signatures are relied on.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    Hidden,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils._set_output import _wrap_data_with_container
from sklearn.utils.validation import (
    _check_feature_names,
    _check_n_features,
    _check_sample_weight,
    _get_feature_names,
)

__all__ = [
    "Hidden",
    "Interval",
    "StrOptions",
    "_check_feature_names",
    "_check_n_features",
    "_check_sample_weight",
    "_fit_context",
    "_get_feature_names",
    "_wrap_data_with_container",
    "set_training",
    "validate_parameter_constraints",
]


def set_training(net, training=True):
    """Put the module of the skorch ``net`` in train (or eval) mode.

    skorch's private ``NeuralNet._set_training``; its own train step calls it
    before every batch.
    """
    net._set_training(training)
