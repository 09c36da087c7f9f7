"""Tests of lib.data.partition, lib.train.federated, lib.train.privacy and lib.train.memorization."""

from __future__ import annotations

import copy
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lib.core.seeding import seeded
from lib.data.partition import dirichlet_label_split, effective_classes, label_counts
from lib.models.gpt import GPT, GPTConfig
from lib.train.federated import ShuffledBatches, average_states, fedavg, local_update
from lib.train.loop import train
from lib.train.memorization import candidate_log_probs, exposure, greedy_continuation, rank_of
from lib.train.privacy import (
    DPSGDStep,
    PoissonBatches,
    clip_per_sample,
    per_sample_gradients,
    per_sample_gradients_loop,
    per_sample_norms,
    privatize,
    rdp_gaussian_epsilon,
    zcdp_epsilon,
)
from lib.train.steps import SupervisedStep


def _data(n: int = 40, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 5, generator=g), torch.randint(0, 3, (n,), generator=g)


def _model(seed: int = 0) -> nn.Module:
    with seeded(seed):
        return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))


def _ce(call, x, y):
    return F.cross_entropy(call(x), y)


# ---- partition ----


def test_dirichlet_split_covers_every_index_once_and_skews_with_small_alpha():
    labels = torch.arange(10).repeat(60)
    for alpha in (0.1, 100.0):
        split = dirichlet_label_split(labels, 8, alpha, seed=1)
        assert torch.equal(torch.cat(split).sort().values, torch.arange(len(labels)))
    skewed = effective_classes(label_counts(labels, dirichlet_label_split(labels, 8, 0.1, seed=1), 10)).mean()
    mixed = effective_classes(label_counts(labels, dirichlet_label_split(labels, 8, 100.0, seed=1), 10)).mean()
    assert skewed < 4 < 9 < mixed  # a few classes per client against nearly all ten
    assert [s.tolist() for s in dirichlet_label_split(labels, 8, 0.5, seed=3)] == [
        s.tolist() for s in dirichlet_label_split(labels, 8, 0.5, seed=3)
    ]


def test_effective_classes_by_hand():
    counts = torch.tensor([[5, 5, 0, 0], [9, 0, 0, 0]])
    torch.testing.assert_close(effective_classes(counts), torch.tensor([2.0, 1.0], dtype=torch.float64))


def test_partition_rejects_bad_arguments():
    with pytest.raises(ValueError, match="alpha"):
        dirichlet_label_split(torch.arange(10), 2, 0.0)
    with pytest.raises(ValueError, match="n_clients"):
        dirichlet_label_split(torch.arange(10), 0, 1.0)
    with pytest.raises(ValueError, match="labels"):
        dirichlet_label_split(torch.rand(10), 2, 1.0)


# ---- FedAvg ----


def test_average_states_weights_by_size():
    a, b = {"w": torch.tensor([0.0, 2.0])}, {"w": torch.tensor([4.0, 2.0])}
    torch.testing.assert_close(average_states([a, b], [3, 1])["w"], torch.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="weights"):
        average_states([a, b], [0, 0])


def test_fedavg_one_client_one_step_is_plain_sgd():
    x, y = _data()
    model, reference = _model(), _model()
    fedavg(model, [(x, y)], rounds=1, local_epochs=1, lr=0.3, batch_size=len(y))
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.3)
    optimizer.zero_grad()
    F.cross_entropy(reference(x), y).backward()
    optimizer.step()
    for p, q in zip(model.parameters(), reference.parameters(), strict=True):
        torch.testing.assert_close(p, q)


def test_fedavg_one_step_per_client_is_sgd_on_the_pooled_data():
    x, y = _data(60)
    clients = [(x[:10], y[:10]), (x[10:35], y[10:35]), (x[35:], y[35:])]
    model, reference = _model(), _model()
    fedavg(model, clients, rounds=1, local_epochs=1, lr=0.2, batch_size=100)  # each client: one full-batch step
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.2)
    F.cross_entropy(reference(x), y).backward()  # the size-weighted mean of the clients' mean losses
    optimizer.step()
    for p, q in zip(model.parameters(), reference.parameters(), strict=True):
        torch.testing.assert_close(p, q)


