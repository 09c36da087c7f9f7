# %% [markdown]
# # 4.1 Image recognition (图像识别)
#
# **Time:** about 1 min on a laptop CPU · **Prerequisites:** lesson 1.3 (the MLP and the CNN on the digits); lesson 1.6 (training and test sets) · **You will learn:** how to train a convolutional network that recognizes handwritten digits above 98% and keeps working when they are moved and turned, how data augmentation buys that, what its filters and feature maps look like, and how it compares with a linear model and an MLP.
#
# In this lesson you will:
#
# - read what the source article says about image recognition (its sections 6.1 and 5.5.1) and
#   correct it;
# - write **data augmentation** (数据增强) by hand: small random shifts and rotations that keep the
#   label, checked against `lib.data.augment`;
# - train a **linear model** (线性模型), chapter 01's **MLP** (多层感知机) and a **convolutional neural
#   network** (CNN, 卷积神经网络), each with and without augmentation, on the same split and several seeds,
#   and test them on the test digits as they are and moved and turned;
# - look inside the CNN: its learned **filters** (卷积核) and the **feature maps** (特征图) they make;
# - read the test digits it gets wrong, and try your own digit in a widget.

# %%
# Setup: on Colab, install the course's `lib` at the version this notebook was executed with, without
# touching Colab's own torch or ipywidgets. Elsewhere `pip install -r requirements.txt` has installed it.
import sys

if "google.colab" in sys.modules:
    import subprocess

    url = "git+https://github.com/large-models-course/large-models-course@v0.2.0"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", url], check=True)

import lib

if lib.__version__ != "0.2.0":
    raise RuntimeError(
        f"this notebook was executed with lib 0.2.0, but lib {lib.__version__} is installed: "
        "open the notebook of the same release, or install v0.2.0 "
        "(on Colab: restart the session, then run this cell again)"
    )

# %%
import math

import torch
import torch.nn.functional as F

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.lesson import lesson_setup
from lib.data.augment import affine, random_affine
from lib.data.digits import load_digits_split
from lib.lessons.lesson_4_1_vision import (
    DigitRecipe,
    make_digit_model,
    parse_drawing,
    perturbed_prediction,
    perturbed_test_set,
    predict_probabilities,
    prediction_panel,
    train_digit_model,
)
from lib.models.cnn import conv2d_parameter_count, digit_cnn_parameter_count, feature_maps, shift_images
from lib.models.mlp import mlp_parameter_count
from lib.scratch.metrics import confusion_matrix
from lib.viz.confusion import plot_confusion
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## What the article says, and what to correct
#
# The source article's section 6.1 says that image recognition is one of the main applications of
# large models, and that "as the parameter count of large models keeps growing, their ability to
# extract and represent features improves markedly, so the accuracy of image recognition improves
# markedly"; it names face recognition ("accurately verifying a user's identity"), driving, medical
# and satellite images. Its section 5.5.1 lists data augmentation, "transformations, rotation,
# scaling", as a way to add variety to a data set. Three corrections:
#
# - **Parameters alone did not do it.** The jump of 2012 came from a CNN (Krizhevsky et al.: 60
#   million parameters) trained on GPUs on 1.2 million labelled ImageNet images, *with* data
#   augmentation and dropout; the next jump, ResNet, was about **depth** made trainable by residual
#   connections: its 152-layer network is 8 times deeper than VGG yet needs fewer operations (He et
#   al. 2016). Architecture, data and training mattered as much as size.
# - **Augmentation must keep the label.** A transformation is only allowed if a person would still
#   give the image the same label: a 6 turned a little is a 6, a 6 turned upside down is a 9, and a
#   mirrored 2 is no digit at all. How far to move and turn is a choice about the data, which
#   this lesson measures.
# - **No recognizer is exact.** Every one has an error rate, measured on data like the data it
#   will meet; "accurately verifying" says nothing until that number is given. This lesson measures
#   it, and shows the mistakes.
#
# The article also cites ResNet as "ResNet: Training Deep Neural Networks with Deep Residual
# Connections"; the paper is **"Deep Residual Learning for Image Recognition"** (CVPR 2016).
#
# ## The data: scikit-learn's handwritten digits
#
# scikit-learn ships 1,797 handwritten digits (a copy of the test set of UCI's *Optical
# Recognition of Handwritten Digits*): each was scanned at 32x32 and reduced to 8x8 by counting the
# ink in 4x4 blocks, so a pixel is 0 to 16 (we scale it to 0 to 1). We split them 75/25, stratified
# by class, as lesson 1.3 did: every model below trains on the same 1,347 and is tested on the same
# 450 images.

