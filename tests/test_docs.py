"""Every public class and function documents a runnable example.

The API reference is generated from the ``__all__`` lists checked here, and
pytest runs the examples as doctests (``--doctest-modules``).
"""

import ast
import importlib
import inspect
from pathlib import Path

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
    api = Path(__file__).resolve().parent.parent / "doc" / "api.rst"
    if not api.exists():
        pytest.skip("the doc/ folder is not part of this installation")
    listed = {line.strip() for line in api.read_text().splitlines()}
    assert set(PUBLIC_MODULES) <= listed


# The README's commands, the CI script and the examples agree with each other.
ROOT = Path(__file__).resolve().parent.parent
OPTIONAL = {"matplotlib", "statsmodels", "dask", "distributed", "accelerate"}


def _text(relative):
    path = ROOT / relative
    if not path.exists():
        pytest.skip(f"{relative} is not part of this installation")
    return path.read_text(encoding="utf-8")


def _bash_block(markdown, heading):
    section = markdown.split(f"\n## {heading}\n", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_test_command_is_what_ci_runs():
    commands = _bash_block(_text("README.md"), "Set-up commands")
    tests = [c for c in commands if "pytest" in c]
    assert tests == ["python -m pytest -q -n 2"]
    ci_lines = [line.strip() for line in _text(".ci/run").splitlines()]
    assert any(line.endswith(tests[0]) for line in ci_lines), "the README's test command"


def test_readme_quick_start_and_install_lines():
    readme = _text("README.md")
    commands = _bash_block(readme, "Set-up commands")
    quick = [c for c in commands if c.startswith("python examples/")]
    assert len(quick) == 1 and (ROOT / quick[0].split()[1]).exists()
    install = _bash_block(readme, "Install")
    ci = _text(".ci/run")
    torch_pin = install[0].split()[-1]
    assert install[0] == f"pip install {torch_pin}" and torch_pin in ci
    assert install[1] == 'pip install -e ".[test]"'


def _top_level_imports(tree):
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def _examples():
    folder = ROOT / "examples"
    if not folder.exists():
        return []
    return sorted(folder.glob("*.py"), key=lambda p: p.name)


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.name)
def test_example_is_gallery_cells_and_names_its_extra(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    doc = ast.get_docstring(tree)
    title, underline = doc.splitlines()[:2]
    assert title and set(underline) == {"="}, "a title underlined with '=' opens the docstring"
    assert source.count("\n# %%\n") >= 2, "prose and code alternate in # %% cells"
    assert "__main__" not in source, "the code runs at the top level, as in the gallery"
    needs = _top_level_imports(tree) & OPTIONAL
    if path.name == "quickstart.py":
        assert not needs, "the quick start runs with the test install only"
    elif needs:
        first_paragraph = doc.split("\n\n")[1]
        assert 'pip install -e ".[examples]"' in first_paragraph, f"{path.name} needs {needs}"


def test_doc_index_lists_the_benchmarks_page():
    index = _text("doc/index.rst")
    toctree = index.split(".. toctree::", 1)[1]
    assert "\n   benchmarks\n" in toctree
    assert (ROOT / "doc" / "benchmarks.rst").exists()