def test_local_update_leaves_the_global_model_alone_and_shuffles_by_seed():
    x, y = _data()
    model = _model()
    before = copy.deepcopy(model.state_dict())
    one = local_update(model, x, y, epochs=2, lr=0.1, batch_size=8, seed=5)
    two = local_update(model, x, y, epochs=2, lr=0.1, batch_size=8, seed=5)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(torch.equal(one[k], two[k]) for k in one)
    batches = list(ShuffledBatches(x, y, 16, seed=0))
    assert [len(b[1]) for b in batches] == [16, 16, 8]
    assert torch.equal(torch.cat([b[0] for b in batches]).sort(dim=0).values, x.sort(dim=0).values)


def test_fedavg_learns_and_rejects_bad_arguments():
    x, y = _data(120)
    y = (x[:, 0] > 0).long()
    run = fedavg(_model(), [(x[:60], y[:60]), (x[60:], y[60:])], rounds=5, local_epochs=2, lr=0.5, batch_size=16,
                 evaluate=lambda m: {"acc": (m(x).argmax(1) == y).float().mean().item()})  # fmt: skip
    assert run.rounds == [1, 2, 3, 4, 5] and run.metrics["acc"][-1] > 0.9
    with pytest.raises(ValueError, match="rounds"):
        fedavg(_model(), [(x, y)], rounds=0, local_epochs=1, lr=0.1, batch_size=4)
    with pytest.raises(ValueError, match="clients"):
        fedavg(_model(), [], rounds=1, local_epochs=1, lr=0.1, batch_size=4)


# ---- DP-SGD ----


def test_per_sample_gradients_match_a_loop_and_the_batch_gradient():
    x, y = _data(12)
    model = _model()
    grads, losses = per_sample_gradients(model, _ce, x, y)
    looped = per_sample_gradients_loop(model, _ce, x, y)
    for name, g in grads.items():
        torch.testing.assert_close(g, looped[name], rtol=1e-5, atol=1e-6)
    batch = torch.autograd.grad(F.cross_entropy(model(x), y), list(model.parameters()))
    for g, b in zip(grads.values(), batch, strict=True):
        torch.testing.assert_close(g.mean(0), b, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(losses, F.cross_entropy(model(x), y, reduction="none").detach())


def test_per_sample_gradients_of_a_gpt_match_a_loop():
    config = GPTConfig(vocab_size=17, context_length=8, n_layer=1, n_head=2, d_model=8, position="rotary")
    with seeded(0):
        gpt = GPT(config)
    ids = torch.randint(0, 17, (3, 8), generator=torch.Generator().manual_seed(0))
    targets = ids.roll(-1, 1)
    targets[0, 5:] = -100

    def lm(call, a, b):
        return call(a, b)[1]

    grads, _ = per_sample_gradients(gpt, lm, ids, targets)
    looped = per_sample_gradients_loop(gpt, lm, ids, targets)
    for name, g in grads.items():
        torch.testing.assert_close(g, looped[name], rtol=1e-4, atol=1e-6)


def test_clipping_bounds_each_norm_and_keeps_small_ones():
    grads = {"a": torch.tensor([[3.0, 4.0], [0.3, 0.4]]), "b": torch.zeros(2, 1)}
    clipped = clip_per_sample(grads, 1.0)
    torch.testing.assert_close(per_sample_norms(clipped), torch.tensor([1.0, 0.5]))
    torch.testing.assert_close(clipped["a"][0], torch.tensor([0.6, 0.8]))
    with pytest.raises(ValueError, match="max_norm"):
        clip_per_sample(grads, 0.0)


def test_privatize_noise_has_the_stated_spread():
    grads = {"w": torch.zeros(1, 20000)}
    noisy = privatize(grads, max_norm=2.0, noise_multiplier=1.5, expected_batch_size=4.0,
                      generator=torch.Generator().manual_seed(0))  # fmt: skip
    assert abs(noisy["w"].std().item() - 1.5 * 2.0 / 4.0) < 0.01


def test_dpsgd_without_noise_or_clipping_is_plain_sgd():
    x, y = _data(16)
    a, b = _model(), _model()
    step = DPSGDStep(_ce, max_norm=1e6, noise_multiplier=0.0, expected_batch_size=16)
    train(a, [(x, y)], step, optimizer=torch.optim.SGD(a.parameters(), lr=0.1), steps=3, progress=False)
    train(b, [(x, y)], SupervisedStep(F.cross_entropy), optimizer=torch.optim.SGD(b.parameters(), lr=0.1), steps=3,
          progress=False)  # fmt: skip
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p, q)


