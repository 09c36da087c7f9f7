import pytest
import torch

from lib.core.seeding import seeded
from lib.data.char_tokenizer import CharTokenizer
from lib.models.gpt import GPT, GPTConfig
from lib.models.text_embedding import layer_states, mean_pooled_embeddings

TOKENIZER = CharTokenizer("abcdefgh ")
CONFIG = GPTConfig(vocab_size=TOKENIZER.vocab_size, context_length=8, n_layer=2, n_head=2, d_model=16)


def _gpt() -> GPT:
    with seeded(0):
        return GPT(CONFIG).eval()


def test_layer_states_are_the_models_own_computation():
    gpt = _gpt()
    ids = torch.tensor([[1, 2, 3, 4]])
    zero, one, final = layer_states(gpt, ids, [0, 1, 2])
    with torch.no_grad():
        torch.testing.assert_close(zero, gpt.embed(ids))
        torch.testing.assert_close(one, gpt.blocks[0](gpt.embed(ids)))
        torch.testing.assert_close(final, gpt.hidden_states(ids))


def test_mean_pooling_over_windows_equals_the_mean_over_every_token():
    gpt = _gpt()
    text = "abcdefgh abcdefgh ab"  # 20 characters: windows of 8, 8 and 4 tokens
    pooled = mean_pooled_embeddings(gpt, TOKENIZER, [text, "abc"], layers=[1, 2], batch_size=2)
    ids = TOKENIZER.encode(text)
    with torch.no_grad():
        parts = [layer_states(gpt, torch.tensor([ids[i : i + 8]]), [1])[0][0] for i in range(0, 20, 8)]
    torch.testing.assert_close(pooled[1][0], torch.cat(parts).mean(dim=0))
    with torch.no_grad():
        short = gpt.hidden_states(torch.tensor([TOKENIZER.encode("abc")]))[0].mean(dim=0)
    torch.testing.assert_close(pooled[2][1], short)  # padding in its batch did not leak into the mean


def test_bad_layers_and_texts_raise():
    gpt = _gpt()
    with pytest.raises(ValueError, match="layers"):
        layer_states(gpt, torch.tensor([[1]]), [3])
    with pytest.raises(ValueError, match="texts"):
        mean_pooled_embeddings(gpt, TOKENIZER, "abc")
    with pytest.raises(ValueError, match="batch_size"):
        mean_pooled_embeddings(gpt, TOKENIZER, ["abc"], batch_size=0)
