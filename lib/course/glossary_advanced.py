"""The glossary's terms for chapters 03 and later (training, applications, frontiers), as data.

Each lesson adds the key terms it introduces here; ``tests/test_glossary.py`` checks that every lesson
linked to exists and that no term is defined twice.
"""

from __future__ import annotations

from lib.course.term import Term

_CLASSIFIER = "03_training/01_text_classifier.ipynb"
_TOKENIZATION = "03_training/02_tokenization.ipynb"
_TRANSFORMER = "03_training/03_transformer.ipynb"
_PRETRAIN_GPT = "03_training/04_pretraining.ipynb"
_FINETUNE = "03_training/05_finetuning.ipynb"
_AT_SCALE = "03_training/06_training_at_scale.ipynb"
_VISION = "04_applications/01_image_recognition.ipynb"
_LANGUAGE = "04_applications/02_language.ipynb"
_SPEECH = "04_applications/03_speech.ipynb"
_HEALTH = "04_applications/04_healthcare.ipynb"
_FINANCE = "04_applications/05_finance.ipynb"
_DEPLOY = "04_applications/06_compression_and_deployment.ipynb"
_SCALING = "05_frontiers/01_scaling_laws.ipynb"
_DATA = "05_frontiers/03_data_quality.ipynb"
_SCHEDULING = "05_frontiers/07_scheduling.ipynb"
_MULTIMODAL = "05_frontiers/04_multimodal.ipynb"
_INTERPRETABILITY = "05_frontiers/06_interpretability.ipynb"

