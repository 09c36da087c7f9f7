import pytest
import torch

from lib.core.seeding import seeded
from lib.models.gpt import GPT, GPTConfig
from lib.models.gpt_classifier import GPTClassifier, pad_id_sequences

CONFIG = GPTConfig(vocab_size=30, context_length=16, n_layer=2, n_head=2, d_model=16)


def _gpt() -> GPT:
    with seeded(0):
        return GPT(CONFIG).eval()


def test_hidden_states_are_what_the_lm_head_reads():
    gpt = _gpt()
    ids = torch.randint(0, 30, (3, 10), generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(gpt.lm_head(gpt.hidden_states(ids)), gpt(ids)[0])
    assert gpt.hidden_states(ids).shape == (3, 10, 16)


def test_hidden_states_with_a_cache_continue_the_sequence():
    gpt = _gpt()
    ids = torch.randint(0, 30, (1, 9), generator=torch.Generator().manual_seed(2))
    cache = gpt.new_kv_cache()
    first = gpt.hidden_states(ids[:, :5], cache)
    second = gpt.hidden_states(ids[:, 5:], cache)
    torch.testing.assert_close(torch.cat([first, second], dim=1), gpt.hidden_states(ids), atol=1e-5, rtol=1e-5)


def test_hidden_states_reject_bad_ids_and_long_sequences():
    gpt = _gpt()
    with pytest.raises(ValueError, match="idx must be a 2-D tensor"):
        gpt.hidden_states(torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="exceeds context_length"):
        gpt.hidden_states(torch.zeros(1, 17, dtype=torch.long))


def test_mean_pooling_matches_a_hand_average_and_ignores_padding():
    gpt = _gpt()
    with seeded(0):
        model = GPTClassifier(gpt, 3).eval()
    ids = pad_id_sequences([[1, 2, 3, 4], [5, 6]], 6)
    hidden = gpt.hidden_states(torch.where(ids >= 0, ids, 0))
    by_hand = torch.stack([hidden[0, :4].mean(0), hidden[1, :2].mean(0)])
    torch.testing.assert_close(model.features(ids), by_hand)
    torch.testing.assert_close(model(ids), by_hand @ model.head.weight.T + model.head.bias)
    torch.testing.assert_close(model(ids[1:, :2]), model(ids[1:]))  # padding after a text changes nothing


def test_last_pooling_reads_the_last_real_token():
    gpt = _gpt()
    model = GPTClassifier(gpt, 2, pool="last").eval()
    ids = pad_id_sequences([[1, 2, 3], [4, 5, 6, 7, 8]], 8)
    hidden = gpt.hidden_states(torch.where(ids >= 0, ids, 0))
    torch.testing.assert_close(model.features(ids), torch.stack([hidden[0, 2], hidden[1, 4]]))


def test_classifier_gradients_reach_the_gpt():
    gpt = _gpt().train()
    model = GPTClassifier(gpt, 2)
    model(pad_id_sequences([[1, 2], [3]], 4)).sum().backward()
    assert gpt.token_embedding.weight.grad is not None and model.head.weight.grad is not None


def test_bad_arguments_are_clear_errors():
    gpt = _gpt()
    with pytest.raises(TypeError, match="gpt must be"):
        GPTClassifier(torch.nn.Linear(2, 2), 2)
    with pytest.raises(ValueError, match="pool must be one of"):
        GPTClassifier(gpt, 2, pool="max")
    with pytest.raises(ValueError, match="n_classes"):
        GPTClassifier(gpt, 1)
    with pytest.raises(ValueError, match="start with a real token"):
        GPTClassifier(gpt, 2)(torch.tensor([[-1, 3, 4]]))
    with pytest.raises(ValueError, match="ids must be a 2-D tensor"):
        GPTClassifier(gpt, 2)(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="sequences\\[1\\] is empty"):
        pad_id_sequences([[1], []], 4)
    with pytest.raises(ValueError, match="max_len"):
        pad_id_sequences([[1]], 0)


def test_pad_id_sequences_cuts_and_pads():
    out = pad_id_sequences([[1, 2, 3, 4, 5], [6]], 3, pad_id=-1)
    assert out.tolist() == [[1, 2, 3], [6, -1, -1]]
