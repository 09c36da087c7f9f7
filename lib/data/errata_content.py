"""The source article's errors of content: its formulas, its code, its facts and its terms, each with its correction.

Each entry names the lesson that teaches the right version and, where code can show the error, the
function of ``lib.lessons.lesson_5_8_errata`` that runs it (``demo``). Lesson 5.8 gathers them all.
"""

from __future__ import annotations

from lib.data.erratum import Erratum

_ACTIVATIONS = "02_math/01_activations.ipynb"
_LOSSES = "02_math/02_losses.ipynb"
_BACKPROP = "02_math/03_backpropagation.ipynb"
_OPTIMIZERS = "02_math/05_optimizers.ipynb"
_WORKED = "02_math/06_worked_example.ipynb"
_INTRO = "01_concepts/01_what_is_a_large_model.ipynb"
_ARCHITECTURES = "01_concepts/03_architectures.ipynb"
_HISTORY = "01_concepts/04_history_and_scale.ipynb"
_PRETRAINING = "01_concepts/05_pretraining_and_finetuning.ipynb"
_LOOP = "01_concepts/06_training_loop.ipynb"
_GAN = "01_concepts/07_gan.ipynb"
_MARKET = "01_concepts/08_market_and_applications.ipynb"
_GLOSSARY = "01_concepts/09_glossary.ipynb"
_CLASSIFIER = "03_training/01_text_classifier.ipynb"
_LANGUAGE = "04_applications/02_language.ipynb"

_ADAM = "https://arxiv.org/abs/1412.6980"

