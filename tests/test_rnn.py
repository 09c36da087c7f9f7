"""Tests of lib.models.rnn: the written-out cell against nn.RNN, and the parameter formulas."""

import pytest
import torch
from torch import nn

from lib.models.rnn import CharRNN, RNNCell, char_rnn_parameter_count, rnn_parameter_count, run_rnn


def test_cell_is_the_elman_formula():
    torch.manual_seed(0)
    cell = RNNCell(3, 4)
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    expected = torch.tanh(x @ cell.weight_x.T + h @ cell.weight_h.T + cell.bias)
    torch.testing.assert_close(cell(x, h), expected)


@pytest.mark.parametrize("bias", [True, False])
def test_run_rnn_matches_torch_rnn_with_copied_weights(bias):
    torch.manual_seed(0)
    rnn = nn.RNN(5, 7, batch_first=True, bias=bias).double()
    cell = RNNCell(5, 7).double().load_from_torch(rnn)
    x = torch.randn(3, 11, 5, dtype=torch.float64)
    h0 = torch.randn(3, 7, dtype=torch.float64)
    ours, last = run_rnn(cell, x, h0)
    theirs, last_torch = rnn(x, h0.unsqueeze(0))
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(last, last_torch[0])
    ours0, _ = run_rnn(cell, x)  # zero initial state
    torch.testing.assert_close(ours0, rnn(x)[0])


def test_run_rnn_backpropagates_through_time():
    torch.manual_seed(0)
    rnn = nn.RNN(2, 3, batch_first=True)
    cell = RNNCell(2, 3).load_from_torch(rnn)
    x = torch.randn(1, 6, 2)
    run_rnn(cell, x)[1].sum().backward()
    rnn(x)[1].sum().backward()
    torch.testing.assert_close(cell.weight_h.grad, rnn.weight_hh_l0.grad)
    torch.testing.assert_close(cell.bias.grad, rnn.bias_ih_l0.grad)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize(("n_in", "h"), [(1, 1), (32, 128), (100, 7)])
def test_rnn_parameter_count_matches_torch(cell, n_in, h):
    module = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell](n_in, h)
    assert rnn_parameter_count(n_in, h, cell) == sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_char_rnn_shapes_and_count(cell):
    model = CharRNN(13, d_embed=6, d_hidden=10, cell=cell)
    assert model(torch.zeros(2, 5, dtype=torch.long)).shape == (2, 5, 13)
    assert sum(p.numel() for p in model.parameters()) == char_rnn_parameter_count(13, 6, 10, cell)


def test_bad_inputs():
    with pytest.raises(ValueError, match="hidden_size must be a positive int"):
        RNNCell(3, 0)
    cell = RNNCell(3, 4)
    with pytest.raises(ValueError, match="x_t must end in 3"):
        cell(torch.zeros(1, 2), torch.zeros(1, 4))
    with pytest.raises(ValueError, match="one-layer"):
        cell.load_from_torch(nn.RNN(3, 4, num_layers=2))
    with pytest.raises(ValueError, match="one-layer"):
        cell.load_from_torch(nn.GRU(3, 4))
    with pytest.raises(ValueError, match="rnn has sizes"):
        cell.load_from_torch(nn.RNN(3, 5))
    with pytest.raises(TypeError, match="cell must be an RNNCell"):
        run_rnn(nn.RNNCell(3, 4), torch.zeros(1, 2, 3))
    with pytest.raises(ValueError, match="inputs must be"):
        run_rnn(cell, torch.zeros(2, 3))
    with pytest.raises(ValueError, match="h0 must be"):
        run_rnn(cell, torch.zeros(2, 5, 3), torch.zeros(1, 4))
    with pytest.raises(ValueError, match="cell must be one of"):
        rnn_parameter_count(3, 4, "transformer")
    with pytest.raises(ValueError, match="input_size must be a positive int"):
        rnn_parameter_count(0, 4)
    with pytest.raises(ValueError, match="cell must be one of"):
        CharRNN(10, cell="gru2")
    with pytest.raises(ValueError, match="idx must be a 2-D tensor"):
        CharRNN(10)(torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="vocab_size must be a positive int"):
        char_rnn_parameter_count(0)