def test_poisson_batches_sample_at_the_rate_and_may_be_empty():
    x, y = _data(1000)
    sizes = [len(b[1]) for b in PoissonBatches(x, y, 0.05, seed=0)]
    assert len(sizes) == 20 and abs(sum(sizes) / len(sizes) - 50) < 6
    model = _model()
    step = DPSGDStep(_ce, 1.0, 1.0, expected_batch_size=1.0)
    train(model, [(x[:0], y[:0])], step, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), steps=1,
          progress=False)  # fmt: skip
    with pytest.raises(ValueError, match="rate"):
        PoissonBatches(x, y, 0.0)


def test_epsilon_bound_closed_form_matches_the_renyi_minimum():
    for sigma, steps in ((1.0, 10), (4.0, 500), (0.8, 3)):
        closed = zcdp_epsilon(sigma, steps, 1e-5)
        assert closed <= rdp_gaussian_epsilon(sigma, steps, 1e-5) <= closed * 1.001
    assert zcdp_epsilon(2.0, 100, 1e-5) < zcdp_epsilon(1.0, 100, 1e-5)
    rho = 8 / (2 * 2.0**2)
    assert zcdp_epsilon(2.0, 8, 1e-5) == pytest.approx(rho + 2 * math.sqrt(rho * math.log(1e5)))
    with pytest.raises(ValueError, match="noise_multiplier"):
        zcdp_epsilon(0.0, 10, 1e-5)


# ---- memorization ----


def test_candidate_log_probs_match_a_full_forward_and_a_slow_count():
    config = GPTConfig(vocab_size=13, context_length=10, n_layer=1, n_head=2, d_model=8, position="rotary")
    with seeded(0):
        gpt = GPT(config).eval()
    prefix, alphabet = [1, 2, 3], [5, 7, 9]
    scores = candidate_log_probs(gpt, prefix, alphabet, 3, batch_size=4)
    assert scores.shape == (27,)
    for index in (0, 5, 26):
        a, b, c = alphabet[index // 9], alphabet[index // 3 % 3], alphabet[index % 3]
        logp = gpt(torch.tensor([prefix + [a, b, c]]))[0].log_softmax(-1)[0]
        expected = logp[2, a] + logp[3, b] + logp[4, c]
        torch.testing.assert_close(scores[index], expected, rtol=1e-5, atol=1e-5)


def test_rank_and_exposure():
    scores = torch.tensor([0.1, 0.5, 0.3, 0.5])
    assert rank_of(scores, 1) == 1 and rank_of(scores, 2) == 3 and rank_of(scores, 0) == 4
    assert exposure(1, 1024) == 10.0 and exposure(1024, 1024) == 0.0
    with pytest.raises(ValueError, match="rank"):
        exposure(2000, 1024)


def test_greedy_continuation_takes_the_argmax():
    config = GPTConfig(vocab_size=13, context_length=10, n_layer=1, n_head=2, d_model=8, position="rotary")
    with seeded(1):
        gpt = GPT(config).eval()
    out = greedy_continuation(gpt, [1, 2], 1)
    assert out == [int(gpt(torch.tensor([[1, 2]]))[0][0, -1].argmax())]


def test_dpsgd_step_in_chunks_equals_privatize_on_the_whole_batch():
    x, y = _data(20)
    a, b = _model(), _model()
    step = DPSGDStep(_ce, max_norm=0.5, noise_multiplier=1.0, expected_batch_size=20, seed=3, chunk_size=6)
    train(a, [(x, y)], step, optimizer=torch.optim.SGD(a.parameters(), lr=0.1), steps=1, progress=False)
    grads, _ = per_sample_gradients(b, _ce, x, y)
    noisy = privatize(grads, 0.5, 1.0, 20, torch.Generator().manual_seed(3))
    with torch.no_grad():
        for name, p in b.named_parameters():
            p -= 0.1 * noisy[name]
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p, q)
