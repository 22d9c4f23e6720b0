"""The package's layering, read from its source with ``ast``.

Imports go one way: estimators -> runtime, input layer, nets, modules; no
cycle (imports inside functions included); ``modules/`` is torch only; no
module but ``__init__`` imports an estimator module; each shared concern
(input checking, thread heuristic, standardiser) lives in one place.
"""

import ast
import inspect
from pathlib import Path

import pytest

import sklearn_rnn
from sklearn_rnn._base import BaseRecurrentEstimator

PACKAGE = "sklearn_rnn"
ROOT = Path(sklearn_rnn.__file__).parent


def _module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _imported_names(module, tree):
    """Every module name imported anywhere in ``tree`` (top level and inside functions)."""
    is_package = MODULES[module].name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # ``from package import submodule`` imports the submodule
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base


def _graph():
    graph = {}
    for module, tree in TREES.items():
        targets = set()
        for name in _imported_names(module, tree):
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                while name not in MODULES:
                    name = name.rpartition(".")[0]
                if name != module:
                    targets.add(name)
        graph[module] = targets
    return graph


GRAPH = _graph()


def _find_cycle(graph):
    """A list of modules forming an import cycle, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def _closure(graph, start):
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return seen


def _estimator_classes():
    return [
        obj
        for obj in (getattr(sklearn_rnn, name) for name in sklearn_rnn.__all__)
        if inspect.isclass(obj) and issubclass(obj, BaseRecurrentEstimator)
    ]


def test_the_graph_sees_imports_inside_functions():
    # _base imports the persistence layer inside ``save``; the test must see it
    assert "sklearn_rnn._persistence" in GRAPH["sklearn_rnn._base"]
    assert "sklearn_rnn._accelerate" in GRAPH["sklearn_rnn._base"]
    assert len(MODULES) > 20


def test_find_cycle_finds_a_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_import_cycle():
    cycle = _find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_modules_never_import_sklearn_or_skorch():
    package = f"{PACKAGE}.modules"
    reached = _closure(GRAPH, package)
    for module in sorted(reached):
        for name in _imported_names(module, TREES[module]):
            assert name.split(".")[0] not in {"sklearn", "skorch"}, (
                f"{module} (reached from {package}) imports {name}"
            )


def test_only_the_package_init_imports_estimator_modules():
    estimator_modules = {cls.__module__ for cls in _estimator_classes()}
    assert len(estimator_modules) >= 4
    for module, targets in GRAPH.items():
        if module != PACKAGE:
            assert not targets & estimator_modules, f"{module} imports an estimator module"


@pytest.mark.parametrize("cls", _estimator_classes(), ids=lambda c: c.__name__)
def test_estimators_leave_input_checking_to_the_base(cls):
    for klass in cls.__mro__[: cls.__mro__.index(BaseRecurrentEstimator)]:
        for method in ("_check_X", "_record_input", "_check_strings", "_check_step_features"):
            assert method not in vars(klass), f"{klass.__name__} defines {method}"


@pytest.mark.parametrize("cls", _estimator_classes(), ids=lambda c: c.__name__)
def test_estimators_build_their_encoder_from_encoder_params(cls):
    source = inspect.getsource(cls)
    assert "_encoder_params(info)" in source
    assert "hidden_size=self.hidden_size" not in source


def _assigned_names(tree):
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                yield target.id


def _called_attributes(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node.func.attr


def test_thread_heuristic_lives_in_the_runtime_module_only():
    defining = {
        module
        for module, tree in TREES.items()
        for name in _assigned_names(tree)
        if name.lstrip("_").isupper() and ("THREAD" in name or name.endswith("GATES"))
    }
    assert defining == {"sklearn_rnn._runtime"}
    setting = {m for m, tree in TREES.items() if "set_num_threads" in _called_attributes(tree)}
    assert setting == {"sklearn_rnn._runtime"}


def _defined_functions(tree):
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_standardiser_lives_in_one_module():
    computing = {m for m, tree in TREES.items() if {"std", "var"} & set(_called_attributes(tree))}
    assert computing == set()
    defining = {m for m, tree in TREES.items() if "standard_scaling" in _defined_functions(tree)}
    assert defining == {"sklearn_rnn._scaling"}
    users = {m for m, targets in GRAPH.items() if "sklearn_rnn._scaling" in targets}
    assert {"sklearn_rnn._base", "sklearn_rnn.preprocessing._scaler"} <= users


def test_vocabulary_builder_lives_in_one_module():
    counting = {m for m, tree in TREES.items() if "most_common" in _called_attributes(tree)}
    assert counting == set()
    defining = {m for m, tree in TREES.items() if "build_vocabulary" in _defined_functions(tree)}
    assert defining == {"sklearn_rnn._vocabulary"}
    users = {m for m, targets in GRAPH.items() if "sklearn_rnn._vocabulary" in targets}
    assert {"sklearn_rnn._tagger", "sklearn_rnn.preprocessing._text"} <= users


def test_private_sklearn_and_skorch_apis_come_from_the_compat_module():
    for module, tree in TREES.items():
        if module == "sklearn_rnn._compat":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {
                "sklearn",
                "skorch",
            }:
                private = [a.name for a in node.names if a.name.startswith("_")]
                private += ["module " + node.module] if "._" in node.module else []
                assert not private, f"{module} imports private {private} from {node.module}"


def test_persistence_rebuilds_the_net_through_the_estimator():
    persistence = TREES["sklearn_rnn._persistence"]
    called = set(_called_attributes(persistence))
    assert "_rebuild_net" in called and "_make_net" not in called
    assert "sklearn_rnn._base" not in GRAPH["sklearn_rnn._persistence"]
