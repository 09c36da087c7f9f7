"""Training steps the engine can run: one optimizer update from one batch, with gradient accumulation.

A step is any callable ``step(loop, batch) -> {name: scalar tensor}``; the engine hands it a
:class:`lib.train.loop.Loop` with the model, the optimizer and the precision. The values it returns
stay on the device (no host synchronization); the engine reads them every ``log_every`` steps.
A GAN plugs in its own step (``lib.train.gan.GANStep``); most models use :class:`SupervisedStep`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

if TYPE_CHECKING:
    from lib.train.loop import Loop

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class SupervisedStep:
    """Forward pass, loss, backward pass, parameter update on a batch of (inputs, targets): the loop of lesson 1.6.

    With ``loop.accumulate = k`` the batch is split into k micro-batches whose losses, weighted by
    their share of the samples, add up to the whole batch's mean loss; one update follows.
    ``zero_grad=False`` leaves old gradients in ``.grad`` (the bug of lesson 1.6, kept to measure it).
    """

    def __init__(self, loss_fn: LossFn, zero_grad: bool = True) -> None:
        if not callable(loss_fn):
            raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
        self.loss_fn = loss_fn
        self.zero_grad = bool(zero_grad)

    def __call__(self, loop: Loop, batch: Any) -> dict[str, torch.Tensor]:
        total = None
        if self.zero_grad:
            loop.optimizer.zero_grad(set_to_none=True)  # zero the gradients (梯度清零)
        for (inputs, targets), weight, last in loop.micro_batches(batch):
            inputs, targets = loop.to_device(inputs), loop.to_device(targets)
            with loop.sync(last):
                with loop.autocast():
                    outputs = loop.model(inputs)  # forward pass (前向传播)
                if isinstance(outputs, tuple):  # a model that returns (outputs, loss) when given no targets
                    outputs = outputs[0]
                loss = self.loss_fn(outputs.float(), targets)  # loss (损失函数)
                loop.backward(loss if weight == 1.0 else loss * weight)  # backward pass (反向传播)
            part = loss.detach() if weight == 1.0 else loss.detach() * weight
            total = part if total is None else total + part
        loop.update()  # parameter update (更新参数)
        return {"train_loss": total}


class LossStep:
    """A step for any model whose loss ``compute_loss(model, micro_batch)`` computes: same moves as SupervisedStep.

    For self-supervised objectives (masked-pixel prediction) and models that return their own loss.
    """

    def __init__(self, compute_loss: Callable[[nn.Module, Any], torch.Tensor]) -> None:
        if not callable(compute_loss):
            raise TypeError(f"compute_loss must be callable, got {type(compute_loss).__name__}")
        self.compute_loss = compute_loss

    def __call__(self, loop: Loop, batch: Any) -> dict[str, torch.Tensor]:
        total = None
        loop.optimizer.zero_grad(set_to_none=True)
        for piece, weight, last in loop.micro_batches(batch):
            with loop.sync(last):
                with loop.autocast():
                    loss = self.compute_loss(loop.model, loop.to_device(piece)).float()
                loop.backward(loss if weight == 1.0 else loss * weight)
            part = loss.detach() if weight == 1.0 else loss.detach() * weight
            total = part if total is None else total + part
        loop.update()
        return {"train_loss": total}
