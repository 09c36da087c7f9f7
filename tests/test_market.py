"""Tests of lib.data.market and lib.data.errata: every figure dated and sourced, and computed claims checked."""

import datetime as dt
import math

import pytest

from lib.course.syllabus import SYLLABUS
from lib.data import errata as errata_module
from lib.data.errata import ERRATA, Erratum, errata, markdown_table
from lib.data.market import (
    ADOPTIONS,
    PRICES,
    RELEASES,
    Release,
    TokenPrice,
    halving_time_months,
    months_between,
    price,
    price_drop,
    releases_by_weights,
)

ALL_MARKET = PRICES + RELEASES + ADOPTIONS


@pytest.mark.parametrize("entry", ALL_MARKET, ids=lambda e: getattr(e, "model", getattr(e, "buyer", "")))
def test_every_market_figure_has_a_source_url_and_an_iso_date(entry):
    assert entry.source.startswith("https://"), entry
    day = dt.date.fromisoformat(entry.date)
    assert dt.date(2022, 1, 1) <= day <= dt.date(2025, 12, 31), entry


def test_prices_are_in_date_order_and_unique():
    dates = [p.date for p in PRICES]
    assert dates == sorted(dates)
    assert len({p.model for p in PRICES}) == len(PRICES)


def test_the_prices_agree_with_the_ratios_openai_announced():
    # Each announcement also states a ratio to an earlier price: typed in here from the announcements,
    # independently of the absolute numbers stored in lib.
    davinci, turbo35, gpt4 = price("text-davinci-003"), price("gpt-3.5-turbo"), price("gpt-4")
    turbo4, gpt4o, mini = price("gpt-4-turbo"), price("gpt-4o"), price("gpt-4o-mini")
    assert davinci.input_per_million / turbo35.input_per_million == pytest.approx(10)  # "10x cheaper"
    assert gpt4.input_per_million / turbo4.input_per_million == pytest.approx(3)  # "3x cheaper ... input"
    assert gpt4.output_per_million / turbo4.output_per_million == pytest.approx(2)  # "2x cheaper ... output"
    assert turbo4.input_per_million / gpt4o.input_per_million == pytest.approx(2)  # "half the price"
    assert turbo4.output_per_million / gpt4o.output_per_million == pytest.approx(2)
    assert 1 - mini.input_per_million / davinci.input_per_million >= 0.99  # "99% cheaper than text-davinci-003"


def test_price_drop_and_months_by_hand():
    fold, months = price_drop(price("gpt-4"), price("gpt-4o"))
    assert fold == pytest.approx(30 / 5)
    assert months == pytest.approx((dt.date(2024, 5, 13) - dt.date(2023, 3, 14)).days / (365.25 / 12))
    assert months_between("2024-01-01", "2023-01-01") < 0
    halving = halving_time_months(price("gpt-4"), price("gpt-4o"))
    assert 30 * 0.5 ** (months / halving) == pytest.approx(5)


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="side"):
        price_drop(PRICES[0], PRICES[1], side="both")
    with pytest.raises(KeyError, match="gpt-5"):
        price("gpt-5")
    with pytest.raises(ValueError, match="date"):
        TokenPrice("m", "v", "March 2023", 1.0, 1.0, "https://x")
    with pytest.raises(ValueError, match="source"):
        TokenPrice("m", "v", "2023-03-01", 1.0, 1.0, "openai.com")
    with pytest.raises(ValueError, match="input_per_million"):
        TokenPrice("m", "v", "2023-03-01", 0, 1.0, "https://x")
    with pytest.raises(ValueError, match="weights"):
        Release("m", "b", "2023-03-01", "partly", "t", None, "https://x")
    with pytest.raises(ValueError, match="later"):
        months_between("2023-01-01", "soon")
    with pytest.raises(ValueError, match="positive time span"):
        halving_time_months(price("gpt-4o-mini"), price("gpt-4"))


def test_open_and_closed_releases_both_present_and_sorted():
    split = releases_by_weights()
    assert split["open"] and split["closed"]
    assert sum(len(v) for v in split.values()) == len(RELEASES)
    for group in split.values():
        assert [r.date for r in group] == sorted(r.date for r in group)
    assert all(r.parameters is None for r in split["closed"])  # closed builders publish no size
    assert all(r.parameters for r in split["open"])


def test_every_erratum_has_a_source_and_a_lesson_that_exists():
    lessons = {notebook for notebook, _ in SYLLABUS}
    for e in ERRATA:
        assert e.source.startswith("https://"), e
        assert e.lesson in lessons, e.lesson
    assert {"reference", "tool"} <= {e.kind for e in ERRATA}
    assert all(e.kind == "reference" for e in errata("reference")) and all(e.kind == "tool" for e in errata("tool"))


def test_errata_cover_what_issue_8_lists():
    text = " ".join(e.article_says + " " + e.correction for e in ERRATA)
    for needle in (
        "ResNet",
        "LeCun",
        "Gal & Ghahramani",
        "Few-Shot Learners",
        "Hinton et al., 2018",
        "Zhang et al., 2019",
        "Theano",
        "TorchServe",
        "valgrind",
        "ExecuTorch",
        "Python 3.6",
    ):
        assert needle in text, needle


def test_errata_table_and_bad_input():
    table = markdown_table(errata("tool"))
    assert table.count("\n") == len(errata("tool")) + 1
    with pytest.raises(ValueError, match="entries"):
        markdown_table(())
    with pytest.raises(ValueError, match="kind"):
        errata("paper")
    with pytest.raises(ValueError, match="source"):
        Erratum("tool", "7.2", "a", "b", "www.example.com", "01_concepts/08_market_and_applications.ipynb")
    assert errata_module.KINDS[:2] == ("reference", "tool")


def test_no_float_noise_in_prices():
    for p in PRICES:
        for value in (p.input_per_million, p.output_per_million):
            assert math.isclose(round(value, 2), value), p
