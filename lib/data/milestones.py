"""Notable neural networks with their published sizes, each with the paper or report that states it.

Only figures their authors published are here; ``training_tokens`` is None where the authors
did not state one number, and ``training_compute`` (total training FLOPs) is None where they did
not publish one. Dates are first public release (arXiv, paper or official blog).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Milestone:
    """One model: name, organisation, release month, parameters, training tokens, and the source.

    ``training_compute`` is the total pre-training compute in FLOPs as published (with its own
    ``compute_source``); ``active_parameters`` is set for mixture-of-experts models, where each
    token passes through only part of the network.
    """

    name: str
    organization: str
    released: str  # "YYYY-MM"
    parameters: float
    training_tokens: float | None
    source: str
    training_compute: float | None = None
    compute_source: str = ""
    active_parameters: float | None = None

    @property
    def parameters_per_token(self) -> float:
        """Parameters each token passes through: ``active_parameters`` for a mixture of experts, else all."""
        return self.active_parameters if self.active_parameters is not None else self.parameters

    @property
    def year(self) -> float:
        """Release date as a decimal year (2020-05 -> 2020.33), for plotting."""
        year, month = self.released.split("-")
        return int(year) + (int(month) - 1) / 12


MILESTONES: tuple[Milestone, ...] = (
    Milestone(
        "AlexNet",
        "Univ. of Toronto",
        "2012-12",
        60e6,
        None,
        "Krizhevsky, Sutskever & Hinton, ImageNet Classification with Deep Convolutional Neural Networks, NeurIPS 2012",
    ),
    Milestone(
        "VGG-16",
        "Univ. of Oxford",
        "2014-09",
        138e6,
        None,
        "Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image Recognition, arXiv:1409.1556",
    ),
    Milestone(
        "Transformer (big)",
        "Google",
        "2017-06",
        213e6,
        None,
        "Vaswani et al., Attention Is All You Need, NeurIPS 2017, Table 3",
    ),
    Milestone(
        "BERT-Large",
        "Google",
        "2018-10",
        340e6,
        None,
        "Devlin et al., BERT: Pre-training of Deep Bidirectional Transformers, arXiv:1810.04805",
    ),
    Milestone(
        "GPT-2",
        "OpenAI",
        "2019-02",
        1.542e9,
        None,
        "Radford et al., Language Models are Unsupervised Multitask Learners, 2019, Table 2",
    ),
    Milestone(
        "Megatron-LM",
        "NVIDIA",
        "2019-09",
        8.3e9,
        None,
        "Shoeybi et al., Megatron-LM: Training Multi-Billion Parameter Language Models Using Model Parallelism, arXiv:1909.08053",
    ),
    Milestone(
        "T5-11B",
        "Google",
        "2019-10",
        11e9,
        None,
        "Raffel et al., Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer, JMLR 2020",
    ),
    Milestone(
        "Turing-NLG",
        "Microsoft",
        "2020-02",
        17e9,
        None,
        "Rosset, Turing-NLG: A 17-billion-parameter language model by Microsoft, Microsoft Research Blog, 2020",
    ),
    Milestone(
        "GPT-3",
        "OpenAI",
        "2020-05",
        175e9,
        300e9,
        "Brown et al., Language Models are Few-Shot Learners, NeurIPS 2020",
        training_compute=3.14e23,
        compute_source="Brown et al. 2020, arXiv:2005.14165, Appendix D (Table D.1)",
    ),
    Milestone(
        "Gopher",
        "DeepMind",
        "2021-12",
        280e9,
        300e9,
        "Rae et al., Scaling Language Models: Methods, Analysis & Insights from Training Gopher, arXiv:2112.11446",
        training_compute=5.76e23,
        compute_source="Hoffmann et al. 2022, arXiv:2203.15556 (Gopher's budget, which Chinchilla was trained with)",
    ),
    Milestone(
        "ERNIE 3.0 Titan",
        "Baidu",
        "2021-12",
        260e9,
        None,
        "Wang et al., ERNIE 3.0 Titan: Exploring Larger-scale Knowledge Enhanced Pre-training, arXiv:2112.12731",
    ),
    Milestone(
        "MT-NLG",
        "Microsoft & NVIDIA",
        "2022-01",
        530e9,
        270e9,
        "Smith et al., Using DeepSpeed and Megatron to Train Megatron-Turing NLG 530B, arXiv:2201.11990",
    ),
    Milestone(
        "Chinchilla",
        "DeepMind",
        "2022-03",
        70e9,
        1.4e12,
        "Hoffmann et al., Training Compute-Optimal Large Language Models, arXiv:2203.15556",
        training_compute=5.76e23,
        compute_source="Hoffmann et al. 2022, arXiv:2203.15556 (the same compute budget as Gopher)",
    ),
    Milestone(
        "PaLM",
        "Google",
        "2022-04",
        540e9,
        780e9,
        "Chowdhery et al., PaLM: Scaling Language Modeling with Pathways, arXiv:2204.02311",
        training_compute=2.56e24,
        compute_source="Chowdhery et al. 2022, arXiv:2204.02311",
    ),
    Milestone(
        "GLM-130B",
        "Tsinghua Univ. & Zhipu AI",
        "2022-10",
        130e9,
        400e9,
        "Zeng et al., GLM-130B: An Open Bilingual Pre-trained Model, arXiv:2210.02414",
    ),
    Milestone(
        "LLaMA-7B",
        "Meta",
        "2023-02",
        6.7e9,
        1.0e12,
        "Touvron et al., LLaMA: Open and Efficient Foundation Language Models, arXiv:2302.13971, Table 2",
    ),
    Milestone(
        "LLaMA-65B",
        "Meta",
        "2023-02",
        65e9,
        1.4e12,
        "Touvron et al., LLaMA: Open and Efficient Foundation Language Models, arXiv:2302.13971",
    ),
    Milestone(
        "Llama 3.1 405B",
        "Meta",
        "2024-07",
        405e9,
        15.6e12,
        "Llama Team, The Llama 3 Herd of Models, arXiv:2407.21783",
        training_compute=3.8e25,
        compute_source="Llama Team 2024, arXiv:2407.21783, Section 1",
    ),
    Milestone(
        "DeepSeek-V3 (MoE)",
        "DeepSeek",
        "2024-12",
        671e9,
        14.8e12,
        "DeepSeek-AI, DeepSeek-V3 Technical Report, arXiv:2412.19437 (37B parameters active per token)",
        active_parameters=37e9,
    ),
)


def milestones(min_parameters: float = 0.0) -> list[Milestone]:
    """The milestones in release order, optionally only those with at least ``min_parameters``."""
    if not isinstance(min_parameters, (int, float)) or min_parameters < 0:
        raise ValueError(f"min_parameters must be a non-negative number, got {min_parameters!r}")
    return sorted((m for m in MILESTONES if m.parameters >= min_parameters), key=lambda m: m.released)
