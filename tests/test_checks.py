import pytest
import torch

from lib.course.checks import ExerciseError, check_close, check_equal, check_tensor, expect_wrong


def test_right_answers_pass_and_say_so(capsys):
    check_close("a", 1.0 + 1e-9, 1.0)
    check_equal("b", (1, 2), (1, 2))
    check_tensor("c", torch.ones(2), torch.ones(2))
    assert capsys.readouterr().out.count("✓") == 3


def test_wrong_answers_raise_with_hints():
    with pytest.raises(ExerciseError, match="Hint: think"):
        check_close("a", 1.1, 1.0, hint="think")
    with pytest.raises(ExerciseError, match="is not right"):
        check_equal("b", 3, 4)
    with pytest.raises(ExerciseError, match="expected shape"):
        check_tensor("c", torch.ones(3), torch.ones(2))
    with pytest.raises(ExerciseError, match="values differ"):
        check_tensor("c", torch.zeros(2), torch.ones(2))


def test_wrong_types_are_explained():
    with pytest.raises(ExerciseError, match="expected a number"):
        check_close("a", "1.0", 1.0)
    with pytest.raises(ExerciseError, match="single number"):
        check_close("a", torch.ones(2), 1.0)
    with pytest.raises(ExerciseError, match="expected a torch.Tensor"):
        check_tensor("c", [1.0], torch.ones(1))


def test_single_element_tensors_count_as_numbers(capsys):
    check_close("a", torch.tensor(2.0), 2.0)
    assert "✓" in capsys.readouterr().out


def test_expect_wrong_returns_message_and_catches_lenient_checks():
    assert "is not right" in expect_wrong(check_equal, "b", 3, 4)
    with pytest.raises(AssertionError, match="accepted an answer"):
        expect_wrong(check_equal, "b", 4, 4)


def test_exercise_error_is_an_assertion_error():
    assert issubclass(ExerciseError, AssertionError)
