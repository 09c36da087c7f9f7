"""Lesson 5.4's tools: CLIP's loss, the tiny CLIP, generated captions, PCA, retrieval with several right answers."""

import math

import pytest
import torch
import torch.nn.functional as F

from lib.data.digit_captions import (
    NUMBER_WORDS,
    TRAINING_TEMPLATES,
    UNSEEN_TEMPLATES,
    caption,
    class_prompts,
    random_captions,
)
from lib.data.digits import Digits
from lib.lessons.lesson_5_4_multimodal import (
    MAX_LEN,
    CaptionedBatches,
    CLIPRecipe,
    caption_tokenizer,
    held_out_loss,
    train_tiny_clip,
    zero_shot_predictions,
)
from lib.models.clip import TinyCLIP, class_embeddings, embed_images, embed_texts, zero_shot_predict
from lib.scratch.contrastive import (
    clip_loss,
    duplicate_floor,
    similarity_logits,
    symmetric_info_nce,
    uniform_loss,
)
from lib.scratch.pca import fit_pca
from lib.train.retrieval import first_relevant_ranks, precision_at_k


def _features(seed: int, n: int = 6, d: int = 5) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=g, dtype=torch.float64), torch.randn(n, d, generator=g, dtype=torch.float64)


def test_clip_loss_equals_a_hand_computation_in_both_directions():
    image, text = _features(0)
    tau = 0.3
    sims = [[float(F.cosine_similarity(image[i], text[j], dim=0)) / tau for j in range(6)] for i in range(6)]
    rows = [-(sims[i][i] - math.log(sum(math.exp(s) for s in sims[i]))) for i in range(6)]
    cols = [-(sims[j][j] - math.log(sum(math.exp(sims[i][j]) for i in range(6)))) for j in range(6)]
    expected = (sum(rows) / 6 + sum(cols) / 6) / 2
    assert math.isclose(clip_loss(image, text, tau).item(), expected, rel_tol=1e-12)
    logits = similarity_logits(image, text, torch.tensor(tau, dtype=torch.float64))
    assert math.isclose(symmetric_info_nce(logits).item(), expected, rel_tol=1e-12)


def test_clip_loss_is_log_batch_for_equal_features_and_falls_for_matching_pairs():
    same = torch.ones(8, 4)
    assert math.isclose(clip_loss(same, same, 0.07).item(), uniform_loss(8), rel_tol=1e-6)
    aligned = torch.eye(8)
    assert clip_loss(aligned, aligned, 0.01).item() < 1e-6  # each text matches only its own image
    image, text = _features(1)
    assert clip_loss(image, image, 0.1) < clip_loss(image, text, 0.1)


def test_duplicate_floor_by_hand():
    assert duplicate_floor(torch.tensor([0, 1, 2])) == 0.0
    # classes 0, 0, 1, 1, 1, 2: log 2 twice, log 3 three times, log 1 once
    expected = (2 * math.log(2) + 3 * math.log(3)) / 6
    assert math.isclose(duplicate_floor(torch.tensor([0, 0, 1, 1, 1, 2])), expected)
    # a model that spreads each row equally over its class reaches the floor
    labels = torch.tensor([0, 0, 1, 1, 1, 2])
    onehot = F.one_hot(labels).double()
    assert math.isclose(clip_loss(onehot, onehot, 1e-3).item(), expected, rel_tol=1e-9)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: clip_loss(torch.ones(3, 2), torch.ones(4, 2), 0.1), "same shape"),
        (lambda: clip_loss(torch.ones(3), torch.ones(3), 0.1), "image_features"),
        (lambda: clip_loss(torch.ones(3, 2), torch.ones(3, 2), 0.0), "temperature"),
        (lambda: symmetric_info_nce(torch.ones(2, 3)), "logits"),
        (lambda: duplicate_floor(torch.tensor([0.5])), "labels"),
        (lambda: uniform_loss(0), "batch_size"),
    ],
)
def test_contrastive_bad_input_names_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_pca_matches_scikit_learn_up_to_sign():
    from sklearn.decomposition import PCA as SkPCA

    g = torch.Generator().manual_seed(0)
    x = (torch.randn(50, 6, generator=g) @ torch.randn(6, 6, generator=g)).double()
    ours = fit_pca(x, 2)
    theirs = SkPCA(2).fit(x.numpy())
    reference = torch.tensor(theirs.components_)
    signs = torch.sign((ours.components * reference).sum(dim=1, keepdim=True))
    torch.testing.assert_close(ours.components, reference * signs)
    torch.testing.assert_close(ours.explained_variance_ratio, torch.tensor(theirs.explained_variance_ratio_))
    torch.testing.assert_close(ours.transform(x), torch.tensor(theirs.transform(x.numpy())) * signs.T)
    with pytest.raises(ValueError, match="n_components"):
        fit_pca(x, 7)


def test_captions_fill_templates():
    assert caption(7, "a handwritten {word}") == "a handwritten seven"
    assert caption(7, "the digit {numeral}") == "the digit 7"
    assert caption(0, "the number after {previous}") == "the number after nine"
    assert class_prompts("{word}") == list(NUMBER_WORDS)
    assert set(TRAINING_TEMPLATES).isdisjoint(UNSEEN_TEMPLATES)
    labels = torch.tensor([3, 1, 4, 1, 5, 9, 2, 6])
    first, again = random_captions(labels, seed=3), random_captions(labels, seed=3)
    assert first == again and len(first) == 8
    assert all(NUMBER_WORDS[d] in c or str(d) in c for d, c in zip(labels.tolist(), first, strict=True))
    with pytest.raises(ValueError, match="digit"):
        caption(10, "{word}")
    with pytest.raises(ValueError, match="template"):
        caption(1, "no slot")


