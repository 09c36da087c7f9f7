"""Retrieval quality (检索质量): where the right document lands in a ranking, recall at k, mean reciprocal rank.

A retriever scores every (query, document) pair; for a query whose answer is known, the rank of the
answer among all documents (1 = first) says how well it did. Recall at k (召回率@k) is the fraction of
queries whose answer is among the top k; mean reciprocal rank (MRR, 平均倒数排名) averages 1/rank.
Ties count against the retriever: an answer that ties with another document gets the worse rank.
Chapter 04 ranks documents for text queries; the same functions rank images for captions (CLIP).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lib.core.validate import positive_int


def cosine_scores(queries: torch.Tensor, documents: torch.Tensor, center: torch.Tensor | None = None) -> torch.Tensor:
    """(n_queries, n_documents) cosine similarities; ``center`` (a d-vector) is subtracted from both first."""
    for name, x in (("queries", queries), ("documents", documents)):
        if not isinstance(x, torch.Tensor) or x.ndim != 2 or not x.dtype.is_floating_point:
            raise ValueError(f"{name} must be a 2-D float tensor (n, d), got {getattr(x, 'shape', x)!r}")
    if queries.shape[1] != documents.shape[1]:
        raise ValueError(
            f"queries and documents must have the same width, got {queries.shape[1]} and {documents.shape[1]}"
        )
    if center is not None:
        if center.shape != (queries.shape[1],):
            raise ValueError(f"center must be a vector of width {queries.shape[1]}, got {tuple(center.shape)}")
        queries, documents = queries - center, documents - center
    q = torch.nn.functional.normalize(queries.double(), dim=1)
    d = torch.nn.functional.normalize(documents.double(), dim=1)
    return q @ d.T


def answer_ranks(scores: torch.Tensor, answers: torch.Tensor | Sequence[int]) -> torch.Tensor:
    """The rank (1 = best) of each query's answer document: 1 + the number of documents scoring at least as high.

    ``scores`` is (n_queries, n_documents), higher is better; ``answers[i]`` is query i's document index.
    """
    if not isinstance(scores, torch.Tensor) or scores.ndim != 2:
        raise ValueError(
            f"scores must be a 2-D tensor (n_queries, n_documents), got {getattr(scores, 'shape', scores)!r}"
        )
    answers = torch.as_tensor(answers, dtype=torch.long)
    if answers.shape != (scores.shape[0],):
        raise ValueError(
            f"answers must hold one document index per query ({scores.shape[0]}), got {tuple(answers.shape)}"
        )
    if len(answers) and (answers.min() < 0 or answers.max() >= scores.shape[1]):
        raise ValueError(f"answers must be document indices in [0, {scores.shape[1]})")
    if torch.isnan(scores).any():
        raise ValueError("scores must not contain NaN")
    target = scores.gather(1, answers.unsqueeze(1))
    others = scores >= target
    return others.sum(dim=1)  # the answer itself is counted once: rank 1 when nothing else ties or beats it


def _check_ranks(ranks: torch.Tensor) -> torch.Tensor:
    ranks = torch.as_tensor(ranks)
    if ranks.ndim != 1 or len(ranks) == 0 or ranks.dtype.is_floating_point or (ranks < 1).any():
        raise ValueError(f"ranks must be a non-empty 1-D integer tensor of ranks >= 1, got {ranks!r}")
    return ranks


def recall_at_k(ranks: torch.Tensor, k: int) -> float:
    """Fraction of queries whose answer ranks in the top ``k`` (with one relevant document per query)."""
    k = positive_int("k", k)
    return (_check_ranks(ranks) <= k).double().mean().item()


def mean_reciprocal_rank(ranks: torch.Tensor) -> float:
    """Mean of 1/rank over the queries: 1 when every answer comes first, near 0 when they come last."""
    return (1.0 / _check_ranks(ranks).double()).mean().item()


def retrieval_report(
    scores: torch.Tensor, answers: torch.Tensor | Sequence[int], ks: Sequence[int] = (1, 5, 10)
) -> dict[str, float]:
    """Recall at each k and MRR for one retriever's scores, as a dict ``{"R@1": ..., "MRR": ...}``."""
    ranks = answer_ranks(scores, answers)
    report = {f"R@{k}": recall_at_k(ranks, k) for k in ks}
    report["MRR"] = mean_reciprocal_rank(ranks)
    return report


def _check_relevant(scores: torch.Tensor, relevant: torch.Tensor) -> torch.Tensor:
    if not isinstance(scores, torch.Tensor) or scores.ndim != 2:
        raise ValueError(
            f"scores must be a 2-D tensor (n_queries, n_documents), got {getattr(scores, 'shape', scores)!r}"
        )
    relevant = torch.as_tensor(relevant)
    if relevant.dtype != torch.bool or relevant.shape != scores.shape:
        raise ValueError(f"relevant must be a bool tensor of shape {tuple(scores.shape)}, got {relevant!r}")
    if not relevant.any(dim=1).all():
        raise ValueError("relevant must mark at least one document for every query")
    if torch.isnan(scores).any():
        raise ValueError("scores must not contain NaN")
    return relevant


def first_relevant_ranks(scores: torch.Tensor, relevant: torch.Tensor) -> torch.Tensor:
    """Rank (1 = best) of each query's best-placed relevant document, when several documents are right.

    ``relevant[i, j]`` says whether document j answers query i (for example: the image shows the digit
    the caption names). Rank = 1 + the irrelevant documents scoring at least as high as the best relevant
    one (ties count against the retriever). ``recall_at_k`` of these ranks is the share of queries with a
    right document in the top k, the Recall@K of image retrieval benchmarks with class labels.
    """
    relevant = _check_relevant(scores, relevant)
    best = scores.masked_fill(~relevant, float("-inf")).max(dim=1, keepdim=True).values
    return ((scores >= best) & ~relevant).sum(dim=1) + 1


def precision_at_k(scores: torch.Tensor, relevant: torch.Tensor, k: int) -> float:
    """Mean over queries of the share of the top ``k`` documents that are relevant (ties placed irrelevant first)."""
    relevant = _check_relevant(scores, relevant)
    k = positive_int("k", k)
    if k > scores.shape[1]:
        raise ValueError(f"k must be at most the number of documents {scores.shape[1]}, got {k}")
    # sort irrelevant before relevant, then stably by score: among equal scores the irrelevant come first
    by_relevance = relevant.to(torch.uint8).argsort(dim=1, stable=True)
    by_score = scores.gather(1, by_relevance).argsort(dim=1, descending=True, stable=True)
    top = by_relevance.gather(1, by_score[:, :k])
    return relevant.gather(1, top).double().mean().item()
