"""Rule-based quality filtering (数据过滤) of text, after Gopher's rules (Rae et al. 2021, arXiv:2112.11446, app. A).

DeepMind's MassiveText kept a web document only if it passed simple, cheap rules: a plausible
number of words and mean word length, few symbols, mostly alphabetic words, some English stop
words, not mostly bullet points or lines cut off with an ellipsis, and not repetitive (the
duplicate-line and top-n-gram rules of their Table A1). ``GOPHER_RULES`` holds those thresholds;
``failed_rules`` says which a text breaks, so a lesson can show *why* each text was dropped.
A rule tuned for web pages judges other text by the web's standard: measure what it removes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from lib.core.validate import fraction, positive_int, positive_number

STOP_WORDS = ("the", "be", "to", "of", "and", "that", "have", "with")
BULLETS = ("•", "*", "-", "‣", "◦", "·")
_WORD = re.compile(r"\S+")
_ALPHA = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class QualityRules:
    """Thresholds of a rule-based filter; the defaults are Gopher's (Rae et al. 2021, appendix A, Table A1)."""

    min_words: int = 50
    max_words: int = 100_000
    min_mean_word_length: float = 3.0
    max_mean_word_length: float = 10.0
    max_symbol_ratio: float = 0.1  # ('#' + '...' / '…') per word
    max_bullet_lines: float = 0.9
    max_ellipsis_lines: float = 0.3
    min_alpha_words: float = 0.8
    min_stop_words: int = 2
    max_duplicate_lines: float = 0.3
    max_top_ngram: tuple[tuple[int, float], ...] = ((2, 0.20), (3, 0.18), (4, 0.16))

    def __post_init__(self) -> None:
        positive_int("min_words", self.min_words)
        positive_int("max_words", self.max_words, minimum=self.min_words)
        positive_number("min_mean_word_length", self.min_mean_word_length)
        positive_number("max_mean_word_length", self.max_mean_word_length)
        for name in ("max_symbol_ratio", "max_bullet_lines", "max_ellipsis_lines", "min_alpha_words",
                     "max_duplicate_lines"):  # fmt: skip
            fraction(name, getattr(self, name), high_inclusive=True)
        positive_int("min_stop_words", self.min_stop_words, minimum=0)
        for n, limit in self.max_top_ngram:
            positive_int("max_top_ngram n", n)
            fraction("max_top_ngram limit", limit, high_inclusive=True)

    def with_changes(self, **changes: object) -> QualityRules:
        """A copy with some thresholds changed (e.g. ``min_words=8`` for paragraphs instead of documents)."""
        return replace(self, **changes)


GOPHER_RULES = QualityRules()


def top_ngram_fraction(words: list[str], n: int) -> float:
    """Share of the words' characters covered by the most frequent word n-gram (all its occurrences)."""
    positive_int("n", n)
    if len(words) < n:
        return 0.0
    grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    gram, count = grams.most_common(1)[0]
    if count < 2:
        return 0.0
    total = sum(len(w) for w in words)
    return min(1.0, count * sum(len(w) for w in gram) / total) if total else 0.0


def text_statistics(text: str) -> dict[str, float]:
    """The quantities the rules look at: word count, mean word length, symbol ratio, line and n-gram shares."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    words = _WORD.findall(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    n_words, n_lines = len(words), max(len(lines), 1)
    symbols = text.count("#") + text.count("...") + text.count("…")
    lowered = [w.lower().strip(".,;:!?()[]\"'") for w in words]
    line_counts = Counter(lines)
    stats = {
        "words": float(n_words),
        "mean_word_length": sum(len(w) for w in words) / n_words if n_words else 0.0,
        "symbol_ratio": symbols / n_words if n_words else 0.0,
        "bullet_lines": sum(line.startswith(BULLETS) for line in lines) / n_lines,
        "ellipsis_lines": sum(line.endswith(("...", "…")) for line in lines) / n_lines,
        "alpha_words": sum(bool(_ALPHA.search(w)) for w in words) / n_words if n_words else 0.0,
        "stop_words": float(len(set(lowered) & set(STOP_WORDS))),
        "duplicate_lines": sum(c for c in line_counts.values() if c > 1) / n_lines if lines else 0.0,
    }
    for n in (2, 3, 4):
        stats[f"top_{n}gram"] = top_ngram_fraction(lowered, n)
    return stats


def failed_rules(text: str, rules: QualityRules = GOPHER_RULES) -> tuple[str, ...]:
    """Names of the rules ``text`` breaks (empty when it passes), in a fixed order."""
    if not isinstance(rules, QualityRules):
        raise TypeError(f"rules must be a QualityRules, got {type(rules).__name__}")
    s = text_statistics(text)
    failed = []
    if not rules.min_words <= s["words"] <= rules.max_words:
        failed.append("word count")
    if not rules.min_mean_word_length <= s["mean_word_length"] <= rules.max_mean_word_length:
        failed.append("mean word length")
    if s["symbol_ratio"] > rules.max_symbol_ratio:
        failed.append("symbol ratio")
    if s["bullet_lines"] > rules.max_bullet_lines:
        failed.append("bullet lines")
    if s["ellipsis_lines"] > rules.max_ellipsis_lines:
        failed.append("ellipsis lines")
    if s["alpha_words"] < rules.min_alpha_words:
        failed.append("alphabetic words")
    if s["stop_words"] < rules.min_stop_words:
        failed.append("stop words")
    if s["duplicate_lines"] > rules.max_duplicate_lines:
        failed.append("duplicate lines")
    if any(s.get(f"top_{n}gram", top_ngram_fraction(_WORD.findall(text.lower()), n)) > limit
           for n, limit in rules.max_top_ngram):  # fmt: skip
        failed.append("repeated n-grams")
    return tuple(failed)


def passes(text: str, rules: QualityRules = GOPHER_RULES) -> bool:
    """True when ``text`` breaks none of ``rules``."""
    return not failed_rules(text, rules)
