import pytest
import torch
import torch.nn.functional as F

from lib.compress.distillation import distillation_loss
from lib.compress.quantization import dequantize_int8, quantize_int8


def test_int8_matches_torch_per_channel_quantization():
    torch.manual_seed(0)
    w = torch.randn(16, 32)
    q, scale = quantize_int8(w)
    reference = torch.quantize_per_channel(w, scale, torch.zeros(16, dtype=torch.long), axis=0, dtype=torch.qint8)
    assert torch.equal(q, reference.int_repr())
    torch.testing.assert_close(dequantize_int8(q, scale), reference.dequantize())


def test_int8_error_is_at_most_half_a_step_and_zero_rows_survive():
    torch.manual_seed(0)
    w = torch.randn(8, 64)
    w[3] = 0
    q, scale = quantize_int8(w)
    error = (dequantize_int8(q, scale) - w).abs()
    assert (error <= scale[:, None] / 2 + 1e-7).all()
    assert torch.equal(dequantize_int8(q, scale)[3], torch.zeros(64))
    assert q.element_size() == 1 and q.abs().max() == 127


def test_distillation_loss_matches_kl_div_and_vanishes_at_the_teacher():
    torch.manual_seed(0)
    student, teacher = torch.randn(5, 4, requires_grad=True), torch.randn(5, 4)
    for t in (1.0, 3.0):
        expected = t**2 * F.kl_div(
            F.log_softmax(student / t, 1), F.log_softmax(teacher / t, 1), reduction="batchmean", log_target=True
        )
        torch.testing.assert_close(distillation_loss(student, teacher, t), expected)
    assert distillation_loss(teacher, teacher).abs() < 1e-6
    distillation_loss(student, teacher).backward()
    assert student.grad is not None


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="weight must be a 2-D floating-point tensor"):
        quantize_int8(torch.zeros(3))
    with pytest.raises(ValueError, match="q must be a 2-D int8 tensor"):
        dequantize_int8(torch.zeros(2, 2), torch.ones(2))
    with pytest.raises(ValueError, match="scale must have one value per row"):
        dequantize_int8(torch.zeros(2, 2, dtype=torch.int8), torch.ones(3))
    with pytest.raises(ValueError, match="equal shape"):
        distillation_loss(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="temperature must be positive"):
        distillation_loss(torch.zeros(2, 3), torch.zeros(2, 3), 0)
