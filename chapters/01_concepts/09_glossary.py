# %% [markdown]
# # 1.9 Glossary (术语表)
#
# **Time:** about 15 s on a laptop CPU · **Prerequisites:** none; keep it open beside the other lessons · **You will learn:** the English and Chinese names of the course's key terms, a one-line definition of each, and which lesson teaches it; the course's notation, one meaning per symbol; and which of the source article's references are wrong or cannot be found.
#
# In this lesson you will:
#
# - see every term of the source article's glossary (its section 1.4), with the definitions it got
#   wrong corrected;
# - read the course's bilingual glossary as one table, each term linked to the lesson that teaches it;
# - look a term up in English or in Chinese, with a function and with a search box;
# - see which lesson introduces which terms;
# - read the course's notation table: each symbol, its one meaning, and where it is introduced;
# - correct the source article's reading list (its sections 7.3 and 10.1).
#
# The glossary is data, kept in `lib/course/glossary.py`: the table below is generated from it, a test
# checks that every lesson it links to exists, and this notebook checks it again when it runs.

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
import re
import unicodedata

from IPython.display import Markdown, display

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.glossary import ARTICLE_TERMS, GLOSSARY, lookup, markdown_table, missing_lessons, terms_by_lesson
from lib.course.lesson import lesson_setup
from lib.course.notation import BANNED_VARIANTS, NOTATION, lookup_symbol, notation_markdown
from lib.course.syllabus import SYLLABUS, lesson_title
from lib.data import errata as article_errata
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style

# %% [markdown]
# ## The source article's glossary, corrected
#
# The source article defines fifteen terms and abbreviations in its section 1.4. Most definitions are
# fine; two need correcting, and one word deserves a note:
#
# - **Pre-training** (预训练) is described as "unsupervised learning" (无监督学习). That is the word GPT-1
#   and GPT-2 themselves used. Today's more precise term is **self-supervised learning** (自监督学习):
#   the model predicts the next (or a masked-out) token of real text, so every position has a right
#   answer taken from the data itself, unlike clustering, where there is no answer at all. Lesson 1.5
#   shows it.
# - **Backpropagation** (反向传播) is described as computing the gradients *and updating the
#   parameters*. Backpropagation only computes the gradients; the **optimizer** (优化器) then uses them
#   to update the parameters. In PyTorch these are two different lines, `loss.backward()` and
#   `optimizer.step()` (lessons 2.3 and 2.5).
# - The article writes **转移学习** for transfer learning; the usual Chinese term is **迁移学习**.
#
# Every term of section 1.4 is in the glossary. `lookup` finds each one by the name the article uses:

# %%
# NBVAL_CHECK_OUTPUT
def pad(text: str, width: int) -> str:
    """Pad to ``width`` columns, counting a Chinese character as two, as terminals and notebooks draw it."""
    return text + " " * (width - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text))


print(pad("article term", 14) + pad("glossary entry", 38) + "lesson")
for name in ARTICLE_TERMS:
    hits = lookup(name)
    assert hits, f"{name} is missing from the glossary"
    print(pad(name, 14) + pad(hits[0].english, 38) + hits[0].lesson_number)

# %% [markdown]
# ## The glossary
#
# One row per term, sorted by the English name. The last column links to the lesson that teaches the
# term or shows it at work.

# %%
display(Markdown(markdown_table()))

# %% [markdown]
# Every link must lead somewhere. We check that each lesson the glossary links to is in the course's
# lesson list, and count the terms. The list ships inside `lib` (`lib.course.syllabus`, checked against
# the repository's `chapters/` folder by a test), so this works on Colab too, where only `lib` is installed.

# %%
# NBVAL_CHECK_OUTPUT
missing = missing_lessons()
assert not missing, f"the glossary links to lessons that do not exist: {missing}"
assert {t.lesson for t in GLOSSARY} <= {notebook for notebook, _ in SYLLABUS}

by_lesson = terms_by_lesson()
from_article = {lookup(name)[0].english for name in ARTICLE_TERMS}
print(f"{len(GLOSSARY)} terms ({len(from_article)} from the article's section 1.4), "
      f"linked to {len(by_lesson)} lessons; every link resolves")

# %% [markdown]
# ## Looking a term up
#
# `lookup(query)` returns the terms whose English or Chinese name contains `query`, ignoring case:
# exact names first, then names that start with the query, then names that contain it. With
# `in_definitions=True` it searches the definitions too.

