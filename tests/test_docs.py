"""Every public class and function documents a runnable example.

The API reference is generated from the ``__all__`` lists checked here, and
pytest runs the examples as doctests (``--doctest-modules``).
"""

import importlib
import inspect

import pytest

PUBLIC_MODULES = [
    "sklearn_rnn",
    "sklearn_rnn.preprocessing",
    "sklearn_rnn.metrics",
    "sklearn_rnn.plotting",
]


def _public_objects():
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield pytest.param(obj, id=f"{module_name}.{name}")


@pytest.mark.parametrize("obj", list(_public_objects()))
def test_public_object_has_a_doctest_example(obj):
    doc = inspect.getdoc(obj) or ""
    assert "\nExamples\n--------\n" in doc, f"{obj.__qualname__} has no Examples section"
    examples = doc.split("\nExamples\n--------\n", 1)[1]
    assert ">>> " in examples, f"{obj.__qualname__}'s Examples section has no doctest"


def test_api_reference_lists_the_public_modules():
    from pathlib import Path

    api = Path(__file__).resolve().parent.parent / "doc" / "api.rst"
    if not api.exists():
        pytest.skip("the doc/ folder is not part of this installation")
    listed = {line.strip() for line in api.read_text().splitlines()}
    assert set(PUBLIC_MODULES) <= listed
