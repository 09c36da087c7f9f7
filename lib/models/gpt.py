"""A GPT: the decoder-only Transformer behind today's large language models, in one readable file.

Pre-norm blocks (LayerNorm, causal self-attention, LayerNorm, MLP, each with a residual),
learned position embeddings, output weights tied to the token embedding, and GPT-2's scaled
initialisation. Attention uses ``scaled_dot_product_attention``, which runs a fused
(flash) kernel on CUDA and a plain one on CPU. ``forward`` returns ``(logits, loss)`` like nanoGPT,
and takes a :class:`KVCache` so that generation (``lib.models.sampling.generate``) feeds one new
token per step instead of the whole sequence.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import torch
import torch.nn.functional as F
import torch.utils.checkpoint
from torch import nn

from lib.core import hardware
from lib.core.validate import positive_int, positive_number
from lib.models.feedforward import swiglu_hidden_size
from lib.models.kv_cache import KVCache, LayerKV
from lib.models.positional import sinusoidal_table
from lib.models.transformer import Block, CausalSelfAttention, make_norm

__all__ = [
    "GPT",
    "GPTConfig",
    "KVCache",
    "LayerKV",
    "Block",
    "CausalSelfAttention",
    "LogitsOnly",
    "gpt_on_meta",
    "check_fits",
]


POSITIONS = ("learned", "sinusoidal", "rotary")
NORMS = ("layer", "rms")
MLPS = ("gelu", "swiglu")
ATTENTIONS = ("sdpa", "naive")


@dataclass(frozen=True)
class GPTConfig:
    """The numbers and choices that fix a GPT's shape. Defaults are GPT-2 small (124M parameters).

    ``position``, ``norm``, ``mlp``, ``n_kv_head`` and ``tie_embeddings`` switch between GPT-2's
    choices (learned positions, LayerNorm, GELU MLP, multi-head attention, tied output) and
    Llama's (rotary positions, RMSNorm, SwiGLU, grouped-query attention, a separate output matrix).
    """

    vocab_size: int = 50257
    context_length: int = 1024
    n_layer: int = 12
    n_head: int = 12
    d_model: int = 768
    dropout: float = 0.0
    bias: bool = True
    position: str = "learned"
    norm: str = "layer"
    mlp: str = "gelu"
    n_kv_head: int | None = None  # None: as many key/value heads as query heads
    mlp_hidden: int | None = None  # None: 4·d for GELU, Llama's rounded 8d/3 for SwiGLU
    tie_embeddings: bool = True
    rope_base: float = 10000.0
    norm_eps: float = 1e-5
    checkpoint_activations: bool = False  # recompute each block in backward instead of storing its activations
    attention: str = "sdpa"  # "naive": explicit mask and softmax (for benchmarks and teaching), same numbers

    def __post_init__(self) -> None:
        for name in ("vocab_size", "context_length", "n_layer", "n_head", "d_model"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"GPTConfig.{name} must be a positive int, got {value!r}")
        if self.d_model % self.n_head:
            raise ValueError(f"GPTConfig.d_model ({self.d_model}) must be divisible by n_head ({self.n_head})")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"GPTConfig.dropout must be in [0, 1), got {self.dropout!r}")
        for name, choices in (("position", POSITIONS), ("norm", NORMS), ("mlp", MLPS), ("attention", ATTENTIONS)):
            if getattr(self, name) not in choices:
                raise ValueError(f"GPTConfig.{name} must be one of {choices}, got {getattr(self, name)!r}")
        if self.n_kv_head is not None:
            positive_int("GPTConfig.n_kv_head", self.n_kv_head)
            if self.n_head % self.n_kv_head:
                raise ValueError(f"GPTConfig.n_head ({self.n_head}) must be divisible by n_kv_head ({self.n_kv_head})")
        if self.mlp_hidden is not None:
            positive_int("GPTConfig.mlp_hidden", self.mlp_hidden)
        head_size = self.d_model // self.n_head
        if self.position == "rotary" and head_size % 2:
            raise ValueError(f"GPTConfig: rotary positions need an even head size (d_model / n_head), got {head_size}")
        if self.position == "sinusoidal" and self.d_model % 2:
            raise ValueError(f"GPTConfig: sinusoidal positions need an even d_model, got {self.d_model}")
        positive_number("GPTConfig.rope_base", self.rope_base)
        if not isinstance(self.checkpoint_activations, bool):
            raise ValueError(f"GPTConfig.checkpoint_activations must be a bool, got {self.checkpoint_activations!r}")
        positive_number("GPTConfig.norm_eps", self.norm_eps)

    def parameter_count(self) -> int:
        """Parameters of a GPT of this shape, counted from the config alone (no tensor is allocated)."""
        d, h, kv = self.d_model, self.ffn_hidden, self.kv_heads * (self.d_model // self.n_head)
        norm = d * (2 if self.norm == "layer" and self.bias else 1)
        attention = d * (d + 2 * kv) + d * d + (d + 2 * kv + d if self.bias else 0)
        mlp = (3 if self.mlp == "swiglu" else 2) * d * h + ((h + d) if self.bias else 0)
        embeddings = self.vocab_size * d * (1 if self.tie_embeddings else 2)
        embeddings += self.context_length * d if self.position == "learned" else 0
        return self.n_layer * (attention + mlp + 2 * norm) + norm + embeddings

    @property
    def kv_heads(self) -> int:
        """Key/value heads: n_kv_head, or n_head when it is None."""
        return self.n_head if self.n_kv_head is None else self.n_kv_head

    @property
    def ffn_hidden(self) -> int:
        """Hidden width of the feed-forward layer."""
        if self.mlp_hidden is not None:
            return self.mlp_hidden
        return 4 * self.d_model if self.mlp == "gelu" else swiglu_hidden_size(self.d_model)


# Published configurations (GPT-2: Radford et al. 2019; GPT-3: Brown et al. 2020, Table 2.1).
GPT2_SMALL = GPTConfig()
GPT2_MEDIUM = GPTConfig(n_layer=24, n_head=16, d_model=1024)
GPT2_LARGE = GPTConfig(n_layer=36, n_head=20, d_model=1280)
GPT2_XL = GPTConfig(n_layer=48, n_head=25, d_model=1600)
GPT3_175B = GPTConfig(context_length=2048, n_layer=96, n_head=96, d_model=12288)
# Llama 2 7B (Touvron et al. 2023b) and Llama 3 8B (Llama Team 2024, Table 3): rotary positions, RMSNorm,
# SwiGLU, no biases, an untied output matrix; Llama 3 adds grouped-query attention (8 key/value heads).
_LLAMA = {"position": "rotary", "norm": "rms", "mlp": "swiglu", "bias": False, "tie_embeddings": False}
LLAMA2_7B = GPTConfig(vocab_size=32000, context_length=4096, n_layer=32, n_head=32, d_model=4096, **_LLAMA)
LLAMA3_8B = GPTConfig(
    vocab_size=128256,
    context_length=8192,
    n_layer=32,
    n_head=32,
    d_model=4096,
    n_kv_head=8,
    mlp_hidden=14336,
    rope_base=500000.0,
    **_LLAMA,
)


def _device_memory(device: torch.device) -> int | None:
    """Bytes of memory on ``device`` (the machine's RAM for a CPU), or None where it cannot be told."""
    try:
        if device.type == "cuda":
            return torch.cuda.get_device_properties(device).total_memory
        if device.type == "cpu":
            return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError, RuntimeError):
        return None
    return None


