"""Draw a scalar autograd graph (lesson 2.3): each node's operation, value and gradient."""

from __future__ import annotations

from lib.scratch.autograd import Value, topological_order
from lib.viz.plots import figure


def draw_graph(root: Value, ax=None, show_grad: bool = True):
    """Draw ``root``'s computational graph left to right: inputs at the left, ``root`` at the right.

    Each box shows the node's label or operation, its value and (after ``backward``) its gradient.
    """
    order = topological_order(root)
    depth: dict[int, int] = {}
    for node in order:  # inputs come first, so a node's depth is one more than its deepest input
        depth[id(node)] = 1 + max((depth[id(c)] for c in node._prev), default=-1)
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    position = {}
    for d, nodes in columns.items():
        for i, node in enumerate(nodes):
            position[id(node)] = (d, (len(nodes) - 1) / 2 - i)
    if ax is None:
        _, ax = figure(width=1.8 * (len(columns) + 1), height=1.1 * max(len(c) for c in columns.values()) + 1)
    for node in order:
        x, y = position[id(node)]
        for child in node._prev:
            cx, cy = position[id(child)]
            ax.annotate(
                "",
                xy=(x - 0.32, y),
                xytext=(cx + 0.32, cy),
                arrowprops={"arrowstyle": "->", "color": "#888888", "shrinkA": 0, "shrinkB": 0},
            )
        title = node.label or node.op or "input"
        text = f"{title}\n{node.data:.4g}" + (f"\ngrad {node.grad:.4g}" if show_grad else "")
        leaf = not node._prev
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=8,
            bbox={"boxstyle": "round", "facecolor": "#E69F0033" if leaf else "#0072B222", "edgecolor": "#555555"},
        )
    ax.set_xlim(-0.6, max(columns) + 0.6)
    ys = [p[1] for p in position.values()]
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.axis("off")
    return ax
