"""LoRA (low-rank adaptation): fine-tune a frozen linear layer through a small low-rank update.

A frozen weight W (out x in) is used as W + (alpha / r) * B @ A, where A is r x in and B is
out x r. Only A and B train: r * (in + out) numbers instead of in * out. B starts at zero, so the
adapted model starts exactly equal to the pre-trained one (Hu et al., 2021, arXiv:2106.09685).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


def _check_rank_alpha(rank: int, alpha: float | None) -> None:
    if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
        raise ValueError(f"rank must be a positive int, got {rank!r}")
    if alpha is not None and (isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha > 0):
        raise ValueError(f"alpha must be a positive number or None, got {alpha!r}")


class LoRALinear(nn.Module):
    """A frozen ``nn.Linear`` plus a trainable low-rank update: y = x (W + (alpha/r) B A)^T + b."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float | None = None) -> None:
        super().__init__()
        if not isinstance(base, nn.Linear):
            raise TypeError(f"base must be an nn.Linear, got {type(base).__name__}")
        _check_rank_alpha(rank, alpha)
        if rank > min(base.in_features, base.out_features):
            raise ValueError(
                f"rank must be at most min(in_features, out_features) = "
                f"{min(base.in_features, base.out_features)}, got {rank}"
            )
        self.base = base
        self.base.requires_grad_(False)
        self.rank = rank
        self.alpha = float(alpha if alpha is not None else rank)
        self.scaling = self.alpha / rank
        weight = base.weight
        # A: small random values (PyTorch's own nn.Linear initialisation); B: zeros, so B @ A = 0 at the start.
        self.lora_A = nn.Parameter(torch.empty(rank, base.in_features, device=weight.device, dtype=weight.dtype))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank, device=weight.device, dtype=weight.dtype))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))

    @property
    def in_features(self) -> int:
        return self.base.in_features

    @property
    def out_features(self) -> int:
        return self.base.out_features

    def delta_weight(self) -> torch.Tensor:
        """The low-rank update (alpha / r) * B @ A, shaped like the frozen weight."""
        return self.scaling * (self.lora_B @ self.lora_A)

    def merged_weight(self) -> torch.Tensor:
        """W + (alpha / r) * B @ A: the single matrix to serve once fine-tuning is done."""
        return self.base.weight + self.delta_weight()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != self.in_features:
            raise ValueError(f"input's last dimension must be {self.in_features}, got shape {tuple(x.shape)}")
        # Never form B @ A on the way: x -> A -> B costs r * (in + out) per row instead of in * out.
        return self.base(x) + self.scaling * F.linear(F.linear(x, self.lora_A), self.lora_B)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, rank={self.rank}, alpha={self.alpha:g}"
        )


def apply_lora(model: nn.Module, rank: int, alpha: float | None = None, exclude: tuple[str, ...] = ()) -> list[str]:
    """Freeze every parameter of ``model`` and wrap each ``nn.Linear`` in a :class:`LoRALinear`, in place.

    Layers whose qualified name starts with one of ``exclude`` (for example a new head that should
    train fully) are left alone and not frozen. Returns the names of the wrapped layers.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    _check_rank_alpha(rank, alpha)
    if isinstance(exclude, str) or not all(isinstance(e, str) for e in exclude):
        raise TypeError(f"exclude must be a tuple of layer-name prefixes, got {exclude!r}")
    if isinstance(model, nn.Linear):
        raise TypeError("model is itself an nn.Linear: wrap it directly, LoRALinear(model, rank, alpha)")

    def excluded(name: str) -> bool:
        return any(name == e or name.startswith(e + ".") for e in exclude)

    for name, parameter in model.named_parameters():
        if not excluded(name):
            parameter.requires_grad_(False)
    targets = [
        (name, module)
        for name, module in model.named_modules()
        if isinstance(module, nn.Linear) and not excluded(name) and not isinstance(module, LoRALinear)
    ]
    if not targets:
        raise ValueError("model has no nn.Linear layer to adapt (outside exclude)")
    for name, module in targets:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child, LoRALinear(module, rank, alpha))
    return [name for name, _ in targets]


@torch.no_grad()
def merge_lora(model: nn.Module) -> int:
    """Replace each :class:`LoRALinear` in ``model`` by a plain ``nn.Linear`` holding W + (alpha/r) B A.

    The merged model computes the same function with no extra cost at inference. Returns how many
    layers were merged.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    targets = [(name, module) for name, module in model.named_modules() if isinstance(module, LoRALinear)]
    for name, module in targets:
        base = module.base
        # built on the meta device, so merging draws no random numbers and leaves every seed's stream alone
        merged = nn.Linear(base.in_features, base.out_features, bias=base.bias is not None, device="meta")
        merged = merged.to_empty(device=base.weight.device).to(base.weight.dtype)
        merged.weight.copy_(module.merged_weight())
        if base.bias is not None:
            merged.bias.copy_(base.bias)
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child, merged)
    return len(targets)


def trainable_parameter_count(model: nn.Module) -> int:
    """Parameters that the optimizer will update (``requires_grad``), counted once each."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def lora_parameter_count(in_features: int, out_features: int, rank: int) -> int:
    """Trainable numbers LoRA adds to one in -> out linear layer: r * (in + out)."""
    for name, value in (("in_features", in_features), ("out_features", out_features), ("rank", rank)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    return rank * (in_features + out_features)
