"""Masked-pixel pre-training and few-label fine-tuning: the loss, determinism, the cache, the modes."""

import matplotlib
import pytest
import torch
from torch.nn import functional as F

from lib.data.digits import load_digits_split
from lib.lessons.lesson_1_5_pretraining import (
    LabelEfficiency,
    PretrainConfig,
    accuracy_on,
    encoder_checkpoint,
    finetune,
    label_efficiency,
    load_or_pretrain_digits_encoder,
    make_classifier,
    masked_pixel_loss,
    paired_gap,
    pretrain_masked_pixels,
    pretrained_from_checkpoint,
    random_pixel_mask,
    sample_per_class,
    summary_at,
    text_bar,
)
from lib.models.digit_encoder import DigitClassifier, DigitEncoder, MaskedPixelModel, flatten_digits
from lib.models.lora import LoRALinear, trainable_parameter_count
from lib.viz.plots import image_rows, plot_accuracy_vs_labels

matplotlib.use("Agg")
TINY = PretrainConfig(hidden=8, epochs=2, batch_size=32)


@pytest.fixture(scope="module")
def digits():
    return load_digits_split()


def test_encoder_takes_images_or_rows_and_uses_the_mask_token_only_where_hidden():
    torch.manual_seed(0)
    encoder = DigitEncoder(hidden=16)
    images = torch.rand(3, 1, 8, 8)
    torch.testing.assert_close(encoder(images), encoder(images.reshape(3, 64)))
    with torch.no_grad():
        encoder.mask_token.fill_(0.5)
    mask = torch.zeros(3, 64, dtype=torch.bool)
    mask[:, :10] = True
    expected = encoder.layers(torch.where(mask, torch.full((3, 64), 0.5), images.reshape(3, 64)))
    torch.testing.assert_close(encoder(images, mask), expected)
    assert encoder(images).shape == (3, 16)


def test_random_pixel_mask_is_seeded_and_hides_about_ratio():
    mask = random_pixel_mask(1000, 0.75, torch.Generator().manual_seed(1))
    assert mask.shape == (1000, 64) and mask.dtype == torch.bool
    assert abs(mask.float().mean().item() - 0.75) < 0.01
    assert torch.equal(mask, random_pixel_mask(1000, 0.75, torch.Generator().manual_seed(1)))


def test_masked_pixel_loss_scores_hidden_pixels_only():
    torch.manual_seed(0)
    pixels, predicted = torch.rand(4, 64), torch.rand(4, 64, requires_grad=True)
    mask = random_pixel_mask(4, 0.5, torch.Generator().manual_seed(0))
    loss = masked_pixel_loss(predicted, pixels, mask)
    torch.testing.assert_close(loss, F.mse_loss(predicted[mask], pixels[mask]))
    assert not torch.isclose(loss, F.mse_loss(predicted, pixels))
    loss.backward()
    assert torch.all(predicted.grad[~mask] == 0) and torch.all(predicted.grad[mask] != 0)


