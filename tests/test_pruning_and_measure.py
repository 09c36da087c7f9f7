"""Tests of lib.compress.pruning, the weight-only Int8Linear, and lib.compress.measure."""

import copy

import pytest
import torch
import torch.nn.utils.prune as torch_prune
from torch import nn

from lib.compress.measure import median_latency_ms, serialized_bytes, sparse_csr_bytes
from lib.compress.pruning import magnitude_prune, neuron_scores, prune_neurons, sparsity
from lib.compress.quantization import Int8Linear, dequantize_int8, quantize_int8, quantize_linears_int8
from lib.models.mlp import MLP


def _mlp() -> MLP:
    torch.manual_seed(0)
    return MLP((6, 20, 12, 3)).eval()


def test_magnitude_prune_matches_torch_l1_unstructured_and_leaves_the_original_alone():
    model = _mlp()
    before = copy.deepcopy(model.state_dict())
    pruned = magnitude_prune(model, 0.7)
    reference = copy.deepcopy(model)
    for layer in reference.modules():
        if isinstance(layer, nn.Linear):
            torch_prune.l1_unstructured(layer, "weight", amount=0.7)
            torch_prune.remove(layer, "weight")
    theirs = reference.state_dict()  # prune.remove re-registers the weight, so compare by name
    assert pruned.state_dict().keys() == theirs.keys()
    for key, value in pruned.state_dict().items():
        assert torch.equal(value, theirs[key]), key
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key])
    expected = sum(round(0.7 * m.weight.numel()) for m in model.modules() if isinstance(m, nn.Linear))
    total = sum(m.weight.numel() for m in pruned.modules() if isinstance(m, nn.Linear))
    assert sparsity(pruned) == pytest.approx(expected / total)
    assert sparsity(model) == 0.0 and sparsity(magnitude_prune(model, 1.0)) == 1.0


def test_prune_neurons_equals_zeroing_the_weakest_neurons_and_shrinks_the_matrices():
    model = _mlp()
    x = torch.randn(9, 6)
    smaller = prune_neurons(model, keep=0.5)
    linears = [m for m in smaller if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(6, 10), (10, 6), (6, 3)]
    # the same function as the full network with the removed neurons' weights and biases zeroed,
    # chosen by torch's own L2-structured pruning
    masked = copy.deepcopy(model)
    linears_masked = [m for m in masked.layers if isinstance(m, nn.Linear)]
    for layer, following in zip(linears_masked[:-1], linears_masked[1:], strict=True):
        torch_prune.ln_structured(layer, "weight", amount=0.5, n=2, dim=0)
        kept_rows = layer.weight_mask[:, 0]
        torch_prune.remove(layer, "weight")
        with torch.no_grad():
            layer.bias.mul_(kept_rows)
            following.weight.mul_(kept_rows)  # a removed neuron's outgoing weights do not count in the next score
    torch.testing.assert_close(smaller(x), masked(x))
    assert serialized_bytes(smaller) < serialized_bytes(model)


def test_neuron_scores_are_row_norms():
    layer = nn.Linear(3, 2)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[3.0, 4.0, 0.0], [1.0, 0.0, 0.0]]))
    torch.testing.assert_close(neuron_scores(layer), torch.tensor([5.0, 1.0]))


def test_pruning_rejects_bad_arguments():
    with pytest.raises(ValueError, match="amount"):
        magnitude_prune(_mlp(), 1.5)
    with pytest.raises(ValueError, match="keep"):
        prune_neurons(_mlp(), 0.0)
    with pytest.raises(TypeError, match="Sequential"):
        prune_neurons(nn.Linear(2, 2), 0.5)
    with pytest.raises(TypeError, match="BatchNorm1d"):
        prune_neurons(nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(4, 1)), 0.5)
    with pytest.raises(ValueError, match="nn.Linear"):
        sparsity(nn.ReLU())
    with pytest.raises(TypeError, match="layer"):
        neuron_scores(nn.ReLU())


def test_int8_linear_equals_the_dequantized_layer_and_takes_a_quarter_of_the_bytes():
    torch.manual_seed(0)
    layer = nn.Linear(64, 32)
    int8 = Int8Linear.from_linear(layer)
    q, scale = quantize_int8(layer.weight)
    x = torch.randn(5, 64)
    expected = torch.nn.functional.linear(x, dequantize_int8(q, scale), layer.bias)
    torch.testing.assert_close(int8(x), expected)
    assert int8.q.dtype == torch.int8 and int8.q.element_size() == 1
    model = nn.Sequential(nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 256))
    quantized = quantize_linears_int8(model)
    assert isinstance(quantized[0], Int8Linear) and isinstance(model[0], nn.Linear)
    ratio = serialized_bytes(quantized) / serialized_bytes(model)
    assert 0.25 < ratio < 0.28  # int8 weights plus fp32 scales and biases
    with pytest.raises(ValueError, match="nn.Linear"):
        quantize_linears_int8(nn.ReLU())
    with pytest.raises(TypeError, match="layer"):
        Int8Linear.from_linear(nn.ReLU())


def test_sparse_csr_bytes_counts_values_and_indices():
    w = torch.zeros(4, 10)
    w[0, 1], w[2, 3], w[3, 9] = 1.0, 2.0, 3.0
    # 3 fp32 values + 3 int64 column indices + 5 int64 row offsets
    assert sparse_csr_bytes(w) == 3 * 4 + 3 * 8 + 5 * 8
    with pytest.raises(ValueError, match="weight"):
        sparse_csr_bytes(torch.zeros(3))


def test_serialized_bytes_grows_with_the_weights_and_latency_is_positive():
    small, large = nn.Linear(10, 10), nn.Linear(100, 100)
    assert serialized_bytes(large) - serialized_bytes(small) == pytest.approx(4 * (100 * 101 - 10 * 11), abs=200)
    assert median_latency_ms(large, torch.randn(2, 100), repeats=5, warmup=1) > 0
    with pytest.raises(ValueError, match="repeats"):
        median_latency_ms(large, torch.randn(2, 100), repeats=0)
    with pytest.raises(TypeError, match="model"):
        serialized_bytes("model")
