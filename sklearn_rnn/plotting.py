"""Learning curves of fitted estimators (needs matplotlib, an optional dependency)."""

from sklearn.utils.validation import check_is_fitted

__all__ = ["plot_learning_curve"]


def _check_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "plot_learning_curve needs matplotlib, which is not installed; install it "
            "with `pip install matplotlib` (or `pip install sklearn-rnn[examples]`)."
        ) from exc


def plot_learning_curve(estimator, *, ax=None, label=None, color=None):
    """Plot the training loss per epoch and, when recorded, the validation score.

    The training loss (``loss_curve_``) is drawn on ``ax``. When the
    estimator was fitted with ``early_stopping=True``, its
    ``validation_scores_`` (accuracy for classifiers, R^2 for regressors,
    minus the reconstruction error for autoencoders) are drawn dashed on a
    second y-axis on the right, since they have another scale. Call it again
    with the same ``ax`` to compare estimators.

    Parameters
    ----------
    estimator : fitted estimator
        Any sklearn_rnn estimator (it needs ``loss_curve_``).
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; None draws on a new figure from ``matplotlib.pyplot``.
    label : str, default=None
        Name of the estimator in the legend; None uses its class name.
    color : color, default=None
        Colour of both curves; None takes the next colour of ``ax``.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes with the training loss.
    score_ax : matplotlib.axes.Axes or None
        The right-hand axes with the validation scores, None without them.
        A second call with the same ``ax`` reuses it.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Scores against the training set size.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn_rnn import LSTMClassifier
    >>> from sklearn_rnn.plotting import plot_learning_curve
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 6, 2))
    >>> y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    >>> clf = LSTMClassifier(hidden_size=4, max_iter=5, early_stopping=True,
    ...                      validation_fraction=0.2, random_state=0).fit(X, y)
    >>> ax, score_ax = plot_learning_curve(clf)
    >>> len(ax.lines[0].get_xdata()), len(score_ax.lines[0].get_ydata())
    (5, 5)
    """
    check_is_fitted(estimator, "loss_curve_")
    _check_matplotlib()
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    label = type(estimator).__name__ if label is None else label
    losses = list(estimator.loss_curve_)
    epochs = range(1, len(losses) + 1)
    (line,) = ax.plot(epochs, losses, color=color, label=f"{label}: training loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss")
    scores = getattr(estimator, "validation_scores_", None)
    score_ax = getattr(ax, "_sklearn_rnn_score_ax", None)
    if scores is not None:
        if score_ax is None:
            score_ax = ax.twinx()
            score_ax.set_ylabel("validation score")
            ax._sklearn_rnn_score_ax = score_ax
        score_ax.plot(
            range(1, len(scores) + 1),
            scores,
            color=line.get_color(),
            linestyle="--",
            label=f"{label}: validation score",
        )
    handles, labels = ax.get_legend_handles_labels()
    if score_ax is not None:
        more_handles, more_labels = score_ax.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    (score_ax or ax).legend(handles, labels, loc="best", fontsize="small")
    return ax, score_ax
