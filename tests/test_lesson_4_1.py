"""Tests of lesson 4.1's pieces: the models and recipe, the CNN's feature maps, and the widget's logic."""

import pytest
import torch
from torch import nn

from lib.data.augment import perturb
from lib.lessons.lesson_4_1_vision import (
    DigitRecipe,
    ascii_image,
    make_digit_model,
    parse_drawing,
    perturbed_prediction,
    perturbed_test_set,
    predict_probabilities,
    prediction_panel,
    train_digit_model,
)
from lib.models.cnn import DigitCNN, feature_maps
from lib.models.mlp import MLP

SEVEN = """
########
......#.
.....#..
....#...
...#....
..#.....
.#......
#.......
"""


def test_models_map_images_to_ten_logits_and_are_seeded():
    x = torch.rand(5, 1, 8, 8)
    for kind in ("linear", "mlp", "cnn"):
        model = make_digit_model(kind, seed=3)
        assert model(x).shape == (5, 10)
        torch.testing.assert_close(model(x), make_digit_model(kind, seed=3)(x))
    assert isinstance(make_digit_model("cnn"), DigitCNN)
    assert isinstance(make_digit_model("mlp")[1], MLP)  # chapter 01's MLP, imported, not copied
    assert sum(p.numel() for p in make_digit_model("linear").parameters()) == 65 * 10
    with pytest.raises(ValueError, match="kind must be one of"):
        make_digit_model("rnn")


def test_training_fits_a_small_separable_set():
    g = torch.Generator().manual_seed(0)
    labels = torch.arange(10).repeat(6)
    images = torch.zeros(60, 1, 8, 8)
    images[torch.arange(60), 0, labels % 8, labels // 8 * 3 + 1] = 1.0  # one lit pixel per class
    images += 0.05 * torch.rand(images.shape, generator=g)
    recipe = DigitRecipe(epochs=80, batch_size=20, channels=(4, 8))
    for kind in ("linear", "cnn"):
        model = train_digit_model(kind, images, labels, seed=0, recipe=recipe)
        assert not model.training
        assert (predict_probabilities(model, images).argmax(1) == labels).float().mean() > 0.9
    augmented = train_digit_model("mlp", images, labels, seed=0, augment=True, recipe=recipe)
    again = train_digit_model("mlp", images, labels, seed=0, augment=True, recipe=recipe)
    torch.testing.assert_close(augmented(images), again(images))  # deterministic with its seed


def test_recipe_rejects_bad_values():
    with pytest.raises(ValueError, match="epochs"):
        DigitRecipe(epochs=0)
    with pytest.raises(ValueError, match="p must be"):
        DigitRecipe(p=2.0)


def test_feature_maps_are_the_relu_outputs_of_each_block():
    torch.manual_seed(0)
    model = DigitCNN((4, 6)).eval()
    x = torch.rand(2, 1, 8, 8)
    first, second = feature_maps(model, x)
    conv1, _, pool1, conv2 = model.features[:4]
    torch.testing.assert_close(first, torch.relu(conv1(x)))
    torch.testing.assert_close(second, torch.relu(conv2(pool1(first))))
    assert first.shape == (2, 4, 8, 8) and second.shape == (2, 6, 4, 4)
    with pytest.raises(TypeError, match="model must be a DigitCNN"):
        feature_maps(nn.Linear(2, 2), x)
    with pytest.raises(ValueError, match="images must be"):
        feature_maps(model, x[0])


def test_probabilities_are_a_softmax_and_leave_the_mode_alone():
    model = make_digit_model("linear").train()
    x = torch.rand(3, 1, 8, 8)
    p = predict_probabilities(model, x)
    torch.testing.assert_close(p, torch.softmax(model(x), dim=-1))
    assert model.training
    with pytest.raises(ValueError, match="images must be"):
        predict_probabilities(model, x[0])


def test_drawing_round_trips_through_text():
    image = parse_drawing(SEVEN)
    assert image.shape == (1, 8, 8) and image.sum().item() == 15.0
    assert ascii_image(image) == SEVEN.strip()
    assert parse_drawing("9+\n" + ".\n" * 7)[0, 0].tolist()[:3] == [1.0, 0.5, 0.0]  # short lines are padded
    with pytest.raises(ValueError, match="8 lines"):
        parse_drawing("###")
    with pytest.raises(ValueError, match="may hold only"):
        parse_drawing("x\n" * 8)
    with pytest.raises(TypeError, match="text must be a str"):
        parse_drawing(3)
    with pytest.raises(ValueError, match="image must be"):
        ascii_image(torch.zeros(8, 8))


def test_widget_logic_perturbs_then_predicts():
    model = make_digit_model("linear", seed=1)
    image = parse_drawing(SEVEN)
    changed, p = perturbed_prediction(model, image, degrees=10, dy=1, noise=0.1, erase=0.2, seed=4)
    torch.testing.assert_close(changed, perturb(image, 10, 1, 0, 0.1, 0.2, 4))
    torch.testing.assert_close(p, torch.softmax(model(changed.unsqueeze(0)), -1)[0])
    panel = prediction_panel(changed, p)
    lines = panel.splitlines()
    assert len(lines) == 8 and f"predicted {p.argmax().item()}" in lines[0]
    assert lines[2].split()[-2] != "" and f"{p.max().item():5.1%}".strip() in lines[2]
    with pytest.raises(ValueError, match="probabilities must be"):
        prediction_panel(changed, p[:5])


def test_perturbed_test_set_is_fixed_by_its_seed():
    x = torch.rand(6, 1, 8, 8)
    torch.testing.assert_close(perturbed_test_set(x), perturbed_test_set(x))
    assert not torch.allclose(perturbed_test_set(x, seed=1), perturbed_test_set(x, seed=2))