def test_pretraining_is_deterministic_and_lowers_the_loss(digits):
    train, _ = digits
    images, config = train.images[:256], PretrainConfig(hidden=16, epochs=3, batch_size=64)
    first = pretrain_masked_pixels(images, config, progress=False)
    second = pretrain_masked_pixels(images, config, progress=False)
    assert len(first.losses) == 3 and first.losses[-1] < first.losses[0]
    for a, b in zip(first.encoder.state_dict().values(), second.encoder.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_checkpoint_round_trip_and_cache(tmp_path, digits):
    path = tmp_path / "encoder.pt"
    trained, source = load_or_pretrain_digits_encoder(TINY, path=path, progress=False)
    assert source == "trained" and path.is_file()
    cached, source = load_or_pretrain_digits_encoder(TINY, path=path, progress=False)
    assert source == "cache" and cached.config == TINY and cached.losses == trained.losses
    x = digits[1].images[:5]
    torch.testing.assert_close(cached.encoder(x), trained.encoder(x), rtol=0, atol=0)
    rebuilt = pretrained_from_checkpoint(encoder_checkpoint(trained))
    torch.testing.assert_close(rebuilt.decoder(rebuilt.encoder(x)), trained.decoder(trained.encoder(x)), rtol=0, atol=0)
    other = PretrainConfig(hidden=8, epochs=1, batch_size=32)
    assert load_or_pretrain_digits_encoder(other, path=path, progress=False)[1] == "trained"  # config changed
    path.write_bytes(b"not a checkpoint")
    assert load_or_pretrain_digits_encoder(TINY, path=path, progress=False)[1] == "trained"  # damaged file


def test_sample_per_class_takes_k_distinct_of_each_class(digits):
    labels = digits[0].labels
    idx = sample_per_class(labels, 3, seed=5)
    assert len(idx) == 30 and len(idx.unique()) == 30
    assert torch.equal(torch.bincount(labels[idx]), torch.full((10,), 3))
    assert torch.equal(idx, sample_per_class(labels, 3, seed=5))
    assert not torch.equal(idx, sample_per_class(labels, 3, seed=6))


def test_modes_start_from_the_same_head_and_train_what_they_should():
    torch.manual_seed(0)
    encoder = DigitEncoder(hidden=16)
    x = torch.rand(6, 64)
    full, probe, lora = (make_classifier(encoder, m, seed=3, rank=2) for m in ("full", "probe", "lora"))
    scratch = make_classifier(None, "scratch", seed=3, hidden=16)
    torch.testing.assert_close(full(x), probe(x), rtol=0, atol=0)
    torch.testing.assert_close(lora(x), probe(x), rtol=0, atol=0)  # B = 0: LoRA starts at the pre-trained model
    assert not torch.allclose(scratch(x), full(x))
    head = 16 * 10 + 10
    n_encoder = sum(p.numel() for p in encoder.parameters())
    assert trainable_parameter_count(full) == trainable_parameter_count(scratch) == n_encoder + head
    assert trainable_parameter_count(probe) == head
    assert trainable_parameter_count(lora) == 2 * (64 + 16) + 2 * (16 + 16) + head
    assert isinstance(lora.encoder.layers[0], LoRALinear) and isinstance(full, DigitClassifier)
    assert encoder.layers[0].weight.requires_grad  # the pre-trained encoder itself is untouched


def test_finetune_fits_a_few_labels(digits):
    train, _ = digits
    idx = sample_per_class(train.labels, 2)
    model = make_classifier(None, "scratch", hidden=32)
    losses = finetune(model, train.images[idx], train.labels[idx], steps=60, lr=1e-2)
    assert losses[-1] < 0.1 * losses[0]
    assert accuracy_on(model, train.images[idx], train.labels[idx]) == 1.0


def test_label_efficiency_summary_gap_and_plot():
    train, test = load_digits_split()
    torch.manual_seed(0)
    encoder = DigitEncoder(hidden=8)
    result = label_efficiency(encoder, train, test, (1, 2), (0, 1), ("scratch", "probe"), steps=3, progress=False)
    assert result.accuracy["scratch"].shape == (2, 2) and result.mean("probe").shape == (2,)
    assert ((result.accuracy["probe"] >= 0) & (result.accuracy["probe"] <= 1)).all()
    text = summary_at(result, 2)
    assert text.startswith("2 labels per class (20 labelled images), 2 seeds:") and "probe" in text
    gap = paired_gap(result, "probe", "scratch", 1)
    torch.testing.assert_close(gap, result.accuracy["probe"][0] - result.accuracy["scratch"][0])
    ax = plot_accuracy_vs_labels(result.labels_per_class, result.accuracy, highlight=2)
    assert len(ax.lines) == 3  # two methods and the highlight
    fig, axes = image_rows({"a": torch.rand(3, 8, 8), "b": torch.rand(3, 8, 8)})
    assert axes.shape == (2, 3)
    matplotlib.pyplot.close("all")


def test_text_bar_draws_eighths_of_a_character():
    assert text_bar(0.0) == "" and text_bar(1.0, width=4) == "████"
    assert text_bar(0.5, width=3) == "█▌"  # 1.5 characters = one full block and four eighths
    assert len(text_bar(0.37)) == 12  # 11.1 characters: 11 blocks and a sliver


def test_bad_inputs_raise_clear_errors(digits):
    train, test = digits
    encoder = DigitEncoder(hidden=8)
    with pytest.raises(ValueError, match="mask_ratio must be a number in \\(0, 1\\)"):
        PretrainConfig(mask_ratio=1.0)
    with pytest.raises(ValueError, match="hidden must be a positive int"):
        DigitEncoder(hidden=0)
    with pytest.raises(ValueError, match="8x8 digits"):
        encoder(torch.zeros(2, 10))
    with pytest.raises(ValueError, match="mask must be a bool tensor"):
        encoder(torch.zeros(2, 64), torch.zeros(2, 64))
    with pytest.raises(TypeError, match="encoder must be a DigitEncoder"):
        DigitClassifier(torch.nn.Linear(64, 8))
    with pytest.raises(ValueError, match="ratio must be a number in \\(0, 1\\)"):
        random_pixel_mask(3, 0.0)
    with pytest.raises(ValueError, match="n must be a positive int"):
        random_pixel_mask(0, 0.5)
    with pytest.raises(ValueError, match="must have one shape"):
        masked_pixel_loss(torch.zeros(2, 64), torch.zeros(2, 64), torch.zeros(2, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="hides at least one pixel"):
        masked_pixel_loss(torch.zeros(2, 64), torch.zeros(2, 64), torch.zeros(2, 64, dtype=torch.bool))
    with pytest.raises(TypeError, match="config must be a PretrainConfig"):
        pretrain_masked_pixels(train.images, config={"epochs": 1})
    with pytest.raises(TypeError, match="config must be a PretrainConfig"):
        load_or_pretrain_digits_encoder(config=None)
    with pytest.raises(TypeError, match="pretrained must be a Pretrained"):
        encoder_checkpoint(encoder)
    with pytest.raises(ValueError, match="state must be a dict with encoder"):
        pretrained_from_checkpoint({"encoder": {}})
    with pytest.raises(ValueError, match="k must be at most the size of the smallest class"):
        sample_per_class(train.labels, 1000)
    with pytest.raises(ValueError, match="labels must be a 1-D tensor"):
        sample_per_class(train.labels.float(), 1)
    with pytest.raises(ValueError, match="mode must be one of"):
        make_classifier(encoder, "frozen")
    with pytest.raises(TypeError, match="needs a pre-trained DigitEncoder"):
        make_classifier(None, "full")
    with pytest.raises(ValueError, match="labels must be a tensor of shape"):
        finetune(make_classifier(encoder, "probe"), train.images[:4], train.labels[:3])
    with pytest.raises(ValueError, match="no trainable parameter"):
        finetune(make_classifier(encoder, "probe").requires_grad_(False), train.images[:4], train.labels[:4])
    with pytest.raises(ValueError, match="8x8 digits"):
        accuracy_on(make_classifier(encoder, "probe"), torch.zeros(3, 5), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="labels_per_class must list positive ints"):
        label_efficiency(encoder, train, test, labels_per_class=(0,))
    with pytest.raises(ValueError, match="modes must be a non-empty tuple"):
        label_efficiency(encoder, train, test, modes=("frozen",))
    with pytest.raises(ValueError, match="fraction must be between 0 and 1"):
        text_bar(1.5)
    result = LabelEfficiency((1,), (0,), {"probe": torch.zeros(1, 1)})
    with pytest.raises(ValueError, match="labels_per_class must be one of"):
        summary_at(result, 5)
    with pytest.raises(TypeError, match="result must be a LabelEfficiency"):
        summary_at({}, 1)
    with pytest.raises(KeyError, match="no mode 'full'"):
        paired_gap(result, "full", "probe", 1)
    with pytest.raises(KeyError, match="no mode 'lora'"):
        result.mean("lora")
    with pytest.raises(ValueError, match="accuracy must be a non-empty dict"):
        plot_accuracy_vs_labels([1, 2], {})
    with pytest.raises(ValueError, match=r"must have shape \(2, n_seeds\)"):
        plot_accuracy_vs_labels([1, 2], {"a": torch.zeros(3, 1)})
    with pytest.raises(ValueError, match="every row must be"):
        image_rows({"a": torch.zeros(2, 8, 8), "b": torch.zeros(3, 8, 8)})
    matplotlib.pyplot.close("all")


def test_pretraining_and_fine_tuning_leave_the_global_generator_alone():
    train, _ = load_digits_split()
    before = torch.get_rng_state()
    pretrained = pretrain_masked_pixels(
        train.images[:64], PretrainConfig(hidden=8, epochs=1, batch_size=32), progress=False
    )
    model = make_classifier(pretrained.encoder, "full", seed=3, hidden=8)
    finetune(model, train.images[:20], train.labels[:20], steps=2)
    assert torch.equal(torch.get_rng_state(), before)


def test_masked_pixel_model_predicts_pixels_and_checks_its_parts():
    encoder = DigitEncoder(hidden=8)
    model = MaskedPixelModel(encoder, torch.nn.Linear(8, 64))
    assert model(torch.zeros(3, 1, 8, 8)).shape == (3, 64)
    with pytest.raises(ValueError, match="decoder must be an nn.Linear\\(8, 64\\)"):
        MaskedPixelModel(encoder, torch.nn.Linear(8, 10))
    with pytest.raises(TypeError, match="encoder must be a DigitEncoder"):
        MaskedPixelModel(torch.nn.Linear(64, 8), torch.nn.Linear(8, 64))
    with pytest.raises(ValueError, match="images must be a tensor of 8x8 digits"):
        flatten_digits(torch.zeros(3, 10))


def test_make_classifier_is_the_same_for_a_seed_whatever_the_global_generator_did():
    encoder = DigitEncoder(hidden=8)
    first = make_classifier(encoder, "lora", seed=2, rank=2)
    torch.rand(5)  # the caller draws in between: the classifier must not depend on it
    second = make_classifier(encoder, "lora", seed=2, rank=2)
    for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b)
