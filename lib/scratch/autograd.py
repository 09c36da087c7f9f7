"""A tiny scalar automatic-differentiation engine: each ``Value`` is one number that remembers how it was made.

Reverse-mode autodiff (backpropagation, 反向传播) in ~200 lines, small enough to read in one sitting:
``backward()`` visits the graph in reverse topological order and applies the chain rule at each node.
Lesson 2.3 builds it in the open and checks it against ``torch.autograd``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import torch
from torch import nn

Number = int | float


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a real number (int or float), got {type(value).__name__} {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


class Value:
    """A scalar that records the operation and inputs that produced it, and receives its gradient ``grad``."""

    def __init__(self, data: Number, children: Iterable[Value] = (), op: str = "", label: str = "") -> None:
        self.data = _number(data, "data")
        self.grad = 0.0
        self._prev: tuple[Value, ...] = tuple(children)
        self._backward: Callable[[], None] = lambda: None
        self.op = op
        self.label = label

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    # -- binary operations: each sets out._backward to add (local derivative x out.grad) to its inputs --

    @staticmethod
    def _lift(other: Value | Number) -> Value:
        return other if isinstance(other, Value) else Value(_number(other, "other operand"))

    def __add__(self, other: Value | Number) -> Value:
        other = Value._lift(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __sub__(self, other: Value | Number) -> Value:
        other = Value._lift(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward() -> None:
            self.grad += out.grad
            other.grad -= out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | Number) -> Value:
        other = Value._lift(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other: Value | Number) -> Value:
        other = Value._lift(other)
        if other.data == 0.0:
            raise ValueError("cannot divide by a Value whose data is 0")
        out = Value(self.data / other.data, (self, other), "/")

        def _backward() -> None:
            self.grad += out.grad / other.data
            other.grad -= self.data / other.data**2 * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: Number) -> Value:
        exponent = _number(exponent, "exponent")
        if self.data == 0.0 and exponent < 1:
            raise ValueError(f"0 ** {exponent:g} has no finite derivative; exponent must be >= 1 at 0")
        if self.data < 0 and not exponent.is_integer():
            raise ValueError(f"a negative number to the power {exponent:g} is not real")
        out = Value(self.data**exponent, (self,), f"**{exponent:g}")

        def _backward() -> None:
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def __neg__(self) -> Value:
        return self * -1.0

    def __radd__(self, other: Number) -> Value:
        return Value._lift(other) + self

    def __rsub__(self, other: Number) -> Value:
        return Value._lift(other) - self

    def __rmul__(self, other: Number) -> Value:
        return Value._lift(other) * self

    def __rtruediv__(self, other: Number) -> Value:
        return Value._lift(other) / self

    # -- unary functions: the local derivative is written in terms of the output where that is cheaper --

    def exp(self) -> Value:
        if self.data > 709.0:
            raise ValueError(f"exp({self.data:g}) overflows a float64")
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward() -> None:
            self.grad += out.data * out.grad  # d/dx e^x = e^x

        out._backward = _backward
        return out

    def log(self) -> Value:
        if self.data <= 0.0:
            raise ValueError(f"log needs a positive Value, got {self.data:g}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward() -> None:
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward() -> None:
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward() -> None:
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad  # PyTorch's convention: relu'(0) = 0

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))  # no overflow
        out = Value(s, (self,), "σ")

        def _backward() -> None:
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    # -- the backward pass --

    def backward(self) -> None:
        """Set every ``grad`` in this Value's graph to d(self)/d(node), by the chain rule in reverse topological order.

        Gradients accumulate (+=), as in PyTorch: call :func:`zero_grad` before a second backward.
        """
        order = topological_order(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def topological_order(root: Value) -> list[Value]:
    """Every node of ``root``'s graph, each after all of its inputs (depth-first post-order, no recursion)."""
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    order: list[Value] = []
    visited: set[int] = set()
    stack: list[tuple[Value, int]] = [(root, 0)]
    visited.add(id(root))
    while stack:
        node, i = stack.pop()
        if i < len(node._prev):
            stack.append((node, i + 1))
            child = node._prev[i]
            if id(child) not in visited:
                visited.add(id(child))
                stack.append((child, 0))
        else:
            order.append(node)
    return order


def zero_grad(values: Iterable[Value]) -> None:
    """Reset the gradients of ``values`` to 0 (they accumulate across backward calls)."""
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"values must hold Value objects, got {type(v).__name__}")
        v.grad = 0.0


