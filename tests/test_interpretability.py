"""Tests of the interpretability tools: text labels, token states, attention scores, saliency and probes."""

from __future__ import annotations

import copy

import pytest
import torch

from lib.core.seeding import seeded
from lib.data.char_tokenizer import CharTokenizer
from lib.data.text_labels import (
    balanced_subset,
    bracket_pairs,
    control_labels,
    indented_characters,
    quoted_characters,
    token_end_characters,
    token_labels,
)
from lib.models.attention_maps import gpt_attention_maps, pair_scores, previous_token_scores, uniform_pair_score
from lib.models.gpt import GPT, GPTConfig
from lib.models.saliency import (
    gradient_norm,
    gradient_x_input,
    log_prob_from_embeddings,
    occlusion,
    randomized_copy,
    rank_correlation,
)
from lib.models.text_embedding import layer_states
from lib.models.token_states import token_states, window_plan
from lib.train.probes import probe_accuracy, probe_layers

TOKENIZER = CharTokenizer('abcdefgh "()\n')
CONFIG = GPTConfig(
    vocab_size=TOKENIZER.vocab_size, context_length=8, n_layer=2, n_head=2, d_model=16, position="rotary"
)


def _gpt() -> GPT:
    with seeded(0):
        return GPT(CONFIG).eval()


# ---- labels ----------------------------------------------------------------------------------------


def test_quoted_characters_by_hand():
    assert quoted_characters('a "bc" d') == [0, 0, 1, 1, 1, 0, 0, 0]
    assert quoted_characters('"a\n\nb') == [1, 1, 1, 0, 0]  # a blank line closes an unbalanced quote


def test_indented_characters_by_hand():
    assert indented_characters("ab\n   c\n d", min_indent=3) == [0, 0, 0, 1, 1, 1, 1, 0, 0, 0]
    with pytest.raises(ValueError, match="min_indent"):
        indented_characters("x", min_indent=0)


def test_token_labels_take_the_last_characters_label_with_a_multibyte_bpe():
    from lib.data.bpe import BPETokenizer

    text = 'the "name’s" value and "name" again'
    tokenizer = BPETokenizer.train(text * 5, 300)
    ids = tokenizer.encode(text)
    ends = token_end_characters(tokenizer, text, ids)
    assert ends[-1] == len(text) - 1 and ends == sorted(ends)
    decoded = [tokenizer.decode(ids[: i + 1]) for i in range(len(ids))]
    for i, end in enumerate(ends):  # the prefix up to the token decodes to the text up to its last character
        if "\ufffd" not in decoded[i]:
            assert decoded[i] == text[: end + 1]
    labels = token_labels(tokenizer, text, ids, "quoted")
    chars = quoted_characters(text)
    assert labels.tolist() == [chars[e] for e in ends]
    with pytest.raises(ValueError, match="ids must encode text"):
        token_end_characters(tokenizer, text + "x", ids)
    with pytest.raises(ValueError, match="task"):
        token_labels(tokenizer, text, ids, "bold")


def test_control_labels_are_one_label_per_type_with_the_given_frequencies():
    ids = torch.randint(0, 400, (5000,), generator=torch.Generator().manual_seed(0))
    control = control_labels(ids, [0.5, 0.5], seed=3)
    for token in ids.unique()[:50].tolist():
        assert control[ids == token].unique().numel() == 1
    per_type = torch.stack([control[ids == t][0] for t in ids.unique().tolist()])
    assert abs(per_type.float().mean().item() - 0.5) < 0.1
    skewed = control_labels(ids, [0.9, 0.1], seed=3)
    per_type = torch.stack([skewed[ids == t][0] for t in ids.unique().tolist()])
    assert abs(per_type.float().mean().item() - 0.1) < 0.06
    assert torch.equal(control, control_labels(ids, [0.5, 0.5], seed=3))
    with pytest.raises(ValueError, match="frequencies"):
        control_labels(ids, [1.0])