CONTENT_ERRATA: tuple[Erratum, ...] = (
    # formulas (section 4)
    Erratum(
        "formula",
        "4.1.3, 4.2.5",
        "Adam: θ ← θ − α·m/((1−β₁ᵗ)(1−β₂ᵗ)); v is computed and never used, and there is no ε",
        "θ ← θ − α·m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) (Kingma & Ba, ICLR 2015). Without √v̂ the step "
        "grows with the gradient's scale, and (1−β₁ᵗ)(1−β₂ᵗ) ≈ 10⁻⁴ at t = 1 makes the first step about 1000 times α.",
        _ADAM,
        _OPTIMIZERS,
        "adam_demo",
    ),
    Erratum(
        "formula",
        "4.1.3",
        "Adam “combines SGD and Momentum”",
        "Adam combines momentum (its first moment m) with RMSProp (its second moment v, by which it divides); "
        "the article's own 5.3.2 says so.",
        _ADAM,
        _OPTIMIZERS,
    ),
    Erratum(
        "formula",
        "4.1.3",
        "gradient descent, SGD and BGD written with one and the same formula θ ← θ − α∇J(θ)",
        "The update has the same form; what differs is which samples the gradient is averaged over: all of them "
        "(batch gradient descent), one (SGD), or a mini-batch (mini-batch SGD, which is what the article's SGD "
        "describes). The three gradients differ; their average over all samples is the full gradient.",
        "https://www.deeplearningbook.org/contents/optimization.html",
        _OPTIMIZERS,
        "small_checks_demo",
    ),
    Erratum(
        "formula",
        "4.2.3",
        "cross-entropy Loss = −(1/m) Σ yᵢ log yᵢ, the prediction y used twice",
        "−(1/m) Σ log p(y*ᵢ), the log-probability of the true label (binary: −[y* log y + (1−y*) log(1−y)]), which "
        "is F.cross_entropy. The article's formula is the entropy of the predictions: it ignores the labels and "
        "is smallest for any confident prediction, right or wrong.",
        "https://docs.pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html",
        _LOSSES,
        "cross_entropy_demo",
    ),
    Erratum(
        "formula",
        "4.2.2",
        "ReLU on the output layer of a binary classifier: y = σ(W_h h + b_h) with σ = ReLU",
        "The output must be a probability: a sigmoid of one logit (or a softmax of two). A ReLU output is "
        "unbounded above, and 0 with a zero gradient whenever the logit is negative, so those samples never learn.",
        "https://www.deeplearningbook.org/contents/mlp.html",
        _LOSSES,
        "small_checks_demo",
    ),
    Erratum(
        "formula",
        "4.1.1",
        "ReLU has “fewer parameters”",
        "ReLU max(0, x) has no parameters at all. Its merits are cheap computation and a gradient of 1 for "
        "positive inputs (it does not saturate there).",
        "https://docs.pytorch.org/docs/stable/generated/torch.nn.ReLU.html",
        _ACTIVATIONS,
        "small_checks_demo",
    ),
    Erratum(
        "formula",
        "4.2.4",
        "output-layer gradient (1/m) Σ (∇yᵢ ⊙ (y − y*)) hᵢ, with an extra factor ∇yᵢ",
        "With a sigmoid output and binary cross-entropy the gradient with respect to the logit is (y − y*)/m: "
        "the sigmoid's derivative cancels, and no extra factor remains.",
        "https://www.deeplearningbook.org/contents/mlp.html",
        _WORKED,
        "small_checks_demo",
    ),
    Erratum(
        "formula",
        "8.2, 9.2 (A5)",
        "the compute a model needs grows exponentially (指数级增长) with its size",
        "Training compute is C ≈ 6ND: linear in N at a fixed number of tokens D, and ∝ N² along the "
        "compute-optimal line D ≈ 20N. That is a power law (a straight line on log-log axes), not an exponential; "
        "what grew exponentially is compute over time, because budgets grew.",
        "https://arxiv.org/abs/2001.08361",
        _HISTORY,
        "compute_growth_demo",
    ),
    # code (sections 3.2 and 5.2)
    Erratum(
        "code",
        "5.2, 5.3",
        "a PyTorch text classifier with torchvision.datasets.TextDataset, fc1 applied num_layers times, and "
        "accuracy = 100·correct / len(train_loader)",
        "It cannot run: torchvision.datasets.TextDataset does not exist (torchvision holds image and video data "
        "sets); fc1 (100 → 256) is applied to its own 256-wide output; nothing pools the per-token scores into one "
        "prediction per text; the accuracy divides by the number of batches and is measured on the training set.",
        "https://docs.pytorch.org/vision/stable/datasets.html",
        _CLASSIFIER,
        "article_classifier_demo",
    ),
    Erratum(
        "code",
        "5.2",
        "“a text classification large model with millions of parameters”",
        "With its own settings the model has 1,026,370 parameters, 97% of them in the embedding table: a small "
        "model by the article's own definition of a large one (billions of parameters).",
        "https://docs.pytorch.org/docs/stable/generated/torch.nn.Embedding.html",
        _CLASSIFIER,
        "article_classifier_demo",
    ),
    Erratum(
        "code",
        "3.2",
        "a training loop that calls loss.backward() and optimizer.step() but never zeroes the gradients",
        "PyTorch adds each backward pass's gradients to .grad; without optimizer.zero_grad() every step uses the "
        "sum of all gradients so far.",
        "https://docs.pytorch.org/docs/stable/generated/torch.optim.Optimizer.zero_grad.html",
        _LOOP,
        "small_checks_demo",
    ),
    Erratum(
        "code",
        "2.5",
        "a flow chart that ends in “repeat training” without a loop back, with the model drawn as a step",
        "Training is a loop: forward, loss, backward, update, and back to the next batch; evaluation on held-out "
        "data decides when to stop (早停).",
        "https://docs.pytorch.org/tutorials/beginner/basics/optimization_tutorial.html",
        _LOOP,
    ),
    # facts
    Erratum(
        "fact",
        "1.4.2, 3.1",
        "backpropagation computes the gradients and updates the parameters",
        "Backpropagation (反向传播) only computes the gradients (loss.backward()); the optimizer (优化器) updates "
        "the parameters (optimizer.step()).",
        "https://docs.pytorch.org/docs/stable/autograd.html",
        _BACKPROP,
        "small_checks_demo",
    ),
    Erratum(
        "fact",
        "2.3",
        "“Google's Turing model”",
        "Turing-NLG (17 billion parameters, February 2020) is Microsoft's.",
        "https://www.microsoft.com/en-us/research/blog/turing-nlg-a-17-billion-parameter-language-model-by-microsoft/",
        _INTRO,
    ),
    Erratum(
        "fact",
        "6.3",
        "WaveNet as a speech recognition (自动语音识别) model",
        "WaveNet (van den Oord et al., 2016) is a generative model of raw audio: it predicts the next audio sample "
        "and is used to synthesize speech (text-to-speech). A recognizer maps audio to text (Whisper, for example).",
        "https://arxiv.org/abs/1609.03499",
        _MARKET,
        "wavenet_demo",
    ),
    Erratum(
        "fact",
        "2.2",
        "“in 2014 Microsoft trained a model of 170 million parameters, the start of the large-model era”",
        "No such model can be found. The claim most likely garbles Project Adam (Chilimbi et al., OSDI 2014), a "
        "Microsoft training system that trained an image network of about 2 billion connections.",
        "https://www.usenix.org/conference/osdi14/technical-sessions/presentation/chilimbi",
        _HISTORY,
    ),
    Erratum(
        "fact",
        "2.4.3",
        "large models “usually use a DNN, a CNN or an RNN”",
        "Almost every large language model today is a Transformer (Vaswani et al., 2017), built on attention "
        "(注意力机制), which the article never mentions.",
        "https://arxiv.org/abs/1706.03762",
        _ARCHITECTURES,
    ),
    Erratum(
        "fact",
        "9.2 (A2)",
        "generative adversarial networks (GAN) among the main technical principles of large models",
        "Large language models are Transformers trained to predict the next token with cross-entropy; no "
        "discriminator takes part. GANs are a separate family of generative models, best known for images.",
        "https://arxiv.org/abs/2005.14165",
        _GAN,
    ),
    Erratum(
        "fact",
        "9.2 (A1), 2.3",
        "BERT as a typical large model, defined as one with billions of parameters or more",
        "BERT-large has 340 million parameters (BERT-base 110 million; Devlin et al., NAACL 2019): below the "
        "article's own threshold. “Large” is relative to its time; GPT-3 (175 billion) fits the definition.",
        "https://arxiv.org/abs/1810.04805",
        _INTRO,
    ),
    Erratum(
        "fact",
        "6.2",
        "GPT-3 “produces fluent, natural translations”",
        "GPT-3's paper (Brown et al., 2020, section 3.3) reports few-shot translation that beat earlier "
        "unsupervised systems into English and stayed behind supervised systems, especially out of English.",
        "https://arxiv.org/abs/2005.14165",
        _LANGUAGE,
    ),
    Erratum(
        "fact",
        "title, 2.3",
        "a market position (市场定位) of large models, with no market figure",
        "The article gives no price, release or buyer. Lesson 1.8 adds dated, sourced figures (API prices per "
        "million tokens, open and closed releases, named buyers) from lib.data.market.",
        "https://openai.com/index/gpt-4-research/",
        _MARKET,
    ),
    # terms
    Erratum(
        "term",
        "1.4.1, 2.4.3",
        "pre-training as unsupervised learning (无监督学习)",
        "Not an error of the article: GPT-1 and GPT-2 called it “unsupervised” themselves. Today's more precise "
        "term is self-supervised learning (自监督学习): the model predicts the next or a masked-out token, so the "
        "targets come from the data itself.",
        "https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf",
        _PRETRAINING,
    ),
    Erratum(
        "term",
        "1.4.1, 2.3, 9.2 (A2)",
        "转移学习 for transfer learning",
        "The usual Chinese term is 迁移学习.",
        "https://zh-v2.d2l.ai/chapter_computer-vision/fine-tuning.html",
        _GLOSSARY,
    ),
)
