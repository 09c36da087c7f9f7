import re

import pytest

from lib.data.milestones import MILESTONES, Milestone, milestones
from lib.scale import compute as scaling


def test_every_milestone_is_cited_and_well_formed():
    for m in MILESTONES:
        assert re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", m.released), m.name
        assert m.parameters > 0 and m.source, m.name
        assert re.search(r"(19|20)\d\d|arXiv:\d{4}\.\d{4,5}", m.source), f"{m.name}: source lacks a year or arXiv id"
        if m.training_compute is not None:
            assert m.training_tokens is not None and m.compute_source, m.name
        if m.active_parameters is not None:
            assert 0 < m.active_parameters < m.parameters, m.name


def test_milestones_are_sorted_and_filtered():
    ms = milestones()
    assert [m.released for m in ms] == sorted(m.released for m in ms)
    assert all(m.parameters >= 100e9 for m in milestones(100e9))
    assert len(milestones(100e9)) < len(ms)


def test_published_compute_agrees_with_six_n_d():
    with_compute = [m for m in MILESTONES if m.training_compute is not None]
    assert {m.name for m in with_compute} >= {"GPT-3", "Llama 3.1 405B"}
    for m in with_compute:
        ratio = m.training_compute / scaling.training_flops(m.parameters_per_token, m.training_tokens)
        assert 0.85 < ratio < 1.2, m.name


def test_parameters_per_token_uses_active_parameters():
    moe = Milestone("x", "y", "2024-01", 100.0, 10.0, "z 2024", active_parameters=10.0)
    dense = Milestone("x", "y", "2024-01", 100.0, 10.0, "z 2024")
    assert moe.parameters_per_token == 10.0 and dense.parameters_per_token == 100.0
    assert dense.year == 2024.0


def test_the_unsourced_2014_milestone_is_absent():
    assert not any(m.released.startswith("2014") and m.parameters == 170e6 for m in MILESTONES)


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="min_parameters must be a non-negative number"):
        milestones(-1)
