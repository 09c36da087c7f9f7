import numpy as np
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
    with pytest.raises(ExerciseError, match="is too small"):
        check_equal("b", 3, 4)
    with pytest.raises(ExerciseError, match="is not right"):
        check_equal("b", "three", "four")
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
    assert "is too small" in expect_wrong(check_equal, "b", 3, 4)
    with pytest.raises(AssertionError, match="accepted an answer"):
        expect_wrong(check_equal, "b", 4, 4)


def test_exercise_error_is_an_assertion_error():
    assert issubclass(ExerciseError, AssertionError)


def test_check_tensor_rejects_a_float_answer_to_an_integer_tensor():
    with pytest.raises(ExerciseError, match="expected dtype torch.int64, got torch.float32"):
        check_tensor("c", torch.tensor([1.4, 0.2]), torch.tensor([1, 0]))
    with pytest.raises(ExerciseError, match="expected dtype torch.float64"):
        check_tensor("c", torch.ones(2), torch.ones(2, dtype=torch.float64))
    with pytest.raises(ExerciseError, match=r"expected shape \(2,\), got \(1, 2\)"):
        check_tensor("c", torch.ones(1, 2), torch.ones(2))
    with pytest.raises(ExerciseError, match="numpy array"):
        check_tensor("c", np.ones(2, dtype=np.float32), torch.ones(2))


def test_check_equal_handles_tensors_and_arrays(capsys):
    check_equal("t", torch.tensor([1, 2]), torch.tensor([1, 2]))
    check_equal("a", np.array([1, 2]), np.array([1, 2]))
    check_equal("n", torch.tensor(7), 7)
    assert capsys.readouterr().out.count("✓") == 3
    with pytest.raises(ExerciseError, match="1 of 2 values differ. Hint: h"):
        check_equal("t", torch.tensor([1, 3]), torch.tensor([1, 2]), hint="h")
    with pytest.raises(ExerciseError, match="expected shape"):
        check_equal("t", torch.tensor([1, 2, 3]), torch.tensor([1, 2]))
    with pytest.raises(ExerciseError, match="expected dtype"):
        check_equal("t", torch.tensor([1.0, 2.0]), torch.tensor([1, 2]))
    with pytest.raises(ExerciseError, match="expected a torch.Tensor, got list"):
        check_equal("t", [1, 2], torch.tensor([1, 2]))


def test_numpy_numbers_are_numbers(capsys):
    check_close("a", np.float32(0.5), 0.5)
    check_close("a", np.float64(0.5), 0.5)
    check_equal("b", np.int64(12), 12)
    check_close("c", np.array(2.0), 2.0)
    assert capsys.readouterr().out.count("✓") == 4
    with pytest.raises(ExerciseError, match="too small"):
        check_equal("b", np.int64(11), 12)
    with pytest.raises(ExerciseError, match="expected a number, got bool"):
        check_close("a", np.bool_(True), 1.0)


def test_messages_never_print_the_expected_value():
    message = expect_wrong(check_close, "a", 1.25, 987.654)
    assert "987.654" not in message and "too small" in message
    message = expect_wrong(check_equal, "b", 354823169, 354823168)
    assert "354,823,169 is too large" in message and "354823168" not in message.replace("354,823,169", "")
    assert "whole number" in expect_wrong(check_equal, "b", 2.5, 2)
    assert "expected a str, got float" in expect_wrong(check_equal, "s", 2.3, "2.3")


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="rel must be"):
        check_close("a", 1.0, 1.0, rel=-1)
    with pytest.raises(ValueError, match="expected must be a number"):
        check_close("a", 1.0, "1.0")
    with pytest.raises(ValueError, match="expected must be a torch.Tensor"):
        check_tensor("c", torch.ones(1), [1.0])
    with pytest.raises(ValueError, match="name must be a non-empty str"):
        check_equal("", 1, 1)
    with pytest.raises(ValueError, match="check must be callable"):
        expect_wrong(None, 1)