# %%
# NBVAL_CHECK_OUTPUT
train, test = load_digits_split()
print(f"{len(train)} training and {len(test)} test images of shape {tuple(train.images.shape[1:])}")
print("test images per class:", torch.bincount(test.labels).tolist())

# %% [markdown]
# ## Data augmentation, written out
#
# Turning an image by an angle $\theta$ about its centre and moving it by $(d_y, d_x)$ pixels is an
# **affine transformation** (仿射变换). To draw the result, each *output* pixel asks where it came
# from. With $u = \text{column} - c_x$ and $v = \text{row} - c_y$ measured from the centre
# $(c_y, c_x) = (3.5, 3.5)$ of an 8x8 image, and rows pointing down, the output pixel $(u, v)$
# reads the input at
#
# $$u_\text{in} = \cos\theta\,(u - d_x) - \sin\theta\,(v - d_y), \qquad
#   v_\text{in} = \sin\theta\,(u - d_x) + \cos\theta\,(v - d_y),$$
#
# which turns the digit counter-clockwise on the screen for $\theta > 0$. The point read usually
# falls between pixels, so we mix the four nearest pixels by how close they are (**bilinear
# interpolation**, 双线性插值), and count anything outside the image as blank (0). Here it is by
# hand, compared with `lib.data.augment.affine`, with whole-pixel shifts (`shift_images`, lesson 1.3)
# and with quarter turns (`torch.rot90`).


# %%
def turn_and_move(image, degrees, dy, dx):
    """One 8x8 image (H, W): the formula above, then bilinear interpolation, by hand."""
    height, width = image.shape
    theta = math.radians(degrees)
    rows, cols = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    u, v = cols - (width - 1) / 2, rows - (height - 1) / 2
    u_in = math.cos(theta) * (u - dx) - math.sin(theta) * (v - dy) + (width - 1) / 2
    v_in = math.sin(theta) * (u - dx) + math.cos(theta) * (v - dy) + (height - 1) / 2
    out = torch.zeros(height, width)
    for r0_offset in (0, 1):
        for c0_offset in (0, 1):
            r, c = v_in.floor() + r0_offset, u_in.floor() + c0_offset
            weight = (1 - (v_in - r).abs()) * (1 - (u_in - c).abs())  # closer pixel, larger weight
            inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
            pixel = image[r.clamp(0, height - 1).long(), c.clamp(0, width - 1).long()]
            out += torch.where(inside, weight * pixel, torch.zeros(()))
    return out


digit = test.images[0]  # (1, 8, 8)
for degrees, dy, dx in [(12.0, 0.0, 0.0), (-20.0, 0.5, -1.0), (0.0, 1.0, 2.0), (90.0, 0.0, 0.0)]:
    by_hand = turn_and_move(digit[0], degrees, dy, dx)
    torch.testing.assert_close(affine(digit.unsqueeze(0), degrees, dy, dx)[0, 0], by_hand, atol=1e-5, rtol=0)
torch.testing.assert_close(affine(digit.unsqueeze(0), 0.0, 1.0, 2.0)[0], shift_images(digit, 1, 2), atol=1e-6, rtol=0)
torch.testing.assert_close(affine(digit.unsqueeze(0), 90.0)[0], torch.rot90(digit, 1, dims=(1, 2)), atol=1e-6, rtol=0)
print("by hand == lib.data.augment.affine; whole-pixel moves == shift_images; 90 degrees == torch.rot90")

# %% [markdown]
# **Augmentation** draws the amounts at random for each image each time it is used: here an angle
# up to ±15° and a shift up to ±1 pixel along each axis, applied to half of the images of a batch
# (the other half stay as they are, so the model still sees the originals). On 8x8 images one
# pixel is an eighth of the width: these are *large* moves. `lib.data.augment.random_affine` draws
# from its own seeded generator, and `AugmentedBatches` gives the training engine freshly augmented
# batches every epoch. Six random copies of four training digits:

