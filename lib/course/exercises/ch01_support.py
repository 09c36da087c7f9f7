"""Computations behind chapter 01's exercises: expected values from lib and PyTorch, and reference solutions."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from lib.core.seeding import local_generator, seeded
from lib.course.glossary import terms_by_lesson
from lib.data.synthetic import gaussian_ring
from lib.lessons import lesson_1_7_gan as gan_lesson
from lib.lessons.lesson_1_5_pretraining import DigitEncoder, make_classifier
from lib.models import gan
from lib.models.gpt import GPT, GPTConfig, gpt_on_meta
from lib.models.lora import trainable_parameter_count
from lib.scale import parameters, serving
from lib.scale.memory import measured_model_state_bytes


def _count_on_meta(build: Any) -> int:
    with torch.device("meta"):
        return parameters.parameter_count(build())


def _gpt_blocks(n_layer: int, d_model: int) -> int:
    model = gpt_on_meta(GPTConfig(n_layer=n_layer, n_head=12, d_model=d_model))
    return sum(p.numel() for p in model.blocks.parameters())


def _merged_inputs() -> dict[str, Any]:
    with seeded(0):
        first, second = nn.Linear(3, 4), nn.Linear(4, 2)
    return {"first": first, "second": second, "X": torch.randn(7, 3, generator=local_generator(0))}


def _merged(first: nn.Linear, second: nn.Linear, X: torch.Tensor, bias_of_first: bool = True) -> torch.Tensor:
    with torch.no_grad():
        weight = second.weight @ first.weight
        bias = second.weight @ first.bias * bias_of_first + second.bias
        return X @ weight.T + bias


def _queries_keys() -> tuple[torch.Tensor, torch.Tensor]:
    return torch.randn(5, 8, generator=local_generator(3)), torch.randn(5, 8, generator=local_generator(4))


def _attention_weights(causal: bool) -> torch.Tensor:
    q, k = _queries_keys()
    scores = q @ k.T / math.sqrt(8)
    if causal:
        scores = scores.masked_fill(torch.ones(5, 5, dtype=torch.bool).triu(1), float("-inf"))
    return scores.softmax(dim=-1)


def _step_flops(seq_len: int) -> int:
    """FLOPs PyTorch counts for one training step of lesson 1.4's small GPT on 256 tokens cut into seq_len."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    with seeded(0):
        model = GPT(GPTConfig(vocab_size=96, context_length=64, n_layer=2, n_head=4, d_model=64))
    tokens = torch.randint(0, 96, (256 // seq_len, seq_len), generator=local_generator(0))
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter:
        model(tokens, targets=tokens)[1].backward()
    return counter.get_total_flops()


def _small_gpt_step(seq_len: int) -> int:
    L, d, V = 2, 64, 96
    return 256 * 3 * (2 * (12 * L * d**2 + V * d) + 4 * L * seq_len * d)


def _lora_fraction(rank: int) -> float:
    with seeded(0):
        encoder = DigitEncoder(hidden=256)
        lora = make_classifier(encoder, "lora", rank=rank, alpha=2.0 * rank)
        full = make_classifier(encoder, "full")
    return trainable_parameter_count(lora) / trainable_parameter_count(full)


def _pixels() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    true = torch.tensor([[0.0, 0.5, 1.0, 0.25]])
    return torch.tensor([[0.1, 0.5, 0.7, 0.25]]), true, torch.tensor([[False, True, True, False]])


def _w_x() -> tuple[torch.Tensor, torch.Tensor]:
    return torch.tensor([1.0, -2.0]), torch.tensor([3.0, 0.5])


def _accumulated(passes: int) -> torch.Tensor:
    w, x = _w_x()
    w.requires_grad_(True)
    for _ in range(passes):
        (w @ x).pow(2).backward()
    return w.grad


def _train_val() -> tuple[torch.Tensor, torch.Tensor]:
    return torch.tensor([[1.0, 10.0], [3.0, 30.0]]), torch.tensor([[4.0, 0.0], [2.0, 20.0]])


def _gaussian(x: float, mu: float, sigma: float) -> float:
    return math.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))


def _optimal_d() -> float:
    x0 = torch.tensor([0.0])
    p_data, p_g = torch.distributions.Normal(1.0, 0.5), torch.distributions.Normal(-0.5, 1.0)
    return gan.optimal_discriminator(p_data.log_prob(x0).exp(), p_g.log_prob(x0).exp()).item()


def _gradient_ratio() -> float:
    logit = torch.tensor([math.log(0.02 / 0.98)], requires_grad=True)
    (good,) = torch.autograd.grad(gan.generator_loss(logit, "non_saturating"), logit)
    (bad,) = torch.autograd.grad(gan.generator_loss(logit, "saturating"), logit)
    return (good / bad).item()


def _collapsed() -> torch.Tensor:
    data = gaussian_ring(n=4096, modes=8, radius=2.0, std=0.05, seed=0)
    return data[data[:, 1] > 0.5]