def test_tiny_clip_logits_are_cosines_over_a_clipped_temperature():
    tokenizer = caption_tokenizer()
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = TinyCLIP(tokenizer.vocab_size, embed_dim=8, channels=(4, 8), d_embed=8, hidden=8)
    assert math.isclose(model.temperature, 0.07, rel_tol=1e-6)
    images = torch.rand(5, 1, 8, 8)
    ids = tokenizer.encode_batch(class_prompts("a handwritten {word}")[:5], MAX_LEN)
    image, text = model.encode_image(images), model.encode_text(ids)
    torch.testing.assert_close(image.norm(dim=1), torch.ones(5))
    expected = F.cosine_similarity(image.unsqueeze(1), text.unsqueeze(0), dim=-1) / 0.07
    torch.testing.assert_close(model(images, ids), expected, rtol=1e-5, atol=1e-4)
    with torch.no_grad():
        model.log_scale.fill_(10.0)
    assert math.isclose(model.temperature, 0.01, rel_tol=1e-6)  # 1/τ clipped at 100
    torch.testing.assert_close(embed_texts(model, tokenizer, class_prompts("a handwritten {word}")[:5]), text.detach())
    torch.testing.assert_close(embed_images(model, images, batch_size=2), image.detach())
    vectors = class_embeddings(model, tokenizer, [["one", "1"], ["two"]])
    torch.testing.assert_close(vectors.norm(dim=1), torch.ones(2))
    with pytest.raises(ValueError, match="init_temperature"):
        TinyCLIP(10, init_temperature=0.001)


def test_zero_shot_predict_picks_the_nearest_class_by_hand():
    classes = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    images = torch.tensor([[0.9, 0.1], [0.2, 3.0], [-1.0, 0.5]])
    assert zero_shot_predict(images, classes).tolist() == [0, 1, 1]
    with pytest.raises(ValueError, match="width"):
        zero_shot_predict(images, torch.ones(2, 3))


def test_first_relevant_ranks_and_precision_by_hand_with_ties_against():
    scores = torch.tensor([[0.9, 0.5, 0.5, 0.1], [0.2, 0.8, 0.3, 0.8]])
    relevant = torch.tensor([[False, True, False, True], [False, True, False, False]])
    # query 0: best relevant 0.5 ties an irrelevant 0.5 and trails 0.9 -> rank 3; query 1: ties doc 3 -> rank 2
    assert first_relevant_ranks(scores, relevant).tolist() == [3, 2]
    # top 2 with ties placed irrelevant first: query 0 -> docs 0, 2 (none relevant); query 1 -> docs 3, 1 (one)
    assert precision_at_k(scores, relevant, 2) == pytest.approx((0 + 0.5) / 2)
    assert precision_at_k(scores, relevant, 4) == pytest.approx((2 / 4 + 1 / 4) / 2)
    with pytest.raises(ValueError, match="relevant"):
        first_relevant_ranks(scores, torch.zeros(2, 4, dtype=torch.bool))
    with pytest.raises(ValueError, match="k must"):
        precision_at_k(scores, relevant, 5)


def _small_digits(n: int = 40) -> Digits:
    g = torch.Generator().manual_seed(0)
    return Digits(torch.rand(n, 1, 8, 8, generator=g), torch.arange(n) % 10)


def test_captioned_batches_redraw_captions_each_epoch_deterministically():
    digits = _small_digits()
    tokenizer = caption_tokenizer()
    source = CaptionedBatches(digits, tokenizer, batch_size=16, seed=0)
    first, second = list(source), list(source)
    assert len(first) == len(source) == 3 and len(source.floors) == 6
    ids_first = torch.cat([b[1] for b in first])
    assert not torch.equal(ids_first, torch.cat([b[1] for b in second]))
    again = list(CaptionedBatches(digits, tokenizer, batch_size=16, seed=0))
    assert all(torch.equal(a[1], b[1]) for a, b in zip(first, again, strict=True))
    for _images, ids, labels in first:  # each caption names its own image's digit
        for row, label in zip(ids, labels.tolist(), strict=True):
            words = tokenizer.decode(row[row != 0]).split()
            assert NUMBER_WORDS[label] in words or str(label) in words


def test_training_caches_and_replays_the_same_run(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    digits = _small_digits(60)
    recipe = CLIPRecipe(embed_dim=8, channels=(4, 8), d_embed=8, batch_size=20, epochs=3)
    run = train_tiny_clip(digits, recipe)
    assert len(run.losses) == len(run.floors) == len(run.temperatures) == 3
    assert list(tmp_path.glob("tiny_clip_*.pt"))
    replay = train_tiny_clip(digits, recipe)
    assert replay.losses == run.losses
    torch.testing.assert_close(embed_images(replay.model, digits.images), embed_images(run.model, digits.images))
    assert zero_shot_predictions(replay, digits.images, ("{word}",)).shape == (60,)
    loss, floor = held_out_loss(run, digits)
    assert math.isfinite(loss) and loss >= floor - 1e-6
