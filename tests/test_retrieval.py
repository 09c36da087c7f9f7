import math

import pytest
import torch

from lib.train.retrieval import (
    answer_ranks,
    cosine_scores,
    mean_reciprocal_rank,
    recall_at_k,
    retrieval_report,
)


def test_ranks_by_hand_with_ties_counted_against_the_retriever():
    scores = torch.tensor([[0.9, 0.1, 0.5], [0.2, 0.2, 0.7], [0.3, 0.8, 0.1]])
    # query 0's answer (doc 0) is best -> 1; query 1's answer (doc 1) ties doc 0 and trails doc 2 -> 3;
    # query 2's answer (doc 2) is last -> 3
    assert answer_ranks(scores, [0, 1, 2]).tolist() == [1, 3, 3]


def test_ranks_agree_with_argsort_without_ties():
    g = torch.Generator().manual_seed(0)
    scores = torch.randn(20, 30, generator=g)
    answers = torch.randint(30, (20,), generator=g)
    order = scores.argsort(dim=1, descending=True)
    expected = [(order[i] == answers[i]).nonzero().item() + 1 for i in range(20)]
    assert answer_ranks(scores, answers).tolist() == expected


def test_recall_and_mrr_by_hand():
    ranks = torch.tensor([1, 2, 5, 11])
    assert recall_at_k(ranks, 1) == 0.25
    assert recall_at_k(ranks, 5) == 0.75
    assert math.isclose(mean_reciprocal_rank(ranks), (1 + 1 / 2 + 1 / 5 + 1 / 11) / 4)
    report = retrieval_report(torch.eye(3), [0, 1, 2], ks=(1,))
    assert report == {"R@1": 1.0, "MRR": 1.0}


def test_cosine_scores_match_torch_and_centering():
    g = torch.Generator().manual_seed(1)
    q, d = torch.randn(4, 6, generator=g), torch.randn(5, 6, generator=g)
    expected = torch.nn.functional.cosine_similarity(q.unsqueeze(1), d.unsqueeze(0), dim=-1)
    torch.testing.assert_close(cosine_scores(q, d).float(), expected)
    c = d.mean(dim=0)
    expected_c = torch.nn.functional.cosine_similarity((q - c).unsqueeze(1), (d - c).unsqueeze(0), dim=-1)
    torch.testing.assert_close(cosine_scores(q, d, center=c).float(), expected_c)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: recall_at_k(torch.tensor([1, 2]), 0), "k"),
        (lambda: recall_at_k(torch.tensor([0, 2]), 1), "ranks"),
        (lambda: mean_reciprocal_rank(torch.tensor([1.0])), "ranks"),
        (lambda: answer_ranks(torch.zeros(2, 3), [0, 3]), "answers"),
        (lambda: answer_ranks(torch.zeros(2, 3), [0]), "answers"),
        (lambda: answer_ranks(torch.zeros(3), [0]), "scores"),
        (lambda: cosine_scores(torch.zeros(2, 3), torch.zeros(2, 4)), "width"),
        (lambda: cosine_scores(torch.zeros(2, 3), torch.zeros(2, 3), center=torch.zeros(2)), "center"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
