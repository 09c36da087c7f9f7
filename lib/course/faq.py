"""The source article's FAQ (its section 9), answered correctly, with the lessons that teach each answer.

The article asks five questions; the course adds four that its readers ask about the article itself.
Each answer names the key terms in English and Chinese; ``lessons`` are notebooks relative to chapters/,
and :func:`faq_markdown` links only those the course holds (lessons of chapter 05 written alongside this
one appear once they are in the syllabus).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from lib.course.syllabus import SYLLABUS


@dataclass(frozen=True)
class Question:
    """One question: its Chinese wording, an English translation, a concise answer, and the lessons behind it."""

    number: str  # "Q1".."Q5" for the article's, "C1".. for the course's
    chinese: str
    english: str
    answer: str
    lessons: tuple[str, ...]

    def __post_init__(self) -> None:
        for name in ("number", "chinese", "english", "answer"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                raise ValueError(f"{name} must be a non-empty string, got {getattr(self, name)!r}")
        if not self.lessons or any(not lesson.endswith(".ipynb") for lesson in self.lessons):
            raise ValueError(
                f"lessons must be notebook paths such as '02_math/05_optimizers.ipynb', got {self.lessons!r}"
            )


_S = "05_frontiers/"
FAQ: tuple[Question, ...] = (
    Question(
        "Q1",
        "大模型是什么？",
        "What is a large model?",
        "A neural network (神经网络) with billions of parameters (模型参数) or more, pre-trained (预训练) on a very "
        "large corpus, mostly by self-supervised learning (自监督学习: predict the next or a masked token), then "
        "adapted by fine-tuning (微调) or prompting. Today's large language models are Transformers. “Large” is "
        "relative: BERT-large, the article's example, has 340 million parameters, below its own threshold.",
        (
            "01_concepts/01_what_is_a_large_model.ipynb",
            "01_concepts/04_history_and_scale.ipynb",
            "03_training/04_pretraining.ipynb",
        ),
    ),
    Question(
        "Q2",
        "大模型的主要技术原理是什么？",
        "What are the main technical principles of large models?",
        "A Transformer (attention, 注意力机制) trained to predict the next token with cross-entropy (交叉熵); "
        "gradients by backpropagation (反向传播), updates by an optimizer (优化器) such as AdamW; compute C ≈ 6ND; "
        "then fine-tuning (微调, e.g. SFT, LoRA) and transfer learning (迁移学习). GANs (生成对抗网络), which the "
        "article lists, are a separate family of generative models, not how language models are trained.",
        (
            "01_concepts/03_architectures.ipynb",
            "01_concepts/05_pretraining_and_finetuning.ipynb",
            "01_concepts/07_gan.ipynb",
            "02_math/02_losses.ipynb",
            "02_math/03_backpropagation.ipynb",
            "02_math/05_optimizers.ipynb",
            "03_training/03_transformer.ipynb",
            "03_training/04_pretraining.ipynb",
            "03_training/05_finetuning.ipynb",
        ),
    ),
    Question(
        "Q3",
        "大模型在市场中的重要性体现在哪些方面？",
        "Why do large models matter in the market?",
        "One pre-trained model serves many tasks by fine-tuning or prompting, so a few builders sell to many "
        "buyers: through an API priced per million tokens (closed weights, 闭源权重) or as open weights (开放权重). "
        "Judge the claim by dated, sourced figures (prices, releases, measured studies), which the article does "
        "not give, and by what training and serving cost.",
        (
            "01_concepts/08_market_and_applications.ipynb",
            "04_applications/02_language.ipynb",
            "04_applications/04_healthcare.ipynb",
            _S + "02_cost_and_market.ipynb",
        ),
    ),
    Question(
        "Q4",
        "如何搭建大模型的开发生态系统？",
        "How do I set up a development environment for large models?",
        "A supported Python (3.6 reached end of life in 2021) and PyTorch for your hardware (CPU or CUDA); data split "
        "into training, validation (验证集) and test sets; a tokenizer (分词器); a model; cross-entropy and AdamW; a "
        "training loop that zeroes gradients each step and stops early (早停) on validation loss; evaluation on "
        "held-out data; torch.profiler to find bottlenecks; a serving engine to deploy.",
        (
            "01_concepts/06_training_loop.ipynb",
            "03_training/01_text_classifier.ipynb",
            "03_training/02_tokenization.ipynb",
            "03_training/04_pretraining.ipynb",
            "03_training/06_training_at_scale.ipynb",
            "01_concepts/08_market_and_applications.ipynb",
        ),
    ),
    Question(
        "Q5",
        "大模型在实际应用中面临哪些挑战？",
        "What challenges do large models face in practice?",
        "Compute (计算资源), which grows as a power of model size (C ≈ 6ND), not exponentially; data quality "
        "(数据质量: duplicates, leakage, label noise); interpretability (可解释性); security and privacy (隐私: "
        "models can memorize training text); and scheduling (资源调度) shared accelerators among jobs.",
        (
            "01_concepts/04_history_and_scale.ipynb",
            "03_training/06_training_at_scale.ipynb",
            "04_applications/04_healthcare.ipynb",
            _S + "01_scaling_laws.ipynb",
            _S + "03_data_quality.ipynb",
            _S + "05_federated_and_privacy.ipynb",
            _S + "06_interpretability.ipynb",
            _S + "07_scheduling.ipynb",
        ),
    ),
    Question(
        "C1",
        "计算量真的随模型规模呈指数级增长吗？",
        "Does compute really grow exponentially with model size?",
        "No. C ≈ 6ND is linear in the number of parameters N at a fixed number of tokens D, and grows as N² on the "
        "compute-optimal line D ≈ 20N: a power law (幂律), a straight line on log-log axes. It grew exponentially "
        "over time, because budgets did.",
        ("01_concepts/04_history_and_scale.ipynb", _S + "01_scaling_laws.ipynb"),
    ),
    Question(
        "C2",
        "预训练是无监督学习吗？",
        "Is pre-training unsupervised learning?",
        "GPT-1 and GPT-2 called it unsupervised (无监督), and the article keeps their word. Today's more precise term "
        "is self-supervised learning (自监督学习): every position has a right answer, the next or masked token, "
        "taken from the text itself, and the loss is an ordinary supervised cross-entropy.",
        ("01_concepts/05_pretraining_and_finetuning.ipynb", "01_concepts/01_what_is_a_large_model.ipynb"),
    ),
    Question(
        "C3",
        "Adam 优化器的更新公式到底是什么？",
        "What is Adam's update, exactly?",
        "θ ← θ − η·m̂/(√v̂ + ε), with m̂ = m/(1−β₁ᵗ) and v̂ = v/(1−β₂ᵗ) the bias-corrected moving averages of the "
        "gradient and of its square. It combines momentum (动量) and RMSProp; dividing by √v̂ makes its step "
        "independent of the gradient's scale, which the article's formula loses.",
        ("02_math/05_optimizers.ipynb", "02_math/06_worked_example.ipynb"),
    ),
    Question(
        "C4",
        "文章推荐的参考文献都存在吗？",
        "Do the article's references exist?",
        "Not all. Four of its references (参考文献) have garbled titles or authors, and four papers cannot be found. "
        "Check each by its arXiv id or DOI (数字对象标识符), the venue's proceedings (会议论文集), and a scholarly "
        "search engine such as Google Scholar; the corrected list is in this lesson and in lesson 1.9.",
        ("01_concepts/09_glossary.ipynb",),
    ),
)


def lesson_number(notebook: str) -> str:
    """The number a lesson's title starts with ('2.5' for '02_math/05_optimizers.ipynb'), from the syllabus."""
    titles = dict(SYLLABUS)
    if notebook not in titles:
        raise ValueError(f"notebook must be a lesson of the syllabus, got {notebook!r}")
    return titles[notebook].split()[0]