# %%
recipe = DigitRecipe()
copies = {}
for i in range(4):
    original = train.images[i : i + 1].expand(6, -1, -1, -1)
    copies[f"label {train.labels[i].item()}"] = random_affine(
        original, recipe.max_degrees, recipe.max_shift, torch.Generator().manual_seed(i)
    )
fig, axes = figure(ncols=7, nrows=4, width=6.0, height=3.8)
for r, (label, images) in enumerate(copies.items()):
    axes[r][0].imshow(train.images[r, 0], cmap="gray_r", vmin=0, vmax=1)
    for c in range(6):
        axes[r][c + 1].imshow(images[c, 0], cmap="gray_r", vmin=0, vmax=1)
    axes[r][0].set_ylabel(label, rotation=0, ha="right", va="center")
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.spines[:].set_visible(False)
axes[0][0].set_title("original", fontsize=9)
for c in range(1, 7):
    axes[0][c].set_title(f"copy {c}", fontsize=9)

# %% [markdown]
# ## Three models, one recipe
#
# - a **linear model**: one linear layer from the 64 pixels to 10 logits (multinomial logistic
#   regression), $(64 + 1) \cdot 10$ parameters;
# - chapter 01's **MLP** (`lib.models.mlp.MLP`), 64 → 64 → 10 with ReLU;
# - the **CNN** of lesson 1.3 (`lib.models.cnn.DigitCNN`), a little wider: 3x3 convolutions with 16 then
#   32 channels, each followed by ReLU and 2x2 max-pooling (8x8 → 4x4 → 2x2), then one linear layer.
#
# A convolution with $c_\text{in}$ input and $c_\text{out}$ output channels and $k \times k$ filters
# has $(k^2 c_\text{in} + 1)\,c_\text{out}$ parameters, whatever the image size. We count every
# model by formula and against PyTorch:

# %%
# NBVAL_CHECK_OUTPUT
models = {kind: make_digit_model(kind, recipe=recipe) for kind in ("linear", "mlp", "cnn")}
counts = {kind: sum(p.numel() for p in model.parameters()) for kind, model in models.items()}
c1, c2 = recipe.channels
by_formula = {
    "linear": (64 + 1) * 10,
    "mlp": mlp_parameter_count((64, recipe.hidden, 10)),
    "cnn": conv2d_parameter_count(3, 1, c1) + conv2d_parameter_count(3, c1, c2) + (c2 * 2 * 2 + 1) * 10,
}
assert counts == by_formula and counts["cnn"] == digit_cnn_parameter_count(recipe.channels)
for kind, n in counts.items():
    print(f"{kind:6s} {n:6,} parameters")

# %% [markdown]
# Every model trains by the same recipe on the course's engine (`lib.train.loop.train`): AdamW, a
# learning rate of 0.01 with warm-up and cosine decay, batches of 128, 40 epochs. With and without
# augmentation the batches come in the same order from the same source; only the transformation
# differs. We test every model twice:
#
# - on the **test digits as they are**: centred and upright, like the training digits;
# - on the **moved test digits**: each test digit turned and moved once, at random, by amounts in
#   the augmentation's range (a fixed set, seed 123). It asks whether a model still knows a digit
#   that sits a little off, as a digit drawn by a person often does.
#
# Three seeds each, so a difference we report is larger than the spread between runs.

# %%
SEEDS = (0, 1, 2, 3, 4) if device.type == "cuda" else (0, 1, 2)
moved_test = perturbed_test_set(test.images, seed=123)
results = {}  # (kind, augmented) -> list of (accuracy as is, accuracy moved), one per seed
trained = {}
for kind in ("linear", "mlp", "cnn"):
    for augmented in (False, True):
        runs = []
        for seed in SEEDS:
            model = train_digit_model(kind, train.images, train.labels, seed, augmented, recipe, device)
            as_is = (predict_probabilities(model, test.images).argmax(1) == test.labels).float().mean().item()
            moved = (predict_probabilities(model, moved_test).argmax(1) == test.labels).float().mean().item()
            runs.append((as_is, moved))
            trained[kind, augmented, seed] = model
        results[kind, augmented] = runs

print(f"{'model':7s} {'augmented':>9s}   {'test digits as they are':>24s}   {'moved and turned':>18s}")
for (kind, augmented), runs in results.items():
    as_is = " ".join(f"{a:.3f}" for a, _ in runs)
    moved = " ".join(f"{m:.3f}" for _, m in runs)
    print(f"{kind:7s} {'yes' if augmented else 'no':>9s}   {as_is:>24s}   {moved:>18s}")

