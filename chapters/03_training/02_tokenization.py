# %% [markdown]
# # 3.2 Tokenization: characters, bytes and byte-pair encoding (分词)
#
# **Time:** about 30 s on a laptop CPU · **Prerequisites:** lesson 3.1 (a word tokenizer); Python strings · **You will learn:** how text becomes the integer ids a language model reads: characters, UTF-8 bytes, and byte-level byte-pair encoding (BPE), which you build from scratch, train on the Python documentation in under a second, and measure.
#
# In this lesson you will:
#
# - see why a **character** vocabulary fails on text it has not seen, and why **bytes** never fail
#   but make sequences long;
# - write **byte-pair encoding** (字节对编码, BPE) from scratch: start from the 256 byte values and
#   repeatedly merge the most frequent adjacent pair into a new **token** (词元);
# - check that `lib.data.bpe` learns exactly the same merges, and trains a 1,024-token vocabulary on
#   the whole documentation corpus fast, because it updates pair counts instead of recounting;
# - measure the **compression ratio** (bytes per token) against vocabulary size, and see how
#   Chinese text fares under a tokenizer trained on English;
# - round-trip any string, emoji, control characters and invalid surrogates included, and save and
#   load a tokenizer.

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
import tempfile
import time
from collections import Counter
from pathlib import Path

from lib.course.checks import expect_wrong
from lib.course.exercises import check
from lib.course.glossary import GLOSSARY
from lib.course.lesson import lesson_setup
from lib.data.bpe import BPETokenizer, merge_pair, pretokenize, to_bytes, train_merges
from lib.data.char_tokenizer import CharTokenizer
from lib.data.pydoc_corpus import load_python_docs
from lib.viz.plots import PALETTE, figure
from lib.viz.widgets import interactive_view

device, generator = lesson_setup(seed=0)  # seed, device, one CPU thread for tiny models, the course's plot style
train_text, val_text = load_python_docs("train"), load_python_docs("validation")
print(f"training text: {len(train_text):,} characters; validation: {len(val_text):,}")

# %% [markdown]
# ## Characters: small vocabulary, but closed
#
# The simplest **tokenizer** (分词器) gives each distinct character of the training text an id.
# The documentation needs about a hundred, and every id is one character, so sequences are as
# long as the text. Worse, the vocabulary is **closed**: a character the training text never
# contained has no id.

# %%
char_tokenizer = CharTokenizer.from_text(train_text)
print("character vocabulary:", char_tokenizer.vocab_size)
print("ids of 'def f():' ->", list(char_tokenizer.encode("def f():")))
try:
    char_tokenizer.encode("大模型 🤖")
    raise AssertionError("characters the corpus never contained should have no id")
except ValueError as err:
    print("ValueError:", err)

# %% [markdown]
# ## Bytes: never closed, but long
#
# Every string is a sequence of Unicode code points, and UTF-8 writes each code point as 1 to 4
# **bytes**. Taking the 256 byte values as the vocabulary means *any* text has ids: English letters
# are one byte each, a Chinese character three, an emoji four.

# %%
# NBVAL_CHECK_OUTPUT
for text in ("a", "é", "模", "🤖"):
    print(f"{text!r}: code point U+{ord(text):04X}, UTF-8 bytes {list(text.encode('utf-8'))}")

# %% [markdown]
# Python strings may also hold **lone surrogates** (code points U+D800–U+DFFF that are not part of a
# pair), for example from a file name that was not valid UTF-8. Strict UTF-8 refuses them; the
# `codecs` documentation's `surrogatepass` error handler writes them as three bytes and reads them
# back, so a byte-level tokenizer that uses it can represent every Python string.

# %%
odd = "name\udcff"
try:
    odd.encode("utf-8")
except UnicodeEncodeError as err:
    print("strict UTF-8:", err.reason)
passed = odd.encode("utf-8", errors="surrogatepass")
print("surrogatepass:", list(passed), "-> back:", repr(passed.decode("utf-8", errors="surrogatepass")))
assert to_bytes(odd) == passed and passed.decode("utf-8", errors="surrogatepass") == odd

# %% [markdown]
# ## Byte-pair encoding from scratch
#
# **Byte-pair encoding** (BPE; Gage 1994 for compression, Sennrich et al. 2016 for translation,
# Radford et al. 2019 on bytes for GPT-2) grows the vocabulary from the bytes up:
#
# 1. split the text into **pre-tokens** (words with their leading space, numbers, punctuation runs,
#    whitespace), so that a merge never glues the end of one word to the start of the next;
# 2. write every pre-token as bytes and count every adjacent pair of ids, over all pre-tokens;
# 3. give the most frequent pair a new id (256, 257, ...) and replace it everywhere;
# 4. repeat until the vocabulary has the size you want.
#
# The pre-tokenizer joins back to the text exactly:

