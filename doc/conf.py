"""Sphinx configuration of the sklearn_rnn documentation.

Build (offline, warnings are errors), from the repository root::

    python -m sphinx -W --keep-going -b html doc doc/_build/html

The API reference is generated from the numpydoc docstrings of everything in
``sklearn_rnn.__all__``, ``sklearn_rnn.preprocessing.__all__``,
``sklearn_rnn.metrics.__all__`` and ``sklearn_rnn.plotting.__all__``; the
gallery runs the scripts in ``examples/`` and shows their output and figures.
Nothing is downloaded (no intersphinx).
"""

import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # document this checkout, not an installed copy

sys.path.insert(0, str(Path(__file__).resolve().parent / "sphinxext"))

from gallery_scraper import FilesWrittenScraper  # noqa: E402

import sklearn_rnn  # noqa: E402

project = "sklearn_rnn"
author = "sklearn_rnn developers"
copyright = "sklearn_rnn developers"  # noqa: A001
release = version = sklearn_rnn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
# mathjax is loaded by the reader's browser; the build itself stays offline.

autosummary_generate = True
autosummary_ignore_module_all = False  # module pages list exactly __all__
autodoc_default_options = {"members": True}
autodoc_typehints = "none"

numpydoc_show_class_members = False  # methods are listed by the class template
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False


sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",  # run every example, not only plot_*.py
    "image_scrapers": (FilesWrittenScraper(), "matplotlib"),
    "download_all_examples": False,
    "remove_config_comments": True,
    "plot_gallery": "True",
    "matplotlib_animations": False,
    "default_thumb_file": None,
}


_ATTRIBUTE_LINE = re.compile(r"^(\s*\*?\*?[A-Za-z_]\w*\s+:\s)(.*)$")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w.])([A-Za-z]\w*_)(?![\w`])")


def _quote_fitted_names_in_types(app, what, name, obj, options, lines):
    """Quote names like ``n_features_in_`` in numpydoc type lines.

    A bare word ending in "_" is a reference in reStructuredText, so a type
    such as ``ndarray of shape (n_features_in_,)`` would be a broken link.
    """
    for i, line in enumerate(lines):
        match = _ATTRIBUTE_LINE.match(line)
        if match:
            head, rest = match.groups()
            lines[i] = head + _TRAILING_UNDERSCORE.sub(r"``\1``", rest)


_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}\s*$")


def _title_for_untitled_examples(app, docname, source):
    """Make the first line of an example's docstring its title if it has none.

    sphinx-gallery takes the page title from a reStructuredText heading at the
    top of the docstring; a docstring that starts with a one-line summary
    instead gets that line as its heading here.
    """
    if not docname.startswith("auto_examples/") or docname.endswith("index"):
        return
    lines = source[0].split("\n")
    label = f".. _sphx_glr_{docname.replace('/', '_')}.py:"
    if label not in lines:
        return
    i = lines.index(label) + 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i + 1 >= len(lines) or _UNDERLINE.match(lines[i + 1]) or lines[i + 1].strip():
        return  # already a heading, or a first paragraph of several lines
    title = lines[i].strip().rstrip(".")
    lines[i : i + 1] = [title, "=" * len(title)]
    source[0] = "\n".join(lines)


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_*_request`` methods (metadata routing)."""
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
    # before numpydoc (priority 500) rewrites the sections
    app.connect("autodoc-process-docstring", _quote_fitted_names_in_types, priority=400)
    app.connect("source-read", _title_for_untitled_examples)