def test_bracket_pairs_and_balanced_subset():
    assert bracket_pairs("f(a(b)c) )(") == [(1, 7), (3, 5)]
    with pytest.raises(ValueError, match="opening"):
        bracket_pairs("x", "(", "(")
    labels = torch.tensor([0] * 90 + [1] * 10)
    index = balanced_subset(labels, 10, seed=1)
    assert len(index) == 20 and labels[index].sum() == 10 and index.unique().numel() == 20


# ---- token states and attention scores -------------------------------------------------------------


def test_window_plan_keeps_every_position_once_with_warmup():
    for n in (5, 8, 9, 23, 40):
        plan = window_plan(n, 8, 3)
        kept = [p for start, keep, stop in plan for p in range(keep, stop)]
        assert kept == list(range(n))
        for start, keep, stop in plan:
            assert stop - start <= 8 and (start == 0 or keep - start >= 3)
    with pytest.raises(ValueError, match="warmup"):
        window_plan(10, 8, 8)


def test_token_states_equal_the_models_states_in_a_window_and_depend_on_context():
    gpt = _gpt()
    ids = torch.tensor(TOKENIZER.encode('ab "cd" (ef)\ngh a'))
    states = token_states(gpt, ids, [0, 1, 2], warmup=3, batch_size=2)
    assert states[1].shape == (len(ids), 16)
    plan = window_plan(len(ids), 8, 3)
    for start, keep, stop in plan:
        expected = layer_states(gpt, ids[None, start : start + 8], [1])[0][0, keep - start : stop - start]
        torch.testing.assert_close(states[1][keep:stop], expected)
    torch.testing.assert_close(states[0], gpt.embed(ids[None])[0].detach())


def test_previous_token_and_pair_scores_by_hand():
    gpt = _gpt()
    ids = torch.tensor([TOKENIZER.encode("abcdefgh"), TOKENIZER.encode("hgfedcba")])
    maps = gpt_attention_maps(gpt, ids)
    expected = torch.zeros(2, 2)
    for layer in range(2):
        for head in range(2):
            expected[layer, head] = sum(maps[layer, b, head, t, t - 1] for b in range(2) for t in range(1, 8)) / 14
    torch.testing.assert_close(previous_token_scores(maps), expected)
    pairs = torch.tensor([[0, 5, 2], [1, 7, 0]])
    manual = (maps[:, 0, :, 5, 2] + maps[:, 1, :, 7, 0]) / 2
    torch.testing.assert_close(pair_scores(maps, pairs), manual)
    assert uniform_pair_score(pairs) == pytest.approx((1 / 6 + 1 / 8) / 2)
    with pytest.raises(ValueError, match="key <= query"):
        pair_scores(maps, torch.tensor([[0, 2, 5]]))
    with pytest.raises(ValueError, match="maps"):
        previous_token_scores(torch.zeros(3, 3))


# ---- saliency ---------------------------------------------------------------------------------------


def test_gradient_x_input_matches_a_float64_finite_difference():
    gpt = copy.deepcopy(_gpt()).double()
    ids = torch.tensor(TOKENIZER.encode('a"bc(d'))
    position, target = 5, 3
    saliency = gradient_x_input(gpt, ids, position, target)
    with torch.no_grad():
        e = gpt.embed(ids[None])
    h = 1e-6
    for i in range(len(ids)):
        up, down = e.clone(), e.clone()
        up[0, i] *= 1 + h
        down[0, i] *= 1 - h
        with torch.no_grad():
            fd = (
                log_prob_from_embeddings(gpt, up, position, target)
                - log_prob_from_embeddings(gpt, down, position, target)
            ) / (2 * h)
        assert saliency.scores[i].item() == pytest.approx(fd.item(), rel=1e-5, abs=1e-9)
    with torch.no_grad():
        logits = gpt(ids[None])[0][0, position]
    assert saliency.log_prob == pytest.approx(torch.log_softmax(logits, -1)[target].item(), rel=1e-9)