# %%
# NBVAL_CHECK_OUTPUT
for query in ("梯度", "DL", "softmax"):
    print(f"{query!r}: " + "; ".join(f"{t.english} = {t.chinese}" for t in lookup(query)))

# %%
# NBVAL_CHECK_OUTPUT
print("in the names:", [t.english for t in lookup("hidden state")])
print("in the definitions too:", [t.english for t in lookup("hidden state", in_definitions=True)])

# %% [markdown]
# A search box does the same lookups: type a word in either language.

# %%
def show_terms(query: str = "梯度", in_definitions: bool = False) -> None:
    if not query.strip():
        print("type a term in English or Chinese")
        return
    hits = lookup(query, in_definitions=in_definitions)
    display(Markdown(markdown_table(hits)) if hits else Markdown(f"No term matches *{query}*."))


show_terms("归一化")
interactive_view(show_terms, query="梯度", in_definitions=False)

# %% [markdown]
# ## Notation: one symbol, one meaning
#
# A symbol means the same thing in every lesson. $T$ is only the context length (a temperature is
# $\tau$, and tokens generated get a word, such as $n_{\text{out}}$ in lesson 1.8); $L$ is only the
# number of layers (a loss is $\mathcal{L}$); $d$ is the model width and $d_k$ the width of one attention
# head. The table is data too (`lib.course.notation`), with the name each symbol has in lib's code.

# %%
display(Markdown(notation_markdown()))

# %% [markdown]
# The same goes for words: each idea has one Chinese term, the glossary's. A test scans every lesson
# for the variants that had crept in, listed here with the term to use instead:

# %%
# NBVAL_CHECK_OUTPUT
for word, instead in BANNED_VARIANTS.items():
    hits = lookup(instead.split(" (")[0].split("（")[0])
    assert hits, instead  # the term to use is in the glossary
    print(f"not {word}: use {instead}  ->  glossary: {hits[0].english} = {hits[0].chinese}")
print(f"{len(NOTATION)} symbols; d_k is '{lookup_symbol('d_k').code}' in code, introduced in lesson "
      f"{lookup_symbol('d_k').lesson_number}")

# %% [markdown]
# ## The article's reading list, corrected
#
# The article's sections 7.3 and 10.1 recommend papers. Four citations are garbled and two papers
# cannot be found at all; here is what to read instead. The corrections are data in `lib.data.errata`
# (lesson 1.8 corrects the article's tool list the same way; chapter 05's errata lesson gathers both).

# %%
display(Markdown(article_errata.markdown_table(article_errata.errata("reference"))))

# %% [markdown]
# ## Which lesson teaches what
#
# The number of terms each lesson introduces shows where the vocabulary of the course is built: the
# first two chapters carry most of it, and lesson 1.2's neural-network basics introduce more than any
# other lesson. The later chapters add the names of specific techniques.

# %%
def short_title(lesson: str) -> str:
    """'1.2 Neural network basics (神经网络基础)' -> '1.2 Neural network basics', for the plot's labels."""
    return re.sub(r"\s*[(（].*$", "", lesson_title(lesson))


titles = [short_title(lesson) for lesson in by_lesson]
counts = [len(terms) for terms in by_lesson.values()]
assert sum(counts) == len(GLOSSARY)
first_two_chapters = sum(len(terms) for lesson, terms in by_lesson.items() if lesson[:2] in ("01", "02"))
assert first_two_chapters > len(GLOSSARY) / 2  # "carry most of it"
assert max(by_lesson, key=lambda lesson: len(by_lesson[lesson])) == "01_concepts/02_neural_network_basics.ipynb"

CHAPTER_NAMES = {"01": "1: concepts", "02": "2: mathematics", "03": "3: training", "04": "4: applications",
                 "05": "5: frontiers"}
chapter_of = [lesson[:2] for lesson in by_lesson]
chapters_shown = sorted(set(chapter_of))
fig, ax = figure(width=8.5, height=0.2 * len(titles) + 1.2)
bars = ax.barh(range(len(titles)), counts, color=[PALETTE[chapters_shown.index(c)] for c in chapter_of])
ax.legend([bars[chapter_of.index(c)] for c in chapters_shown], [f"chapter {CHAPTER_NAMES[c]}" for c in chapters_shown],
          loc="lower right")
