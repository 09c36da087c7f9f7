import pytest
import torch
from torch import nn

from lib.train.engine import History, accuracy, evaluate, fit, make_batches


def _separable(n=200, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    y = (x[:, 0] + x[:, 1] > 0).long()
    return x, y


def test_fit_learns_a_separable_problem_and_records_history():
    torch.manual_seed(0)
    x, y = _separable()
    model = nn.Linear(2, 2)
    history = fit(
        model,
        make_batches(x, y, 32),
        nn.functional.cross_entropy,
        torch.optim.SGD(model.parameters(), lr=0.5),
        epochs=5,
        val_batches=make_batches(x, y, 64, shuffle=False),
        progress=False,
    )
    assert len(history["train_loss"]) == len(history["val_loss"]) == len(history["val_metric"]) == 5
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert history.last("val_metric") > 0.95


def test_fit_is_deterministic_with_seeded_batches():
    def run():
        torch.manual_seed(0)
        x, y = _separable()
        model = nn.Linear(2, 2)
        fit(
            model,
            make_batches(x, y, 16, seed=3),
            nn.functional.cross_entropy,
            torch.optim.SGD(model.parameters(), lr=0.1),
            epochs=2,
            progress=False,
        )
        return model.weight.detach().clone()

    assert torch.equal(run(), run())


def test_fit_clips_gradients():
    model = nn.Linear(2, 1)
    x, y = torch.randn(8, 2) * 1e3, torch.randn(8, 1)
    before = model.weight.detach().clone()
    fit(
        model,
        [(x, y)],
        nn.functional.mse_loss,
        torch.optim.SGD(model.parameters(), lr=1.0),
        1,
        metric=None,
        grad_clip=1e-3,
        progress=False,
    )
    assert (model.weight.detach() - before).norm() <= 1e-3 + 1e-7


def test_fit_stops_on_a_diverging_loss():
    model = nn.Linear(2, 1)
    x, y = torch.randn(8, 2), torch.full((8, 1), float("nan"))
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        fit(
            model,
            [(x, y)],
            nn.functional.mse_loss,
            torch.optim.SGD(model.parameters(), lr=0.1),
            1,
            metric=None,
            progress=False,
        )


@pytest.mark.parametrize("epochs", [0, -1, 1.5])
def test_fit_rejects_bad_epochs(epochs):
    model = nn.Linear(2, 1)
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        fit(model, [], nn.functional.mse_loss, torch.optim.SGD(model.parameters(), lr=0.1), epochs)


def test_fit_rejects_a_non_optimizer():
    model = nn.Linear(2, 1)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        fit(model, [], nn.functional.mse_loss, "adam", 1)


def test_fit_rejects_empty_data():
    model = nn.Linear(2, 1)
    with pytest.raises(ValueError, match="train_batches was empty"):
        fit(model, [], nn.functional.mse_loss, torch.optim.SGD(model.parameters(), lr=0.1), 1, progress=False)


def test_evaluate_weights_by_batch_size():
    model = nn.Identity()
    batches = [(torch.tensor([[1.0]]), torch.tensor([[0.0]])), (torch.zeros(3, 1), torch.zeros(3, 1))]
    result = evaluate(model, batches, nn.functional.mse_loss, metric=None)
    assert result == {"loss": pytest.approx(0.25)}


def test_evaluate_rejects_empty_data():
    with pytest.raises(ValueError, match="batches was empty"):
        evaluate(nn.Identity(), [], nn.functional.mse_loss)


def test_accuracy_for_multiclass_and_single_logit():
    assert accuracy(torch.tensor([[2.0, 1.0], [0.0, 3.0]]), torch.tensor([0, 0])) == 0.5
    assert accuracy(torch.tensor([[1.0], [-1.0]]), torch.tensor([1, 0])) == 1.0


def test_history_names_missing_metrics():
    history = History()
    history.log(a=1)
    with pytest.raises(KeyError, match="no metric 'b'"):
        history["b"]


def test_make_batches_validates_arguments():
    with pytest.raises(ValueError, match="same length"):
        make_batches(torch.zeros(3, 2), torch.zeros(4), 2)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        make_batches(torch.zeros(3, 2), torch.zeros(3), 0)


def test_make_adamw_decays_matrices_only():
    from lib.train.engine import make_adamw

    model = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4))
    optimizer = make_adamw(model, lr=1e-3, weight_decay=0.5)
    decayed, plain = optimizer.param_groups
    assert decayed["weight_decay"] == 0.5 and plain["weight_decay"] == 0.0
    assert [p.ndim for p in decayed["params"]] == [2]
    assert len(plain["params"]) == 3  # linear bias, norm weight, norm bias


def test_make_adamw_rejects_bad_arguments():
    from lib.train.engine import make_adamw

    with pytest.raises(ValueError, match="lr must be a positive"):
        make_adamw(nn.Linear(2, 2), lr=0)
    with pytest.raises(ValueError, match="weight_decay must be a non-negative"):
        make_adamw(nn.Linear(2, 2), weight_decay=-1)
    frozen = nn.Linear(2, 2).requires_grad_(False)
    with pytest.raises(ValueError, match="no trainable parameters"):
        make_adamw(frozen)
