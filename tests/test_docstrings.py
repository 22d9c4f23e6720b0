"""Docstrings: shared parameters read the same everywhere, and numpydoc validates.

The estimators document their shared parameters in their own class docstrings
(so each reads well on its own, in ``help()`` and in the API reference). The
texts below must stay word for word the same across estimators; a new estimator
joins ``ESTIMATORS`` and is held to the same texts.
"""

import ast
import importlib
import inspect
import re

import pytest

from sklearn_rnn import (
    AutoencoderTransformer,
    BiRNNTagger,
    LSTMClassifier,
    Seq2SeqClassifier,
    Seq2SeqRegressor,
)

numpydoc_docscrape = pytest.importorskip("numpydoc.docscrape")
numpydoc_validate = pytest.importorskip("numpydoc.validate")

ESTIMATORS = [
    LSTMClassifier,
    Seq2SeqRegressor,
    BiRNNTagger,
    AutoencoderTransformer,
    Seq2SeqClassifier,
]

SHARED_PARAMETERS = [
    "cell",
    "hidden_size",
    "num_layers",
    "bidirectional",
    "dropout",
    "residual",
    "layer_norm",
    "embedding_dim",
    "conv_filters",
    "conv_kernel_size",
    "conv_stride",
    "max_iter",
    "min_steps",
    "batch_size",
    "learning_rate",
    "learning_rate_init",
    "alpha",
    "early_stopping",
    "validation_fraction",
    "n_iter_no_change",
    "tol",
    "scaling",
    "clip_grad_norm",
    "device",
    "n_threads",
    "random_state",
    "verbose",
    "warm_start",
]

# ``loss_curve_`` and ``validation_scores_`` are left out: each estimator has its
# own loss and validation score, and says which.
SHARED_ATTRIBUTES = ["net_", "n_features_in_", "feature_names_in_", "n_iter_", "best_loss_"]

# Entries whose meaning differs for one estimator, so its text differs on purpose.
OWN_TEXT = {
    ("LSTMClassifier", "cell"): '"auto" depends on the kind of input',
    ("LSTMClassifier", "alpha"): '"auto" depends on the kind of input',
    ("LSTMClassifier", "dropout"): '"auto" depends on the kind of input',
    ("LSTMClassifier", "max_iter"): '"auto" depends on the kind of input',
    ("LSTMClassifier", "min_steps"): '"auto" depends on the kind of input',
    ("LSTMClassifier", "learning_rate_init"): '"auto" depends on the kind of input',
    ("LSTMClassifier", "conv_filters"): '"auto" depends on the kind of input',
    ("LSTMClassifier", "conv_stride"): '"auto" depends on the longest training sequence',
    ("BiRNNTagger", "dropout"): "also drops word representations",
    ("AutoencoderTransformer", "dropout"): "also acts between the dense layers",
    ("BiRNNTagger", "embedding_dim"): "string tokens are always embedded",
    ("BiRNNTagger", "early_stopping"): "watches validation token accuracy, not the loss",
    ("BiRNNTagger", "tol"): "watches validation token accuracy, not the loss",
    ("Seq2SeqClassifier", "hidden_size"): "the decoder has the size of the encoder's output",
    ("Seq2SeqClassifier", "embedding_dim"): "the output tokens' embedding has this size too",
    ("Seq2SeqRegressor", "early_stopping"): "holds out the last windows, in time order",
    ("Seq2SeqRegressor", "validation_fraction"): "holds out the last windows, in time order",
    ("Seq2SeqRegressor", "scaling"): "adds per-window forms that transform the targets",
    ("Seq2SeqRegressor", "residual"): "the encoder's layers only, none for vectors",
    ("Seq2SeqRegressor", "layer_norm"): "the encoder's layers only, none for vectors",
    ("Seq2SeqClassifier", "residual"): "the encoder's layers only, none for vectors",
    ("Seq2SeqClassifier", "layer_norm"): "the encoder's layers only, none for vectors",
    ("AutoencoderTransformer", "residual"): "encoder and decoder; not the dense autoencoder",
    ("AutoencoderTransformer", "layer_norm"): "encoder and decoder; not the dense autoencoder",
}


def _doc(obj):
    return numpydoc_docscrape.NumpyDocString(inspect.getdoc(obj))


def _sharing(name, section):
    return [
        est
        for est in ESTIMATORS
        if (est.__name__, name) not in OWN_TEXT and any(p.name == name for p in _doc(est)[section])
    ]


def _consistency_check():
    # Only the checks that compare docstrings need it; the docstrings do not
    # depend on the installed scikit-learn, so older versions skip them.
    from sklearn.utils._testing import assert_docstring_consistency

    if "ignore_types" not in inspect.signature(assert_docstring_consistency).parameters:
        pytest.skip("this scikit-learn's assert_docstring_consistency has no ignore_types")
    return assert_docstring_consistency


def _type_without_default(type_line):
    return re.sub(r",\s*default=.*$", "", type_line)