ax.set_yticks(range(len(titles)), titles)
ax.invert_yaxis()
ax.set_xlabel("glossary terms the lesson teaches")
ax.grid(axis="y", visible=False)
for i, n in enumerate(counts):
    ax.text(n + 0.2, i, str(n), va="center", fontsize=9)

# %%
for lesson, terms in by_lesson.items():
    print(f"{short_title(lesson)}: " + ", ".join(t.english for t in terms))

# %% [markdown]
# ## Summary
#
# - The course's glossary lists each key term in English and Chinese with a one-line definition and a
#   link to the lesson that teaches it; it lives in `lib/course/glossary.py` as data.
# - It holds every term of the source article's section 1.4, corrected where the article was wrong:
#   pre-training is mostly self-supervised; backpropagation computes gradients and the optimizer
#   updates the parameters; 迁移学习 is the usual name for transfer learning.
# - `lookup` finds a term from either language; `markdown_table` renders any selection of terms.
# - One symbol, one meaning: $T$ is the context length, $\tau$ a temperature, $L$ the number of layers,
#   $\mathcal{L}$ the loss, $d$ the model width and $d_k$ one head's width (`lib.course.notation`).
# - The article's reading list: ResNet's paper is *Deep Residual Learning for Image Recognition*; the
#   2015 review *Deep learning* is LeCun, Bengio and Hinton's, while Goodfellow, Bengio and Courville wrote
#   the 2016 book; "Yarin et al." is Gal and Ghahramani; GPT-3's paper is *Language Models are Few-Shot
#   Learners*; the two "Large-scale Language Modeling" papers cannot be found.
#
# ## Exercises
#
# **1.** Use `lookup` to find the Chinese term for *fine-tuning*.

# %%
# BEGIN SOLUTION
answer_1 = lookup("fine-tuning")[0].chinese
# END SOLUTION
check("1.9.fine-tuning-chinese", answer_1)

# %% [markdown]
# Fine-tuning and pre-training are easy to mix up; the check rejects the wrong one:

# %%
print(expect_wrong(check, "1.9.fine-tuning-chinese", lookup("pre-training")[0].chinese))

# %% [markdown]
# **2.** Which lesson teaches 反向传播? Give its number as a string, such as `"1.2"`.

# %%
# BEGIN SOLUTION
answer_2 = lookup("反向传播")[0].lesson_number
# END SOLUTION
check("1.9.backprop-lesson", answer_2)

# %% [markdown]
# **3. Predict, then run.** `lookup("归一化")` searches the names of the terms. Will
# `lookup("归一化", in_definitions=True)`, which searches the definitions as well, return *more* terms?
# Write `True` or `False` in `answer_3` before running the cell, then explain what you see.

# %%
# BEGIN SOLUTION
answer_3 = False
# END SOLUTION
names_only, with_definitions = lookup("归一化"), lookup("归一化", in_definitions=True)
print(f"names only: {len(names_only)} terms; with definitions: {len(with_definitions)} terms")
check("1.9.definitions-predict", answer_3)

# %% [markdown]
# ## References
#
# - Goodfellow, Bengio and Courville, *Deep Learning*, MIT Press, 2016: https://www.deeplearningbook.org
# - Zhang, Lipton, Li and Smola, *Dive into Deep Learning*, Cambridge University Press, 2023, in English
#   (https://d2l.ai) and in Chinese as 《动手学深度学习》 (https://zh.d2l.ai): a good source for the Chinese
#   names of terms.
# - LeCun, Bengio and Hinton, *Deep learning*, Nature 521, 436-444, 2015.
# - He, Zhang, Ren and Sun, *Deep Residual Learning for Image Recognition*, CVPR 2016, arXiv:1512.03385.
# - Gal and Ghahramani, *A Theoretically Grounded Application of Dropout in Recurrent Neural Networks*,
#   NeurIPS 2016, arXiv:1512.05287.
# - Brown et al., *Language Models are Few-Shot Learners*, NeurIPS 2020, arXiv:2005.14165.
# - Jozefowicz et al., *Exploring the Limits of Language Modeling*, 2016, arXiv:1602.02410.
# - Radford et al., *Improving Language Understanding by Generative Pre-Training*, OpenAI, 2018 (GPT-1), and
#   *Language Models are Unsupervised Multitask Learners*, OpenAI, 2019 (GPT-2): the "unsupervised" of the article.
# - Each term's lesson lists the papers behind it.
