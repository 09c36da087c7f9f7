"""The course's notation (符号表): one meaning per symbol in every lesson, and the words it does not use.

Lesson 1.9 shows this table beside the glossary. The rules it encodes: T is only the context length
(temperature is τ, tokens served get words); L is only the number of layers (the loss is ℒ); d is the
model width and d_k the per-head width that attention scales by. ``BANNED_VARIANTS`` lists Chinese
terms that drifted from the glossary's, each with the glossary term to use; a test scans every lesson.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from lib.course.glossary import lesson_number

# Words the course does not use, each with the glossary's term to use instead (tests/test_notation.py scans
# every lesson for them, so the terms cannot drift apart again).
BANNED_VARIANTS = {
    "提前停止": "早停 (early stopping)",
    "自动求导": "自动微分 (automatic differentiation; autograd stays PyTorch's name)",
    "未归一化的分数": "logit（对数几率）",
}


@dataclass(frozen=True)
class Symbol:
    """One symbol: as printed, in LaTeX, its meaning, its name in lib's code ('' if none), and its lesson."""

    symbol: str
    latex: str
    meaning: str
    code: str
    lesson: str  # notebook that introduces it, relative to chapters/

    def __post_init__(self) -> None:
        for name in ("symbol", "latex", "meaning", "lesson"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
        if not isinstance(self.code, str):
            raise ValueError(f"code must be a str ('' when code has no name for it), got {self.code!r}")
        lesson_number(self.lesson)  # raises a clear ValueError for a malformed path

    @property
    def lesson_number(self) -> str:
        """'01_concepts/04_history_and_scale.ipynb' -> '1.4'."""
        return lesson_number(self.lesson)


_WHAT_IS = "01_concepts/01_what_is_a_large_model.ipynb"
_BASICS = "01_concepts/02_neural_network_basics.ipynb"
_ARCHITECTURES = "01_concepts/03_architectures.ipynb"
_SCALE = "01_concepts/04_history_and_scale.ipynb"
_LOOP = "01_concepts/06_training_loop.ipynb"
_LOSSES = "02_math/02_losses.ipynb"
_OPTIMIZERS = "02_math/05_optimizers.ipynb"

# fmt: off
NOTATION: tuple[Symbol, ...] = (
    Symbol("N", "N", "number of parameters of a model", "num_parameters()", _WHAT_IS),
    Symbol("D", "D", "number of training tokens", "", _SCALE),
    Symbol("C", "C", "training compute in FLOPs, C ≈ 6ND", "training_flops", _SCALE),
    Symbol("L", "L", "number of layers (Transformer blocks); never the loss", "n_layer", _WHAT_IS),
    Symbol("ℒ", r"\mathcal{L}", "the loss a model is trained to minimise", "loss", _LOSSES),
    Symbol("d", "d", "model width: the size of each token's vector (d_model)", "d_model", _WHAT_IS),
    Symbol("d_k", "d_k", "per-head width of queries and keys; attention divides scores by √d_k", "head_size",
           _ARCHITECTURES),
    Symbol("h", "h", "number of attention heads", "n_head", _ARCHITECTURES),
    Symbol("d_ff", r"d_{\text{ff}}", "width of the MLP inside a block (4d in GPT-2)", "ffn_hidden", _WHAT_IS),
    Symbol("V", "V", "vocabulary size: how many different tokens there are", "vocab_size", _WHAT_IS),
    Symbol("B", "B", "batch size: inputs (or sequences) processed together", "batch_size", _BASICS),
    Symbol("T", "T", "context length in tokens (sequence length), and only that", "context_length",
           _ARCHITECTURES),
    Symbol("τ", r"\tau", "sampling or distillation temperature (never T)", "temperature", _ARCHITECTURES),
    Symbol("η", r"\eta", "learning rate", "lr", _LOOP),
    Symbol("θ", r"\theta", "the parameters, as one vector", "parameters()", _LOOP),
    Symbol("β₁, β₂", r"\beta_1, \beta_2", "Adam's decay rates for its running means of g and g²", "betas",
           _OPTIMIZERS),
    Symbol("ε", r"\epsilon", "Adam's small constant that keeps its division finite", "eps", _OPTIMIZERS),
)
# fmt: on


def lookup_symbol(symbol: str, table: tuple[Symbol, ...] = NOTATION) -> Symbol:
    """The entry for ``symbol`` as printed ('d_k') or in LaTeX ('\\tau'); a KeyError names the known ones."""
    if not isinstance(symbol, str) or not symbol.strip():
        raise ValueError(f"symbol must be a non-empty str, got {symbol!r}")
    for entry in table:
        if symbol.strip() in (entry.symbol, entry.latex):
            return entry
    raise KeyError(f"no symbol {symbol!r} in the notation; known: {', '.join(s.symbol for s in table)}")


def notation_markdown(table: tuple[Symbol, ...] = NOTATION, from_chapter: str = "01_concepts") -> str:
    """The notation as a Markdown table (symbol in LaTeX, meaning, name in code, linked lesson)."""
    if not table:
        raise ValueError("table must hold at least one Symbol")
    rows = ["| symbol | meaning | in code | introduced in |", "| --- | --- | --- | --- |"]
    for s in table:
        code = f"`{s.code}`" if s.code else ""
        link = f"[{s.lesson_number}]({posixpath.relpath(s.lesson, from_chapter)})"
        rows.append(f"| ${s.latex}$ | {s.meaning.replace('|', chr(92) + '|')} | {code} | {link} |")
    return "\n".join(rows)
