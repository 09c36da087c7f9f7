import pytest
import torch
import torch.nn.functional as F

from lib.data.doc_questions import (
    IGNORE_INDEX,
    QAPair,
    doc_question_pairs,
    first_sentence,
    format_prompt,
    sft_batch,
    sft_example,
)
from lib.data.pydoc_corpus import load_python_docs


def _encode(text: str) -> list[int]:
    return [ord(c) % 50 for c in text]


def test_pairs_come_from_the_documentation_with_a_held_out_part():
    pairs = doc_question_pairs()
    held = [p for p in pairs if p.held_out]
    assert len(pairs) >= 100 and 10 <= len(held) <= len(pairs) // 4
    assert len({p.title for p in pairs}) == len(pairs)
    with_title = {p.title: p.answer for p in pairs}
    assert with_title['The "for" statement'].startswith('The "for" statement is used to iterate')
    split_text = {
        True: " ".join(load_python_docs("validation").split()),
        False: " ".join(load_python_docs("train").split()),
    }
    for p in pairs:
        assert p.answer.endswith(".") and "\n" not in p.answer
        # the answer's paragraph lies in the split its flag says: held-out answers are never pre-trained on
        assert " ".join(p.answer.split()[:5]) in split_text[p.held_out]


def test_first_sentence_skips_grammar_and_notes():
    assert first_sentence("   for_stmt ::= 'for' target") is None
    assert first_sentence("Note: this is a note about something long enough.") is None
    assert first_sentence("The thing does work as designed. And then more.") == "The thing does work as designed."
    assert first_sentence("An attribute reference is a primary followed by a name:") == (
        "An attribute reference is a primary followed by a name."
    )
    with pytest.raises(TypeError, match="paragraph must be a str"):
        first_sentence(3)


def test_prompt_format_and_text():
    pair = QAPair("Lambdas", "Lambda expressions create anonymous functions.", "lambda", False)
    assert pair.prompt == format_prompt("Lambdas") == "Q: Explain Lambdas.\nA: "
    assert pair.text == pair.prompt + pair.answer + "\n"
    with pytest.raises(ValueError, match="title must be"):
        format_prompt("two\nlines")


def test_mask_leaves_only_the_answer_in_the_loss():
    pair = QAPair("Lambdas", "Lambda expressions create anonymous functions.", "lambda", False)
    inputs, targets = sft_example(_encode, pair, 80)
    ids = _encode(pair.text)
    n_prompt = len(_encode(pair.prompt))
    assert inputs[: len(ids) - 1].tolist() == ids[:-1]
    assert (targets[: n_prompt - 1] == IGNORE_INDEX).all() and (targets[len(ids) - 1 :] == IGNORE_INDEX).all()
    assert targets[n_prompt - 1 : len(ids) - 1].tolist() == ids[n_prompt:]
    logits = torch.randn(80, 50, generator=torch.Generator().manual_seed(0))
    masked = F.cross_entropy(logits, targets, ignore_index=IGNORE_INDEX)
    answer_positions = range(n_prompt - 1, len(ids) - 1)
    by_hand = sum(-torch.log_softmax(logits[t], -1)[ids[t + 1]] for t in answer_positions) / len(answer_positions)
    torch.testing.assert_close(masked, by_hand)


def test_long_examples_are_cut_and_batches_stack():
    pair = QAPair("Lambdas", "Lambda expressions create anonymous functions.", "lambda", False)
    inputs, targets = sft_example(_encode, pair, 25)
    assert inputs.shape == targets.shape == (25,) and (targets != IGNORE_INDEX).sum() > 0
    x, y = sft_batch(_encode, [pair, pair], 60)
    assert x.shape == y.shape == (2, 60)
    with pytest.raises(ValueError, match="leaves no answer token"):
        sft_example(_encode, pair, 10)
    with pytest.raises(ValueError, match="pairs must hold"):
        sft_batch(_encode, [], 10)
    with pytest.raises(TypeError, match="pair must be a QAPair"):
        sft_example(_encode, "text", 10)


def test_bad_val_fraction_is_a_clear_error():
    with pytest.raises(ValueError, match="val_fraction"):
        doc_question_pairs(1.5)
