"""Activation checkpointing in the GPT: same loss and gradients, far fewer bytes saved for backward."""

from __future__ import annotations

import pytest
import torch

from lib.core.seeding import seeded
from lib.models.gpt import GPT, GPTConfig
from lib.scale.memory import saved_activation_bytes

CONFIG = GPTConfig(vocab_size=40, context_length=16, n_layer=3, n_head=2, d_model=16, dropout=0.1)


def _grads(model: GPT, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    model.zero_grad()
    with seeded(1):  # dropout draws the same masks; checkpointing replays them in backward
        loss = model(x, x)[1]
    loss.backward()
    return loss.detach(), [p.grad.clone() for p in model.parameters()]


def test_checkpointing_keeps_loss_and_gradients():
    with seeded(0):
        model = GPT(CONFIG)
    x = torch.randint(0, 40, (4, 16), generator=torch.Generator().manual_seed(0))
    loss, grads = _grads(model, x)
    model.checkpoint_activations = True
    loss_ck, grads_ck = _grads(model, x)
    torch.testing.assert_close(loss_ck, loss)
    for a, b in zip(grads_ck, grads, strict=True):
        torch.testing.assert_close(a, b)


def test_checkpointing_saves_only_block_inputs():
    """Per layer, a block stores 64·s·b·h bytes in fp32; checkpointed, only its fp32 input: 4·s·b·h."""

    def per_layer(checkpoint: bool) -> float:
        sizes = []
        for n_layer in (2, 4):
            with seeded(0):
                model = GPT(GPTConfig(vocab_size=40, context_length=16, n_layer=n_layer, n_head=2, d_model=16))
            model.checkpoint_activations = checkpoint
            x = torch.zeros(4, 16, dtype=torch.long)
            sizes.append(saved_activation_bytes(lambda m=model, x=x: m(x, x)[1], exclude=model.parameters()))
        return (sizes[1] - sizes[0]) / 2

    sbh = 16 * 4 * 16
    assert per_layer(True) == 4 * sbh
    assert 64 * sbh <= per_layer(False) < 66 * sbh


def test_checkpointing_is_off_in_eval_and_with_a_cache():
    with seeded(0):
        model = GPT(
            GPTConfig(vocab_size=40, context_length=16, n_layer=2, n_head=2, d_model=16, checkpoint_activations=True)
        )
    x = torch.zeros(2, 8, dtype=torch.long)
    model.eval()
    with torch.no_grad():
        full = model(x)[0]
        cache = model.new_kv_cache()
        model(x[:, :4], kv_cache=cache)
        step = model(x[:, 4:], kv_cache=cache)[0]
    torch.testing.assert_close(step, full[:, 4:])


def test_config_rejects_non_bool_checkpoint_activations():
    with pytest.raises(ValueError, match="checkpoint_activations"):
        GPTConfig(checkpoint_activations=1)