# %% [markdown]
# The checks below are floors set a little under what five seeds reached when we wrote the lesson (CNN with
# augmentation: 0.989 to 0.993 on the test digits as they are, 0.940 to 0.958 moved; each gain from
# augmentation on moved digits at least 0.14 for the linear model, 0.24 for the MLP, 0.20 for the CNN):

# %%
def column(kind, augmented, which):
    return torch.tensor([run[which] for run in results[kind, augmented]])


cnn_as_is, cnn_moved = column("cnn", True, 0), column("cnn", True, 1)
assert cnn_as_is.min() >= 0.985  # the headline: at least 98.5% on every seed
assert cnn_moved.min() >= 0.92  # and above 92% on moved and turned digits
# the CNN beats the MLP and the linear model on every seed, as is and moved
for other in ("linear", "mlp"):
    for augmented in (False, True):
        assert (cnn_as_is >= column(other, augmented, 0)).all(), other
        assert (cnn_moved > column(other, augmented, 1) + 0.08).all(), other
assert (cnn_as_is > column("linear", False, 0) + 0.02).all()
# augmentation: a large gain on moved digits for every model, no loss on digits as they are for the CNN
for kind, least_gain in (("linear", 0.10), ("mlp", 0.20), ("cnn", 0.18)):
    assert (column(kind, True, 1) - column(kind, False, 1)).min() >= least_gain, kind
assert cnn_as_is.mean() >= column("cnn", False, 0).mean() - 0.005

# %%
fig, axes = figure(ncols=2, width=9, height=3.4)
labels = {"linear": "linear", "mlp": "MLP", "cnn": "CNN"}
for ax, which, title in ((axes[0], 0, "test digits as they are"), (axes[1], 1, "moved and turned test digits")):
    for j, augmented in enumerate((False, True)):
        means = [column(kind, augmented, which).mean().item() for kind in labels]
        lows = [means[i] - column(kind, augmented, which).min().item() for i, kind in enumerate(labels)]
        highs = [column(kind, augmented, which).max().item() - means[i] for i, kind in enumerate(labels)]
        ax.bar([i + 0.38 * j for i in range(3)], means, width=0.38, color=PALETTE[j], yerr=[lows, highs],
               capsize=3, label="with augmentation" if augmented else "without")
    ax.set_xticks([i + 0.19 for i in range(3)], list(labels.values()))
    ax.set_ylim(0.4, 1.0)
    ax.set_title(title)
    ax.grid(axis="x", visible=False)
axes[0].set_ylabel(f"test accuracy (mean, min-max of {len(SEEDS)} seeds)")
handles, names = axes[0].get_legend_handles_labels()
legend = fig.legend(handles, names, loc="outside lower center", ncols=2)

# %% [markdown]
# What the table and the plot say:
#
# - On the test digits as they are, all three models do well: the linear model about 95.7%, the MLP
#   98.4%, the CNN about 99%. These digits were centred and size-normalized by the people who made
#   the data set, which makes the task easy even for a model that ignores which pixels are
#   neighbours. The CNN's lead over the MLP here is two to four images out of 450, on every seed.
# - Moved and turned, the models without augmentation lose a great deal: the linear model falls to
#   about 53%, the MLP to about 57%, the CNN to about 72% (its convolutions are shift-equivariant,
#   lesson 1.3, which helps but is not enough).
# - Augmentation recovers most of it: the CNN goes to about 95% on moved digits, with no loss on
#   the digits as they are. The MLP gains too (to about 83%), but the CNN's built-in assumption that
#   patterns are local and can appear anywhere makes the same copies go much further. The linear
#   model gains on moved digits (to about 67%) but *loses* 1.5 points on the digits as they are: one
#   template per class cannot hold a digit in every position, so it blurs its templates instead.
# - The moved test uses the augmentation's own range, so this measures exactly what augmentation
#   was designed to teach. Variation it never showed (bigger turns, thicker strokes, a new writer's
#   style) is not covered, and a random split of digits from 13 writers puts the same writers in
#   training and test: a model meeting new writers would do somewhat worse.
#
# ## Inside the CNN: filters and feature maps
#
# The first layer has 16 learned 3x3 **filters** (卷积核). Each slides over the image and gives a
# **feature map** (特征图): how strongly that pattern appears at each position. The second layer's
# 32 filters read all 16 maps at once and respond to combinations of them. `lib.models.cnn.feature_maps`
# returns each block's maps after the ReLU; we check it against the layers applied by hand.

