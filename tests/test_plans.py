"""The catalogue for instructors: lesson times parsed, chapter indexes and assignment plans current and complete."""

from collections import Counter
from pathlib import Path

import pytest

from lib.course.authoring import PLANS_END, PLANS_START
from lib.course.catalogue import CHAPTERS, ROOT, Lesson, lessons
from lib.course.indexes import CHAPTER_TITLES, INDEX_NAME, by_chapter, chapter_index, chapter_title, write_indexes
from lib.course.plans import (
    WORKSHOP,
    format_minutes,
    lesson_key,
    lesson_number,
    outside_prerequisites,
    parse_seconds,
    plans,
    plans_markdown,
    split_weeks,
)

COURSE = lessons()
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("time", "seconds"),
    [
        ("about 1 min on a laptop CPU", 60),
        ("about 30 s on a laptop CPU", 30),
        ("about 1.5 min on a laptop CPU", 90),
        ("about 1,5 min", 90),
        ("about 45 s", 45),
        ("about 3 min on a laptop CPU (seconds once the model is in the cache)", 180),
        ("about 1.5 min on a laptop CPU (1 min more if lesson 3.4's model is not cached yet)", 90),
        (
            "about 3 min on a laptop CPU (2 min more if lesson 3.4's model and this lesson's classifier are not cached",
            180,
        ),
        ("1 min 30 s", 90),
        ("about 1-2 min", 120),
        ("about 1–2 minutes", 120),
        ("20 seconds", 20),
        ("About 2 Min", 120),
        ("about 1 hour", 3600),
        ("about 2 min; 30 s with a GPU", 120),
    ],
)
def test_parse_seconds(time, seconds):
    assert parse_seconds(time) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["about a minute", "", "(about 1 min)", "fast on a GPU", None, 60])
def test_parse_seconds_rejects_what_states_no_duration(bad):
    with pytest.raises(ValueError, match="time must"):
        parse_seconds(bad)


def test_every_lesson_header_states_a_time_the_plans_can_read():
    for lesson in COURSE:
        assert 5 <= parse_seconds(lesson.time) <= 600, (lesson.source, lesson.time)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (45, "45 s"),
        (59.2, "60 s"),
        (60, "1 min"),
        (61, "1.5 min"),
        (90, "1.5 min"),
        (2010, "33.5 min"),
        (2040, "34 min"),
    ],
)
def test_format_minutes_rounds_up_to_half_minutes(seconds, text):
    assert format_minutes(seconds) == text


def test_format_minutes_rejects_negative():
    with pytest.raises(ValueError, match="seconds must be"):
        format_minutes(-1)


def _fake(n_per_chapter):
    fake = []
    for c, n in enumerate(n_per_chapter, start=1):
        for i in range(1, n + 1):
            source = Path(f"/x/chapters/{c:02d}_ch/{i:02d}_l.py")
            fake.append(Lesson(source, f"{c}.{i} L", "about 1 min", "none", "x"))
    return fake


def test_split_weeks_is_balanced_keeps_order_and_prefers_chapter_starts():
    course = _fake([3, 3, 3])
    weeks = split_weeks(course, 3)
    assert [[lesson_number(x) for x in w] for w in weeks] == [
        ["1.1", "1.2", "1.3"],
        ["2.1", "2.2", "2.3"],
        ["3.1", "3.2", "3.3"],
    ]
    course = _fake([2, 5])  # 7 lessons in 2 weeks: 2|5 costs 2.25 * 2 = 4.5, 3|4 or 4|3 cost 0.5 + 2.5 = 3
    weeks = split_weeks(course, 2)
    assert [len(w) for w in weeks] in ([3, 4], [4, 3])
    assert [len(w) for w in split_weeks(course, 2, cut_penalty=10)] == [2, 5]
    assert [x for w in split_weeks(course, 7) for x in w] == course
    with pytest.raises(ValueError, match="weeks must be at most"):
        split_weeks(course, 8)
    with pytest.raises(ValueError, match="weeks must be a positive int"):
        split_weeks(course, 0)


def test_every_lesson_is_in_the_module_and_the_semester_exactly_once_in_course_order():
    workshop, module, semester = plans(COURSE)
    assert len(module.weeks) == 4 and len(semester.weeks) == 14
    for plan in (module, semester):
        assert plan.lessons() == COURSE, plan.name
        assert all(plan.weeks), f"{plan.name} has an empty week"
    assert len(workshop.weeks) == 5


def test_the_workshop_is_its_stated_selection_each_lesson_once_in_course_order():
    workshop = plans(COURSE)[0]
    keys = [lesson_key(lesson) for lesson in workshop.lessons()]
    assert keys == [key for day in WORKSHOP for key in day]
    assert max(Counter(keys).values()) == 1
    order = {lesson_key(lesson): i for i, lesson in enumerate(COURSE)}
    assert [order[k] for k in keys] == sorted(order[k] for k in keys)
    assert sum(workshop.seconds()) <= 30 * 60, "a workshop day should not spend an hour waiting on the CPU"
    # what it leaves out but its lessons name as prerequisites is listed, so an instructor can assign it
    numbers = [lesson_number(lesson) for lesson in outside_prerequisites(workshop, COURSE)]
    assert "2.4" in numbers and not set(numbers) & {lesson_number(lesson) for lesson in workshop.lessons()}


def test_a_week_time_is_the_sum_of_its_lessons_header_times():
    for plan in plans(COURSE):
        for week, seconds in zip(plan.weeks, plan.seconds(), strict=True):
            assert seconds == sum(parse_seconds(lesson.time) for lesson in week)
        assert sum(plan.seconds()) == sum(parse_seconds(lesson.time) for lesson in plan.lessons())


def test_readme_plans_are_generated_and_current():
    between = README.split(PLANS_START, 1)[1].split(PLANS_END, 1)[0].strip()
    assert between == plans_markdown(), "README's plans are stale: run `python -m lib.course.authoring readme`"
    for name in ("one-week workshop", "four-week module", "full semester"):
        assert name in between


def test_every_chapter_index_is_generated_and_current():
    groups = by_chapter(COURSE)
    assert sorted(groups) == sorted(p.name for p in CHAPTERS.glob("[0-9][0-9]_*") if p.is_dir())
    for chapter, chapter_lessons in groups.items():
        path = CHAPTERS / chapter / INDEX_NAME
        assert path.is_file() and path.read_text(encoding="utf-8") == chapter_index(chapter, COURSE), (
            f"{path} is missing or stale: run `python -m lib.course.authoring indexes`"
        )
        text = path.read_text(encoding="utf-8")
        for lesson in chapter_lessons:
            assert f"## [{lesson.title}]({lesson.notebook.name})" in text
            assert lesson.time in text and lesson.prerequisites in text and lesson.learn in text


def test_chapter_titles_cover_every_chapter_and_unknown_ones_fail_clearly():
    assert set(by_chapter(COURSE)) <= set(CHAPTER_TITLES)
    assert chapter_title("03_training").startswith("Chapter 3: ")
    with pytest.raises(ValueError, match="CHAPTER_TITLES"):
        chapter_title("09_unknown")


def test_write_indexes_writes_only_what_changed(tmp_path):
    course = [lesson for lesson in COURSE if lesson.chapter == "02_math"]
    (tmp_path / "02_math").mkdir()
    assert write_indexes(tmp_path, course) == [tmp_path / "02_math" / INDEX_NAME]
    assert write_indexes(tmp_path, course) == []
