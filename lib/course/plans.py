"""Assignment plans for instructors, and the lesson times they add up, read from the lessons' own headers.

Three plans: a one-week workshop (five days, a stated selection of lessons), a four-week module and a
full semester (fourteen weeks), the last two holding every lesson exactly once, in course order. Weeks are
cut so that each holds about as many lessons as the others and, where that costs little, a week starts
with a new chapter; a lesson added under chapters/ joins the plans when the README is regenerated
(``python -m lib.course.authoring readme``), with no list to edit by hand. Only the workshop is a
hand-made selection (``WORKSHOP``), checked by tests/test_plans.py against the lessons that exist.

Each week's time is the sum of its lessons' **Time:** fields: the minutes a laptop CPU takes to run
every cell, not the time a learner spends reading and doing the exercises (plan for several times more).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lib.course.catalogue import Lesson, lessons

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_UNIT_SECONDS = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1}
_UNIT_SECONDS |= {"min": 60, "mins": 60, "minute": 60, "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600}
_UNITS = "|".join(sorted(_UNIT_SECONDS, key=len, reverse=True))
# "1 min", "1.5 min", "30 s", "1-2 min" (a range: the upper end counts), "1 min 30 s" (handled by the loop)
_DURATION = re.compile(rf"{_NUMBER}(?:\s*(?:-|–|—|to)\s*{_NUMBER})?\s*({_UNITS})\b", re.I)


def parse_seconds(time: str) -> float:
    """The run time a lesson header's **Time:** field states, in seconds.

    Reads the field's main duration and ignores any note in parentheses, which describes another case
    (``"about 3 min on a laptop CPU (seconds once the model is in the cache)"`` is 180 s). Accepts
    ``"about 30 s"``, ``"about 1.5 min"`` (or ``1,5``), ``"1 min 30 s"`` (summed), ``"1-2 min"`` (a range:
    its upper end, so that plans never promise too little) and ``"about 1 hour"``.

    Raises ValueError naming the field when no duration can be read.
    """
    if not isinstance(time, str):
        raise ValueError(f"time must be a lesson header's Time field (a str), got {time!r}")
    main = re.sub(r"\([^)]*\)", " ", time)  # notes in parentheses describe other cases
    main = re.split(r"\s+on\s+|;|·", main, maxsplit=1)[0]  # "about 1 min on a laptop CPU" -> "about 1 min"
    total = 0.0
    found = False
    for match in _DURATION.finditer(main):
        low, high, unit = match.groups()
        value = float((high or low).replace(",", "."))
        total += value * _UNIT_SECONDS[unit.lower()]
        found = True
    if not found:
        raise ValueError(
            f"time must state a duration such as 'about 1 min on a laptop CPU' or 'about 30 s', got {time!r}"
        )
    return total


def format_minutes(seconds: float) -> str:
    """A total run time for a plan: '45 s' under a minute, else minutes rounded up to a half ('4.5 min')."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0 or math.isnan(seconds):
        raise ValueError(f"seconds must be a non-negative number, got {seconds!r}")
    if seconds < 60:
        return f"{math.ceil(seconds)} s"
    halves = math.ceil(seconds / 30 - 1e-9)
    return f"{halves // 2} min" if halves % 2 == 0 else f"{halves / 2:.1f} min"


def lesson_number(lesson: Lesson) -> str:
    """The lesson's number as its title gives it, e.g. '3.4'."""
    match = re.match(r"(\d+\.\d+)\s", lesson.title)
    if match is None:
        raise ValueError(f"lesson title must start with its number such as '3.4 ', got {lesson.title!r}")
    return match.group(1)


def lesson_key(lesson: Lesson) -> str:
    """The lesson's stable name, its notebook under chapters/ without suffix: '03_training/04_pretraining'."""
    return f"{lesson.chapter}/{lesson.source.stem}"


# The workshop: five days on the spine of the course, from what a large model is to pre-training a GPT,
# fine-tuning it and serving it. Lessons named by folder/stem, so a renumbered lesson fails the test loudly.
WORKSHOP: tuple[tuple[str, ...], ...] = (
    ("01_concepts/01_what_is_a_large_model", "01_concepts/02_neural_network_basics", "01_concepts/03_architectures"),
    ("01_concepts/06_training_loop", "02_math/03_backpropagation", "02_math/05_optimizers"),
    ("03_training/01_text_classifier", "03_training/02_tokenization", "03_training/03_transformer"),
    ("03_training/04_pretraining", "03_training/05_finetuning"),
    ("04_applications/02_language", "04_applications/06_compression_and_deployment", "05_frontiers/02_cost_and_market"),
)
MODULE_WEEKS = 4
SEMESTER_WEEKS = 14
CHAPTER_CUT_PENALTY = 2.5  # a week that starts mid-chapter costs as much as being 1.6 lessons off the average


@dataclass(frozen=True)
class Plan:
    """One plan: its name, what it is for, the unit of its rows ('Day' or 'Week'), and the lessons of each row."""

    name: str
    summary: str
    unit: str
    weeks: tuple[tuple[Lesson, ...], ...]

    def lessons(self) -> list[Lesson]:
        """Every lesson of the plan, in order."""
        return [lesson for week in self.weeks for lesson in week]

    def seconds(self) -> list[float]:
        """The run time of each row on a laptop CPU, summed from its lessons' headers."""
        return [sum(parse_seconds(lesson.time) for lesson in week) for week in self.weeks]


