"""The exercises of chapter 02 (the mathematics): expected values computed with PyTorch's autograd and modules."""

from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from lib.course.exercises import ch02_support as s
from lib.course.exercises.base import Exercise

EXERCISES: tuple[Exercise, ...] = (
    # 2.1 Activations
    Exercise(
        "2.1.sigmoid-slope",
        "sigmoid'(2)",
        "close",
        expected=lambda: s._autograd_grad(torch.sigmoid, torch.tensor(2.0, dtype=s.F64)).item(),
        reference=lambda: (1 / (1 + math.exp(-2))) * (1 - 1 / (1 + math.exp(-2))),
        wrong=lambda: 1 / (1 + math.exp(-2)),
        hint="compute sigmoid(2) first, then put it into the derivative",
    ),
    Exercise(
        "2.1.log-softmax",
        "log-softmax of (1000, 0, -1000)",
        "tensor",
        expected=lambda: torch.log_softmax(s._scores(), dim=-1),
        reference=lambda: s._log_softmax_by_hand(s._scores()),
        wrong=lambda: torch.log(torch.exp(s._scores()) / torch.exp(s._scores()).sum()),
        hint="exp(1000) overflows: shift the scores so that the largest is 0, which changes nothing in the result",
    ),
    Exercise(
        "2.1.leaky-relu-slope",
        "leaky ReLU derivative",
        "tensor",
        expected=lambda: s._autograd_grad(lambda v: F.leaky_relu(v, 0.01), s._xs()),
        reference=lambda: torch.where(s._xs() > 0, torch.ones_like(s._xs()), torch.full_like(s._xs(), 0.01)),
        wrong=lambda: (s._xs() > 0).float(),
        hint="the function is a straight line on each side of 0: read each slope off the definition",
    ),
    Exercise(
        "2.1.temperature",
        "largest probability at tau = 0.5 vs tau = 1",
        "equal",
        expected=s._temperature_direction,
        reference=lambda: "higher",
        wrong=lambda: "lower",
        hint="dividing by tau < 1 stretches the gaps between logits; does softmax reward or flatten a bigger gap?",
    ),
    # 2.2 Losses
    Exercise(
        "2.2.bce-grad",
        "d BCE / dz at z = 2, y = 0",
        "close",
        expected=lambda: s._autograd_grad(
            F.binary_cross_entropy_with_logits, torch.tensor(2.0, dtype=s.F64), torch.tensor(0.0, dtype=s.F64)
        ).item(),
        reference=lambda: 1 / (1 + math.exp(-2)) - 0,
        wrong=lambda: 1 / (1 + math.exp(-2)) - 1,
        hint="write the loss as a function of z for this label and differentiate; the result is strikingly simple",
    ),
    Exercise(
        "2.2.cross-entropy",
        "cross-entropy of (2, 1, 0), class 0",
        "close",
        expected=lambda: F.cross_entropy(torch.tensor([[2.0, 1.0, 0.0]], dtype=s.F64), torch.tensor([0])).item(),
        reference=lambda: -2 + math.log(math.exp(2) + math.exp(1) + math.exp(0)),
        wrong=lambda: -sum(p * math.log(p) for p in F.softmax(torch.tensor([2.0, 1.0, 0.0], dtype=s.F64), 0).tolist()),
        hint="z_y is the logit of the true class; the sum runs over all three classes",
    ),
    Exercise(
        "2.2.ce-grad-batch",
        "gradient of the mean cross-entropy",
        "tensor",
        expected=lambda: s._autograd_grad(F.cross_entropy, *s._batch()),
        reference=lambda: s._ce_grad_by_hand(divide=True),
        wrong=lambda: s._ce_grad_by_hand(divide=False),
        hint="one row per sample, and mind the mean over the batch",
    ),
    Exercise(
        "2.2.confident-wrong",
        "which loss pushes harder on a confidently wrong logit",
        "equal",
        expected=s._larger_gradient_when_confidently_wrong,
        reference=lambda: "cross-entropy",
        wrong=lambda: "mse",
        hint="MSE on p passes through sigmoid'(z) = p(1 - p); what is that factor when p is near 0?",
    ),
    # 2.3 Backpropagation
    Exercise(
        "2.3.tanh-grad",
        "dℒ/dw with tanh",
        "close",
        rel=1e-9,
        expected=lambda: s._autograd_grad(
            lambda w: (torch.tanh(w * 1.5 - 0.3) - 1.0) ** 2, torch.tensor(0.8, dtype=s.F64)
        ).item(),
        reference=lambda: s._tanh_grad(2.0),
        wrong=lambda: s._tanh_grad(1.0),
        hint="multiply the local derivatives of the square, of tanh and of wx + b, from the loss back to w",
    ),
    Exercise(
        "2.3.regression-grad",
        "dℒ/dW for linear regression",
        "tensor",
        atol=1e-10,
        expected=s._regression_autograd,
        reference=lambda: s._regression_by_hand(2.0),
        wrong=lambda: s._regression_by_hand(1.0),
        hint="the gradient has W's shape (5, 3); keep the constant the square brings down, and the mean",
    ),
    Exercise(
        "2.3.backward-flops",
        "backward FLOPs of a 100 -> 50 layer, batch 32",
        "equal",
        expected=s._backward_flops,
        reference=lambda: 2 * (2 * 32 * 100 * 50),
        wrong=lambda: 2 * 32 * 100 * 50,
        hint="backward computes a gradient for the input and one for the weight; count each matrix product",
    ),
    Exercise(
        "2.3.grad-accumulates",
        "x.grad after two backward calls, relative to one",
        "close",
        rel=1e-9,
        expected=s._accumulation_factor,
        reference=lambda: 2,
        wrong=lambda: 1,
        hint="look at what Value's _backward functions do with .grad: assign, or add?",
    ),
    # 2.4 Initialization and normalization
    Exercise(
        "2.4.he-std",
        "He std for a 768 -> 3072 layer",
        "close",
        rel=1e-9,
        expected=s._he_std,
        reference=lambda: math.sqrt(2 / 768),
        wrong=lambda: math.sqrt(2 / 3072),
        hint="He initialization scales with the number of inputs each neuron sums over",
    ),
    Exercise(
        "2.4.batchnorm-eval",
        "batch norm in eval mode",
        "tensor",
        expected=s._batch_norm_module,
        reference=lambda: s._batch_norm_by_hand(running=True),
        wrong=lambda: s._batch_norm_by_hand(running=False),
        hint="eval mode uses the running statistics, not the batch's",
    ),
    Exercise(
        "2.4.layernorm-params",
        "LayerNorm parameters in GPT-2 small",
        "equal",
        expected=s._layer_norm_parameters,
        reference=lambda: (2 * 12 + 1) * 2 * 768,
        wrong=lambda: 2 * 12 * 2 * 768,
        hint="count the LayerNorms in one block, and look for one more after the last block",
    ),
    Exercise(
        "2.4.wider-tanh",
        "gradient growth per layer of a 4x wider saturated tanh network",
        "equal",
        expected=s._wider_tanh_direction,
        reference=lambda: "larger",
        wrong=lambda: "the same",
        hint="the growth is the weights' share times the rms of tanh'; which of the two changes more with width?",
    ),
    # 2.5 Optimizers
    Exercise(
        "2.5.adam-first-step",
        "Adam's first step",
        "close",
        rel=1e-9,
        expected=s._adam_first_step,
        reference=lambda: 0.01 * 0.003 / (abs(0.003) + 1e-8),
        wrong=lambda: 0.01 * (1 - 0.9) * 0.003 / ((1 - 0.9) * (1 - 0.999)),
        hint="at the first step, what do the bias-corrected moments equal?",
    ),
    Exercise(
        "2.5.max-lr",
        "largest stable learning rate",
        "close",
        expected=s._max_stable_lr,
        reference=lambda: 2 / 100,
        wrong=lambda: 1 / 100,
        hint="write what one step does to y; it diverges when that factor's size exceeds 1",
    ),
    Exercise(
        "2.5.adamw-step",
        "AdamW step",
        "tensor",
        atol=1e-12,
        expected=s._adamw_torch,
        reference=lambda: s._adamw_by_hand(decoupled=True),
        wrong=lambda: s._adamw_by_hand(decoupled=False),
        hint="AdamW decays the parameters directly, apart from the Adam step; the gradient stays as it is",
    ),
    Exercise(
        "2.5.gradient-scale",
        "Adam's first step with gradients x1000, relative to x1",
        "close",
        rel=1e-4,
        expected=s._adam_step_scale_factor,
        reference=lambda: 1.0,
        wrong=lambda: 1000.0,
        hint="in Adam's step, the gradient appears in the numerator (through m) and in the denominator (through v)",
    ),
    # 2.6 A worked example
    Exercise(
        "2.6.bce-logit-grad",
        "dℒ/dz",
        "close",
        rel=1e-9,
        expected=lambda: s._autograd_grad(
            F.binary_cross_entropy_with_logits, torch.tensor([0.3], dtype=s.F64), torch.ones(1, dtype=s.F64)
        ).item(),
        reference=lambda: 1 / (1 + math.exp(-0.3)) - 1,
        wrong=lambda: 1 / (1 + math.exp(-0.3)),
        hint="this lesson derived the gradient at the logit in one short expression",
    ),
    Exercise(
        "2.6.bce-mean",
        "binary cross-entropy",
        "close",
        rel=1e-9,
        expected=lambda: F.binary_cross_entropy(*s._predictions()).item(),
        reference=lambda: s._bce_by_hand(*s._predictions()),
        wrong=lambda: -(s._predictions()[0] * torch.log(s._predictions()[0])).mean(),
        hint="a label of 0 scores the probability of the other class",
    ),
    Exercise(
        "2.6.output-bias-grad",
        "dℒ/db3",
        "close",
        inputs=("params", "X", "y"),
        example_inputs=s._network_inputs,
        expected=s._output_bias_autograd,
        reference=lambda params, X, y: s._output_bias_by_hand(params, X, y, m=len(X)),
        wrong=lambda params, X, y: s._output_bias_by_hand(params, X, y, m=1),
        hint="the bias adds to every sample's logit, so its gradient gathers the output error of every sample",
    ),
    Exercise(
        "2.6.larger-lr",
        "100% training accuracy with a 10x learning rate: sooner or later?",
        "equal",
        inputs=("params", "X", "y"),
        example_inputs=s._network_inputs,
        expected=s._larger_lr_direction,
        reference=lambda params, X, y: s._larger_lr_direction(params, X, y),
        wrong=lambda params, X, y: {"sooner": "later", "later": "sooner"}.get(
            s._larger_lr_direction(params, X, y), "sooner"
        ),
        hint="Adam moves each parameter by about the learning rate per step; how far must the weights travel?",
    ),
    Exercise(
        "2.6.params-10-32-32-1",
        "parameters of 10-32-32-1",
        "equal",
        expected=lambda: s._count_on_meta((10, 32, 32, 1)),
        reference=lambda: (10 + 1) * 32 + (32 + 1) * 32 + (32 + 1) * 1,
        wrong=lambda: 10 * 32 + 32 * 32 + 32 * 1,
        hint="count the weights and the biases of each layer",
    ),
)
