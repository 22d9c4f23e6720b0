"""Where and how a fit runs: device, torch threads, denormals, seeds, rollback.

Nothing here knows an estimator: the estimators and the persistence layer
call these functions with plain values.
"""

import contextlib
import copy
from dataclasses import dataclass

import torch

__all__ = [
    "SINGLE_THREAD_WORK",
    "Seeds",
    "cpu_settings",
    "draw_seeds",
    "recurrent_work",
    "resolve_device",
    "restored_on_failure",
    "seeded",
    "threads_for_work",
    "torch_threads",
]

_SEED_MAX = 2**31 - 1

# Multiply-adds per training step below which one torch thread beats several
# (batch x gates x hidden_size x (input + hidden_size), x2 when bidirectional).
SINGLE_THREAD_WORK = 2_000_000

_GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def resolve_device(device):
    """Return a torch device string for ``device`` ("auto" picks cuda when available)."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a valid torch device; use 'auto', 'cpu', 'cuda' "
            "or 'accelerate'."
        ) from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available; use "
            "device='auto' or 'cpu'."
        )
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(
            f"device={device!r} was requested but there are only "
            f"{torch.cuda.device_count()} CUDA device(s); use device='cuda' or 'cuda:0'."
        )
    if dev.type == "meta":
        raise ValueError(
            "device='meta' holds no values, so nothing can be trained on it; use "
            "device='auto', 'cpu' or 'cuda'."
        )
    if dev.type not in ("cpu", "cuda"):  # mps, xpu, ...: whether this torch can use it
        try:
            torch.empty(1, device=dev)
        except Exception as exc:  # torch raises several kinds for a backend it lacks
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
            raise ValueError(
                f"device={device!r} is not available here ({reason}); use device='auto' or 'cpu'."
            ) from exc
    return str(dev)


# ---------------------------------------------------------------------- threads
def recurrent_work(batch_size, cell, hidden_size, input_size, bidirectional=False):
    """Multiply-adds of one recurrent step over a batch (the gate products)."""
    work = batch_size * _GATES[cell] * hidden_size * (input_size + hidden_size)
    return work * (2 if bidirectional else 1)


def threads_for_work(work, n_threads=None):
    """Torch threads for a model: ``n_threads``, 1 when ``work`` is small, else None.

    None keeps torch's current setting. ``work`` is the multiply-adds of one
    training step (see :func:`recurrent_work`); below
    :data:`SINGLE_THREAD_WORK` the products are too small for several threads
    to pay for their synchronisation.
    """
    if n_threads is not None:
        return n_threads
    return 1 if work < SINGLE_THREAD_WORK else None


@contextlib.contextmanager
def torch_threads(n_threads):
    """Use ``n_threads`` torch threads inside the block, then restore the old count."""
    old = torch.get_num_threads()
    if n_threads is None or n_threads == old:
        yield
        return
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def _flushing_denormals():
    """Whether the CPU currently flushes denormal floats to zero."""
    return (torch.tensor([1e-39]) * 1.0).item() == 0.0


@contextlib.contextmanager
def cpu_settings(n_threads):
    """Torch threads and denormal flushing for a fit or predict, restored afterwards.

    Denormal floats (below 1.2e-38) make CPU arithmetic many times slower; they
    appear in long training runs (e.g. in Adam's second-moment estimates) and
    change no result that matters, so they are flushed to zero meanwhile.
    """
    with torch_threads(n_threads):
        if _flushing_denormals() or not torch.set_flush_denormal(True):
            yield
            return
        try:
            yield
        finally:
            torch.set_flush_denormal(False)


# ------------------------------------------------------------------------ seeds
@dataclass(frozen=True)
class Seeds:
    """The seeds of one fit, each drawn from ``random_state``.

    Attributes
    ----------
    weights : int
        Torch's generator inside the fit: initial weights, dropout, noise,
        teacher forcing.
    shuffle : int
        The order of the training batches.
    split : int
        The validation split of early stopping.
    """

    weights: int
    shuffle: int
    split: int


def draw_seeds(random_state):
    """Draw the :class:`Seeds` of a fit from a ``check_random_state`` result.

    The draws happen in the order weights, shuffle, split, so a given
    ``random_state`` gives the same seeds as ever.
    """
    weights, shuffle, split = (int(s) for s in random_state.randint(_SEED_MAX, size=3))
    return Seeds(weights=weights, shuffle=shuffle, split=split)


@contextlib.contextmanager
def seeded(seed, device):
    """Seed torch inside the block without changing the caller's random state."""
    devices = []
    if device.startswith("cuda"):
        devices = [torch.device(device).index or torch.cuda.current_device()]
    with torch.random.fork_rng(devices=devices):
        torch.random.default_generator.manual_seed(seed)
        if devices:
            with torch.cuda.device(devices[0]):
                torch.cuda.manual_seed(seed)
        yield


# --------------------------------------------------------------------- rollback
@contextlib.contextmanager
def restored_on_failure(net):
    """Put a trained skorch net back as it was if the block raises (a failed warm start)."""
    state = {
        "weights": copy.deepcopy(net.module_.state_dict()),
        "optimizer": copy.deepcopy(net.optimizer_.state_dict()),
        "history": list(net.history),
        "rng": copy.deepcopy(net.shuffle_rng_.bit_generator.state),
        "max_epochs": net.max_epochs,
        "batch_size": net.batch_size,
    }
    try:
        yield
    except BaseException:
        net.module_.load_state_dict(state["weights"])
        net.optimizer_.load_state_dict(state["optimizer"])
        net.history[:] = state["history"]
        net.shuffle_rng_.bit_generator.state = state["rng"]
        net.max_epochs, net.batch_size = state["max_epochs"], state["batch_size"]
        raise