def available_lessons(question: Question, present: Collection[str] | None = None) -> tuple[str, ...]:
    """The lessons of ``question`` that the course holds (``present`` defaults to the syllabus' notebooks)."""
    held = {notebook for notebook, _ in SYLLABUS} if present is None else set(present)
    return tuple(lesson for lesson in question.lessons if lesson in held)


def faq_markdown(questions: tuple[Question, ...] = FAQ, from_folder: str = "05_frontiers") -> str:
    """The questions as Markdown: the Chinese question, its translation, the answer, and relative links to lessons."""
    if not questions:
        raise ValueError("questions must hold at least one Question")
    blocks = []
    for q in questions:
        links = ", ".join(f"[lesson {lesson_number(n)}]({relative_link(n, from_folder)})" for n in available_lessons(q))
        blocks.append(f"**{q.number}. {q.chinese}** ({q.english})\n\n{q.answer}\n\n*Lessons:* {links or 'this one'}")
    return "\n\n".join(blocks)


def relative_link(notebook: str, from_folder: str = "05_frontiers") -> str:
    """The link from a notebook in chapters/``from_folder`` to ``notebook`` (relative to chapters/)."""
    if not isinstance(notebook, str) or "/" not in notebook:
        raise ValueError(f"notebook must look like '02_math/05_optimizers.ipynb', got {notebook!r}")
    folder, name = notebook.split("/", 1)
    return name if folder == from_folder else f"../{notebook}"
