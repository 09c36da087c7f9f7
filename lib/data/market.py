"""The market for large models in public figures: API prices per token, open and closed releases, buyers.

Every entry carries the date it was published (ISO ``YYYY-MM-DD``) and the URL of the page that states
it; nothing here is estimated by the course. Lesson 1.8 plots and checks these figures; chapter 05's
cost-and-market lesson reuses them for its calculator. A figure we could not verify is left out.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

WEIGHTS = ("open", "closed")
_DAYS_PER_MONTH = 365.25 / 12


def _iso_date(name: str, value: object) -> _dt.date:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be an ISO date 'YYYY-MM-DD', got {value!r}")
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be an ISO date 'YYYY-MM-DD', got {value!r}") from None


def _check_text(owner: object, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    if not owner.source.startswith("https://"):
        raise ValueError(f"source must be an https:// URL, got {owner.source!r}")
    _iso_date("date", owner.date)


@dataclass(frozen=True)
class TokenPrice:
    """A model's published API price in US dollars per million tokens, read (input) and generated (output)."""

    model: str
    vendor: str
    date: str  # the day the price was announced
    input_per_million: float
    output_per_million: float
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        _check_text(self, "model", "vendor")
        for name in ("input_per_million", "output_per_million"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
                raise ValueError(f"{name} must be a positive number of dollars, got {value!r}")

    @property
    def day(self) -> _dt.date:
        """The date as a ``datetime.date``."""
        return _dt.date.fromisoformat(self.date)


@dataclass(frozen=True)
class Release:
    """A model release: who built it, when, whether its weights can be downloaded, and under which terms."""

    model: str
    builder: str
    date: str
    weights: str  # "open" (downloadable) or "closed" (used through an API only)
    terms: str
    parameters: float | None  # None where the builder did not publish it
    source: str

    def __post_init__(self) -> None:
        _check_text(self, "model", "builder", "terms")
        if self.weights not in WEIGHTS:
            raise ValueError(f"weights must be one of {WEIGHTS}, got {self.weights!r}")
        if self.parameters is not None and not self.parameters > 0:
            raise ValueError(f"parameters must be positive or None, got {self.parameters!r}")


@dataclass(frozen=True)
class Adoption:
    """A published fact about who buys or uses large models: an organisation, what it did, and a figure."""

    buyer: str
    date: str
    what: str
    source: str

    def __post_init__(self) -> None:
        _check_text(self, "buyer", "what")


# OpenAI's API prices, each from the announcement that set it. One vendor, so the series is comparable:
# the same tokenizer family and the same billing unit throughout.
PRICES: tuple[TokenPrice, ...] = (
    TokenPrice(
        "text-davinci-003 (GPT-3.5)",
        "OpenAI",
        "2023-03-01",
        20.0,
        20.0,
        "https://platform.openai.com/docs/deprecations",
        "$0.0200 per 1K tokens (one price for input and output), OpenAI's 'existing GPT-3.5 model' that "
        "gpt-3.5-turbo undercut tenfold on this day; the deprecations page lists the price",
    ),
    TokenPrice(
        "gpt-3.5-turbo (ChatGPT API)",
        "OpenAI",
        "2023-03-01",
        2.0,
        2.0,
        "https://openai.com/index/introducing-chatgpt-and-whisper-apis/",
        "'$0.002 per 1k tokens, which is 10x cheaper than our existing GPT-3.5 models'",
    ),
    TokenPrice(
        "gpt-4 (8K context)",
        "OpenAI",
        "2023-03-14",
        30.0,
        60.0,
        "https://openai.com/index/gpt-4-research/",
        "'$0.03 per 1k prompt tokens and $0.06 per 1k completion tokens'",
    ),
    TokenPrice(
        "gpt-4-turbo (gpt-4-1106-preview)",
        "OpenAI",
        "2023-11-06",
        10.0,
        30.0,
        "https://openai.com/index/new-models-and-developer-products-announced-at-devday/",
        "'a 3x cheaper price for input tokens and a 2x cheaper price for output tokens compared to GPT-4'",
    ),
    TokenPrice(
        "gpt-4o",
        "OpenAI",
        "2024-05-13",
        5.0,
        15.0,
        "https://openai.com/index/hello-gpt-4o/",
        "'2x faster, half the price, and has 5x higher rate limits compared to GPT-4 Turbo'",
    ),
    TokenPrice(
        "gpt-4o-mini",
        "OpenAI",
        "2024-07-18",
        0.15,
        0.60,
        "https://openai.com/index/gpt-4o-mini-advancing-cost-efficient-intelligence/",
        "'15 cents per million input tokens and 60 cents per million output tokens'",
    ),
)

RELEASES: tuple[Release, ...] = (
    Release(
        "LLaMA (7B-65B)",
        "Meta",
        "2023-02-24",
        "open",
        "weights for researchers on request, non-commercial licence",
        65e9,
        "https://arxiv.org/abs/2302.13971",
    ),
    Release(
        "gpt-3.5-turbo",
        "OpenAI",
        "2023-03-01",
        "closed",
        "API only; size not published",
        None,
        "https://openai.com/index/introducing-chatgpt-and-whisper-apis/",
    ),
    Release(
        "GPT-4",
        "OpenAI",
        "2023-03-14",
        "closed",
        "API only; the report gives 'no further details about the architecture (including model size)'",
        None,
        "https://arxiv.org/abs/2303.08774",
    ),
    Release(
        "Llama 2 (7B, 13B, 70B)",
        "Meta",
        "2023-07-18",
        "open",
        "Llama 2 Community License: free for research and commercial use, but a service with over 700 "
        "million monthly active users needs a separate licence from Meta",
        70e9,
        "https://arxiv.org/abs/2307.09288",
    ),
    Release(
        "GPT-4o mini",
        "OpenAI",
        "2024-07-18",
        "closed",
        "API only; size not published",
        None,
        "https://openai.com/index/gpt-4o-mini-advancing-cost-efficient-intelligence/",
    ),
    Release(
        "Llama 3.1 (8B, 70B, 405B)",
        "Meta",
        "2024-07-23",
        "open",
        "Llama 3.1 Community License: as Llama 2's, and it allows using the outputs to improve other models",
        405e9,
        "https://huggingface.co/meta-llama/Llama-3.1-405B",
    ),
)

ADOPTIONS: tuple[Adoption, ...] = (
    Adoption(
        "ChatGPT users (consumers)",
        "2023-02-01",
        "about 100 million monthly users two months after launch: an analyst estimate (UBS, from "
        "Similarweb data), not a figure OpenAI published",
        "https://time.com/6253615/chatgpt-fastest-growing/",
    ),
    Adoption(
        "Snap (Snapchat)",
        "2023-03-01",
        "'My AI' for Snapchat+ runs on the ChatGPT API; Snapchat has 750 million monthly users",
        "https://openai.com/index/introducing-chatgpt-and-whisper-apis/",
    ),
    Adoption(
        "Quizlet",
        "2023-03-01",
        "Q-Chat, a tutor built on the ChatGPT API, for a platform used by more than 60 million students",
        "https://openai.com/index/introducing-chatgpt-and-whisper-apis/",
    ),
)


def price(model: str, prices: tuple[TokenPrice, ...] = PRICES) -> TokenPrice:
    """The price entry whose model name starts with ``model`` (e.g. 'gpt-4o-mini'), else a clear KeyError."""
    if not isinstance(model, str) or not model:
        raise ValueError(f"model must be a non-empty str, got {model!r}")
    hits = [p for p in prices if p.model == model] or [p for p in prices if p.model.startswith(model + " ")]
    if len(hits) != 1:
        raise KeyError(f"model {model!r} matches {len(hits)} prices; known: {[p.model for p in prices]}")
    return hits[0]


def months_between(earlier: str, later: str) -> float:
    """Months from one ISO date to another (30.44-day months); negative if ``later`` is earlier."""
    return (_iso_date("later", later) - _iso_date("earlier", earlier)).days / _DAYS_PER_MONTH


def price_drop(old: TokenPrice, new: TokenPrice, side: str = "input") -> tuple[float, float]:
    """(fold, months): how many times cheaper ``new`` is than ``old`` per token, and the months between them."""
    if side not in ("input", "output"):
        raise ValueError(f"side must be 'input' or 'output', got {side!r}")
    if not isinstance(old, TokenPrice) or not isinstance(new, TokenPrice):
        raise TypeError("old and new must be lib.data.market.TokenPrice")
    attribute = f"{side}_per_million"
    return getattr(old, attribute) / getattr(new, attribute), months_between(old.date, new.date)


def halving_time_months(old: TokenPrice, new: TokenPrice, side: str = "input") -> float:
    """Months for the price to halve, if it fell at a steady rate from ``old`` to ``new``."""
    fold, months = price_drop(old, new, side)
    if fold <= 1 or months <= 0:
        raise ValueError(f"the price must fall over a positive time span, got {fold:.3g}x over {months:.3g} months")
    return months * math.log(2) / math.log(fold)


def releases_by_weights(releases: tuple[Release, ...] = RELEASES) -> dict[str, tuple[Release, ...]]:
    """The releases split into open and closed weights, each in date order."""
    ordered = sorted(releases, key=lambda r: r.date)
    return {kind: tuple(r for r in ordered if r.weights == kind) for kind in WEIGHTS}
