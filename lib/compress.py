"""Making models smaller: int8 weight quantization (量化) and knowledge distillation (知识蒸馏).

Quantization stores each weight row as 8-bit integers and one scale, a quarter of fp32's bytes.
Distillation trains a small student to match a large teacher's softened predictions.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def quantize_int8(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per-row int8 quantization: returns (int8 values, fp32 scale per row).

    scale = max|row| / 127 and q = round(w / scale), so w ≈ q · scale and zero stays exactly zero.
    """
    if not isinstance(weight, torch.Tensor) or weight.ndim != 2 or not weight.is_floating_point():
        raise ValueError(f"weight must be a 2-D floating-point tensor, got {getattr(weight, 'shape', weight)!r}")
    scale = weight.detach().abs().amax(dim=1).float() / 127
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))  # an all-zero row: any scale works
    q = torch.clamp(torch.round(weight.detach().float() / scale[:, None]), -127, 127).to(torch.int8)
    return q, scale


def dequantize_int8(q: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """The fp32 weights that int8 values ``q`` with per-row ``scale`` stand for."""
    if q.dtype != torch.int8 or q.ndim != 2:
        raise ValueError(f"q must be a 2-D int8 tensor, got {q.dtype} {tuple(q.shape)}")
    if scale.shape != (q.shape[0],):
        raise ValueError(f"scale must have one value per row ({q.shape[0]}), got shape {tuple(scale.shape)}")
    return q.float() * scale[:, None]


def distillation_loss(
    student_logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float = 2.0
) -> torch.Tensor:
    """Hinton et al. (2015): T² · KL(softmax(teacher/T) ‖ softmax(student/T)), averaged over the batch.

    A temperature above 1 softens both distributions so the student also learns which wrong
    classes the teacher finds plausible; T² keeps gradient sizes comparable across temperatures.
    """
    if student_logits.shape != teacher_logits.shape or student_logits.ndim != 2:
        raise ValueError(
            f"student_logits and teacher_logits must be (batch, classes) of equal shape, got "
            f"{tuple(student_logits.shape)} and {tuple(teacher_logits.shape)}"
        )
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature!r}")
    teacher = F.softmax(teacher_logits.detach() / temperature, dim=1)
    log_student = F.log_softmax(student_logits / temperature, dim=1)
    log_teacher = F.log_softmax(teacher_logits.detach() / temperature, dim=1)
    kl = (teacher * (log_teacher - log_student)).sum(dim=1).mean()
    return temperature**2 * kl