# %%
# NBVAL_CHECK_OUTPUT
print(pretokenize("The with-statement's __enter__ returns 42 values."))
assert "".join(pretokenize(train_text)) == train_text


# %% [markdown]
# Here is the whole algorithm. Ties (two pairs equally frequent) go to the smaller pair, so the
# result is deterministic.


# %%
def bpe_from_scratch(text, vocab_size):
    words = [list(piece.encode("utf-8")) for piece in pretokenize(text)]
    merges = []
    while 256 + len(merges) < vocab_size:
        counts = Counter(pair for w in words for pair in zip(w, w[1:], strict=False))
        if not counts or max(counts.values()) < 2:
            break
        best = max(counts.values())
        pair = min(p for p, c in counts.items() if c == best)  # most frequent; ties -> smallest pair
        new_id = 256 + len(merges)
        merges.append(pair)
        merged_words = []
        for w in words:  # replace the pair, left to right, in every word
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == pair:
                    out.append(new_id)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged_words.append(out)
        words = merged_words
    return merges


small = val_text[:6000]
start = time.perf_counter()
ours = bpe_from_scratch(small, 300)
seconds_naive = time.perf_counter() - start
assert ours == train_merges(small, 300)  # lib learns exactly the same merges
assert merge_pair([1, 2, 1, 2, 2], (1, 2), 9) == [9, 9, 2]
print(f"{len(ours)} merges learned from scratch on {len(small):,} characters; lib's merges are identical")

# %% [markdown]
# The from-scratch version recounts every pair of every word at every merge. On the whole corpus
# that is hundreds of thousands of pairs times hundreds of merges. `lib.data.bpe` counts the pairs
# once, over the *distinct* pre-tokens weighted by how often each occurs, and after a merge updates
# only the words that contained the merged pair; a heap finds the next most frequent pair. Same
# merges, far less work:

# %%
start = time.perf_counter()
tokenizer = BPETokenizer.train(train_text, 1024)
seconds_lib = time.perf_counter() - start
print(f"lib: 1,024-token vocabulary on {len(train_text):,} characters in {seconds_lib:.2f} s")
print(f"(from scratch took {seconds_naive:.2f} s for 44 merges on 6,000 characters)")
assert tokenizer.vocab_size == 1024 and seconds_lib < 10

# %% [markdown]
# ## What the merges learn
#
# The first merges are the most frequent pairs of the documentation: spaces of indentation, `--`
# rules, and English letter pairs. Later merges build whole words and Python keywords.

# %%
first = [tokenizer.token_text(256 + i) for i in range(16)]
print("first 16 merges:", first)
later = [tokenizer.token_text(i) for i in range(900, 916)]
print("merges 645-660: ", later)

# %%
lengths = [len(tokenizer.vocab[i]) for i in range(256, tokenizer.vocab_size)]
fig, ax = figure()
ax.plot(range(257, tokenizer.vocab_size + 1), lengths, ".", markersize=3, color=PALETTE[0])
ax.set_xlabel("vocabulary size after the merge")
ax.set_ylabel("bytes in the new token")
ax.set_title("tokens grow longer as the vocabulary grows")
ax.grid(True)
words_only = {tokenizer.token_text(i).strip() for i in range(256, 1024) if tokenizer.token_text(i).strip().isalpha()}
print("longest word tokens:", sorted(words_only, key=lambda w: (len(w), w))[-6:])

# %% [markdown]
# ## Compression against vocabulary size
#
# Merges are learned greedily, one after another, so the first $k$ merges of a large vocabulary
# *are* the vocabulary of size $256 + k$. We train once at 4,096 (the corpus stops offering pairs
# that repeat a little after 5,000) and measure the **compression ratio**, bytes per token, on the
# *validation* text, which the tokenizer never saw.

# %%
big = BPETokenizer.train(train_text, 4096)
assert big.merges[:768] == tokenizer.merges  # greedy: a prefix of the big vocabulary is the small one
sizes = [256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096]
val_bytes = len(to_bytes(val_text))
ratios = {}
for size in sizes:
    sub = BPETokenizer(big.merges[: size - 256])
    ratios[size] = val_bytes / len(sub.encode(val_text))