# %%
cnn = trained["cnn", True, 0]
example = test.images[:1]
maps_1, maps_2 = feature_maps(cnn, example)
conv_1, _, pool_1, conv_2 = cnn.features[:4]
with torch.no_grad():
    torch.testing.assert_close(maps_1, F.relu(F.conv2d(example, conv_1.weight, conv_1.bias, padding=1)))
    torch.testing.assert_close(maps_2, F.relu(F.conv2d(F.max_pool2d(maps_1, 2), conv_2.weight, conv_2.bias, padding=1)))
print("feature maps:", tuple(maps_1.shape[1:]), "after block 1,", tuple(maps_2.shape[1:]), "after block 2")

filters = conv_1.weight.detach()[:, 0]  # (16, 3, 3)
fig, axes = figure(ncols=17, nrows=3, width=10.5, height=2.3)
axes[0][0].imshow(example[0, 0], cmap="gray_r", vmin=0, vmax=1)
axes[0][0].set_title(f"digit {test.labels[0].item()}", fontsize=8)
limit = filters.abs().max().item()
for k in range(16):
    axes[0][k + 1].imshow(filters[k], cmap="RdBu_r", vmin=-limit, vmax=limit)  # red +, blue -
    axes[1][k + 1].imshow(maps_1[0, k], cmap="magma")
    axes[2][k + 1].imshow(maps_2[0, k], cmap="magma")
for r, name in enumerate(("filters 1", "maps 1", "maps 2")):
    axes[r][1].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
for ax in (axes[1][0], axes[2][0]):
    ax.axis("off")

# %% [markdown]
# Top row: the 16 learned filters of the first layer (red weights positive, blue negative); several
# are a row or column of positive weights next to negative ones, the shape of the edge detectors of
# lesson 1.3, at different angles. Middle: the 8x8 map each filter makes from the digit on the left,
# bright where its pattern is: most light up along the 1's vertical stroke, some more on one side
# of it than the other, and a few stay dark, their pattern absent from this digit. Bottom: 16 of the
# 32 second-layer maps, 4x4 each, coarser, each combining several first-layer maps.
# Nobody designed these filters: gradient descent found them because they help to tell digits apart.
#
# ## The mistakes
#
# Which test digits does the CNN (augmented, seed 0) still get wrong, and what does it say instead?

# %%
probabilities = predict_probabilities(cnn, test.images)
predicted = probabilities.argmax(1)
wrong = (predicted != test.labels).nonzero().flatten()
print(f"seed 0: {len(wrong)} of {len(test)} test digits wrong; every seed:",
      [round((1 - a) * len(test)) for a, _ in results["cnn", True]])
assert 1 <= len(wrong) <= 7
confidence = probabilities.max(1).values
right_confidence, wrong_confidence = confidence[predicted == test.labels], confidence[wrong]
print(f"mean probability of the answer given: {right_confidence.mean():.0%} when right, "
      f"{wrong_confidence.mean():.0%} when wrong (from {wrong_confidence.min():.0%} to {wrong_confidence.max():.0%})")
