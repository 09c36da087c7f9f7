"""Tests of lib.models.gan (losses, D*), lib.train.gan (one step, training) and lesson 1.7's coverage helpers."""

import math

import matplotlib
import pytest
import torch
import torch.nn.functional as F

from lib.data.synthetic import gaussian_ring
from lib.lessons import lesson_1_7_gan as ring
from lib.models import gan
from lib.train import gan as gan_train
from lib.viz.plots import scatter_real_fake

matplotlib.use("Agg")


def test_builders_shapes_and_output_range():
    G = gan.make_generator(4, 3, hidden=8, depth=1)
    D = gan.make_discriminator(3, hidden=8, depth=3, dropout=0.2)
    z = gan.sample_noise(5, 4, generator=torch.Generator().manual_seed(0))
    assert G(z).shape == (5, 3) and D(G(z)).shape == (5, 1)
    assert sum(isinstance(m, torch.nn.Linear) for m in D.modules()) == 4
    assert sum(isinstance(m, torch.nn.Dropout) for m in D.modules()) == 3
    images = gan.make_generator(4, 64, output="sigmoid")(z * 100)
    assert ((images >= 0) & (images <= 1)).all()


def test_builders_reject_bad_input():
    with pytest.raises(ValueError, match="noise_dim must be a positive int"):
        gan.make_generator(0, 2)
    with pytest.raises(ValueError, match="output must be 'linear' or 'sigmoid'"):
        gan.make_generator(2, 2, output="tanh")
    with pytest.raises(ValueError, match="hidden must be a positive int"):
        gan.make_discriminator(2, hidden=-1)


def test_sample_noise_is_seeded_and_checked():
    a = gan.sample_noise(3, 2, generator=torch.Generator().manual_seed(7))
    b = gan.sample_noise(3, 2, generator=torch.Generator().manual_seed(7))
    torch.testing.assert_close(a, b)
    assert a.shape == (3, 2)
    with pytest.raises(ValueError, match="n must be a positive int"):
        gan.sample_noise(0, 2)


def test_discriminator_loss_is_minus_the_value_function():
    g = torch.Generator().manual_seed(0)
    real, fake = torch.randn(7, 1, generator=g) * 4, torch.randn(9, 1, generator=g) * 4
    value = torch.log(torch.sigmoid(real)).mean() + torch.log(1 - torch.sigmoid(fake)).mean()
    torch.testing.assert_close(gan.discriminator_loss(real, fake), -value)
    bce = F.binary_cross_entropy(torch.sigmoid(real), torch.ones_like(real)) + F.binary_cross_entropy(
        torch.sigmoid(fake), torch.zeros_like(fake)
    )
    torch.testing.assert_close(gan.discriminator_loss(real, fake), bce)
    # finite where the probability formula is not: a confident, correct discriminator
    assert gan.discriminator_loss(torch.tensor([[40.0]]), torch.tensor([[-40.0]])).item() < 1e-12


def test_discriminator_loss_rejects_bad_input():
    with pytest.raises(TypeError, match="real_logits must be a floating-point tensor"):
        gan.discriminator_loss(torch.tensor([1, 2]), torch.zeros(2))
    with pytest.raises(ValueError, match="fake_logits must not be empty"):
        gan.discriminator_loss(torch.zeros(2), torch.zeros(0))


def test_generator_losses_and_their_gradients():
    logits = torch.linspace(-8, 8, 33, requires_grad=True)
    d = torch.sigmoid(logits.detach())
    torch.testing.assert_close(gan.generator_loss(logits, "saturating"), torch.log(1 - d).mean())
    torch.testing.assert_close(gan.generator_loss(logits, "non_saturating"), -torch.log(d).mean())
    (g_sat,) = torch.autograd.grad(gan.generator_loss(logits, "saturating"), logits)
    (g_ns,) = torch.autograd.grad(gan.generator_loss(logits, "non_saturating"), logits)
    torch.testing.assert_close(g_sat * len(logits), -d)
    torch.testing.assert_close(g_ns * len(logits), -(1 - d))
    with pytest.raises(ValueError, match="kind must be one of"):
        gan.generator_loss(logits, "wasserstein")