print("bytes per token on validation text:", {k: round(v, 2) for k, v in ratios.items()})
assert ratios[256] == 1.0 and all(ratios[a] < ratios[b] for a, b in zip(sizes, sizes[1:], strict=False))
assert 2.8 < ratios[1024] < 3.3 and ratios[4096] > 3.9

fig, ax = figure()
ax.plot(sizes, [ratios[s] for s in sizes], "o-", color=PALETTE[0])
ax.set_xscale("log", base=2)
ax.set_xlabel("vocabulary size")
ax.set_ylabel("bytes per token (validation)")
ax.set_title("each doubling of the vocabulary buys less")
ax.grid(True)

# %% [markdown]
# A model's cost grows with the number of tokens it reads, so compression matters: at 1,024 tokens
# the validation text is about 3 times shorter than in bytes. But every extra token is one more row
# in the embedding table and one more output logit, and each doubling buys less. GPT-2 uses
# 50,257 tokens, Llama 3 128,256: trained on far more, and far more varied, text than ours.
#
# ## Chinese under an English tokenizer
#
# Our tokenizer learned its merges from English documentation. Chinese characters are three UTF-8
# bytes each, and none of those byte pairs were frequent in the docs, so each character costs three
# tokens:

# %%
chinese = "大模型是指参数规模超过数十亿的人工神经网络模型，通常先在大规模数据上预训练。"
english = "A large model is a neural network with billions of parameters, usually pre-trained first."
for name, text in (("Chinese", chinese), ("English", english)):
    n_tokens = len(tokenizer.encode(text))
    print(f"{name}: {len(text)} characters, {len(to_bytes(text))} bytes, {n_tokens} tokens "
          f"= {n_tokens / len(text):.2f} tokens per character")
assert len(tokenizer.encode(chinese)) == len(to_bytes(chinese))  # no merge applies: one token per byte

# %% [markdown]
# The same sentence costs several times more tokens in Chinese: more compute, a context window that
# holds less, and (on a paid API) a higher price. The fix is to train the tokenizer on the
# languages it will serve. The course's glossary holds a few hundred characters of Chinese terms;
# a tokenizer trained on them alone learns whole words (we measure on the glossary itself, so this
# shows the mechanism, not a fair score on new text):

# %%
glossary_chinese = "\n".join(term.chinese for term in GLOSSARY)
chinese_tokenizer = BPETokenizer.train(glossary_chinese, 256 + 128)
before = len(tokenizer.encode(glossary_chinese))
after = len(chinese_tokenizer.encode(glossary_chinese))
print(f"glossary terms ({len(glossary_chinese)} characters): {before} tokens with the English tokenizer, "
      f"{after} with one trained on Chinese")
learned = [chinese_tokenizer.token_text(i) for i in range(256, chinese_tokenizer.vocab_size)]
print("whole Chinese words it learned:", [w for w in learned if len(w) >= 2 and not w.isascii() and "\\x" not in w][:10])
assert after < 0.6 * before

# %% [markdown]
# ## Lossless: every string round-trips, and the tokenizer saves to a file
#
# Because the base vocabulary is all 256 bytes, `decode(encode(s)) == s` for *every* Python string.
# The unit tests check this for hundreds of random strings (property-based testing with
# Hypothesis); here are the hard cases:

# %%
hard = ["大模型", "emoji 🤖🧠 and a flag 🇨🇳", "control \x00\x07\x1b[0m and a zero-width\u200bspace",
        "a lone surrogate \udcff", "tabs\tand\r\nnewlines"]
for text in hard:
    assert tokenizer.decode(tokenizer.encode(text)) == text
print("all", len(hard), "round-trip exactly")

with tempfile.TemporaryDirectory() as folder:
    path = tokenizer.save(Path(folder) / "docs_bpe_1024.json")
    loaded = BPETokenizer.load(path)
    assert loaded.merges == tokenizer.merges and loaded.encode(val_text[:2000]) == tokenizer.encode(val_text[:2000])
    print(f"saved and loaded: {path.stat().st_size:,} bytes of JSON")

# %% [markdown]
# A model's *sample* can be any id sequence, including one that cuts a character's bytes apart;
# `decode` then shows the orphaned bytes as U+FFFD (the replacement character) instead of failing:

# %%
# NBVAL_CHECK_OUTPUT
ids = tokenizer.encode("模型")
print(len(ids), "tokens; decoding only the first:", repr(tokenizer.decode(ids[:1])))

# %% [markdown]
# ## Try it: see the token boundaries
#
# `BPETokenizer.pieces` cuts a text into its tokens; the widget shows them between bars at the
# vocabulary size you choose (a prefix of the 4,096 merges).


