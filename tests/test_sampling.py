"""Tests of lib.models.sampling: cached and uncached generation agree, filters, seeds and devices."""

import pytest
import torch
from torch import nn

from lib.models.gpt import GPT, GPTConfig
from lib.models.sampling import filter_logits, generate, sampling_generator

TINY = GPTConfig(vocab_size=17, context_length=8, n_layer=2, n_head=2, d_model=16)


def _model(seed: int = 0) -> GPT:
    torch.manual_seed(seed)
    return GPT(TINY)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"top_k": 1},  # greedy
        {"seed": 3},
        {"seed": 4, "temperature": 0.7, "top_k": 5},
        {"seed": 5, "temperature": 1.3, "top_p": 0.8},
    ],
)
@pytest.mark.parametrize("new_tokens", [4, 13])  # 13: past the context of 8, so the window slides
def test_cached_and_uncached_paths_give_the_same_tokens(kwargs, new_tokens):
    model = _model()
    prompt = torch.randint(17, (2, 3), generator=torch.Generator().manual_seed(9))
    cached = generate(model, prompt, new_tokens, use_cache=True, **kwargs)
    uncached = generate(model, prompt, new_tokens, use_cache=False, **kwargs)
    assert cached.shape == (2, 3 + new_tokens) and torch.equal(cached[:, :3], prompt)
    assert torch.equal(cached, uncached)


def test_greedy_is_the_argmax_of_the_uncached_logits():
    model = _model().eval()
    prompt = torch.randint(17, (1, 4), generator=torch.Generator().manual_seed(2))
    out = generate(model, prompt, 1, top_k=1)
    assert out[0, -1] == model(prompt)[0][0, -1].argmax()


def test_a_prompt_longer_than_the_context_is_cropped():
    model = _model()
    long_prompt = torch.randint(17, (1, 12), generator=torch.Generator().manual_seed(1))
    out = generate(model, long_prompt, 3, seed=0)
    # what the model saw: only the last 8 tokens; so the same prompt cropped gives the same continuation
    cropped = generate(model, long_prompt[:, -8:], 3, seed=0)
    assert torch.equal(out[:, -3:], cropped[:, -3:]) and out.shape == (1, 15)


def test_seeded_generation_is_reproducible_and_leaves_the_global_stream_alone():
    model = _model()
    prompt = torch.zeros(2, 1, dtype=torch.long)
    torch.manual_seed(11)
    expected = torch.rand(2)
    torch.manual_seed(11)
    a = generate(model, prompt, 10, seed=1)
    assert torch.equal(torch.rand(2), expected)
    assert torch.equal(a, generate(model, prompt, 10, seed=1))
    assert not torch.equal(a, generate(model, prompt, 10, seed=2))
    assert model.training  # the mode is restored


def test_generate_works_for_a_plain_logits_model():
    torch.manual_seed(0)
    rnn_like = nn.Sequential(nn.Embedding(5, 8), nn.Linear(8, 5))  # ids -> logits, no config, no cache
    prompt = torch.zeros(1, 2, dtype=torch.long)
    out = generate(rnn_like, prompt, 4, context_length=3, seed=0)
    assert out.shape == (1, 6) and int(out.max()) < 5
    with pytest.raises(ValueError, match="context_length must be given"):
        generate(rnn_like, prompt, 4)


def test_filter_logits_top_k_and_top_p():
    logits = torch.tensor([[0.5, 0.3, 0.15, 0.05]]).log()
    kept = lambda out: torch.isfinite(out)[0].tolist()  # noqa: E731
    assert kept(filter_logits(logits, top_k=2)) == [True, True, False, False]
    assert kept(filter_logits(logits, top_p=0.75)) == [True, True, False, False]  # 0.5 + 0.3 reaches 0.75
    assert kept(filter_logits(logits, top_p=0.9)) == [True, True, True, False]
    assert kept(filter_logits(logits, top_p=0.4)) == [True, False, False, False]  # the likeliest always stays
    assert kept(filter_logits(logits, top_p=1.0)) == [True] * 4
    shuffled = logits[:, [2, 0, 3, 1]]  # the nucleus follows the tokens, not their positions
    assert kept(filter_logits(shuffled, top_p=0.75)) == [False, True, False, True]


def test_sampling_device_choice():
    generator, on = sampling_generator(7, torch.device("cpu"))
    assert on.type == "cpu" and generator.device.type == "cpu"
    assert torch.equal(torch.rand(3, generator=generator), torch.rand(3, generator=torch.Generator().manual_seed(7)))
    # logits on a device without generators (here "meta") are sampled on the CPU, the token moved back
    generator, on = sampling_generator(7, torch.device("meta"))
    assert on.type == "cpu" and generator.device.type == "cpu"
    # on CUDA the generator lives on the GPU (checked without one: no generator is built without a seed)
    assert sampling_generator(None, torch.device("cuda")) == (None, torch.device("cuda"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_new_tokens": -1}, "max_new_tokens must be a non-negative int"),
        ({"context_length": 0}, "context_length must be a positive int"),
        ({"context_length": 9}, "context_length 9 exceeds the model's 8"),
        ({"temperature": 0.0}, "temperature must be a positive"),
        ({"temperature": -1.0}, "temperature must be a positive"),
        ({"top_k": 0}, "top_k must be a positive int"),
        ({"top_p": 0.0}, r"top_p must be a number in \(0, 1\]"),
        ({"top_p": 1.5}, r"top_p must be a number in \(0, 1\]"),
        ({"seed": -1}, "seed must be an int"),
    ],
)
def test_generate_rejects_bad_arguments(kwargs, message):
    args = {"max_new_tokens": 2} | kwargs
    with pytest.raises(ValueError, match=message):
        generate(_model(), torch.zeros(1, 2, dtype=torch.long), **args)


def test_generate_rejects_bad_ids():
    with pytest.raises(ValueError, match="idx must be a 2-D tensor of token ids"):
        generate(_model(), torch.zeros(1, 2), 2)
    with pytest.raises(ValueError, match="idx must be a 2-D tensor of token ids"):
        generate(_model(), torch.zeros(2, dtype=torch.long), 2)
    with pytest.raises(ValueError, match="at least one token"):
        generate(_model(), torch.zeros(1, 0, dtype=torch.long), 2)


def test_complete_decodes_only_the_new_tokens_and_matches_generate():
    from lib.data.char_tokenizer import CharTokenizer
    from lib.models.sampling import complete

    tokenizer = CharTokenizer.from_text("abcdefgh ")
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=tokenizer.vocab_size, context_length=16, n_layer=1, n_head=2, d_model=8))
    text = complete(model, tokenizer, "abc", max_new_tokens=20, temperature=0.8, top_k=4, top_p=0.9, seed=3)
    ids = generate(model, torch.tensor([tokenizer.encode("abc")]), 20, 0.8, 4, 0.9, seed=3)
    assert len(text) == 20 and text == tokenizer.decode(ids[0, 3:])
    assert text == complete(model, tokenizer, "abc", max_new_tokens=20, temperature=0.8, top_k=4, top_p=0.9, seed=3)
    greedy = complete(model, tokenizer, "abc", max_new_tokens=5, top_k=1)
    logits, _ = model(torch.tensor([tokenizer.encode("abc")]))
    assert greedy[0] == tokenizer.chars[int(logits[0, -1].argmax())]
    with pytest.raises(ValueError, match="prompt"):
        complete(model, tokenizer, "")
    with pytest.raises(TypeError, match="tokenizer"):
        complete(model, "abc", "abc")
