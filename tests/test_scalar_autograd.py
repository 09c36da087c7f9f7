"""The scalar autograd engine gives torch.autograd's gradients, op by op and on a whole MLP."""

import math

import pytest
import torch
from torch import nn

from lib.models.mlp import MLP
from lib.scratch.autograd import ScalarMLP, Value, cross_entropy, topological_order, zero_grad
from lib.viz.autograd_graph import draw_graph

UNARY = {
    "exp": (Value.exp, torch.exp),
    "log": (Value.log, torch.log),
    "tanh": (Value.tanh, torch.tanh),
    "relu": (Value.relu, torch.relu),
    "sigmoid": (Value.sigmoid, torch.sigmoid),
    "pow3": (lambda v: v**3, lambda t: t**3),
    "pow-half": (lambda v: v**-0.5, lambda t: t**-0.5),
}


def _torch_grad(fn, *xs):
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out = fn(*ts)
    out.backward()
    return out.item(), [t.grad.item() for t in ts]


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("x", [0.3, 1.7, -0.8])
def test_unary_ops_match_torch(name, x):
    ours, theirs = UNARY[name]
    if name in ("log", "pow-half") and x < 0:
        x = -x
    v = Value(x)
    out = ours(v)
    out.backward()
    value, (grad,) = _torch_grad(theirs, x)
    assert math.isclose(out.data, value, rel_tol=1e-12)
    assert math.isclose(v.grad, grad, rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_binary_ops_and_reflected_forms_match_torch(op):
    a, b = Value(1.5), Value(-0.4)
    f = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": lambda x, y: x / y}[op]
    out = f(a, b) * 2.0 + 1.0 - 3.0 / f(2.0, a)  # also exercises __radd__, __rsub__, __rmul__, __rtruediv__
    out.backward()
    value, grads = _torch_grad(lambda x, y: f(x, y) * 2.0 + 1.0 - 3.0 / f(2.0, x), 1.5, -0.4)
    assert math.isclose(out.data, value, rel_tol=1e-12)
    assert math.isclose(a.grad, grads[0], rel_tol=1e-12) and math.isclose(b.grad, grads[1], rel_tol=1e-12)


def test_reused_node_accumulates_gradient():
    x = Value(3.0)
    y = x * x + x  # x is used three times: dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0
    assert -x.data == (-x).data == -3.0


def test_topological_order_puts_inputs_first_and_handles_deep_graphs():
    x = Value(1.0)
    y = x
    for _ in range(5000):  # deeper than Python's recursion limit
        y = y + 1.0
    order = topological_order(y)
    assert order[-1] is y and order.index(x) < order.index(y)
    y.backward()
    assert x.grad == 1.0
    zero_grad(order)
    assert all(n.grad == 0.0 for n in order)


def test_scalar_mlp_gradients_equal_torch():
    torch.manual_seed(0)
    model = MLP([3, 5, 4, 3], activation="tanh").double()
    x = torch.randn(4, 3, dtype=torch.float64)
    y = torch.tensor([0, 2, 1, 2])
    nn.functional.cross_entropy(model(x), y).backward()
    scalar = ScalarMLP.from_torch(model)
    loss = sum((cross_entropy(scalar(row), int(t)) for row, t in zip(x.tolist(), y, strict=True)), Value(0.0)) / 4
    loss.backward()
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    for (gw, gb), lin in zip(scalar.gradients(), linears, strict=True):
        torch.testing.assert_close(gw, lin.weight.grad)
        torch.testing.assert_close(gb, lin.bias.grad)
    assert len(scalar.parameters()) == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_scalar_mlp_forward_equals_torch(activation):
    torch.manual_seed(1)
    model = MLP([2, 4, 2], activation=activation).double()
    x = torch.randn(2, dtype=torch.float64)
    out = [v.data for v in ScalarMLP.from_torch(model)(x.tolist())]
    torch.testing.assert_close(torch.tensor(out, dtype=torch.float64), model(x).detach())


def test_cross_entropy_is_stable_for_large_logits():
    logits = [Value(1000.0), Value(0.0)]
    loss = cross_entropy(logits, 1)
    assert math.isclose(loss.data, 1000.0)
    loss.backward()
    assert math.isclose(logits[0].grad, 1.0) and math.isclose(logits[1].grad, -1.0)


def test_draw_graph_draws_one_box_per_node():
    import matplotlib
    from matplotlib.text import Annotation

    matplotlib.use("Agg")
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    loss = ((w * x).sigmoid() - 1.0) ** 2
    loss.backward()
    ax = draw_graph(loss)
    boxes = [t for t in ax.texts if not isinstance(t, Annotation)]
    arrows = [t for t in ax.texts if isinstance(t, Annotation)]
    order = topological_order(loss)
    assert len(boxes) == len(order) and len(arrows) == sum(len(n._prev) for n in order)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(TypeError, match="data must be a real number"):
        Value("1.0")
    with pytest.raises(ValueError, match="data must be finite"):
        Value(float("nan"))
    with pytest.raises(TypeError, match="other operand"):
        Value(1.0) + "a"
    with pytest.raises(ValueError, match="divide by a Value whose data is 0"):
        Value(1.0) / 0.0
    with pytest.raises(ValueError, match="log needs a positive"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="exponent must be >= 1 at 0"):
        Value(0.0) ** -1
    with pytest.raises(ValueError, match="not real"):
        Value(-2.0) ** 0.5
    with pytest.raises(ValueError, match="overflows"):
        Value(800.0).exp()
    with pytest.raises(TypeError, match="root must be a Value"):
        topological_order(1.0)
    with pytest.raises(TypeError, match="values must hold Value"):
        zero_grad([1.0])
    with pytest.raises(ValueError, match="target must be an int"):
        cross_entropy([Value(1.0), Value(2.0)], 2)
    with pytest.raises(TypeError, match="logits must be"):
        cross_entropy([], 0)
    with pytest.raises(ValueError, match="activation must be one of"):
        ScalarMLP([torch.zeros(2, 2)], [torch.zeros(2)], activation="gelu")
    with pytest.raises(ValueError, match="layer 1 takes 3 inputs"):
        ScalarMLP([torch.zeros(2, 2), torch.zeros(2, 3)], [torch.zeros(2), torch.zeros(2)])
    with pytest.raises(ValueError, match="x must have 2 entries"):
        ScalarMLP([torch.zeros(2, 2)], [torch.zeros(2)])([1.0])
    with pytest.raises(ValueError, match="nn.Linear layers"):
        ScalarMLP.from_torch(nn.Sequential(nn.ReLU()))