def test_optimal_discriminator_maximizes_the_pointwise_value():
    a = torch.tensor([0.3, 1.0, 0.0, 2.0])
    b = torch.tensor([0.3, 0.0, 1.0, 0.5])
    d = gan.optimal_discriminator(a, b)
    torch.testing.assert_close(d, torch.tensor([0.5, 1.0, 0.0, 0.8]))
    ys = torch.linspace(0.01, 0.99, 99).unsqueeze(1)
    inner = slice(0, 1)  # where both densities are positive the optimum is interior
    best = (a * torch.log(ys) + b * torch.log(1 - ys))[:, inner].max(dim=0).values
    at_d = a[inner] * torch.log(d[inner]) + b[inner] * torch.log(1 - d[inner])
    assert (at_d >= best - 1e-7).all()


def test_optimal_discriminator_rejects_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        gan.optimal_discriminator(torch.ones(2), torch.ones(3))
    with pytest.raises(ValueError, match="non-negative"):
        gan.optimal_discriminator(torch.tensor([-1.0]), torch.tensor([1.0]))
    with pytest.raises(ValueError, match="must be positive at every point"):
        gan.optimal_discriminator(torch.tensor([0.0]), torch.tensor([0.0]))
    with pytest.raises(TypeError, match="must be tensors"):
        gan.optimal_discriminator([1.0], torch.tensor([1.0]))


def _pair(seed: int = 0):
    torch.manual_seed(seed)
    return gan.make_generator(2, 1, hidden=16), gan.make_discriminator(1, hidden=16)