assert wrong_confidence.mean() < right_confidence.mean() - 0.15
fig, axes = figure(ncols=len(wrong), width=1.3 * len(wrong) + 0.4, height=1.9)
for ax, i in zip(list(axes.flat) if len(wrong) > 1 else [axes], wrong.tolist(), strict=True):
    ax.imshow(test.images[i, 0], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(f"true {test.labels[i].item()}\nsaid {predicted[i].item()} ({probabilities[i].max():.0%})", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)

# %% [markdown]
# Most of these are digits a person might hesitate over at 8x8 pixels: a 5 whose top curls into
# a loop like a 9's, a 6 whose thick loop reads as the two loops of an 8, 1s written so thick that
# ink fills both sides. The model is less sure of its wrong answers than of its right ones (the
# means above), a useful signal, but a probability of 60% or 70% on a wrong answer is still far
# from "I don't know": how far a network's probabilities can be trusted is **calibration** (校准),
# which lesson 4.4 measures. The confusion matrix (lesson 3.1) puts all the errors of this model
# on the moved test digits in one picture:

# %%
moved_predicted = predict_probabilities(cnn, moved_test).argmax(1)
cm = confusion_matrix(moved_predicted, test.labels, 10)
assert cm.sum().item() == len(test) and cm.diagonal().sum().item() == (moved_predicted == test.labels).sum().item()
ax = plot_confusion(cm, [str(d) for d in range(10)], title="CNN with augmentation, moved test digits (seed 0)")

# %% [markdown]
# ## Try it: perturb a digit, or draw your own
#
# The widget calls `lib.lessons.lesson_4_1_vision.perturbed_prediction`, a plain function you can
# call yourself: it turns and moves a test digit, adds Gaussian noise and erases a fraction of its
# pixels (`lib.data.augment.perturb`), then shows the image as text (`.` blank, `+` some ink, `#`
# ink) with the CNN's three most likely digits. How far can you turn a 7 before it stops being one?
# How much noise does the CNN tolerate, compared with how much *you* tolerate?


# %%
def show_perturbed(index=0, degrees=0.0, dy=0.0, dx=0.0, noise=0.0, erase=0.0, model="CNN (augmented)"):
    chosen = {"CNN (augmented)": cnn, "CNN (no augmentation)": trained["cnn", False, 0],
              "MLP (augmented)": trained["mlp", True, 0]}[model]
    image, p = perturbed_prediction(chosen, test.images[index], degrees, dy, dx, noise, erase, seed=index)
    print(f"test digit {index}, true label {test.labels[index].item()}")
    print(prediction_panel(image, p))


show_perturbed(index=5, degrees=25.0, noise=0.1)
interactive_view(show_perturbed, index=(0, len(test) - 1, 1), degrees=(-90.0, 90.0, 5.0), dy=(-2.0, 2.0, 0.5),
                 dx=(-2.0, 2.0, 0.5), noise=(0.0, 0.6, 0.05), erase=(0.0, 0.8, 0.05),
                 model=["CNN (augmented)", "CNN (no augmentation)", "MLP (augmented)"])

# %% [markdown]
# To draw, write 8 lines of 8 characters: `.` blank, `+` half ink, `#` full ink (or a digit 0-9
# for 0/9 to 9/9 of full ink). `parse_drawing` turns the text into an image. Here is a 7, drawn
# by hand the way a 32x32 scan reduced to 8x8 might look; change it in the box.

# %%
SEVEN = """
.######.
.....##.
....##..
...##...
..+#+...
..##....
.##.....
.#......
"""


def show_drawing(drawing=SEVEN):
    image = parse_drawing(drawing)
    print(prediction_panel(image, predict_probabilities(cnn, image.unsqueeze(0))[0]))


show_drawing()


def textarea(value):
    import ipywidgets

    return ipywidgets.Textarea(value=value.strip("\n"), rows=8, layout=ipywidgets.Layout(width="12em"),
                               style={"font_family": "monospace"}, continuous_update=False)


interactive_view(show_drawing, drawing=textarea(SEVEN))

# %% [markdown]
# ## Where image recognition went from here
#
# The digits are a 1990s task: LeNet-5 (LeCun et al. 1998) read handwritten digits on bank cheques
# with a CNN much like this one. The same ideas, at scale, changed computer vision: AlexNet
# (Krizhevsky et al. 2012) was a CNN of 60 million parameters trained on GPUs on ImageNet with
# augmentation (crops, flips and colour changes of natural photos, all of which keep their labels);
# ResNet (He et al. 2016) added residual connections, the same $x + f(x)$ that every Transformer
# block uses (lesson 3.3), and trained networks of over 100 layers. Today's large vision models
# often replace convolutions with a Transformer over image patches (Dosovitskiy et al. 2021), and pre-train on far more
# images than they are fine-tuned on, as chapter 03 did for text; chapter 05 trains a small
# CLIP-style model that matches these digits with text.
#
# ## Summary
#
# - Image recognition here: 1,797 real 8x8 handwritten digits, one fixed split, three seeds per
#   setting, every model trained by the same recipe on the course's engine.
# - A CNN with augmentation reached 98.9% to 99.3% on the test digits, above chapter 01's MLP
#   (98.4%) and a linear model (94% to 96%); on moved and turned digits it kept 94% to 96%, where the
#   MLP reached 82% to 84% with augmentation and 56% to 58% without.
# - Data augmentation (small random turns and shifts that keep the label) raised every model's
#   accuracy on moved digits, by 14 to 27 points, at no cost on the digits as they are for the CNN
#   and the MLP: it teaches the variation it shows, and only that.
# - The CNN's learned first-layer filters look like edge detectors; its feature maps show where
#   each pattern is. Its mistakes are mostly digits that are ambiguous at 8x8, some made confidently.
# - The article's account needs three corrections: parameter count was not the whole story (data,
#   GPUs, augmentation and depth were), augmentation must keep the label, and a recognizer is
#   judged by a measured error rate. ResNet's paper is "Deep Residual Learning for Image Recognition".
#
# ## Exercises
#
# **1. Predict, then run.** Turn every test 6 upside down (180°). What digit will the augmented CNN
# call most of them? Write your prediction in `answer_1` (an int), then run the cell.

# %%
# BEGIN SOLUTION
answer_1 = 9
# END SOLUTION
sixes = test.images[test.labels == 6]
upside_down = affine(sixes, 180.0)
said = predict_probabilities(cnn, upside_down).argmax(1)
print("the CNN calls the upside-down 6s:", torch.bincount(said, minlength=10).tolist())
check("4.1.upside-down-six", answer_1, predictions=said)

# %% [markdown]
# A check that accepted anything would teach nothing: "still a 6" is rejected.

# %%
print(expect_wrong(check, "4.1.upside-down-six", 6, predictions=said))

# %% [markdown]
# **2. Code.** Where does the pixel at row 1, column 4 of an 8x8 image go when the image is turned
# 90° counter-clockwise about its centre? Use the formula of this lesson (or think it through) and
# give `(row, column)` as a tuple of ints.

# %%
# BEGIN SOLUTION
u, v = 4 - 3.5, 1 - 3.5  # from the centre
u_out, v_out = v, -u  # the output pixel (u', v') reads (u, v) = (-v', u') when theta = 90 degrees
answer_2 = (round(v_out + 3.5), round(u_out + 3.5))
# END SOLUTION
check("4.1.quarter-turn-pixel", answer_2)

# %% [markdown]
# **3. Code.** How many parameters does a 3x3 convolution from 16 to 32 channels have, with its
# biases? (This is the CNN's second layer.) Compute it without `lib`.

# %%
# BEGIN SOLUTION
answer_3 = (3 * 3 * 16 + 1) * 32
# END SOLUTION
check("4.1.conv-parameters", answer_3)

# %% [markdown]
# **4. Think.** Why would flipping images left to right be a good augmentation for photos of cats
# and a bad one for digits? Name one other transformation that is safe for digits and one that is
# not, and say how you would test your answer with the code of this lesson.
#
# **5. Explore.** Train the CNN with augmentation up to ±30° and ±2 pixels
# (`DigitRecipe(max_degrees=30.0, max_shift=2.0)`). What happens on the test digits as they are,
# and on the moved ones? Where is the trade-off?
#
# ## References
#
# - The source article, sections 6.1 (image recognition) and 5.5.1 (data augmentation), corrected here.
# - LeCun, Bottou, Bengio, Haffner, *Gradient-Based Learning Applied to Document Recognition*,
#   Proceedings of the IEEE 86(11), 2278–2324, 1998 — LeNet-5 and CNNs for handwritten digits.
# - Krizhevsky, Sutskever, Hinton, *ImageNet Classification with Deep Convolutional Neural Networks*,
#   NeurIPS (NIPS) 2012 — AlexNet: 60 million parameters, GPUs, augmentation and dropout.
# - He, Zhang, Ren, Sun, *Deep Residual Learning for Image Recognition*, CVPR 2016, arXiv:1512.03385 —
#   ResNet (the article cites it under a title that does not exist).
# - Dosovitskiy et al., *An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale*,
#   ICLR 2021, arXiv:2010.11929 — the Vision Transformer.
# - Simard, Steinkraus, Platt, *Best Practices for Convolutional Neural Networks Applied to Visual
#   Document Analysis*, ICDAR 2003 — enlarging the training set with distorted copies of the digits,
#   and CNNs over fully connected networks.
# - Alpaydin, Kaynak, *Optical Recognition of Handwritten Digits* data set, UCI Machine Learning
#   Repository, 1998; scikit-learn's `load_digits` is a copy of its test set:
#   https://scikit-learn.org/stable/modules/generated/sklearn.datasets.load_digits.html
