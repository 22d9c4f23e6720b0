"""Training through Hugging Face accelerate: several GPUs, mixed precision (optional).

An estimator with ``device="accelerate"`` builds an ``accelerate.Accelerator``
at fit time. The accelerator reads the launch configuration (``accelerate
launch --multi_gpu --num_processes 4 script.py``, or ``accelerate config``):
each process then trains a copy of the module on the device accelerate gives
it, on its own share of the batches, and the gradients are averaged across
processes (PyTorch ``DistributedDataParallel``). Started with plain
``python``, it is one process on one device.
"""

import numpy as np
import torch
from skorch.dataset import unpack_data
from skorch.hf import AccelerateMixin

from sklearn_rnn._compat import set_training
from sklearn_rnn._net import SequenceNet


def make_accelerator():
    """Return an ``accelerate.Accelerator`` that leaves device placement to the net."""
    try:
        from accelerate import Accelerator
    except ImportError as exc:
        raise ImportError(
            "device='accelerate' needs the accelerate package, which is not "
            "installed; install it with `pip install accelerate` (or "
            "`pip install sklearn-rnn[accelerate]`), or use device='auto'."
        ) from exc
    # The net moves each batch itself (its batches are not a DataLoader that
    # accelerate could prepare), so accelerate must not place anything.
    return Accelerator(device_placement=False)


class ShardedBatches:
    """Every ``num_processes``-th batch, starting at ``process_index``.

    Every process gets the same number of batches (DistributedDataParallel
    needs each process to take the same number of steps), so the last
    ``len(batches) % num_processes`` batches of an epoch are left out.

    Parameters
    ----------
    batches : sized iterable
        The batches of one epoch, the same on every process (same shuffling seed).
    process_index : int
        This process.
    num_processes : int
        Number of processes.
    """

    def __init__(self, batches, process_index, num_processes):
        if len(batches) < num_processes:
            raise ValueError(
                f"Training on {num_processes} processes needs at least {num_processes} "
                f"batches per epoch, but there are {len(batches)}; use a smaller "
                "batch_size or fewer processes."
            )
        self.batches = batches
        self.process_index = process_index
        self.num_processes = num_processes

    def __len__(self):
        return len(self.batches) // self.num_processes

    def __iter__(self):
        stop = len(self) * self.num_processes
        for i, batch in enumerate(self.batches):
            if i >= stop:
                break
            if i % self.num_processes == self.process_index:
                yield batch


class AcceleratedSequenceNet(AccelerateMixin, SequenceNet):
    """:class:`SequenceNet` trained through an ``accelerate.Accelerator``.

    skorch's ``AccelerateMixin`` wraps the module, criterion and optimizer;
    this class shards the training batches across processes and keeps
    validation on every process whole (each process scores all validation
    batches, so no outputs are gathered).

    Parameters
    ----------
    accelerator : accelerate.Accelerator
        Built with ``device_placement=False``; ``device`` is the accelerator's.
    **kwargs : dict
        Passed to :class:`SequenceNet`.
    """

    def initialize(self):
        """Initialize the shuffling random generator, then the accelerated net."""
        # AccelerateMixin.initialize does not call SequenceNet.initialize.
        self.shuffle_rng_ = np.random.default_rng(self.shuffle_seed)
        return super().initialize()

    def train_step_single(self, batch, **fit_params):
        """One step with accelerate's autocast and backward.

        As in :meth:`SequenceNet.train_step_single`, a module with
        ``takes_targets = True`` gets the batch targets. Scaled (fp16)
        gradients are unscaled before the callbacks see them, so that
        ``clip_grad_norm`` clips the true gradient norm.
        """
        set_training(self, True)
        Xi, yi = unpack_data(batch)
        if getattr(self.accelerator.unwrap_model(self.module_), "takes_targets", False):
            fit_params = {**fit_params, "y": yi["y"] if isinstance(yi, dict) else yi}
        with self.accelerator.autocast():
            y_pred = self.infer(Xi, **fit_params)
            loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        self.accelerator.backward(loss)
        if self.accelerator.scaler is not None:
            self.accelerator.unscale_gradients()
        return {"loss": loss, "y_pred": y_pred}

    def get_iterator(self, dataset, training=False):
        """Length-bucketed batches; when training on several processes, this one's share."""
        batches = SequenceNet.get_iterator(self, dataset, training=training)
        n = self.accelerator.num_processes
        if training and n > 1:
            return ShardedBatches(batches, self.accelerator.process_index, n)
        return batches

    def evaluation_step(self, batch, training=False):
        """Outputs of one batch on this process (every process sees all validation batches)."""
        return SequenceNet.evaluation_step(self, batch, training=training)

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        """Wrap the module and criterion again when a warm start continues training."""
        if self.initialized_ and not self._wrapped_with_accelerator:
            for name in self._modules + self._criteria:
                module = getattr(self, name + "_")
                if isinstance(module, torch.nn.Module):
                    setattr(self, name + "_", self.accelerator.prepare(module))
            self._wrapped_with_accelerator = True
        return super().on_train_begin(net, X=X, y=y, **kwargs)
