"""Word tokenizer, bag of words, the pooling classifier and the confusion matrix."""

import pytest
import torch

from lib.data.word_tokenizer import WordTokenizer, bag_of_words, words
from lib.models.text_classifier import EmbeddingPoolClassifier, classify_texts, masked_mean
from lib.scratch.metrics import confusion_matrix, per_class_recall
from lib.viz.confusion import plot_confusion


def test_words_lowercase_and_split_punctuation():
    assert words("Return the Loop's time, 42.") == ["return", "the", "loop", "'", "s", "time", ",", "42", "."]


def test_vocabulary_is_by_frequency_then_alphabetical_and_unknowns_map_to_unk():
    tok = WordTokenizer.train(["b a a", "c b a", "d"], max_words=10, min_count=2)
    assert tok.itos == ["<pad>", "<unk>", "a", "b"]
    assert tok.encode("a b c") == [2, 3, WordTokenizer.unk_id]
    assert tok.decode([2, 3, 1]) == "a b <unk>"


def test_encode_batch_cuts_and_pads():
    tok = WordTokenizer(["x", "y"])
    batch = tok.encode_batch(["x y x y", "y"], max_len=3)
    assert batch.tolist() == [[2, 3, 2], [3, 0, 0]]


def test_bag_of_words_counts_and_ignores_padding():
    ids = torch.tensor([[2, 3, 2, 0], [1, 0, 0, 0]])
    counts = bag_of_words(ids, vocab_size=4)
    assert counts.tolist() == [[0, 0, 2, 1], [0, 1, 0, 0]]


def test_masked_mean_ignores_padding_positions():
    x = torch.tensor([[[1.0], [3.0], [100.0]], [[2.0], [4.0], [6.0]]])
    mask = torch.tensor([[True, True, False], [True, True, True]])
    torch.testing.assert_close(masked_mean(x, mask), torch.tensor([[2.0], [4.0]]))


def test_classifier_output_does_not_depend_on_padding_length():
    torch.manual_seed(0)
    model = EmbeddingPoolClassifier(vocab_size=10, n_classes=3, d_embed=4, hidden=5).eval()
    short = torch.tensor([[4, 5, 6]])
    padded = torch.tensor([[4, 5, 6, 0, 0, 0, 0]])
    torch.testing.assert_close(model(short), model(padded))
    assert model(short).shape == (1, 3)


def test_confusion_matrix_rows_are_truth_and_recall_reads_the_diagonal():
    predicted = torch.tensor([0, 1, 1, 2, 2, 2])
    target = torch.tensor([0, 1, 2, 2, 2, 0])
    cm = confusion_matrix(predicted, target, 3)
    assert cm.tolist() == [[1, 0, 1], [0, 1, 0], [0, 1, 2]]
    torch.testing.assert_close(per_class_recall(cm), torch.tensor([0.5, 1.0, 2 / 3], dtype=torch.float64))


def test_bad_inputs_are_clear_errors():
    with pytest.raises(TypeError, match="text must be a str"):
        words(3)
    with pytest.raises(ValueError, match="reserved tokens"):
        WordTokenizer(["<unk>"])
    with pytest.raises(TypeError, match="texts must be a sequence of str"):
        WordTokenizer(["a"]).encode_batch("a b")
    with pytest.raises(ValueError, match="ids must be ints in"):
        WordTokenizer(["a"]).decode([5])
    with pytest.raises(ValueError, match="ids must be a 2-D int64 tensor"):
        bag_of_words(torch.zeros(3, dtype=torch.long), 4)
    with pytest.raises(ValueError, match="n_classes must be an int of at least 2"):
        EmbeddingPoolClassifier(10, 1)
    with pytest.raises(ValueError, match="ids must be a 2-D int64 tensor"):
        EmbeddingPoolClassifier(10, 2)(torch.zeros(2, 3))
    with pytest.raises(ValueError, match=r"class ids must lie in \[0, 2\)"):
        confusion_matrix(torch.tensor([0, 2]), torch.tensor([0, 1]), 2)
    with pytest.raises(ValueError, match="same length"):
        confusion_matrix(torch.tensor([0]), torch.tensor([0, 1]), 2)


def test_classify_texts_gives_probabilities_and_restores_training_mode():
    torch.manual_seed(0)
    tok = WordTokenizer(["alpha", "beta"])
    model = EmbeddingPoolClassifier(tok.vocab_size, n_classes=3, d_embed=4, hidden=4, dropout=0.5).train()
    probs = classify_texts(model, tok, ["alpha beta", "gamma"], max_len=8)
    assert probs.shape == (2, 3)
    torch.testing.assert_close(probs.sum(dim=1), torch.ones(2))
    torch.testing.assert_close(probs, classify_texts(model, tok, ["alpha beta", "gamma"], max_len=8))  # no dropout
    assert model.training
    with pytest.raises(TypeError, match="tokenizer must be"):
        classify_texts(model, "tok", ["a"])


def test_plot_confusion_writes_counts_and_checks_its_input():
    import matplotlib.pyplot as plt

    ax = plot_confusion(torch.tensor([[3, 1], [0, 2]]), ["a", "b"])
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3"]  # the zero cell is left blank
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    plt.close("all")
    with pytest.raises(ValueError, match="classes must name all 2 classes"):
        plot_confusion(torch.tensor([[3, 1], [0, 2]]), ["a"])
