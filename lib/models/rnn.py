"""The recurrent neural network (RNN, 循环神经网络): one cell applied at every step of a sequence.

The cell keeps a hidden state h, its memory of what came before, and updates it with each input:
h_t = tanh(W_x x_t + W_h h_{t-1} + b). The same weights serve every step, so the model assumes
that the rules of a sequence do not depend on where in it you are. Here: that cell written out,
a loop that runs it, a character-level language model, and the formulas that count parameters.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from lib.core.validate import positive_int

# How many (W_x, W_h, biases) sets each PyTorch cell holds: tanh RNN 1, GRU 3 gates, LSTM 4.
GATES = {"rnn": 1, "gru": 3, "lstm": 4}
_TORCH_CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def _cell_name(cell: str) -> str:
    if cell not in GATES:
        raise ValueError(f"cell must be one of {sorted(GATES)}, got {cell!r}")
    return cell


class RNNCell(nn.Module):
    """One Elman step, written out: h_t = tanh(W_x x_t + W_h h_{t-1} + b)."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.input_size = positive_int("input_size", input_size)
        self.hidden_size = positive_int("hidden_size", hidden_size)
        bound = 1.0 / math.sqrt(hidden_size)  # PyTorch's nn.RNN initialisation
        self.weight_x = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-bound, bound))
        self.weight_h = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound))

    def forward(self, x_t: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        if x_t.shape[-1] != self.input_size or h.shape[-1] != self.hidden_size:
            raise ValueError(
                f"x_t must end in {self.input_size} and h in {self.hidden_size},"
                f" got {tuple(x_t.shape)} and {tuple(h.shape)}"
            )
        return torch.tanh(x_t @ self.weight_x.T + h @ self.weight_h.T + self.bias)

    @torch.no_grad()
    def load_from_torch(self, rnn: nn.RNN) -> RNNCell:
        """Copy the weights of a one-layer tanh ``nn.RNN``; its two biases b_ih + b_hh become one b."""
        if not isinstance(rnn, nn.RNN) or rnn.num_layers != 1 or rnn.nonlinearity != "tanh" or rnn.bidirectional:
            raise ValueError("rnn must be a one-layer, one-directional nn.RNN with nonlinearity='tanh'")
        if (rnn.input_size, rnn.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(
                f"rnn has sizes ({rnn.input_size}, {rnn.hidden_size}),"
                f" this cell ({self.input_size}, {self.hidden_size})"
            )
        self.weight_x.copy_(rnn.weight_ih_l0)
        self.weight_h.copy_(rnn.weight_hh_l0)
        self.bias.copy_(rnn.bias_ih_l0 + rnn.bias_hh_l0 if rnn.bias else torch.zeros_like(self.bias))
        return self


def run_rnn(cell: RNNCell, inputs: torch.Tensor, h0: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Feed ``inputs`` (batch, time, input_size) through ``cell`` one step at a time.

    Returns every hidden state (batch, time, hidden_size) and the last one; ``h0`` defaults to zeros.
    """
    if not isinstance(cell, RNNCell):
        raise TypeError(f"cell must be an RNNCell, got {type(cell).__name__}")
    if not isinstance(inputs, torch.Tensor) or inputs.ndim != 3 or inputs.shape[1] < 1:
        raise ValueError(f"inputs must be (batch, time >= 1, input_size), got {getattr(inputs, 'shape', inputs)!r}")
    h = inputs.new_zeros(inputs.shape[0], cell.hidden_size) if h0 is None else h0
    if h.shape != (inputs.shape[0], cell.hidden_size):
        expected = (inputs.shape[0], cell.hidden_size)
        raise ValueError(f"h0 must be (batch, hidden_size) = {expected}, got {tuple(h.shape)}")
    states = []
    for t in range(inputs.shape[1]):
        h = cell(inputs[:, t], h)  # the same weights at every step
        states.append(h)
    return torch.stack(states, dim=1), h


def rnn_parameter_count(input_size: int, hidden_size: int, cell: str = "rnn") -> int:
    """Parameters of a one-layer PyTorch ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM``.

    Each of its g gate sets (1, 3 or 4) holds W_x (h x in), W_h (h x h) and two bias vectors
    (PyTorch keeps b_ih and b_hh separately): g * (h * (in + h) + 2h).
    """
    gates = GATES[_cell_name(cell)]
    n_in = positive_int("input_size", input_size)
    h = positive_int("hidden_size", hidden_size)
    return gates * (h * (n_in + h) + 2 * h)


class CharRNN(nn.Module):
    """A character-level language model: embedding -> recurrent layer -> linear to next-token logits.

    Token ids (batch, time) -> logits (batch, time, vocab_size); ``cell`` is "rnn", "gru" or "lstm".
    """

    def __init__(self, vocab_size: int, d_embed: int = 32, d_hidden: int = 128, cell: str = "rnn") -> None:
        super().__init__()
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.cell = _cell_name(cell)
        self.embedding = nn.Embedding(vocab_size, positive_int("d_embed", d_embed))
        self.rnn = _TORCH_CELLS[cell](d_embed, positive_int("d_hidden", d_hidden), batch_first=True)
        self.head = nn.Linear(d_hidden, vocab_size)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        if idx.ndim != 2 or idx.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"idx must be a 2-D tensor of token ids (batch, time), got {idx.dtype} {tuple(idx.shape)}")
        states, _ = self.rnn(self.embedding(idx))
        return self.head(states)


def char_rnn_parameter_count(vocab_size: int, d_embed: int = 32, d_hidden: int = 128, cell: str = "rnn") -> int:
    """Parameters of :class:`CharRNN`: embedding V*e, the recurrent layer, and the head (h + 1) * V."""
    vocab = positive_int("vocab_size", vocab_size)
    embed = positive_int("d_embed", d_embed)
    return vocab * embed + rnn_parameter_count(embed, d_hidden, cell) + (d_hidden + 1) * vocab
