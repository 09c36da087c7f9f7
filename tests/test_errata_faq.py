"""Tests of lesson 5.8's data and demonstrations: the errata cover docs/design.md, every lesson and link exists."""

import json
import re
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from lib.course.faq import FAQ, Question, available_lessons, faq_markdown, lesson_number, relative_link
from lib.course.syllabus import SYLLABUS
from lib.data.errata import ERRATA, Erratum, errata
from lib.lessons import lesson_5_8_errata as demos
from lib.models.text_classifier import ArticleTextClassifier, article_accuracy_percent

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
LESSON = CHAPTERS / "05_frontiers" / "08_faq_and_errata"

# Each claim of docs/design.md's "Where the source article is wrong", by a phrase of the design, and a phrase that
# the erratum correcting it must hold (in what it says the article says, or in the correction).
DESIGN_TO_ERRATA = {
    "divides by (1−β₁ᵗ)(1−β₂ᵗ)": "m/((1−β₁ᵗ)(1−β₂ᵗ))",
    '"SGD and Momentum"': "combines SGD and Momentum",
    "GD, SGD and BGD": "SGD and BGD",
    "Cross-entropy in 4.2.3": "−(1/m) Σ yᵢ log yᵢ",
    "ReLU on the output": "ReLU on the output layer",
    "ReLU has no parameters": "fewer parameters",
    "TextDataset": "TextDataset",
    "fc1": "fc1 (100 → 256)",
    "pooling": "nothing pools",
    "accuracy divides": "divides by the number of batches",
    "Turing-NLG": "Turing-NLG",
    "WaveNet": "WaveNet",
    "170 million": "170 million",
    "self-supervised": "self-supervised",
    "the optimizer updates": "optimizer.step()",
    "转移学习": "转移学习",
    '"Deep Learning" (Goodfellow': "LeCun, Bengio & Hinton",
    "Deep Residual Learning": "Deep Residual Learning for Image Recognition",
    "Gal and Ghahramani": "Gal & Ghahramani",
    "Language Models are Few-Shot Learners": "Language Models are Few-Shot Learners",
    "Large-scale Language Modeling (Hinton": "Hinton et al., 2018",
    "(Zhang et al., 2019)": "Zhang et al., 2019",
    "Theano": "Theano",
    "TorchServe": "TorchServe",
    "ExecuTorch": "ExecuTorch",
    "valgrind": "valgrind",
    "Python 3.6": "Python 3.6",
    "no market figures": "no market figure",
}


def _design_bullets() -> list[str]:
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    section = text.split("## Where the source article is wrong", 1)[1]
    section = section.split("\n## ", 1)[0]
    bullets = re.split(r"\n- ", "\n" + section.split("\n- ", 1)[1])
    return [" ".join(b.split()) for b in bullets if b.strip()]


def test_every_design_erratum_is_in_the_data():
    bullets = _design_bullets()
    assert len(bullets) >= 10
    for bullet in bullets:
        assert any(p in bullet for p in DESIGN_TO_ERRATA), f"a claim of docs/design.md with no erratum: {bullet[:80]}"
    design = " ".join(bullets)
    data = " ".join(e.article_says + " " + e.correction for e in ERRATA)
    for in_design, in_data in DESIGN_TO_ERRATA.items():
        assert in_design in design, in_design
        assert in_data in data, in_data


def test_every_erratum_names_a_lesson_that_exists_and_a_demo_that_runs():
    notebooks = {n for n, _ in SYLLABUS}
    used = set()
    for e in ERRATA:
        assert e.lesson in notebooks and (CHAPTERS / e.lesson).with_suffix(".py").exists(), e.lesson
        if e.demo:
            assert callable(getattr(demos, e.demo)), e.demo
            used.add(e.demo)
    assert used == set(demos.DEMOS)
    assert {"formula", "code", "fact", "term", "reference", "tool"} == {e.kind for e in ERRATA}
    assert len(errata("formula")) >= 5 and errata(lesson="02_math/05_optimizers.ipynb")
    with pytest.raises(ValueError, match="demo"):
        Erratum("fact", "2.3", "a", "b", "https://example.org", "01_concepts/09_glossary.ipynb", "not a name")


def test_faq_links_resolve_and_missing_lessons_are_chapter_05_siblings():
    markdown = faq_markdown()
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", markdown)
    assert len(links) >= 20
    for link in links:
        assert (CHAPTERS / "05_frontiers" / link).resolve().with_suffix(".py").exists(), link
    assert sum(q.number.startswith("Q") for q in FAQ) == 5 and len(FAQ) == 9
    for q in FAQ:
        assert re.search(r"[\u4e00-\u9fff]", q.chinese) and re.search(r"[\u4e00-\u9fff]", q.answer), q.number
        for lesson in set(q.lessons) - set(available_lessons(q)):
            assert lesson.startswith("05_frontiers/"), lesson
    assert lesson_number("02_math/05_optimizers.ipynb") == "2.5"
    assert relative_link("05_frontiers/01_scaling_laws.ipynb") == "01_scaling_laws.ipynb"
    assert available_lessons(FAQ[0], present=()) == ()
    with pytest.raises(ValueError, match="notebook"):
        lesson_number("99_none/01_x.ipynb")
    with pytest.raises(ValueError, match="questions"):
        faq_markdown(())
    with pytest.raises(ValueError, match="lessons"):
        Question("Q9", "问？", "Q?", "A.", ("not a notebook",))


