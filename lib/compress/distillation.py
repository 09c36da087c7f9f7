"""Knowledge distillation (知识蒸馏): a small student learns to match a large teacher's softened predictions."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lib.core.validate import tensor as check_tensor


def distillation_loss(
    student_logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float = 2.0
) -> torch.Tensor:
    """Hinton et al. (2015): T² · KL(softmax(teacher/T) ‖ softmax(student/T)), averaged over the batch.

    A temperature above 1 softens both distributions so the student also learns which wrong
    classes the teacher finds plausible; T² keeps gradient sizes comparable across temperatures.
    """
    check_tensor("student_logits", student_logits, floating=True)
    check_tensor("teacher_logits", teacher_logits, floating=True)
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
