"""The course's lesson list as data: each lesson's notebook (relative to chapters/) and its title, in course order.

Lessons read this instead of the chapters/ folder, which a Colab install of ``lib`` does not have.
``tests/test_course.py`` checks it against the lesson headers under chapters/ and, when they differ,
prints the list to paste here.
"""

from __future__ import annotations

SYLLABUS: tuple[tuple[str, str], ...] = (
    ("01_concepts/01_what_is_a_large_model.ipynb", "1.1 What is a large model? (什么是大模型？)"),
    ("01_concepts/02_neural_network_basics.ipynb", "1.2 Neural network basics (神经网络基础)"),
    ("01_concepts/03_architectures.ipynb", "1.3 Architectures: MLP, CNN, RNN and the Transformer (网络架构)"),
    ("01_concepts/04_history_and_scale.ipynb", "1.4 History and scale: parameters, data and compute (发展历程与规模)"),
    (
        "01_concepts/05_pretraining_and_finetuning.ipynb",
        "1.5 Pre-training, fine-tuning and transfer learning (预训练、微调与迁移学习)",
    ),
    ("01_concepts/06_training_loop.ipynb", "1.6 The training loop, step by step (训练流程)"),
    ("01_concepts/07_gan.ipynb", "1.7 Generative adversarial networks (生成对抗网络, GAN)"),
    ("01_concepts/08_market_and_applications.ipynb", "1.8 Large models in the market (大模型的市场与应用)"),
    ("01_concepts/09_glossary.ipynb", "1.9 Glossary (术语表)"),
    ("02_math/01_activations.ipynb", "2.1 Activation functions (激活函数)"),
    ("02_math/02_losses.ipynb", "2.2 Loss functions (损失函数)"),
    ("02_math/03_backpropagation.ipynb", "2.3 Backpropagation (反向传播)"),
    ("02_math/04_initialization_and_normalization.ipynb", "2.4 Initialization and normalization (初始化与归一化)"),
    ("02_math/05_optimizers.ipynb", "2.5 Optimizers (优化器)"),
    ("02_math/06_worked_example.ipynb", "2.6 A worked example, done right (完整示例)"),
    ("03_training/01_text_classifier.ipynb", "3.1 A text classifier, done right (文本分类)"),
    ("03_training/02_tokenization.ipynb", "3.2 Tokenization: characters, bytes and byte-pair encoding (分词)"),
    ("03_training/03_transformer.ipynb", "3.3 The Transformer block in full (Transformer 模块)"),
    ("03_training/04_pretraining.ipynb", "3.4 Pre-training a GPT (预训练)"),
    ("03_training/05_finetuning.ipynb", "3.5 Fine-tuning the pre-trained GPT: a classifier, SFT and LoRA (微调)"),
    ("03_training/06_training_at_scale.ipynb", "3.6 Training at scale (大规模训练)"),
    ("04_applications/01_image_recognition.ipynb", "4.1 Image recognition (图像识别)"),
    ("04_applications/02_language.ipynb", "4.2 Language: generation, classification and retrieval (自然语言处理)"),
    ("04_applications/03_speech.ipynb", "4.3 Speech: from waveform to spectrogram to classifier (语音识别)"),
    ("04_applications/04_healthcare.ipynb", "4.4 Healthcare: a model a clinician could question (医疗健康)"),
    ("04_applications/05_finance.ipynb", "4.5 Finance: forecasting without fooling yourself (金融预测)"),
    ("04_applications/06_compression_and_deployment.ipynb", "4.6 Compressing and serving a model (模型压缩与部署)"),
    ("05_frontiers/01_scaling_laws.ipynb", "5.1 Scaling laws, measured (规模定律)"),
    ("05_frontiers/02_cost_and_market.ipynb", "5.2 Cost and market position (成本与市场格局)"),
    ("05_frontiers/03_data_quality.ipynb", "5.3 Data quality: deduplication, leakage and label noise (数据质量)"),
    ("05_frontiers/04_multimodal.ipynb", "5.4 Multimodal learning: a tiny CLIP (多模态学习)"),
    (
        "05_frontiers/06_interpretability.ipynb",
        "5.6 Interpretability: what the GPT knows, and how tools mislead (可解释性)",
    ),
    ("05_frontiers/07_scheduling.ipynb", "5.7 Sharing a GPU cluster: scheduling (资源调度)"),
    ("05_frontiers/08_faq_and_errata.ipynb", "5.8 FAQ and errata (常见问题与勘误)"),
)


def lesson_title(notebook: str) -> str:
    """The title of the lesson whose notebook is ``notebook`` (e.g. '02_math/05_optimizers.ipynb')."""
    titles = dict(SYLLABUS)
    if notebook not in titles:
        raise ValueError(f"notebook must be a lesson of the course such as {SYLLABUS[0][0]!r}, got {notebook!r}")
    return titles[notebook]
