"""The source article's errors in its reading list and tool list, each with the correction and where it is taught.

The article (its sections 5.1, 5.5.3, 7.2, 7.3 and 10) recommends papers and tools; some titles are
wrong, two papers cannot be found, and some tools are described as they were years ago. Each entry
says what the article writes, what is right, a source for the correction, and the lesson that
teaches it; chapter 05's errata lesson gathers them with the rest of the course's corrections.
"""

from __future__ import annotations

from lib.data.errata_content import CONTENT_ERRATA
from lib.data.erratum import KINDS, Erratum

__all__ = ["KINDS", "ERRATA", "Erratum", "errata", "markdown_table"]

_GLOSSARY = "01_concepts/09_glossary.ipynb"
_MARKET = "01_concepts/08_market_and_applications.ipynb"
_ERRATA_LESSON = "05_frontiers/08_faq_and_errata.ipynb"

_READING_AND_TOOLS: tuple[Erratum, ...] = (
    # the reading list (sections 7.3 and 10.1), taught in lesson 1.9 beside the glossary
    Erratum(
        "reference",
        "7.3.1, 10.1",
        "“ResNet: Training Deep Neural Networks with Deep Residual Connections” (He et al., 2016)",
        "The title is “Deep Residual Learning for Image Recognition” (He, Zhang, Ren & Sun, CVPR 2016, "
        "arXiv:1512.03385).",
        "https://arxiv.org/abs/1512.03385",
        _GLOSSARY,
    ),
    Erratum(
        "reference",
        "7.3.1",
        "“Deep Learning” (Goodfellow, Bengio, Courville, 2015), described as a review article",
        "Goodfellow, Bengio & Courville's *Deep Learning* is a book (MIT Press, 2016). The 2015 review "
        "article called “Deep learning” is by LeCun, Bengio & Hinton (Nature 521, 436-444, 2015).",
        "https://www.nature.com/articles/nature14539",
        _GLOSSARY,
    ),
    Erratum(
        "reference",
        "7.3.1, 10.1",
        "“A Theoretically Grounded Application of Dropout in Recurrent Neural Networks” (Yarin et al., 2016)",
        "Yarin is the first author's given name: the paper is by Gal & Ghahramani (NeurIPS 2016, arXiv:1512.05287).",
        "https://arxiv.org/abs/1512.05287",
        _GLOSSARY,
    ),
    Erratum(
        "reference",
        "7.3.2, 10.1",
        "“GPT-3: Language Models are few-shot learners” (Brown et al., 2020)",
        "The title is “Language Models are Few-Shot Learners” (Brown et al., NeurIPS 2020, arXiv:2005.14165); "
        "GPT-3 is the model it describes, not part of the title.",
        "https://arxiv.org/abs/2005.14165",
        _GLOSSARY,
    ),
    Erratum(
        "reference",
        "7.3.2, 10.1",
        "“Large-scale Language Modeling in 2018” / “Large-scale Language Modeling” (Zhang et al., 2019)",
        "No such paper can be found, and the course does not cite it. For language modelling in 2018-2019 "
        "read BERT (Devlin et al., NAACL 2019, arXiv:1810.04805) and the GPT-2 report (Radford et al., 2019).",
        "https://arxiv.org/abs/1810.04805",
        _GLOSSARY,
    ),
    Erratum(
        "reference",
        "7.3.3",
        "“Large-scale Language Modeling” (Hinton et al., 2018)",
        "No such paper can be found, and the course does not cite it. A real paper close to the title is "
        "“Exploring the Limits of Language Modeling” (Jozefowicz et al., 2016, arXiv:1602.02410), not by Hinton.",
        "https://arxiv.org/abs/1602.02410",
        _GLOSSARY,
    ),
    Erratum(
        "reference",
        "7.3.3",
        "“Using Large-scale Neural Language Models to Detect Unintentional Plagiarism” (Sun et al., 2020)",
        "No such paper can be found. A real study of the question is “Do Language Models Plagiarize?” "
        "(J. Lee, T. Le, J. Chen & D. Lee, ACM Web Conference (WWW) 2023, arXiv:2203.07618).",
        "https://arxiv.org/abs/2203.07618",
        _ERRATA_LESSON,
    ),
    Erratum(
        "reference",
        "7.3.3",
        "“Generative Adversarial Networks for Text: A Survey” (Yu et al., 2021)",
        "No survey of that title and authors can be found. A real survey is “A survey on text generation using "
        "generative adversarial networks” (G. H. de Rosa & J. P. Papa, Pattern Recognition 119, 108098, 2021, "
        "doi:10.1016/j.patcog.2021.108098, arXiv:2212.11119).",
        "https://doi.org/10.1016/j.patcog.2021.108098",
        _ERRATA_LESSON,
    ),
    # the tool list (sections 5.1, 5.5.3, 7.2 and 10.4), taught in lesson 1.8 with serving and deployment
    Erratum(
        "tool",
        "7.2.3, 10.4",
        "Keras “runs on TensorFlow and Theano”",
        "Keras 3 (2023) runs on TensorFlow, JAX and PyTorch; Theano is not one of its backends.",
        "https://pypi.org/project/keras/3.0.0/",
        _MARKET,
    ),
    Erratum(
        "tool",
        "5.5.3",
        "deploy PyTorch models with “PyTorch Server”",
        "PyTorch's model server is called TorchServe, and it has been in “limited maintenance” since 2025 "
        "(no planned updates, bug fixes or security patches); large language models are mostly served with "
        "dedicated engines such as vLLM, SGLang or NVIDIA Triton.",
        "https://github.com/pytorch/serve",
        _MARKET,
    ),
    Erratum(
        "tool",
        "5.5.3",
        "move models to phones with “TensorFlow Lite or PyTorch Mobile”",
        "PyTorch Mobile is no longer actively supported; its successor for phones and edge devices is ExecuTorch.",
        "https://docs.pytorch.org/tutorials/recipes/ptmobile_recipes_summary.html",
        _MARKET,
    ),
    Erratum(
        "tool",
        "7.2.2",
        "valgrind, a memory debugger, to find memory leaks and performance bottlenecks",
        "valgrind checks the memory of native (C/C++) programs on the CPU; it cannot see GPU memory or "
        "PyTorch's operators. To find where a model spends time and memory use torch.profiler (and "
        "torch.cuda.memory_summary on a GPU).",
        "https://docs.pytorch.org/docs/stable/profiler.html",
        _MARKET,
    ),
    Erratum(
        "tool",
        "5.1, 9.2",
        "“make sure Python 3.6 or later is installed”",
        "Python 3.6 reached end of life on 2021-12-23 and gets no security fixes; current PyTorch needs a much "
        "newer Python (this course's requirements state the minimum).",
        "https://peps.python.org/pep-0494/",
        _MARKET,
    ),
)

ERRATA: tuple[Erratum, ...] = _READING_AND_TOOLS + CONTENT_ERRATA
"""Every error of the article the course corrects: its reading list, its tools, and its content (formulas,
code, facts, terms), each with the lesson that teaches the correction."""


def errata(kind: str | None = None, lesson: str | None = None) -> tuple[Erratum, ...]:
    """The errata, optionally only one ``kind`` (see KINDS) or only those one ``lesson`` teaches."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS} or None, got {kind!r}")
    return tuple(e for e in ERRATA if (kind is None or e.kind == kind) and (lesson is None or e.lesson == lesson))


def markdown_table(entries: tuple[Erratum, ...]) -> str:
    """The errata as a Markdown table: section, what the article says, the correction."""
    if not entries:
        raise ValueError("entries must hold at least one Erratum")
    rows = ["| article section | the article says | correct |", "| --- | --- | --- |"]
    for e in entries:
        cells = (e.section, e.article_says, e.correction)
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)