def cross_entropy(logits: Sequence[Value], target: int) -> Value:
    """−log softmax(logits)[target] for one sample, computed stably (the max logit is subtracted as a constant)."""
    if not logits or not all(isinstance(z, Value) for z in logits):
        raise TypeError("logits must be a non-empty sequence of Value objects")
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target < len(logits):
        raise ValueError(f"target must be an int in [0, {len(logits)}), got {target!r}")
    shift = max(z.data for z in logits)  # a constant: log-sum-exp's gradient does not depend on it
    log_sum = sum(((z - shift).exp() for z in logits), Value(0.0)).log() + shift
    return log_sum - logits[target]


_ACTIVATIONS = {"tanh": Value.tanh, "relu": Value.relu, "sigmoid": Value.sigmoid}
_TORCH_ACTIVATIONS = {nn.Tanh: "tanh", nn.ReLU: "relu", nn.Sigmoid: "sigmoid"}


class ScalarMLP:
    """A multilayer perceptron made of Values, one per weight, built from given weight matrices.

    ``weights[k]`` has PyTorch's ``nn.Linear`` layout (out_features, in_features), so a torch MLP and
    this one compute the same function and can be compared gradient by gradient.
    """

    def __init__(
        self, weights: Sequence[torch.Tensor], biases: Sequence[torch.Tensor], activation: str = "tanh"
    ) -> None:
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
        if len(weights) == 0 or len(weights) != len(biases):
            raise ValueError(
                f"weights and biases must be non-empty and of equal length, got {len(weights)} and {len(biases)}"
            )
        for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
            if w.ndim != 2 or b.shape != (w.shape[0],):
                raise ValueError(
                    f"layer {k}: weight must be (out, in) and bias (out,), got {tuple(w.shape)} and {tuple(b.shape)}"
                )
            if k and w.shape[1] != weights[k - 1].shape[0]:
                raise ValueError(
                    f"layer {k} takes {w.shape[1]} inputs but layer {k - 1} gives {weights[k - 1].shape[0]}"
                )
        self.activation = activation
        self.weights = [
            [[Value(x, label=f"W{k}[{i},{j}]") for j, x in enumerate(row)] for i, row in enumerate(w.tolist())]
            for k, w in enumerate(weights)
        ]
        self.biases = [[Value(x, label=f"b{k}[{i}]") for i, x in enumerate(b.tolist())] for k, b in enumerate(biases)]

    @classmethod
    def from_torch(cls, module: nn.Module) -> ScalarMLP:
        """Copy the weights of a torch MLP: Linear layers with one activation (tanh, relu or sigmoid) between them."""
        linears = [m for m in module.modules() if isinstance(m, nn.Linear)]
        acts = {name for m in module.modules() for kind, name in _TORCH_ACTIVATIONS.items() if isinstance(m, kind)}
        if not linears or len(acts) > 1:
            raise ValueError(
                f"module must hold nn.Linear layers and at most one kind of activation, got {sorted(acts)}"
            )
        if any(m.bias is None for m in linears):
            raise ValueError("every nn.Linear must have a bias")
        weights = [m.weight.detach().double() for m in linears]
        biases = [m.bias.detach().double() for m in linears]
        return cls(weights, biases, activation=acts.pop() if acts else "tanh")

    def __call__(self, x: Sequence[Value | Number]) -> list[Value]:
        n_in = len(self.weights[0][0])
        if len(x) != n_in:
            raise ValueError(f"x must have {n_in} entries, got {len(x)}")
        h = [v if isinstance(v, Value) else Value(_number(v, "x entry")) for v in x]
        for k, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = [sum((wij * hj for wij, hj in zip(row, h, strict=True)), bi) for row, bi in zip(w, b, strict=True)]
            if k < len(self.weights) - 1:  # no activation on the output: it gives logits
                h = [_ACTIVATIONS[self.activation](z) for z in h]
        return h

    def parameters(self) -> list[Value]:
        """All weights and biases, layer by layer (weights row by row, then the biases)."""
        return [v for w, b in zip(self.weights, self.biases, strict=True) for v in [*(x for row in w for x in row), *b]]

    def gradients(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Per layer, the gradients of the weight (out, in) and bias (out,) as float64 tensors."""
        return [
            (
                torch.tensor([[x.grad for x in row] for row in w], dtype=torch.float64),
                torch.tensor([x.grad for x in b], dtype=torch.float64),
            )
            for w, b in zip(self.weights, self.biases, strict=True)
        ]