def test_occlusion_is_the_drop_when_a_token_embedding_is_zeroed():
    gpt = _gpt()
    ids = torch.tensor(TOKENIZER.encode("abcdef"))
    result = occlusion(gpt, ids, 4, target=2)
    with torch.no_grad():
        e = gpt.embed(ids[None])
        full = log_prob_from_embeddings(gpt, e, 4, 2)
        for i in range(5):
            zeroed = e.clone()
            zeroed[0, i] = 0
            assert result.scores[i].item() == pytest.approx(
                (full - log_prob_from_embeddings(gpt, zeroed, 4, 2)).item(), abs=1e-5
            )
    assert result.scores[5] == 0  # after the predicting position: cannot matter in a causal model
    assert gradient_x_input(gpt, ids, 4, 2).scores[5] == 0
    assert torch.all(gradient_norm(gpt, ids, 4, 2).scores[:5] > 0)
    with pytest.raises(ValueError, match="position"):
        occlusion(gpt, ids, 6)
    with pytest.raises(ValueError, match="target"):
        gradient_x_input(gpt, ids, 2, target=10**6)


def test_randomized_copy_changes_blocks_only():
    gpt = _gpt()
    random = randomized_copy(gpt, blocks=[1], seed=5)
    assert torch.equal(random.token_embedding.weight, gpt.token_embedding.weight)
    kept, changed = random.blocks[0].state_dict(), random.blocks[1].state_dict()
    assert all(torch.equal(kept[k], v) for k, v in gpt.blocks[0].state_dict().items())
    weights = [k for k in changed if k.endswith("weight") and changed[k].ndim == 2]
    assert weights and not any(torch.equal(changed[k], gpt.blocks[1].state_dict()[k]) for k in weights)
    with seeded(5):
        fresh = GPT(CONFIG)
    assert all(torch.equal(changed[k], v) for k, v in fresh.blocks[1].state_dict().items())
    with pytest.raises(ValueError, match="blocks"):
        randomized_copy(gpt, blocks=[2])


def test_rank_correlation_against_scipy_free_cases():
    a = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert rank_correlation(a, a * 10) == pytest.approx(1.0)
    assert rank_correlation(a, -a) == pytest.approx(-1.0)
    assert rank_correlation(a, torch.tensor([1.0, 3.0, 2.0, 4.0])) == pytest.approx(1 - 6 * 2 / (4 * 15))
    with pytest.raises(ValueError):
        rank_correlation(a, a[:3])


# ---- probes -----------------------------------------------------------------------------------------


def test_linear_probe_reads_a_linear_label_and_not_a_random_one():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1200, 10, generator=g)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    noise = torch.randint(0, 2, (1200,), generator=g)
    good = probe_accuracy(x[:1000], y[:1000], x[1000:], y[1000:], seed=0, epochs=20, lr=1e-2)
    bad = probe_accuracy(x[:1000], noise[:1000], x[1000:], noise[1000:], seed=0, epochs=20, lr=1e-2)
    assert good > 0.95 and bad < 0.65
    assert good == probe_accuracy(x[:1000], y[:1000], x[1000:], y[1000:], seed=0, epochs=20, lr=1e-2)
    with pytest.raises(ValueError, match="train_y"):
        probe_accuracy(x, y[:5], x, y)


def test_probe_layers_and_selectivity_separate_context_from_memorized_types():
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(0, 20, (2000,), generator=g)
    context = torch.randn(2000, generator=g)
    labels = (context > 0).long()
    control = control_labels(ids, [0.5, 0.5], seed=0)
    one_hot = torch.nn.functional.one_hot(ids, 20).float()
    states = {0: one_hot, 1: torch.cat([context[:, None], torch.randn(2000, 3, generator=g)], dim=1)}
    train, test = torch.arange(1500), torch.arange(1500, 2000)
    table = probe_layers(states, labels, control, train, test, seeds=(0, 1), epochs=20, lr=1e-2)
    assert table.task.shape == (2, 2) and table.layers == (0, 1)
    assert table.control[0].min() > 0.95 and table.task[0].max() < 0.6  # layer 0: only token identity
    assert table.task[1].min() > 0.95 and table.control[1].max() < 0.7  # layer 1: only the context
    torch.testing.assert_close(table.selectivity, table.task - table.control)