def check_fits(config: GPTConfig, device: torch.device | str | None = None) -> int:
    """Bytes that ``config``'s parameters need on ``device`` (default: the default device); ValueError if too many.

    Raised before anything is allocated, so a mistyped d_model fails in a millisecond with the bytes
    it would need, instead of swapping the machine to a halt.
    """
    if not isinstance(config, GPTConfig):
        raise TypeError(f"config must be a GPTConfig, got {type(config).__name__}")
    device = torch.get_default_device() if device is None else torch.device(device)
    needed = config.parameter_count() * torch.get_default_dtype().itemsize
    available = None if device.type == "meta" else _device_memory(device)
    if available is not None and needed > available:
        raise ValueError(
            f"config needs {needed:,} bytes ({needed / 1e9:,.1f} GB) for its {config.parameter_count():,} parameters "
            f"alone, more than the {available / 1e9:,.1f} GB of {device}; use gpt_on_meta(config) to inspect its shapes"
        )
    return needed


def _check_ids(name: str, ids: object) -> torch.Tensor:
    if not isinstance(ids, torch.Tensor) or ids.ndim != 2 or ids.dtype not in (torch.int64, torch.int32):
        described = f"{ids.dtype} {tuple(ids.shape)}" if isinstance(ids, torch.Tensor) else type(ids).__name__
        raise ValueError(f"{name} must be a 2-D tensor of token ids (batch, time), got {described}")
    return ids