# %%
def show_tokens(text: str = "The with statement calls __enter__ and __exit__.", vocab_size: int = 1024):
    sub = BPETokenizer(big.merges[: vocab_size - 256])
    pieces = sub.pieces(text)
    print(f"{len(pieces)} tokens for {len(to_bytes(text))} bytes:")
    print("|" + "|".join(pieces) + "|")


show_tokens()
interactive_view(show_tokens, text="Return the event loop's time. 大模型", vocab_size=[256, 512, 1024, 2048, 4096])

# %% [markdown]
# ## Summary
#
# - Characters give a small but closed vocabulary; bytes give an open vocabulary of 256 but long
#   sequences (three per Chinese character).
# - Byte-level BPE starts from bytes and merges the most frequent adjacent pair, within pre-tokens,
#   again and again. It never meets an unknown string and, with `surrogatepass`, round-trips every
#   Python string.
# - Counting pairs over distinct pre-tokens and updating only what a merge changes gives the same
#   merges as the textbook algorithm in a fraction of the time (a 1,024-token vocabulary in about
#   a second on the whole corpus).
# - On held-out documentation, 1,024 tokens give about 3 bytes per token, 4,096 about 4: each
#   doubling buys less.
# - A tokenizer serves the languages it was trained on: under our English one, Chinese costs one
#   token per byte.
#
# ## Exercises
#
# **1. Predict, then run.** How many tokens does our 1,024-token tokenizer give for `"模型模型"`
# (two Chinese characters, twice)? Write your prediction in `answer_1`; the cell then counts.

# %%
# BEGIN SOLUTION
answer_1 = 12
# END SOLUTION
counted = len(tokenizer.encode("模型模型"))
print("counted:", counted)
check("3.2.chinese-tokens", answer_1, tokenizer=tokenizer)

# %% [markdown]
# **2. Code.** Perform one BPE merge by hand: in the id list below, replace every occurrence of the pair
# `(104, 101)` ("h", "e") by the new id 256, left to right, without using `lib`.

# %%
ids_2 = list(b"the theme thereof")
# BEGIN SOLUTION
answer_2, i = [], 0
while i < len(ids_2):
    if i + 1 < len(ids_2) and (ids_2[i], ids_2[i + 1]) == (104, 101):
        answer_2.append(256)
        i += 2
    else:
        answer_2.append(ids_2[i])
        i += 1
# END SOLUTION
check("3.2.merge-he", answer_2)

# %% [markdown]
# A check that accepted anything would teach nothing: forgetting to skip the second id of the pair
# is rejected.

# %%
no_skip = [256 if (a, b) == (104, 101) else a for a, b in zip(ids_2, ids_2[1:] + [None], strict=True)]
print(expect_wrong(check, "3.2.merge-he", no_skip))

# %% [markdown]
# **3. Code.** Compute the compression ratio (UTF-8 bytes per token) of the first 3,000 characters of
# the validation text under the 512-token prefix of `big`.

# %%
# BEGIN SOLUTION
tok_512 = BPETokenizer(big.merges[:256])
answer_3 = len(val_text[:3000].encode("utf-8")) / len(tok_512.encode(val_text[:3000]))
# END SOLUTION
check("3.2.bytes-per-token-512", answer_3, merges=big.merges, text=val_text[:3000])

# %% [markdown]
# **4. Explain.** Why can a byte-level BPE tokenizer never meet an "unknown" word, while the word
# tokenizer of lesson 3.1 maps every unseen word to `<unk>`? And why do we pre-tokenize before
# merging? (Think about a merge that would join the space before a word to the end of the previous
# one.)
#
# ## References
#
# - Gage, *A New Algorithm for Data Compression*, The C Users Journal 12(2), 1994 (byte-pair encoding).
# - Sennrich, Haddow, Birch, *Neural Machine Translation of Rare Words with Subword Units*, ACL 2016, arXiv:1508.07909.
# - Radford, Wu, Child, Luan, Amodei, Sutskever, *Language Models are Unsupervised Multitask Learners*, OpenAI, 2019 (byte-level BPE, section 2.2).
# - Python documentation, `codecs` — Error Handlers (`surrogatepass`): https://docs.python.org/3/library/codecs.html#error-handlers
# - Unicode Standard, chapter 3, D91 (UTF-8) and section 3.8 (surrogates): https://www.unicode.org/versions/latest/
# - Karpathy, *minbpe* (a minimal BPE implementation for study): https://github.com/karpathy/minbpe
# - Hypothesis (property-based testing for Python): https://hypothesis.readthedocs.io
