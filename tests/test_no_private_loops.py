"""No lesson or lib module keeps a private training loop: models train through ``lib.train.loop.train``.

A *private training loop* is a function or a ``for``/``while`` loop whose code calls both
``.backward()`` and an optimizer's ``.step()``. Every lesson ``.py`` and every lib module outside
``lib/train`` (the engine's own package) is parsed; each such place fails the test unless it is on
``ALLOWED``, the loops the course writes in the open *to teach them* and then checks equal to the
engine. The last tests plant loops in a scratch source to show the scan finds them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# receivers whose .step() is not an optimizer update: a learning-rate schedule, an fp16 gradient scaler
NOT_OPTIMIZERS = ("sched", "scaler")

# (file, enclosing function or "<module>", the loop's or function's header): each one a loop written in the open
ALLOWED = {
    # 1.5 writes one epoch of masked-pixel pre-training by hand, then asserts that pretrain_masked_pixels
    # (which trains through lib.train.loop.train) gives the same weights
    (
        "chapters/01_concepts/05_pretraining_and_finetuning.py",
        "<module>",
        "for start in range(0, len(pixels), one_epoch.batch_size):",
    ),
    # 1.6 is the lesson on the training loop: it writes the loop by hand and asserts fit() gives the same weights,
    ("chapters/01_concepts/06_training_loop.py", "hand_written_loop", "for (inputs, targets) in batches:"),
    # checks the article's loop without zero_grad against a formula on five steps,
    ("chapters/01_concepts/06_training_loop.py", "<module>", "for step in range(5):"),
    # and measures that loop at two learning rates, asserting lib.lessons.lesson_1_6_loop.loss_curve
    # (built on lib.train.loop.train) gives the same losses
    ("chapters/01_concepts/06_training_loop.py", "run", "for (inputs, targets) in batches:"),
    # and its predict-then-run exercise runs the article's loop for four steps in the open, asserting the engine
    # (SupervisedStep with zero_grad=False) moves the parameter as far
    ("chapters/01_concepts/06_training_loop.py", "<module>", "for _ in range(4):"),
    # 2.6 trains the same network by hand (backward formulas written out) and with autograd + torch.optim, and asserts
    # the two agree at every step: the autograd side is the plain PyTorch loop being taught
    ("chapters/02_math/06_worked_example.py", "<module>", "for _ in range(n_steps):"),
    # 2.5 shows Adam's weight_decay is an L2 term in the loss: plain Adam on loss + wd/2 |theta|^2, stepped in the open,
    # asserted equal to torch.optim.Adam(weight_decay=wd) at every one of 30 steps (an optimizer identity, not a run)
    ("chapters/02_math/05_optimizers.py", "<module>", "for _ in range(30):"),
    # 2.6's predict-then-run exercise: the expected step is recomputed with torch.optim.Adam in a plain loop, on purpose
    # independent of lib's engine and of the lesson's code, so the check does not grade an answer against itself
    ("lib/course/exercises/ch02_support.py", "_first_perfect_step", "for step in range(300):"),
    # 5.8 runs three optimizers (torch.optim.Adam, lib's Adam, the article's formula) on one quadratic step by step and
    # asserts torch's and lib's losses equal at every step: an optimizer comparison, like 2.5's, not a training run
    ("lib/lessons/lesson_5_8_errata.py", "adam_demo", "for t in range(steps):"),
    # 5.8 calls backward() once and step() once, to show that backpropagation does not change the parameters and the
    # optimizer does (the article's 1.4.2 merges the two): no loop at all
    (
        "lib/lessons/lesson_5_8_errata.py",
        "<module>",
        "def small_checks_demo(seed: int=0, n: int=100, features: int=10):",
    ),
}


def _source_files() -> list[Path]:
    lessons = sorted(ROOT.glob("chapters/*/*.py"))
    lib = sorted(p for p in (ROOT / "lib").rglob("*.py") if p.relative_to(ROOT / "lib").parts[0] != "train")
    return lessons + lib


def _receiver(call: ast.Call) -> str:
    return ast.unparse(call.func.value).lower() if isinstance(call.func, ast.Attribute) else ""


def _calls(node: ast.AST) -> tuple[bool, bool]:
    """(does the node's code call .backward(), does it call an optimizer's .step())."""
    backward = step = False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            if sub.func.attr == "backward":
                backward = True
            elif sub.func.attr == "step" and not any(word in _receiver(sub) for word in NOT_OPTIMIZERS):
                step = True
    return backward, step


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.For, ast.AsyncFor, ast.While)


def _header(node: ast.AST) -> str:
    """The first line of a loop or function, rebuilt from the tree: the same whatever its comments or layout."""
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return f"for {ast.unparse(node.target)} in {ast.unparse(node.iter)}:"
    if isinstance(node, ast.While):
        return f"while {ast.unparse(node.test)}:"
    return f"def {node.name}({ast.unparse(node.args)}):"


def private_loops(source: str) -> list[tuple[str, str, int]]:
    """The innermost functions and loops of ``source`` that call both .backward() and .step().

    Each as (enclosing function or "<module>", its header, its line number).
    """
    tree = ast.parse(source)
    found: list[tuple[str, str, int]] = []

    def visit(node: ast.AST, scope: str) -> bool:
        """Visit the children; report ``node`` if it trains and none of its children already was reported."""
        inner = False
        child_scope = node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else scope
        for child in ast.iter_child_nodes(node):
            inner |= visit(child, child_scope)
        if isinstance(node, SCOPES) and not inner and all(_calls(node)):
            found.append((scope, _header(node), node.lineno))
            return True
        return inner

    visit(tree, "<module>")
    return found


def test_no_private_training_loops() -> None:
    offenders, used = [], set()
    for path in _source_files():
        rel = path.relative_to(ROOT).as_posix()
        for scope, first_line, lineno in private_loops(path.read_text(encoding="utf-8")):
            key = (rel, scope, first_line)
            if key in ALLOWED:
                used.add(key)
            else:
                offenders.append(f"{rel}:{lineno} ({scope}) {first_line}")
    assert not offenders, (
        "these loops call .backward() and an optimizer's .step(): train through lib.train.loop.train "
        "(a list of one batch repeats for full-batch descent; LossStep for other objectives), or, for a "
        "loop written in the open to teach it that the lesson checks equal to the engine, add it to "
        "ALLOWED with a comment:\n" + "\n".join(offenders)
    )
    assert used == ALLOWED, f"ALLOWED lists loops that no longer exist: {sorted(ALLOWED - used)}"


PLANTED = """
import torch