# fmt: off
ADVANCED_TERMS: tuple[Term, ...] = (
    # chapter 03: training
    Term("bag of words", "词袋模型",
         "A text representation that counts each word and ignores their order; with a linear classifier on top, "
         "a strong baseline for text classification.", _CLASSIFIER),
    Term("confusion matrix", "混淆矩阵",
         "A table of how many examples of each true class the model assigned to each predicted class; its "
         "off-diagonal cells are the errors.", _CLASSIFIER),
    Term("byte-pair encoding (BPE)", "字节对编码",
         "A tokenizer trained by repeatedly merging the most frequent adjacent pair of symbols into a new "
         "token; byte-level BPE starts from the 256 bytes, so it can encode any text.", _TOKENIZATION),
    Term("multi-head attention", "多头注意力",
         "Several attention operations side by side, each on its own d_k-dimensional projection of the input, "
         "whose outputs are concatenated and projected back to width d.", _TRANSFORMER),
    Term("rotary position embedding (RoPE)", "旋转位置编码",
         "Encoding a token's position by rotating pairs of query and key coordinates by position-dependent "
         "angles, so attention scores depend on relative position.", _TRANSFORMER),
    Term("RMSNorm", "均方根归一化",
         "Layer normalization without the mean: divide by the root mean square of the features, then scale; "
         "used by Llama.", _TRANSFORMER),
    Term("grouped-query attention (GQA)", "分组查询注意力",
         "Attention in which groups of query heads share one key and value head, shrinking the KV cache; "
         "multi-query attention is the case of a single shared head.", _TRANSFORMER),
    Term("bits per character", "每字符比特数",
         "A language model's validation loss converted to bits and divided by characters rather than tokens, "
         "so that models with different tokenizers compare.", _PRETRAIN_GPT),
    Term("temperature, top-k and top-p sampling", "温度、top-k 与 top-p 采样",
         "Ways to draw the next token: divide the logits by the temperature τ, keep only the k likeliest tokens, "
         "or keep the fewest tokens whose probabilities add up to p.", _PRETRAIN_GPT),
    Term("supervised fine-tuning (SFT)", "监督微调",
         "Fine-tuning a pre-trained language model on prompt-and-answer examples, with the loss counted on the "
         "answer tokens only.", _FINETUNE),
    Term("mixed precision", "混合精度",
         "Training with 16-bit (bf16 or fp16) arithmetic for speed and memory while keeping an fp32 master copy "
         "of the weights; fp16 also needs loss scaling.", _AT_SCALE),
    Term("activation checkpointing", "激活检查点（重计算）",
         "Keeping only some layers' activations during the forward pass and recomputing the rest during "
         "backward: memory saved for about one extra forward pass of time.", _AT_SCALE),
    Term("data parallelism (DDP)", "数据并行",
         "Training one model on several devices, each with a full copy and a different slice of the batch, "
         "averaging the gradients after every backward pass.", _AT_SCALE),
    Term("sharded training (FSDP, ZeRO)", "分片训练",
         "Data parallelism in which each device keeps only a shard of the weights, gradients and optimizer "
         "state, gathering full weights just when a layer needs them.", _AT_SCALE),
    # chapter 04: applications
    Term("data augmentation", "数据增强",
         "Training on randomly transformed copies of the examples (small shifts, turns, noise) that keep their "
         "labels, so a model learns the variation the transformations show.", _VISION),
    Term("feature map", "特征图",
         "The output of one convolution filter over an image: how strongly the filter's pattern appears at each "
         "position.", _VISION),
    Term("semantic search", "语义检索",
         "Ranking documents by the similarity of their embeddings to the query's, rather than by shared words.",
         _LANGUAGE),
    Term("retrieval-augmented generation (RAG)", "检索增强生成",
         "Placing passages retrieved for a question in the model's prompt, so that it can answer from them.",
         _LANGUAGE),
    Term("recall at k, mean reciprocal rank", "前 k 召回率、平均倒数排名",
         "Retrieval quality: the share of queries whose answer is among the first k results, and the mean of "
         "1/rank of the answer.", _LANGUAGE),
    Term("spectrogram", "频谱图",
         "The energy of a sound at each frequency over time, computed with a short-time Fourier transform.",
         _SPEECH),
    Term("mel scale", "梅尔刻度",
         "A frequency scale spaced as human pitch perception: about linear below 1 kHz, logarithmic above.",
         _SPEECH),
    Term("speech recognition, speech synthesis", "语音识别、语音合成",
         "Turning speech into text, and text into speech; WaveNet is a synthesis model, not a recognizer.",
         _SPEECH),
    Term("ROC curve and AUC", "受试者工作特征曲线与曲线下面积",
         "The true-positive rate against the false-positive rate as the decision threshold moves, and the area "
         "under it: the probability a random positive scores above a random negative.", _HEALTH),
    Term("calibration", "校准",
         "Agreement between predicted probabilities and observed frequencies: of cases given 0.3, about 30% "
         "should be positive.", _HEALTH),
    Term("cross-validation", "交叉验证",
         "Splitting the data into k folds and training k times, each time testing on the fold left out, to "
         "measure performance with all the data and its spread.", _HEALTH),
    Term("sensitivity, specificity", "灵敏度、特异度",
         "The share of true positives a test catches, and the share of true negatives it clears.", _HEALTH),
    Term("autoregression (AR)", "自回归",
         "Forecasting a series from a linear combination of its own last p values, fitted by least squares.",
         _FINANCE),
    Term("walk-forward validation", "前向验证（滚动验证）",
         "Testing a forecaster only on periods after everything it was trained on, refitting as time moves "
         "forward; a shuffled split lets the future leak into training.", _FINANCE),
    Term("data leakage", "数据泄漏",
         "Information from the test data (or the future) reaching training, through a split, a fitted scaler or "
         "a feature, so that a model looks better than it is.", _FINANCE),
    Term("pruning", "剪枝",
         "Removing weights (unstructured) or whole neurons and channels (structured) from a trained model; only "
         "structured pruning shrinks the matrices and the latency without sparse kernels.", _DEPLOY),
    Term("continuous batching", "连续批处理",
         "Serving generation requests in a batch that admits a new request as soon as another finishes, instead "
         "of waiting for the whole batch to end.", _DEPLOY),
    Term("inference server", "推理服务",
         "A program that keeps a model in memory and answers prediction requests over the network, grouping them "
         "into batches for throughput.", _DEPLOY),
    # chapter 05: frontiers
    Term("deduplication", "去重",
         "Removing repeated copies of the same text from a data set; exact duplicates are found by hashing the "
         "normalized text.", _DATA),
    Term("near duplicate", "近似重复",
         "A text that differs from another by a few words, judged by the Jaccard similarity of their sets of word "
         "n-grams (shingles).", _DATA),
    Term("MinHash, locality-sensitive hashing (LSH)", "最小哈希、局部敏感哈希",
         "Signatures of minimum hash values whose agreement estimates Jaccard similarity, and banding them so "
         "that only similar pairs are compared.", _DATA),
    Term("data filtering", "数据过滤",
         "Dropping training documents by rules or a classifier that judge their quality, such as length, "
         "symbol ratio and repetition.", _DATA),
    Term("label noise", "标签噪声",
         "Wrong labels in a training set; symmetric noise at rate ρ replaces a label by another class drawn "
         "uniformly with probability ρ.", _DATA),
    Term("power law, irreducible loss", "幂律、不可约损失",
         "ℒ = E + A·N^(−α): loss falls as a power of size towards a floor E that no model size removes, the "
         "entropy of the data itself.", _SCALING),
    Term("compute-efficient frontier", "计算效率前沿",
         "The lowest loss any model of a family reaches at each training compute: the envelope of all the "
         "training curves, against which compute scaling laws are fitted.", _SCALING),
    Term("first-come first-served (FIFO), shortest job first (SJF)", "先来先服务、短作业优先",
         "Scheduling policies that start waiting jobs in arrival order, or shortest first; SJF cuts the mean "
         "wait but needs to know each job's length.", _SCHEDULING),
    Term("fair share", "公平共享",
         "Dividing a cluster's GPUs equally between teams (and between each team's jobs), max-min fair, so a "
         "long job cannot hold up everyone else.", _SCHEDULING),
    Term("gang scheduling", "成组调度",
         "Starting a multi-GPU job only when all the GPUs it needs are free at once, since its processes must "
         "run together.", _SCHEDULING),
    # chapter 05: frontiers
    Term("multimodal learning", "多模态学习",
         "Learning from more than one kind of data at once (images and text, audio and text), usually by mapping "
         "each into a shared representation or feeding one into a model of the other.", _MULTIMODAL),
    Term("contrastive learning", "对比学习",
         "Training embeddings so that matching pairs score higher than mismatched ones in the same batch; CLIP's "
         "loss is a cross-entropy over the batch (InfoNCE).", _MULTIMODAL),
    Term("zero-shot classification", "零样本分类",
         "Classifying with no classifier trained for the task: each class is described in text, and an input "
         "gets the class whose description embeds nearest to it.", _MULTIMODAL),
    Term("cross-modal retrieval", "跨模态检索",
         "Searching one modality with a query in another, such as finding images for a caption, by similarity in "
         "a shared embedding space.", _MULTIMODAL),
    Term("embedding space", "嵌入空间",
         "The vector space an encoder maps its inputs into, where nearness (cosine similarity) stands for "
         "relatedness; CLIP puts images and texts in one.", _MULTIMODAL),
    # chapter 05 (frontiers)
    Term("interpretability", "可解释性",
         "Understanding how a model computes its outputs, by tools whose claims can be tested by intervening on "
         "the model.", _INTERPRETABILITY),
    Term("attention map", "注意力图",
         "The weights an attention head gives each earlier position, drawn as a query-by-key heatmap; where a "
         "head looks, not what it does.", _INTERPRETABILITY),
    Term("saliency map (gradient × input)", "显著性图（梯度×输入）",
         "A score per input from the gradient of one output, here the gradient times the input embedding: a "
         "first-order estimate of removing that input.", _INTERPRETABILITY),
    Term("linear probe", "线性探针",
         "A linear classifier trained on a frozen model's hidden states, to test whether a property can be read "
         "off a layer.", _INTERPRETABILITY),
    Term("control task, selectivity", "对照任务、选择性",
         "The probe trained on random labels per token type; task accuracy minus control accuracy says how much "
         "comes from the representation, not the probe's memory.", _INTERPRETABILITY),
)
# fmt: on
