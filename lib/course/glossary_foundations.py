"""The glossary's terms for chapters 01 and 02 (concepts and mathematics), as data."""

from __future__ import annotations

from lib.course.term import Term

# The lessons, relative to chapters/.
_WHAT_IS = "01_concepts/01_what_is_a_large_model.ipynb"
_BASICS = "01_concepts/02_neural_network_basics.ipynb"
_ARCHITECTURES = "01_concepts/03_architectures.ipynb"
_SCALE = "01_concepts/04_history_and_scale.ipynb"
_PRETRAINING = "01_concepts/05_pretraining_and_finetuning.ipynb"
_LOOP = "01_concepts/06_training_loop.ipynb"
_GAN = "01_concepts/07_gan.ipynb"
_MARKET = "01_concepts/08_market_and_applications.ipynb"
_ACTIVATIONS = "02_math/01_activations.ipynb"
_LOSSES = "02_math/02_losses.ipynb"
_BACKPROP = "02_math/03_backpropagation.ipynb"
_INIT_NORM = "02_math/04_initialization_and_normalization.ipynb"
_OPTIMIZERS = "02_math/05_optimizers.ipynb"

# fmt: off
FOUNDATION_TERMS: tuple[Term, ...] = (
    # the source article's section 1.4, with its definitions corrected where they were wrong
    Term("large model", "大模型",
         "A neural network with billions of parameters or more, pre-trained on very large data and then "
         "adapted to many tasks.", _WHAT_IS),
    Term("deep learning (DL)", "深度学习",
         "Machine learning with neural networks of many layers, each turning the previous layer's output into "
         "a more useful representation.", _BASICS),
    Term("pre-training", "预训练",
         "Training a model first on a large general data set by predicting the next or a masked token; GPT-1 "
         "and GPT-2 (and the source article) call it unsupervised, self-supervised is today's more precise "
         "term. Its parameters then serve as the start for fine-tuning.", _PRETRAINING),
    Term("transfer learning", "迁移学习（转移学习）",
         "Reusing what a model learned on one task or data set as the starting point for another, usually by "
         "fine-tuning a pre-trained model (the source article writes 转移学习; 迁移学习 is the usual term).",
         _PRETRAINING),
    Term("generative adversarial network (GAN)", "生成对抗网络",
         "A generator that turns random noise into samples and a discriminator that tells them from real data,"
         " trained against each other until the samples look real.", _GAN),
    Term("model parameters", "模型参数",
         "The numbers a model learns in training: the weights and biases of its layers.", _WHAT_IS),
    Term("forward pass (forward propagation)", "前向传播（正向传播）",
         "Computing a network's output from its input, layer after layer.", _BASICS),
    Term("backpropagation", "反向传播",
         "Computing the gradient of the loss with respect to every parameter by the chain rule, from the "
         "output back to the input; the update itself is the optimizer's job, which the source article folds "
         "into backpropagation.", _BACKPROP),
    Term("activation function", "激活函数",
         "A fixed nonlinear function (ReLU, sigmoid, tanh, GELU) applied to each neuron's weighted sum; "
         "without it, stacked layers collapse into one linear layer.", _ACTIVATIONS),
    Term("batch normalization", "批量归一化",
         "Normalizing each feature to zero mean and unit variance over the mini-batch, then scaling and "
         "shifting it with learned parameters; it speeds up and stabilizes training.", _INIT_NORM),
    Term("GPU (graphics processing unit)", "图形处理器（图形处理单元）",
         "A processor with thousands of simple cores that run the matrix products of neural networks in "
         "parallel; large models are trained on many of them.", _BASICS),
    Term("CPU (central processing unit)", "中央处理器（中央处理单元）",
         "The computer's general-purpose processor, with a few fast cores; enough to train this course's small"
         " models.", _BASICS),
    Term("machine learning (ML)", "机器学习",
         "Building a model by fitting its parameters to data instead of writing its rules by hand.", _BASICS),
    # terms the course adds
    Term("neuron", "神经元",
         "The unit of a neural network: a weighted sum of its inputs plus a bias, passed through an activation"
         " function.", _BASICS),
    Term("weight", "权重",
         "A parameter that multiplies one input of a neuron; the weights of a layer form a matrix.", _BASICS),
    Term("bias", "偏置",
         "A parameter added to a neuron's weighted sum, which shifts where the neuron switches on.", _BASICS),
    Term("layer", "层",
         "Neurons that read the same inputs; a fully connected layer multiplies its input by a weight matrix "
         "and adds a bias vector.", _BASICS),
    Term("hidden layer", "隐藏层",
         "A layer between a network's input and its output.", _BASICS),
    Term("neural network", "神经网络（人工神经网络）",
         "A function built from layers of neurons whose weights and biases are learned from data.", _BASICS),
    Term("multilayer perceptron (MLP), deep neural network (DNN)", "多层感知机（深度神经网络）",
         "Fully connected layers with a nonlinearity between them and none after the last; the simplest deep "
         "network.", _BASICS),
    Term("logit", "logit（对数几率）",
         "The unnormalized score a sigmoid (two classes) or softmax (several) turns into a probability; for a "
         "sigmoid it is the log-odds log(p / (1 - p)), hence 对数几率.", _BASICS),
    Term("logistic regression", "逻辑回归",
         "A single neuron with a sigmoid: a linear model of the log-odds of a class, whose decision boundary "
         "is a straight line.", _BASICS),
    Term("decision boundary", "决策边界",
         "The inputs at which a classifier is undecided between classes; a linear model's is a straight line "
         "(a hyperplane).", _BASICS),
    Term("hyperparameter", "超参数",
         "A setting chosen before training rather than learned, such as a network's width and depth or the "
         "learning rate.", _BASICS),
    Term("supervised learning", "监督学习",
         "Learning from examples that each come with the right answer (a label).", _BASICS),
    Term("generalization", "泛化",
         "How well a model does on new data it was not trained on, measured on a held-out test set.", _BASICS),
    Term("self-supervised learning", "自监督学习",
         "Learning from unlabelled data by predicting one part of it from the rest (the next token, a masked "
         "token), so the data provide their own labels.", _PRETRAINING),
    Term("fine-tuning", "微调",
         "Continuing to train a pre-trained model on a smaller, task-specific data set, often with labels.",
         _PRETRAINING),
    Term("linear probing", "线性探测",
         "Training only a new linear output layer on top of a frozen pre-trained model: a test of how useful "
         "its features are.", _PRETRAINING),
    Term("LoRA (low-rank adaptation)", "低秩适配",
         "Parameter-efficient fine-tuning (参数高效微调): the pre-trained weights stay frozen and two small "
         "matrices, whose product is added to a weight matrix, are trained instead.", _PRETRAINING),
    Term("knowledge distillation", "知识蒸馏",
         "Training a small student model to match a large teacher's softened predictions, so that most of the "
         "teacher's accuracy fits in far fewer parameters.", _PRETRAINING),
    Term("quantization", "量化",
         "Storing weights in fewer bits, e.g. int8 integers with one scale per row, so a model takes a quarter of "
         "fp32's memory for a small rounding error.", _WHAT_IS),
    Term("convolutional neural network (CNN)", "卷积神经网络",
         "A network that slides small shared filters over an image, so it needs few weights and finds a "
         "pattern wherever it appears.", _ARCHITECTURES),
    Term("recurrent neural network (RNN)", "循环神经网络",
         "A network that reads a sequence one step at a time, updating a hidden state with the same weights at"
         " every step.", _ARCHITECTURES),
    Term("attention (self-attention)", "注意力机制（注意力、自注意力）",
         "Each position compares its query with the keys of the positions it may see (all, or only earlier "
         "ones in a language model) and takes the softmax-weighted average of their values; the core of the "
         "Transformer.", _ARCHITECTURES),
    Term("Transformer", "Transformer 模型",
         "An architecture of stacked blocks of attention and MLP layers with residual connections and layer "
         "normalization; almost every large language model is one.", _ARCHITECTURES),
    Term("LSTM (long short-term memory)", "长短期记忆网络",
         "An RNN whose cell has gates that decide what to keep, forget and output, so that information "
         "survives over longer sequences.", _ARCHITECTURES),
    Term("inductive bias", "归纳偏置",
         "The assumptions an architecture builds in about its data (locality for a CNN, order for an RNN), "
         "which let it learn from less data when they hold.", _ARCHITECTURES),
    Term("token", "词元",
         "The unit of text a language model reads and predicts (a character, a piece of a word or a word), "
         "each mapped to an integer id.", _ARCHITECTURES),
    Term("tokenizer", "分词器",
         "The program that splits text into tokens and maps them to integer ids and back; the simplest "
         "makes every character a token.", _ARCHITECTURES),
    Term("embedding", "嵌入",
         "A learned vector for each token id (or position), looked up from a table: the first layer of a "
         "language model.", _ARCHITECTURES),
    Term("language model", "语言模型",
         "A model that gives the probability of the next token given the ones before it, and generates text "
         "by sampling one token at a time.", _ARCHITECTURES),
    Term("KV cache", "键值缓存",
         "The keys and values of earlier tokens, kept in memory while a Transformer generates text so that "
         "each new token need not recompute them.", _SCALE),
    Term("scaling law", "缩放定律（规模定律）",
         "An empirical power law that predicts a model's loss from its number of parameters, its training data"
         " and its compute.", _SCALE),
    Term("compute-optimal training (Chinchilla rule)", "计算最优训练（Chinchilla 法则）",
         "For a fixed compute budget, the split between model size and training data that gives the lowest "
         "loss; the Chinchilla fit puts it near 20 training tokens per parameter.", _SCALE),
    Term("FLOPs (floating-point operations)", "浮点运算次数",
         "The count of additions and multiplications a computation needs: the usual measure of the compute "
         "that training or running a model takes.", _SCALE),
    Term("memory bandwidth", "内存带宽",
         "The bytes per second a processor can read from memory; generating text one token at a time, for "
         "a few users at once, is limited by it rather than by arithmetic.", _MARKET),
    Term("training loop", "训练循环",
         "The repeated steps of training: forward pass, loss, backward pass, parameter update, and from time "
         "to time an evaluation.", _LOOP),
    Term("epoch", "轮次（训练轮数）",
         "One pass of training over the whole training set.", _LOOP),
    Term("training set, validation set, test set", "训练集、验证集、测试集",
         "The data a model learns from; the data watched during training to make choices (learning rate, "
         "when to stop); and the data used once, at the end, to measure the final model.", _LOOP),
    Term("overfitting", "过拟合",
         "Fitting the training data, noise included, so closely that the model does worse on new data; seen "
         "as a gap between training and validation scores.", _LOOP),
    Term("early stopping", "早停",
         "Ending training when the validation loss stops improving, to keep the model from overfitting.",
         _LOOP),
    Term("gradient accumulation", "梯度累积",
         "Summing the gradients of several small batches (each loss divided by their number) before one "
         "optimizer step, to train with a batch too large for memory.", _LOOP),
    Term("generator", "生成器",
         "In a GAN, the network that turns random noise into samples meant to look like the real data.", _GAN),
    Term("discriminator", "判别器",
         "In a GAN, the classifier that tells real samples from generated ones; the generator is trained to "
         "make it wrong.", _GAN),
    Term("mode collapse", "模式崩溃",
         "A GAN failure in which the generator produces only a few kinds of samples and ignores the rest of "
         "the data.", _GAN),
    Term("sigmoid", "sigmoid（S 型函数）",
         "The activation that squashes any number into (0, 1), turning one logit into a probability; it "
         "saturates (its gradient is near 0) for inputs far from 0.", _ACTIVATIONS),
    Term("ReLU (rectified linear unit)", "ReLU（修正线性单元）",
         "The activation that passes positive inputs unchanged and sets negative ones to 0; it has no "
         "parameters (the source article says \"fewer\"), is cheap, and does not saturate for positive inputs.",
         _ACTIVATIONS),
    Term("softmax", "softmax（归一化指数函数）",
         "Turns a vector of scores into probabilities by exponentiating each and dividing by their sum; "
         "computed stably by first subtracting the largest score.", _ACTIVATIONS),
    Term("GELU (Gaussian error linear unit)", "GELU（高斯误差线性单元）",
         "A smooth ReLU-like activation that multiplies its input by the probability that a standard normal "
         "variable is below it; used in GPT and BERT.", _ACTIVATIONS),
    Term("dying ReLU", "神经元死亡（ReLU 死亡）",
         "A ReLU neuron whose input is negative for every example outputs 0 and gets no gradient, so it "
         "stops learning.", _ACTIVATIONS),
    Term("vanishing gradient", "梯度消失",
         "Gradients that shrink layer after layer on their way back through a deep network, so that the first "
         "layers barely learn; saturating activations and badly scaled weights cause it.", _ACTIVATIONS),
    Term("loss function", "损失函数",
         "A number that measures how wrong a model's predictions are; training changes the parameters to make "
         "it small.", _LOSSES),
    Term("cross-entropy", "交叉熵",
         "The classification loss: minus the log of the probability the model gives the correct class, "
         "averaged over samples (the source article's 4.2.3 puts the prediction where the label belongs).", _LOSSES),
    Term("mean squared error (MSE)", "均方误差",
         "The regression loss: the average of the squared differences between predictions and targets.", _LOSSES),
    Term("gradient", "梯度",
         "The vector of partial derivatives of the loss with respect to the parameters; it points where the "
         "loss rises fastest.", _BACKPROP),
    Term("chain rule", "链式法则",
         "The derivative of a composition is the product of the derivatives of its parts; backpropagation "
         "applies it layer by layer.", _BACKPROP),
    Term("automatic differentiation (autograd)", "自动微分",
         "Recording the operations of a computation as a graph and applying the chain rule to it backwards, so"
         " that no gradient has to be derived by hand.", _BACKPROP),
    Term("computational graph", "计算图",
         "The record of which operations produced which values in a computation; backpropagation walks it "
         "from the output back to the inputs.", _BACKPROP),
    Term("gradient check", "梯度检验",
         "Comparing a gradient computed by backpropagation with a finite-difference estimate, to catch a wrong"
         " backward pass.", _BACKPROP),
    Term("weight initialization", "初始化（权重初始化）",
         "Choosing the random starting weights; Xavier and He initialization scale them so that signals "
         "neither vanish nor explode through many layers.", _INIT_NORM),
    Term("layer normalization", "层归一化",
         "Normalizing each sample's features to zero mean and unit variance across the features (not the "
         "batch), then scaling and shifting; used in Transformers.", _INIT_NORM),
    Term("dropout", "随机失活（丢弃法）",
         "During training only, zeroing each activation at random with probability p and scaling up the rest "
         "to keep their expected value; it curbs overfitting.", _INIT_NORM),
    Term("optimizer", "优化器",
         "The algorithm that turns gradients into parameter updates: SGD, momentum, RMSProp, Adam, AdamW.",
         _OPTIMIZERS),
    Term("gradient descent", "梯度下降",
         "Minimizing a loss by repeatedly moving the parameters a small step against the gradient.", _OPTIMIZERS),
    Term("stochastic gradient descent (SGD)", "随机梯度下降",
         "Gradient descent with the gradient averaged over one sample or a small random mini-batch instead of "
         "the whole data set (batch gradient descent, BGD).", _OPTIMIZERS),
    Term("mini-batch", "小批量",
         "A small random subset of the training data, used for one gradient step.", _OPTIMIZERS),
    Term("learning rate", "学习率",
         "The step size of gradient descent: how far the parameters move against the gradient in one step.",
         _OPTIMIZERS),
    Term("momentum", "动量",
         "Stepping along a running average of past gradients, which damps zig-zags and speeds progress in "
         "consistent directions.", _OPTIMIZERS),
    Term("RMSProp", "RMSProp（均方根传播）",
         "Dividing each parameter's gradient by the root of a running average of its squares, so every "
         "parameter takes steps of similar size.", _OPTIMIZERS),
    Term("Adam", "Adam（自适应矩估计）",
         "Momentum plus RMSProp, with bias correction of both running averages; the source article's \"SGD "
         "plus momentum\" and its update formula are wrong.", _OPTIMIZERS),
    Term("weight decay", "权重衰减",
         "Shrinking every weight a little towards 0 at each step, which keeps the weights small and curbs "
         "overfitting.", _OPTIMIZERS),
    Term("AdamW", "AdamW",
         "Adam with weight decay applied directly to the weights rather than added to the gradient.", _OPTIMIZERS),
)
# fmt: on
