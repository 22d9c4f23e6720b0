"""Collect the doctests of optional-dependency modules only when the dependency is installed."""

import importlib.util

collect_ignore = []
if importlib.util.find_spec("matplotlib") is None:
    collect_ignore.append("sklearn_rnn/plotting.py")
