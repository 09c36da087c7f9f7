import torch

from lib.core.seeding import seeded
from lib.data.char_tokenizer import CharTokenizer
from lib.data.doc_questions import QAPair, sft_batch
from lib.lessons.lesson_3_5_finetuning import (
    FinetuneRecipe,
    answer,
    classifier_accuracy,
    encode_known,
    finetune_classifier,
    frozen_features,
    held_out_answer_loss,
    labelled_subset,
    lora_copy,
    probe_budget_accuracy,
    supervised_finetune,
)
from lib.models.gpt import GPT, GPTConfig
from lib.models.gpt_classifier import pad_id_sequences
from lib.scale.memory import model_state_bytes

CONFIG = GPTConfig(vocab_size=40, context_length=48, n_layer=1, n_head=2, d_model=16)


def _gpt() -> GPT:
    with seeded(0):
        return GPT(CONFIG)


def test_encode_known_drops_characters_outside_the_vocabulary():
    tok = CharTokenizer("abc ")
    assert tok.decode(encode_known(tok, "a→b c✓")) == "ab c"


def test_labelled_subset_takes_k_per_class_or_everything():
    labels = torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 2])
    index = labelled_subset(labels, 2, seed=0)
    assert torch.bincount(labels[index]).tolist() == [2, 2, 2]
    assert labelled_subset(labels, None, seed=0).tolist() == list(range(9))


def test_probe_learns_separable_features():
    gen = torch.Generator().manual_seed(0)
    y_train, y_test = torch.arange(3).repeat(20), torch.arange(3).repeat(10)
    centres = torch.eye(3) * 5
    x_train = centres[y_train] + torch.randn(60, 3, generator=gen)
    x_test = centres[y_test] + torch.randn(30, 3, generator=gen)
    noise = (torch.randn(60, 3, generator=gen), torch.randn(30, 3, generator=gen))
    result = probe_budget_accuracy(
        {"signal": (x_train, x_test), "noise": noise}, y_train, y_test, (5, None), (0, 1), steps=100
    )
    assert result["signal"].shape == (2, 2) and result["signal"].min() > 0.9
    assert result["noise"].max() < 0.7


def test_finetuned_classifier_fits_its_training_texts():
    gen = torch.Generator().manual_seed(1)
    labels = torch.arange(2).repeat(16)
    ids = pad_id_sequences(
        [[int(y) * 20 + int(i) for i in torch.randint(0, 20, (8,), generator=gen)] for y in labels], 10
    )
    model = finetune_classifier(_gpt(), ids, labels, 2, FinetuneRecipe(steps=60, lr=3e-3))
    assert classifier_accuracy(model, ids, labels) > 0.9
    features = frozen_features(model.gpt, ids)
    assert features.shape == (32, 16)


def test_sft_lowers_the_answer_loss_and_lora_trains_fewer_parameters():
    tok = CharTokenizer("abcdefghijklmnopqrstuvwxyzQAE:.\n ")
    pairs = [QAPair(t, f"{t} is a {t}{t}.", "x", False) for t in ("ab", "cd", "ef", "gh")]
    x, y = sft_batch(tok.encode, pairs, 30)
    with seeded(0):
        gpt = GPT(GPTConfig(vocab_size=tok.vocab_size, context_length=32, n_layer=1, n_head=2, d_model=16))
    before = held_out_answer_loss(gpt, x, y)
    lora, names = lora_copy(gpt, rank=2)
    run = supervised_finetune(gpt, x, y, steps=40, lr=1e-2, batch_size=4)
    assert held_out_answer_loss(gpt, x, y) < before - 0.5
    lora_run = supervised_finetune(lora, x, y, steps=5, lr=1e-2, batch_size=4)
    assert len(names) == 4 * 1 + 1 and lora_run.trainable < run.trainable
    formula = model_state_bytes(lora_run.trainable, precision="fp32", optimizer="adam")
    assert lora_run.state_bytes["optimizer"] == formula.optimizer
    assert isinstance(answer(gpt, tok, pairs[0].prompt, max_new_tokens=5), str)
