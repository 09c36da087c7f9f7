"""Every registered exercise accepts its reference answer and rejects its known wrong one, and every
exercise in every lesson is registered: the lessons' check ids and the registry are the same set."""

import re

import pytest
import torch

from lib.course.catalogue import lesson_sources, read_lesson
from lib.course.checks import ExerciseError
from lib.course.exercises import Exercise, check, exercise, registry

EXERCISES = list(registry().values())
CHECK_CALL = re.compile(r"""^\s*check\(\s*["']([^"']+)["']""", re.M)


def _lesson_number(source) -> str:
    return read_lesson(source).title.split()[0]


@pytest.mark.parametrize("item", EXERCISES, ids=lambda e: e.id)
def test_reference_answer_passes(item, capsys):
    inputs = item.example_inputs()
    check(item.id, item.reference(**inputs), **inputs)
    assert f"✓ {item.title}: correct" in capsys.readouterr().out


@pytest.mark.parametrize("item", EXERCISES, ids=lambda e: e.id)
def test_known_wrong_answer_fails_with_the_hint(item):
    inputs = item.example_inputs()
    with pytest.raises(ExerciseError, match=re.escape(item.hint)):
        check(item.id, item.wrong(**inputs), **inputs)


@pytest.mark.parametrize("source", lesson_sources(), ids=lambda p: p.stem)
def test_lesson_checks_are_exactly_its_registered_exercises(source):
    text = source.read_text(encoding="utf-8")
    called = CHECK_CALL.findall(text)
    number = _lesson_number(source)
    chapter = number.split(".")[0]
    if not any(e.lesson.split(".")[0] == chapter for e in EXERCISES):
        pytest.skip(f"chapter {chapter} has no exercise registry yet: add lib/course/exercises/ch{int(chapter):02d}.py")
    registered = [e.id for e in EXERCISES if e.lesson == number]
    assert registered, f"lesson {number} has no registered exercise"
    assert sorted(set(called)) == sorted(registered), f"lesson {number}: check ids differ from the registry"
    assert text.count("# BEGIN SOLUTION") == len(registered), "one solution block per registered exercise"
    assert "check_close(" not in text and "check_equal(" not in text and "check_tensor(" not in text, (
        "lessons call check(id, answer); the expected value belongs in lib.course.exercises"
    )
    assert "expect_wrong(check," in text, "show once per lesson that a wrong answer is rejected"


def test_every_registered_exercise_belongs_to_a_lesson():
    numbers = {_lesson_number(source) for source in lesson_sources()}
    assert {e.lesson for e in EXERCISES} <= numbers
    assert len(EXERCISES) >= 45


def test_hints_do_not_state_the_expected_value():
    for item in EXERCISES:
        if item.inputs or item.kind == "tensor":
            continue
        value = item.expected()
        if isinstance(value, (list, tuple)):
            forms = {repr(value)}
        else:
            forms = {f"{value:g}", repr(value)} if not isinstance(value, str) else {value}
        assert not any(form in item.hint for form in forms if len(form) >= 2), item.id


def test_grading_leaves_the_global_generator_alone(capsys):
    before = torch.get_rng_state()
    for item in EXERCISES:
        inputs = item.example_inputs()
        check(item.id, item.reference(**inputs), **inputs)
    assert torch.equal(torch.get_rng_state(), before)


def test_unknown_id_names_the_lessons_exercises():
    with pytest.raises(ValueError, match=r"exercise_id '1.1.nope' is not registered; known: 1.1.gpt2-medium-params"):
        exercise("1.1.nope")


def test_missing_or_unexpected_inputs_are_named():
    with pytest.raises(ValueError, match=r"missing \['truth'\].*probability=..., truth=..."):
        check("1.8.sensitivity", 0.5, probability=torch.rand(3))
    with pytest.raises(ValueError, match=r"unexpected \['model'\]"):
        check("1.1.gpt2-medium-params", 1, model=None)


def test_exercise_validates_its_fields():
    fields = dict(title="t", kind="close", expected=lambda: 1.0, reference=lambda: 1.0, wrong=lambda: 2.0, hint="h")
    assert Exercise("3.1.ok", **fields).lesson == "3.1"
    with pytest.raises(ValueError, match="id must look like"):
        Exercise("1.1 bad id", **fields)
    with pytest.raises(ValueError, match="kind must be one of"):
        Exercise("3.1.ok", **{**fields, "kind": "approximately"})
    with pytest.raises(ValueError, match="rel must be"):
        Exercise("3.1.ok", **fields, rel=-1.0)
    with pytest.raises(ValueError, match="hint must be"):
        Exercise("3.1.ok", **{**fields, "hint": ""})