@pytest.mark.parametrize("name", SHARED_PARAMETERS)
def test_shared_parameter_reads_the_same(name):
    assert_docstring_consistency = _consistency_check()
    estimators = _sharing(name, "Parameters")
    assert len(estimators) >= 2, f"{name} is documented by fewer than two estimators"
    # The default may differ between estimators: compare the description here
    # and the type without its default below.
    assert_docstring_consistency(estimators, include_params=[name], ignore_types=(name,))
    types = {
        est.__name__: _type_without_default(p.type)
        for est in estimators
        for p in _doc(est)["Parameters"]
        if p.name == name
    }
    assert len(set(types.values())) == 1, f"{name} has different types: {types}"


@pytest.mark.parametrize("name", SHARED_ATTRIBUTES)
def test_shared_attribute_reads_the_same(name):
    assert_docstring_consistency = _consistency_check()
    estimators = _sharing(name, "Attributes")
    assert len(estimators) == len(ESTIMATORS), f"{name} is not documented everywhere"
    assert_docstring_consistency(estimators, include_attrs=[name])


def _description(est, name):
    entries = [p for p in _doc(est)["Parameters"] if p.name == name]
    return " ".join(" ".join(entries[0].desc).split()) if entries else None


def test_own_text_entries_exist_and_differ():
    # An exception for an entry that no longer exists, or no longer differs, is dropped.
    for est_name, name in OWN_TEXT:
        est = next(est for est in ESTIMATORS if est.__name__ == est_name)
        own = _description(est, name)
        assert own is not None, f"{est_name} no longer documents {name}"
        shared = {_description(other, name) for other in _sharing(name, "Parameters")}
        assert own not in shared, f"{est_name}.{name} reads as the others: drop it from OWN_TEXT"


def _estimator_classes():
    classes = []
    for module_name in ["sklearn_rnn", "sklearn_rnn.preprocessing"]:
        module = importlib.import_module(module_name)
        classes += [getattr(module, name) for name in module.__all__]
    return [obj for obj in classes if inspect.isclass(obj)]


@pytest.mark.parametrize("cls", _estimator_classes(), ids=lambda c: c.__name__)
def test_documented_defaults_are_the_real_ones(cls):
    signature = inspect.signature(cls)
    documented = {p.name: p.type for p in _doc(cls)["Parameters"]}
    assert set(documented) == set(signature.parameters), "documented and real parameters differ"
    for name, type_line in documented.items():
        match = re.search(r"default=(.*)$", type_line)
        assert match, f"{cls.__name__}.{name} documents no default"
        value = ast.literal_eval(match.group(1))
        real = signature.parameters[name].default
        if isinstance(real, list):
            real = tuple(real)
        assert value == real, f"{cls.__name__}.{name}: documented {value!r}, real {real!r}"


# numpydoc validation of every public docstring, as scikit-learn's
# maint_tools/test_docstrings.py does.
PUBLIC_MODULES = [
    "sklearn_rnn",
    "sklearn_rnn.preprocessing",
    "sklearn_rnn.metrics",
    "sklearn_rnn.modules",
    "sklearn_rnn.plotting",
]

# Error codes not checked, with the reason for each:
IGNORED_EVERYWHERE = {
    # RT02: a Returns entry may name the returned value ("X_out : ndarray"),
    # which reads better for functions that return several things.
    "RT02",
    # GL01/GL02: the summary starts on the line of the opening quotes
    # (the style of the whole code base and of scikit-learn).
    "GL01",
    "GL02",
}
# ES01 (extended summary), SA01 (See Also) and EX01 (Examples) are required of
# classes and functions; a method is described by its class, as in scikit-learn.
IGNORED_FOR_METHODS = {"ES01", "SA01", "EX01"}


def _public_names():
    names, seen = [], set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            qualname = f"{obj.__module__}.{obj.__qualname__}"
            if qualname in seen:
                continue
            seen.add(qualname)
            names.append(pytest.param(qualname, False, id=qualname))
            if not inspect.isclass(obj):
                continue
            # Public methods defined here, including those inherited from a
            # private base class of the package (validated once, where defined).
            for klass in obj.__mro__:
                if not klass.__module__.startswith("sklearn_rnn"):
                    continue
                for attr, value in vars(klass).items():
                    if attr.startswith("_"):
                        continue
                    if inspect.isfunction(value) or isinstance(value, property):
                        method = f"{klass.__module__}.{klass.__qualname__}.{attr}"
                        if method not in seen:
                            seen.add(method)
                            names.append(pytest.param(method, True, id=method))
    return names


@pytest.mark.parametrize("qualname, is_method", _public_names())
def test_numpydoc(qualname, is_method):
    result = numpydoc_validate.validate(qualname)
    ignored = IGNORED_EVERYWHERE | (IGNORED_FOR_METHODS if is_method else set())
    errors = [f"{code}: {message}" for code, message in result["errors"] if code not in ignored]
    assert not errors, f"{qualname}:\n" + "\n".join(errors)