def helper(model, optimizer, x):
    loss = model(x).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

def only_gradients(model, x):
    for _ in range(3):
        model(x).sum().backward()

def schedules_only(scheduler):
    for _ in range(3):
        scheduler.step()

def trains(model, opt, x):
    with torch.no_grad():
        pass
    for epoch in range(2):
        for batch in x:
            model(batch).sum().backward()
            opt.step()

for _ in range(10):
    model(x).mean().backward()
    if True:
        adam.step()

while not done:
    (model(x) - y).pow(2).mean().backward()
    sgd.step(); lr_scheduler.step()
"""


def test_the_scan_finds_planted_loops() -> None:
    found = {(scope, line) for scope, line, _ in private_loops(PLANTED)}
    assert found == {
        ("<module>", "def helper(model, optimizer, x):"),  # a training step as a function, without a loop
        ("trains", "for batch in x:"),  # the innermost loop, reported once (not its outer loop or function)
        ("<module>", "for _ in range(10):"),  # a loop at a notebook's top level
        ("<module>", "while not done:"),
    }


def test_the_scan_covers_lessons_and_lib_but_not_the_engine() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in _source_files()}
    assert "chapters/01_concepts/06_training_loop.py" in files and "lib/models/gpt.py" in files
    assert not any(f.startswith("lib/train/") for f in files)