def test_gan_step_updates_d_then_g_and_returns_the_losses():
    G, D = _pair()
    real = torch.full((16, 1), 3.0)
    opt_g = torch.optim.SGD(G.parameters(), lr=0.1)
    opt_d = torch.optim.SGD(D.parameters(), lr=0.1)
    rng = torch.Generator().manual_seed(0)
    z = gan.sample_noise(16, 2, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected_d_loss = gan.discriminator_loss(D(real), D(G(z))).item()
    g_before = [p.clone() for p in G.parameters()]
    d_before = [p.clone() for p in D.parameters()]
    d_loss, g_loss = gan_train.gan_step(G, D, real, opt_g, opt_d, noise_dim=2, rng=rng)
    assert math.isclose(d_loss.item(), expected_d_loss, rel_tol=1e-6)
    assert isinstance(g_loss, torch.Tensor) and g_loss.ndim == 0 and not g_loss.requires_grad
    assert any(not torch.equal(a, b) for a, b in zip(g_before, G.parameters(), strict=True))
    assert any(not torch.equal(a, b) for a, b in zip(d_before, D.parameters(), strict=True))


def test_gan_step_d_update_does_not_move_g():
    G, D = _pair()
    opt_g = torch.optim.SGD(G.parameters(), lr=0.0)  # G frozen: only D's step could move G
    opt_d = torch.optim.SGD(D.parameters(), lr=0.1)
    before = [p.clone() for p in G.parameters()]
    gan_train.gan_step(G, D, torch.ones(8, 1), opt_g, opt_d, noise_dim=2, rng=torch.Generator().manual_seed(0))
    assert all(torch.equal(a, b) for a, b in zip(before, G.parameters(), strict=True))


def test_gan_step_rejects_bad_input():
    G, D = _pair()
    opt = torch.optim.SGD(G.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="kind must be one of"):
        gan_train.gan_step(G, D, torch.ones(4, 1), opt, opt, noise_dim=2, kind="minimax")
    with pytest.raises(ValueError, match="real must be a \\(batch, features\\) tensor"):
        gan_train.gan_step(G, D, torch.ones(4), opt, opt, noise_dim=2)


def test_train_gan_moves_a_1d_generator_to_the_data_and_keeps_snapshots():
    G, D = _pair()
    data = 3.0 + 0.1 * torch.randn(512, 1, generator=torch.Generator().manual_seed(1))
    run = gan_train.train_gan(
        data, G, D, noise_dim=2, steps=150, batch_size=32, lr=1e-2, snapshot_every=100, n_snapshot=200
    )
    assert sorted(run.snapshots) == [0, 100, 150]
    assert len(run.history["d_loss"]) == len(run.history["g_loss"]) == 150
    start, end = run.snapshots[0].mean().item(), run.snapshots[150].mean().item()
    assert abs(start - 3.0) > 2.0 and abs(end - 3.0) < 0.75, (start, end)


def test_train_gan_is_deterministic_for_a_seed():
    data = torch.randn(64, 1, generator=torch.Generator().manual_seed(1))
    runs = [gan_train.train_gan(data, *_pair(), noise_dim=2, steps=5, batch_size=8, seed=3) for _ in range(2)]
    torch.testing.assert_close(runs[0].snapshots[5], runs[1].snapshots[5])
    assert runs[0].history["d_loss"] == runs[1].history["d_loss"]


def test_train_gan_leaves_the_global_generator_alone():
    G, D = _pair()
    data = torch.randn(32, 1)
    before = torch.get_rng_state()
    gan_train.train_gan(data, G, D, noise_dim=2, steps=3, batch_size=8, snapshot_every=2, n_snapshot=4)
    assert torch.equal(torch.get_rng_state(), before)


def test_gan_step_state_round_trips_optimizers_and_noise():
    G, D = _pair()
    opt_g, opt_d = torch.optim.Adam(G.parameters()), torch.optim.Adam(D.parameters())
    step = gan_train.GANStep(G, D, opt_g, opt_d, noise_dim=2, rng=torch.Generator().manual_seed(0))
    state = step.state_dict()
    torch.randn(3, generator=step.rng)
    step.load_state_dict(state)
    assert torch.equal(step.rng.get_state(), state["rng"])
    with pytest.raises(ValueError, match="kind must be one of"):
        gan_train.GANStep(G, D, opt_g, opt_d, noise_dim=2, kind="x")


def test_train_gan_rejects_bad_input():
    G, D = _pair()
    with pytest.raises(ValueError, match="data must be a \\(n, features\\) tensor"):
        gan_train.train_gan(torch.ones(10), G, D, noise_dim=2, steps=1)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        gan_train.train_gan(torch.ones(10, 1), G, D, noise_dim=2, steps=0)
    with pytest.raises(ValueError, match="lr must be a positive"):
        gan_train.train_gan(torch.ones(10, 1), G, D, noise_dim=2, steps=1, lr=0.0)
    with pytest.raises(ValueError, match="kind must be one of"):
        gan_train.train_gan(torch.ones(10, 1), G, D, noise_dim=2, steps=1, kind="x")


def test_samples_at_returns_the_latest_earlier_snapshot():
    run = gan_train.GANRun(None, None, None, torch.zeros(1, 1), {0: torch.zeros(1, 1), 100: torch.ones(1, 1)})
    assert run.samples_at(99)[0] == 0
    step, samples = run.samples_at(250)
    assert step == 100 and samples.item() == 1.0
    with pytest.raises(ValueError, match="step must be an int of at least 0"):
        run.samples_at(-1)
    with pytest.raises(ValueError, match="no snapshot at or before step 5"):
        gan_train.GANRun(None, None, None, torch.zeros(1, 1), {10: torch.zeros(1, 1)}).samples_at(5)


def test_ring_centers_match_gaussian_ring():
    data = gaussian_ring(n=400, modes=5, radius=3.0, std=0.01, seed=0)
    centers = ring.ring_centers(5, radius=3.0)
    assert centers.shape == (5, 2)
    assert torch.cdist(data, centers).min(dim=1).values.max().item() < 0.06
    with pytest.raises(ValueError, match="modes must be a positive int"):
        ring.ring_centers(0)
    with pytest.raises(ValueError, match="radius must be positive"):
        ring.ring_centers(3, radius=0.0)


def test_mode_coverage_counts_near_points_per_mode():
    centers = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    samples = torch.tensor([[0.1, 0.0]] * 50 + [[10.0, 0.2]] * 49 + [[0.0, 9.0]] * 1 + [[5.0, 5.0]] * 100)
    c = ring.mode_coverage(samples, centers, threshold=0.5)
    assert c.counts.tolist() == [50, 49, 0]
    assert c.covered() == 2 and c.covered(min_fraction=0.245) == 2 and c.covered(min_fraction=0.25) == 1
    assert c.covered(min_fraction=0.251) == 0
    assert c.near_fraction == pytest.approx(99 / 200)
    assert ring.mode_coverage(samples, centers, threshold=1.5).counts.tolist() == [50, 49, 1]
    with pytest.raises(ValueError, match="min_fraction must be in"):
        c.covered(1.5)


def test_mode_coverage_rejects_bad_input():
    centers = torch.zeros(3, 2)
    with pytest.raises(ValueError, match="samples must be a non-empty"):
        ring.mode_coverage(torch.zeros(0, 2), centers, 1.0)
    with pytest.raises(ValueError, match="centers must be a \\(modes, 2\\) tensor"):
        ring.mode_coverage(torch.zeros(4, 2), torch.zeros(3, 3), 1.0)
    with pytest.raises(ValueError, match="threshold must be positive"):
        ring.mode_coverage(torch.zeros(4, 2), centers, 0.0)


def test_scatter_real_fake_draws_both_sets():
    ax = scatter_real_fake(torch.zeros(5, 2), torch.ones(7, 2), limit=2.0, title="t")
    assert [len(c.get_offsets()) for c in ax.collections] == [5, 7]
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_title() == "t"
    with pytest.raises(ValueError, match="fake must be an \\(n, 2\\) array"):
        scatter_real_fake(torch.zeros(5, 2), torch.ones(7, 3))
    matplotlib.pyplot.close("all")


def test_side_by_side_members_are_independent_mlps():
    stack = ring.SideBySideMLPs((3, 5, 2), seeds=(4, 7))
    x = torch.randn(6, 2 * 3, generator=torch.Generator().manual_seed(0))
    out = stack(x)
    assert out.shape == (6, 2 * 2)
    for j, seed in enumerate((4, 7)):
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            reference = ring.MLP((3, 5, 2))  # member j starts as MLP(sizes) built under seeded(seed)
        torch.testing.assert_close(out[:, 2 * j : 2 * j + 2], reference(x[:, 3 * j : 3 * j + 3]))
        torch.testing.assert_close(stack.member(j)(x[:, 3 * j : 3 * j + 3]), out[:, 2 * j : 2 * j + 2])
    # member 0's output does not depend on member 1's weights or inputs
    out[:, :2].sum().backward()
    assert all(torch.count_nonzero(p.grad[1]) == 0 for p in stack.parameters())
    assert any(torch.count_nonzero(p.grad[0]) > 0 for p in stack.parameters())


def test_side_by_side_rejects_bad_input_and_splits_members():
    with pytest.raises(ValueError, match="sizes"):
        ring.SideBySideMLPs((3,), seeds=(0,))
    with pytest.raises(ValueError, match="seeds"):
        ring.SideBySideMLPs((3, 2), seeds=(0, 0))
    stack = ring.SideBySideMLPs((3, 2), seeds=(0, 1))
    with pytest.raises(ValueError, match="x must have shape"):
        stack(torch.zeros(4, 3))
    with pytest.raises(ValueError, match="j must be"):
        stack.member(2)
    samples = torch.arange(12.0).reshape(2, 6)
    split = ring.split_members(samples, 3)
    assert split.shape == (3, 2, 2) and split[1, 0].tolist() == [2.0, 3.0]
    with pytest.raises(ValueError, match="samples"):
        ring.split_members(samples, 4)