def test_lesson_links_resolve():
    texts = [LESSON.with_suffix(".py").read_text(encoding="utf-8")]
    notebook = LESSON.with_suffix(".ipynb")
    if notebook.exists():
        texts.append(json.dumps(json.loads(notebook.read_text(encoding="utf-8")), ensure_ascii=False))
    links = {link for text in texts for link in re.findall(r"\]\(((?:\.\./)?[\w/]+\.ipynb)\)", text)}
    assert links, "the lesson links to no lesson"
    for link in links:
        assert (LESSON.parent / link).resolve().with_suffix(".py").exists(), link


def test_adam_demo_matches_torch_and_the_article_diverges():
    run = demos.adam_demo(steps=200)
    torch.testing.assert_close(torch.tensor(run.lib_losses), torch.tensor(run.torch_losses), rtol=1e-9, atol=1e-12)
    assert run.torch_losses[-1] < 1e-3 * run.torch_losses[0]
    assert max(run.article_losses) > 1e20 and run.article_losses[-1] > run.article_losses[0]
    # at θ = 1 the gradient is λ; Adam's first step is about lr, the article's lr·g/(1−β₂)
    assert run.first_step_torch == pytest.approx(run.lr, rel=1e-6)
    assert run.first_step_article == pytest.approx(run.lr * 100.0 / (1 - 0.999), rel=1e-6)
    with pytest.raises(ValueError, match="lr"):
        demos.adam_demo(lr=0)


def test_cross_entropy_demo_against_pytorch():
    r = demos.cross_entropy_demo(seed=3)
    assert r.by_formula == pytest.approx(r.by_torch, rel=1e-12)
    assert r.article_true_labels == r.article_shuffled_labels and r.right_shuffled_labels != r.by_torch
    assert r.confident_wrong_article < 1e-12 and r.confident_wrong_right == pytest.approx(40.0)
    logits = torch.randn(5, 3, dtype=torch.float64)
    labels = torch.tensor([0, 2, 1, 1, 0])
    assert F.cross_entropy(logits, labels).item() == pytest.approx(
        -logits.log_softmax(1)[range(5), labels].mean().item()
    )
    with pytest.raises(ValueError, match="n_classes"):
        demos.cross_entropy_demo(n_classes=1)


def test_article_classifier_fails_as_printed():
    r = demos.article_classifier_demo()
    assert "cannot be multiplied" in r.deep_error
    assert r.shallow_shape == (64, 20, 2) and r.pooled_shape == (64, 2)
    assert r.n_parameters == 10000 * 100 + 100 * 256 + 256 + 256 * 2 + 2
    assert article_accuracy_percent(100, 200, 64) == 2500.0 and r.right_accuracy == 50.0
    model = ArticleTextClassifier(50, 8, 8, 2, num_layers=2)  # equal widths: runs, but still per token
    assert model(torch.randint(0, 50, (3, 7))).shape == (3, 7, 2)
    with pytest.raises(ValueError, match="n_correct"):
        article_accuracy_percent(300, 200, 64)


def test_compute_growth_is_a_power_law():
    r = demos.compute_growth_demo()
    assert r.slope_fixed == pytest.approx(1.0) and r.slope_optimal == pytest.approx(2.0) and r.r2_optimal > 0.999999
    assert r.step_ratios == pytest.approx([((k + 1) / k) ** 2 for k in range(1, 5)])  # not constant: not exponential


def test_wavenet_demo_is_causal_and_mu_law_round_trips():
    r = demos.wavenet_demo(seconds=0.01)
    assert r.output_shape == (1, 256, r.input_shape[1]) and r.receptive_field == 64
    assert r.future_gradient == 0.0 and r.past_gradient > 0
    assert r.round_trip_error < 0.02
    x = torch.linspace(-1, 1, 101, dtype=torch.float64)
    q = demos.mu_law_encode(x)
    assert q.min() == 0 and q.max() == 255 and torch.all(q[1:] >= q[:-1])
    with pytest.raises(ValueError, match="x must"):
        demos.mu_law_encode(torch.tensor([2.0]))


def test_small_checks():
    r = demos.small_checks_demo()
    assert r.full_vs_one > 0.1 and r.full_vs_batch > 0.1 and r.mean_of_per_sample < 1e-12
    assert not r.params_changed_by_backward and r.params_changed_by_step
    assert r.accumulated_error < 1e-12 and r.relu_parameters == 0 and r.logit_gradient_error < 1e-15
    with pytest.raises(ValueError, match="n must"):
        demos.small_checks_demo(n=2)
