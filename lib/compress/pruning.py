"""Pruning (剪枝): remove a network's smallest weights (unstructured) or whole neurons (structured).

Unstructured magnitude pruning (Han et al. 2015) zeroes the individual weights of smallest |w|: the
matrices keep their shape, so a dense kernel does the same work in the same memory. Structured
pruning removes whole hidden neurons (rows of one matrix and the matching columns of the next), so
the matrices really shrink, and with them the bytes and the time.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from lib.core.validate import fraction


def _linears(model: nn.Module) -> list[nn.Linear]:
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not layers:
        raise ValueError("model must contain at least one nn.Linear layer")
    return layers


def magnitude_prune(model: nn.Module, amount: float) -> nn.Module:
    """A copy of ``model`` in which each Linear weight matrix has its ``amount`` smallest-|w| entries set to 0.

    Per layer, like ``torch.nn.utils.prune.l1_unstructured``; biases are kept. Ties at the threshold
    are broken by position, so exactly round(amount · numel) weights of each matrix become zero.
    """
    amount = fraction("amount", amount, high_inclusive=True)
    pruned = copy.deepcopy(model)
    with torch.no_grad():
        for layer in _linears(pruned):
            w = layer.weight
            k = round(amount * w.numel())
            if k:
                smallest = torch.topk(w.abs().flatten(), k, largest=False).indices
                w.view(-1)[smallest] = 0.0
    return pruned


def sparsity(model: nn.Module) -> float:
    """Fraction of the Linear layers' weights (not biases) that are exactly zero."""
    layers = _linears(model)
    zeros = sum(int((layer.weight == 0).sum()) for layer in layers)
    return zeros / sum(layer.weight.numel() for layer in layers)


def neuron_scores(layer: nn.Linear) -> torch.Tensor:
    """Each output neuron's importance as the L2 norm of its incoming weights (a row of the matrix)."""
    if not isinstance(layer, nn.Linear):
        raise TypeError(f"layer must be an nn.Linear, got {type(layer).__name__}")
    return layer.weight.detach().norm(dim=1)


def prune_neurons(model: nn.Module, keep: float) -> nn.Sequential:
    """A smaller copy of a feed-forward stack with only the ``keep`` fraction of each hidden layer's neurons.

    ``model`` is an ``nn.Sequential`` (or a module with one, such as ``lib.models.mlp.MLP``'s
    ``.layers``) of Linear layers with element-wise modules (activations, dropout) between them.
    In each hidden layer the neurons with the largest :func:`neuron_scores` stay: their rows of
    that Linear and their columns of the next one are copied into smaller matrices. The inputs and
    outputs keep their sizes. A removed neuron is exactly one whose output is zeroed, for any
    activation f with f(0) = 0 (ReLU, GELU, tanh).
    """
    keep = fraction("keep", keep, low_inclusive=False, high_inclusive=True)
    sequential = model if isinstance(model, nn.Sequential) else getattr(model, "layers", None)
    if not isinstance(sequential, nn.Sequential):
        raise TypeError("model must be an nn.Sequential or have one as .layers (like lib.models.mlp.MLP)")
    modules = [copy.deepcopy(m) for m in sequential]
    linear_at = [i for i, m in enumerate(modules) if isinstance(m, nn.Linear)]
    allowed = (nn.ReLU, nn.GELU, nn.Tanh, nn.Dropout, nn.Identity, nn.SiLU, nn.LeakyReLU)
    for m in modules:
        if not isinstance(m, (nn.Linear, *allowed)):
            raise TypeError(f"prune_neurons handles Linear layers and element-wise modules, got {type(m).__name__}")
    with torch.no_grad():
        for i, j in zip(linear_at[:-1], linear_at[1:], strict=True):
            layer, following = modules[i], modules[j]
            n_keep = max(1, round(keep * layer.out_features))
            kept = neuron_scores(layer).topk(n_keep).indices.sort().values
            smaller = nn.Linear(layer.in_features, n_keep, bias=layer.bias is not None)
            smaller.weight.copy_(layer.weight[kept])
            if layer.bias is not None:
                smaller.bias.copy_(layer.bias[kept])
            narrower = nn.Linear(n_keep, following.out_features, bias=following.bias is not None)
            narrower.weight.copy_(following.weight[:, kept])
            if following.bias is not None:
                narrower.bias.copy_(following.bias)
            modules[i], modules[j] = smaller, narrower
    return nn.Sequential(*modules)