class GPT(nn.Module):
    """Token ids (batch, time) -> (next-token logits (batch, time, vocab_size), loss or None)."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if not isinstance(config, GPTConfig):
            raise TypeError(f"config must be a GPTConfig, got {type(config).__name__}")
        check_fits(config)  # refuse a model that cannot fit before allocating any of it
        self.config = config
        self.checkpoint_activations = bool(config.checkpoint_activations)
        self.token_embedding = nn.Embedding(config.vocab_size, config.d_model)
        self.position_embedding = (
            nn.Embedding(config.context_length, config.d_model) if config.position == "learned" else None
        )
        if config.position == "sinusoidal":  # fixed, not learned: a buffer, not a parameter
            self.register_buffer("position_table", sinusoidal_table(config.context_length, config.d_model), False)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = make_norm(config)
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        if config.tie_embeddings:
            self.lm_head.weight = self.token_embedding.weight  # weight tying: one matrix, two uses
        if self.token_embedding.weight.device.type != "meta":
            self.apply(self._init_weights)
            # GPT-2: scale the residual projections by 1/sqrt(2 * n_layer) so depth does not grow the stream.
            for name, param in self.named_parameters():
                if name.endswith(("proj.weight", "down.weight")):
                    nn.init.normal_(param, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(
        self, idx: torch.Tensor, targets: torch.Tensor | None = None, kv_cache: KVCache | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits for every position of ``idx`` and, given ``targets``, their mean cross-entropy (like nanoGPT).

        ``targets`` has the shape of ``idx``; positions whose target is -100 are left out of the
        loss (a mask for padding or prompts). With ``kv_cache``, ``idx`` continues the tokens the
        cache holds: their keys and values are reused, the new ones appended. With
        ``checkpoint_activations`` (an attribute, from the config) a training forward keeps only each
        block's input and recomputes the block in backward (Chen et al. 2016): less memory, more time.
        """
        _check_ids("idx", idx)
        if targets is not None and (_check_ids("targets", targets).shape != idx.shape):
            raise ValueError(f"targets must have idx's shape {tuple(idx.shape)}, got {tuple(targets.shape)}")
        logits = self.lm_head(self.hidden_states(idx, kv_cache))
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten().long(), ignore_index=-100)
        return logits, loss

    def hidden_states(self, idx: torch.Tensor, kv_cache: KVCache | None = None) -> torch.Tensor:
        """The last block's output after the final norm, (batch, time, d_model): what ``lm_head`` reads.

        A classifier or any other head can read these features instead of next-token logits.
        """
        _check_ids("idx", idx)
        if kv_cache is not None and not isinstance(kv_cache, KVCache):
            raise TypeError(f"kv_cache must be a KVCache or None, got {type(kv_cache).__name__}")
        past = 0 if kv_cache is None else kv_cache.length
        time = idx.shape[1]
        if past + time > self.config.context_length:
            where = f"{past} cached + {time} new" if past else f"{time}"
            raise ValueError(f"sequence length {where} exceeds context_length {self.config.context_length}")
        x = self.dropout(self.embed(idx, start=past))
        recompute = self.checkpoint_activations and kv_cache is None and self.training and torch.is_grad_enabled()
        for i, block in enumerate(self.blocks):
            if recompute:  # activation checkpointing: keep only the block's input, run it again in backward
                x = torch.utils.checkpoint.checkpoint(block, x, use_reentrant=False)
            else:
                x = block(x, None if kv_cache is None else kv_cache.layers[i])
        return self.ln_f(x)

    def embed(self, idx: torch.Tensor, start: int = 0) -> torch.Tensor:
        """Token embeddings of ``idx`` plus learned or sinusoidal positions ``start ...`` (rotary ones act later)."""
        x = self.token_embedding(idx)
        positions = torch.arange(start, start + idx.shape[1], device=idx.device)
        if self.position_embedding is not None:
            x = x + self.position_embedding(positions)
        elif self.config.position == "sinusoidal":
            x = x + self.position_table[positions].to(x.dtype)
        return x

    def new_kv_cache(self) -> KVCache:
        """An empty KV cache sized for this model's blocks and context length."""
        return KVCache(self.config.n_layer, self.config.context_length)

    def num_parameters(self) -> int:
        """Count of distinct parameters (the tied embedding counted once)."""
        return sum(p.numel() for p in self.parameters())

    def flops_per_token(self, seq_len: int | None = None) -> int:
        """Training FLOPs per token, 6N + 12·L·d·T, as in PaLM (Chowdhery et al. 2022, appendix B) and nanoGPT.

        6N: forward and backward through the weight matrices (2 FLOPs per weight and token forward,
        4 backward), where N leaves out the position embedding (a table look-up, no multiplication),
        as nanoGPT does; the tied token embedding counts once, for the output layer. 12·L·d·T: the
        attention scores and weighted sums over T positions (forward and backward; the causal mask's
        skipped half is counted, as PaLM does). T defaults to context_length.
        """
        seq_len = self.config.context_length if seq_len is None else positive_int("seq_len", seq_len)
        n = self.num_parameters()
        if self.position_embedding is not None:
            n -= self.position_embedding.weight.numel()
        if not self.config.tie_embeddings:  # the input table is only looked up; the output matrix multiplies
            n -= self.token_embedding.weight.numel()
        return 6 * n + 12 * self.config.n_layer * self.config.d_model * seq_len

    def estimate_mfu(
        self, tokens_per_second: float, peak_flops: float | None = None, seq_len: int | None = None
    ) -> float:
        """Model FLOPs utilization: flops_per_token × tokens per second / the chip's peak FLOP/s (a fraction).

        ``peak_flops`` defaults to ``lib.core.hardware.peak_flops`` of the device the model is on;
        where no peak is known (a CPU), pass one.
        """
        tokens_per_second = positive_number("tokens_per_second", tokens_per_second)
        if peak_flops is None:
            device = self.token_embedding.weight.device
            peak_flops = hardware.peak_flops(device)
            if peak_flops is None:
                raise ValueError(f"peak_flops is not known for {device}; pass the chip's peak FLOP/s as peak_flops")
        peak_flops = positive_number("peak_flops", peak_flops)
        return self.flops_per_token(seq_len) * tokens_per_second / peak_flops


class LogitsOnly(nn.Module):
    """A GPT seen as a plain ids -> logits module, for code written for such models (``fit``, an RNN comparison)."""

    def __init__(self, gpt: GPT) -> None:
        super().__init__()
        if not isinstance(gpt, GPT):
            raise TypeError(f"gpt must be a lib.models.gpt.GPT, got {type(gpt).__name__}")
        self.gpt = gpt

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """The GPT's logits for ``idx`` (batch, time, vocab_size), without a loss."""
        return self.gpt(idx)[0]


def gpt_on_meta(config: GPTConfig) -> GPT:
    """Build a GPT on PyTorch's meta device: shapes without memory, so 175B parameters cost nothing."""
    with torch.device("meta"):
        return GPT(config)