def split_weeks(course: list[Lesson], weeks: int, cut_penalty: float = CHAPTER_CUT_PENALTY) -> list[list[Lesson]]:
    """Cut ``course`` (in order) into ``weeks`` consecutive, non-empty runs of about equal length.

    Minimizes the sum over weeks of (lessons - average)² plus ``cut_penalty`` for every week that starts in
    the middle of a chapter (dynamic programming, so the result is the best such cut and deterministic).
    """
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise ValueError(f"weeks must be a positive int, got {weeks!r}")
    if len(course) < weeks:
        raise ValueError(f"weeks must be at most the number of lessons ({len(course)}), got {weeks}")
    n = len(course)
    average = n / weeks
    inf = float("inf")
    # best[k][i]: least cost of putting the first i lessons into k weeks; back[k][i]: where week k starts
    best = [[inf] * (n + 1) for _ in range(weeks + 1)]
    back = [[0] * (n + 1) for _ in range(weeks + 1)]
    best[0][0] = 0.0
    for k in range(1, weeks + 1):
        for i in range(k, n - (weeks - k) + 1):
            for j in range(k - 1, i):
                if best[k - 1][j] == inf:
                    continue
                mid_chapter = 0 < j and course[j].chapter == course[j - 1].chapter
                cost = best[k - 1][j] + (i - j - average) ** 2 + (cut_penalty if mid_chapter else 0.0)
                if cost < best[k][i] - 1e-12:
                    best[k][i], back[k][i] = cost, j
    cuts = [n]
    for k in range(weeks, 0, -1):
        cuts.append(back[k][cuts[-1]])
    cuts.reverse()
    return [course[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def workshop(course: list[Lesson]) -> Plan:
    """The one-week workshop: the days of ``WORKSHOP``, with the lessons of ``course`` they name."""
    by_key = {lesson_key(lesson): lesson for lesson in course}
    missing = [key for day in WORKSHOP for key in day if key not in by_key]
    if missing:
        raise ValueError(f"WORKSHOP names lessons that do not exist under chapters/: {missing}")
    days = tuple(tuple(by_key[key] for key in day) for day in WORKSHOP)
    return Plan(
        "A one-week workshop",
        f"five days, {sum(map(len, days))} lessons on the spine of the course: what a large model is, how a network "
        "learns, then a GPT tokenized, built, pre-trained, fine-tuned, applied and served",
        "Day",
        days,
    )


def plans(course: list[Lesson] | None = None) -> list[Plan]:
    """The three plans for the lessons ``course`` (default: every lesson under chapters/)."""
    course = lessons() if course is None else list(course)
    module = split_weeks(course, MODULE_WEEKS)
    semester = split_weeks(course, min(SEMESTER_WEEKS, len(course)))
    return [
        workshop(course),
        Plan(
            "A four-week module",
            f"every lesson once, in course order, about {len(course) / MODULE_WEEKS:.0f} a week",
            "Week",
            tuple(map(tuple, module)),
        ),
        Plan(
            "A full semester",
            f"every lesson once, in course order, over {len(semester)} weeks: two or three a week, "
            "with time for the exercises",
            "Week",
            tuple(map(tuple, semester)),
        ),
    ]


def outside_prerequisites(plan: Plan, course: list[Lesson]) -> list[Lesson]:
    """Lessons that a plan's lessons name as prerequisites ('lesson 2.4', 'lessons 1.2 and 1.6') but it leaves out."""
    by_number = {lesson_number(lesson): lesson for lesson in course}
    inside = {lesson_number(lesson) for lesson in plan.lessons()}
    named = {n for lesson in plan.lessons() for n in re.findall(r"\b(\d+\.\d+)\b", lesson.prerequisites)}
    return [by_number[n] for n in sorted(named - inside, key=lambda s: tuple(map(int, s.split(".")))) if n in by_number]


def _link(lesson: Lesson, base: str) -> str:
    return f"[{lesson_number(lesson)}]({base}{lesson.chapter}/{lesson.notebook.name})"


def plans_markdown(course: list[Lesson] | None = None, base: str = "chapters/") -> str:
    """The README's plans section in Markdown: each plan as a table of rows, lessons and run time."""
    course = lessons() if course is None else list(course)
    parts = []
    for plan in plans(course):
        times = plan.seconds()
        parts += [f"**{plan.name}**: {plan.summary}.", ""]
        parts += [f"| {plan.unit} | Lessons | Run time on a laptop CPU |", "| --- | --- | --- |"]
        for number, (week, seconds) in enumerate(zip(plan.weeks, times, strict=True), start=1):
            links = ", ".join(_link(lesson, base) for lesson in week)
            parts.append(f"| {number} | {links} | {format_minutes(seconds)} |")
        parts.append(f"| all | {len(plan.lessons())} lessons | {format_minutes(sum(times))} |")
        before = outside_prerequisites(plan, course)
        if before:
            named = ", ".join(_link(lesson, base) for lesson in before)
            parts += ["", f"Prerequisites this plan leaves out (assign as reading, or summarize them): {named}."]
        parts.append("")
    return "\n".join(parts).rstrip()
