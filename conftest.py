"""Run the doctests of optional dependencies only when the dependency is installed."""

import importlib.util

import pytest

collect_ignore = []
if importlib.util.find_spec("matplotlib") is None:
    collect_ignore.append("sklearn_rnn/plotting.py")

# doctests (by name) that import an optional dependency, and that dependency
_DOCTESTS_NEEDING = {"sklearn_rnn._persistence.skops_trusted_types": "skops"}


def pytest_collection_modifyitems(config, items):
    """Skip a doctest whose optional dependency is missing, saying which one."""
    for item in items:
        package = _DOCTESTS_NEEDING.get(item.name)
        if package is not None and importlib.util.find_spec(package) is None:
            item.add_marker(pytest.mark.skip(reason=f"needs {package} (pip install {package})"))