def _modes_by_hand(min_fraction: float) -> int:
    collapsed, centers = _collapsed(), gan_lesson.ring_centers(8, radius=2.0)
    distance, nearest = torch.cdist(collapsed, centers).min(dim=1)
    per_mode = torch.bincount(nearest[distance <= 0.2], minlength=8)
    return int((per_mode >= min_fraction * len(collapsed)).sum())


def _h200_bound() -> float:
    return _h200_bound_for("bf16")


def _h200_bound_for(dtype: str) -> float:
    h200 = serving.DATASHEETS["H200 SXM"]
    return serving.decode_tokens_per_second_bound(70e9, h200.bandwidth_bytes_per_s, h200.peak_flops, dtype)


def _classifier_outputs() -> dict[str, Any]:
    generator = local_generator(0)
    return {"probability": torch.rand(200, generator=generator), "truth": torch.rand(200, generator=generator) < 0.4}


def _sensitivity(probability: torch.Tensor, truth: torch.Tensor) -> float:
    from sklearn.metrics import recall_score

    return float(recall_score(truth.cpu().numpy(), (probability >= 0.2).cpu().numpy(), pos_label=True))


def _terms_in(chapter: str) -> int:
    return sum(len(terms) for lesson, terms in terms_by_lesson().items() if lesson.startswith(chapter))


def _fp32_momentum_bytes_per_parameter() -> float:
    """Bytes per parameter that a small fp32 GPT and SGD with momentum hold after one real step, counted."""
    with seeded(0):
        model = GPT(GPTConfig(vocab_size=32, context_length=16, n_layer=1, n_head=2, d_model=16))
    sgd = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for p in model.parameters():
        p.grad = torch.ones_like(p)  # a gradient of the right size and type; its values do not matter here
    sgd.step()  # creates the momentum buffers
    return sum(measured_model_state_bytes(model, sgd).values()) / model.num_parameters()


def _slipped_score_std(d_k: int) -> float:
    """Measured standard deviation of q.k / d_k over 20,000 random unit-variance pairs (not the lesson's draw)."""
    q, k = torch.randn(2, 20_000, d_k, generator=local_generator(11))
    return ((q * k).sum(dim=-1) / d_k).std().item()


def _no_relu_beats(threshold: float = 0.75) -> bool:
    """Measured: does MLP 2-32-32-1 without activations, trained as in lesson 1.2, beat ``threshold`` on the spirals?"""
    from lib.data.synthetic import spirals
    from lib.lessons.lesson_1_2_boundaries import binary_logit_loss
    from lib.models.mlp import MLP
    from lib.train.engine import accuracy, fit, make_batches

    (x, y), (x_test, y_test) = spirals(400, seed=0), spirals(400, seed=1)
    with seeded(0):
        model = MLP((2, 32, 32, 1), activation="linear")
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    fit(model, make_batches(x, y, batch_size=50, seed=0), binary_logit_loss, optimizer, epochs=100, progress=False)
    with torch.no_grad():
        return accuracy(model(x_test), y_test) > threshold


def _lora_swapped_init_is_exact() -> bool:
    """Measured: with A = 0 and B random (LoRA's initialization swapped), does the layer still equal its base?"""
    from lib.models.lora import LoRALinear

    with seeded(0):
        layer = LoRALinear(nn.Linear(64, 256), rank=4, alpha=8.0)
        with torch.no_grad():
            layer.lora_A.zero_()
            layer.lora_B.normal_()
        x = torch.randn(16, 64)
    with torch.no_grad():
        return bool(torch.equal(layer(x), layer.base(x)))


def _forgetful_sgd_distance(steps: int = 4, lr: float = 0.1, slope: float = 3.0) -> float:
    """Measured with torch.optim.SGD: how far theta moves in ``steps`` steps on loss = slope * theta, never zeroing."""
    from lib.train.loop import train
    from lib.train.steps import SupervisedStep

    with seeded(0):  # nn.Linear draws its (overwritten) initial weight: leave the caller's generator alone
        theta = nn.Linear(1, 1, bias=False)  # theta = its one weight, with input 1
    nn.init.zeros_(theta.weight)
    one = torch.ones(1, 1)
    step = SupervisedStep(lambda out, _target: slope * out.sum(), zero_grad=False)  # .grad keeps the sum
    sgd = torch.optim.SGD(theta.parameters(), lr=lr)
    train(theta, [(one, one)] * steps, step, optimizer=sgd, steps=steps, progress=False)
    return -theta.weight.item()


def _accuracy_by_sklearn(correct: int = 455, batches: int = 8, batch_size: int = 64) -> float:
    """Accuracy in percent of ``correct`` right answers among ``batches * batch_size`` samples, by scikit-learn."""
    from sklearn.metrics import accuracy_score

    n = batches * batch_size
    truth = [0] * n
    guess = [0] * correct + [1] * (n - correct)
    return 100 * accuracy_score(truth, guess)


def _distinct_outputs_for_one_noise(n: int = 1000) -> int:
    """Measured: how many distinct points a (random) generator makes from one noise vector repeated ``n`` times."""
    with seeded(0):
        G = gan.make_generator(8, data_dim=2, hidden=64)
        z = torch.randn(1, 8).expand(n, 8)
    with torch.no_grad():
        return len(torch.unique(G(z), dim=0))
