import pytest
import torch

from lib.core.checkpoint import CACHE_ENV
from lib.core.seeding import seeded
from lib.data.char_tokenizer import CharTokenizer
from lib.data.docstrings import load_docstrings
from lib.models.gpt import GPT, GPTConfig
from lib.train.finetune import (
    FinetuneRecipe,
    classifier_accuracy,
    classifier_predictions,
    encode_texts,
    finetuned_docstring_classifier,
    model_fingerprint,
)

TEXT = "".join(sorted(set("".join(load_docstrings("train").texts[:200]))))
TOKENIZER = CharTokenizer(TEXT)
CONFIG = GPTConfig(vocab_size=TOKENIZER.vocab_size, context_length=16, n_layer=1, n_head=2, d_model=16)
RECIPE = FinetuneRecipe(steps=2, batch_size=8, lr=1e-3)


def _gpt(seed: int = 0) -> GPT:
    with seeded(seed):
        return GPT(CONFIG)


def test_fingerprint_changes_with_any_weight():
    a, b = _gpt(), _gpt()
    assert model_fingerprint(a) == model_fingerprint(b)
    with torch.no_grad():
        b.lm_head.weight[0, 0] += 1e-3
    assert model_fingerprint(a) != model_fingerprint(b)


def test_cached_classifier_trains_once_then_loads_the_same_weights(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    gpt = _gpt()
    before = {k: v.clone() for k, v in gpt.state_dict().items()}
    first, classes = finetuned_docstring_classifier(gpt, TOKENIZER, RECIPE, max_len=16, name="test")
    files = list(tmp_path.glob("test-docstrings-*.pt"))
    assert len(files) == 1 and classes == load_docstrings("train").classes
    for k, v in gpt.state_dict().items():  # the base GPT is left untouched
        torch.testing.assert_close(v, before[k])
    stamp = files[0].stat().st_mtime_ns
    second, _ = finetuned_docstring_classifier(gpt, TOKENIZER, RECIPE, max_len=16, name="test")
    assert files[0].stat().st_mtime_ns == stamp  # loaded, not retrained
    x, y = encode_texts(TOKENIZER, load_docstrings("test"), 16)
    torch.testing.assert_close(second(x[:32]), first(x[:32]))
    assert classifier_accuracy(second, x, y) == (classifier_predictions(first, x) == y).float().mean().item()
    # a different base model does not reuse the cached fine-tune
    other, _ = finetuned_docstring_classifier(_gpt(1), TOKENIZER, RECIPE, max_len=16, name="test")
    assert not torch.equal(other(x[:4]), first(x[:4]))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="max_len"):
        finetuned_docstring_classifier(_gpt(), TOKENIZER, RECIPE, max_len=17)
    with pytest.raises(TypeError, match="gpt"):
        finetuned_docstring_classifier(object(), TOKENIZER, RECIPE)
    with pytest.raises(ValueError, match="steps"):
        FinetuneRecipe(steps=0)
