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
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from lib.core import hardware
from lib.core.validate import positive_int, positive_number


@dataclass(frozen=True)
class GPTConfig:
    """The numbers that fix a GPT's shape. Defaults are GPT-2 small (124M parameters)."""

    vocab_size: int = 50257
    context_length: int = 1024
    n_layer: int = 12
    n_head: int = 12
    d_model: int = 768
    dropout: float = 0.0
    bias: bool = True

    def __post_init__(self) -> None:
        for name in ("vocab_size", "context_length", "n_layer", "n_head", "d_model"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"GPTConfig.{name} must be a positive int, got {value!r}")
        if self.d_model % self.n_head:
            raise ValueError(f"GPTConfig.d_model ({self.d_model}) must be divisible by n_head ({self.n_head})")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"GPTConfig.dropout must be in [0, 1), got {self.dropout!r}")


# Published configurations (GPT-2: Radford et al. 2019; GPT-3: Brown et al. 2020, Table 2.1).
GPT2_SMALL = GPTConfig()
GPT2_MEDIUM = GPTConfig(n_layer=24, n_head=16, d_model=1024)
GPT2_LARGE = GPTConfig(n_layer=36, n_head=20, d_model=1280)
GPT2_XL = GPTConfig(n_layer=48, n_head=25, d_model=1600)
GPT3_175B = GPTConfig(context_length=2048, n_layer=96, n_head=96, d_model=12288)


class LayerKV:
    """One block's stored keys and values, shaped (batch, heads, positions, head_size)."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length
        self.length = 0
        self.keys: torch.Tensor | None = None
        self.values: torch.Tensor | None = None

    def append(self, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Store the new positions' keys and values; return all keys and values so far."""
        new = k.shape[2]
        if self.length + new > self.max_length:
            raise ValueError(f"KV cache full: {self.length} + {new} positions exceed max_length {self.max_length}")
        if self.keys is None:
            shape = (k.shape[0], k.shape[1], self.max_length, k.shape[3])
            self.keys = k.new_empty(shape)
            self.values = v.new_empty(shape)
        elif k.shape[0] != self.keys.shape[0]:
            raise ValueError(f"batch size {k.shape[0]} differs from the cache's {self.keys.shape[0]}")
        self.keys[:, :, self.length : self.length + new] = k
        self.values[:, :, self.length : self.length + new] = v
        self.length += new
        return self.keys[:, :, : self.length], self.values[:, :, : self.length]


class KVCache:
    """Keys and values of every token seen so far, one buffer per block, for generating one token at a time.

    Without a cache each new token re-runs attention over the whole sequence. With one, a block
    computes the new token's key and value once, appends them here, and attends over the stored
    ones: the same numbers for a fraction of the work. Buffers are allocated on the first write,
    with ``max_length`` positions (a GPT's context_length), on the device and dtype of the keys.
    For inference (under ``torch.no_grad``): writes are in place, which autograd cannot replay.
    """

    def __init__(self, n_layer: int, max_length: int) -> None:
        self.max_length = positive_int("max_length", max_length)
        self.layers = [LayerKV(self.max_length) for _ in range(positive_int("n_layer", n_layer))]

    @property
    def length(self) -> int:
        """How many positions the cache holds (the next token's position)."""
        return self.layers[0].length

    def __repr__(self) -> str:
        return f"KVCache(n_layer={len(self.layers)}, length={self.length}, max_length={self.max_length})"


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which each position sees only itself and earlier positions."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.dropout = config.dropout
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model, bias=config.bias)
        self.proj = nn.Linear(config.d_model, config.d_model, bias=config.bias)
        self.resid_dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, cache: LayerKV | None = None) -> torch.Tensor:
        """Attend over ``x`` (batch, time, channels), and over the cached earlier positions when given."""
        batch, time, channels = x.shape
        q, k, v = self.qkv(x).split(channels, dim=2)
        # (batch, time, channels) -> (batch, heads, time, head_size)
        q, k, v = (t.view(batch, time, self.n_head, -1).transpose(1, 2) for t in (q, k, v))
        past = 0 if cache is None else cache.length
        if cache is not None:
            k, v = cache.append(k, v)
        dropout_p = self.dropout if self.training else 0.0
        if past == 0:  # a whole sequence from position 0: the fused causal kernel
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=dropout_p)
        elif time == 1:  # one new token after the cache: it may see every stored position
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout_p)
        else:  # several new tokens after the cache: new token i sees positions up to past + i
            mask = torch.ones(time, past + time, dtype=torch.bool, device=x.device).tril(diagonal=past)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p)
        y = y.transpose(1, 2).contiguous().view(batch, time, channels)
        return self.resid_dropout(self.proj(y))


class MLP(nn.Module):
    """The position-wise feed-forward layer: widen 4x, GELU, project back."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.up = nn.Linear(config.d_model, 4 * config.d_model, bias=config.bias)
        self.down = nn.Linear(4 * config.d_model, config.d_model, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """GELU MLP applied to every position independently."""
        return self.dropout(self.down(F.gelu(self.up(x))))


class Block(nn.Module):
    """One Transformer block: x + attention(norm(x)), then x + mlp(norm(x))."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln2 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor, cache: LayerKV | None = None) -> torch.Tensor:
        """The block on ``x`` (batch, time, d_model), attending over ``cache`` too when given."""
        x = x + self.attn(self.ln1(x), cache)
        return x + self.mlp(self.ln2(x))


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
        self.config = config
        self.token_embedding = nn.Embedding(config.vocab_size, config.d_model)
        self.position_embedding = nn.Embedding(config.context_length, config.d_model)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.d_model, bias=config.bias)
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
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
        cache holds: their keys and values are reused, the new ones appended.
        """
        _check_ids("idx", idx)
        if kv_cache is not None and not isinstance(kv_cache, KVCache):
            raise TypeError(f"kv_cache must be a KVCache or None, got {type(kv_cache).__name__}")
        past = 0 if kv_cache is None else kv_cache.length
        time = idx.shape[1]
        if past + time > self.config.context_length:
            where = f"{past} cached + {time} new" if past else f"{time}"
            raise ValueError(f"sequence length {where} exceeds context_length {self.config.context_length}")
        if targets is not None and (_check_ids("targets", targets).shape != idx.shape):
            raise ValueError(f"targets must have idx's shape {tuple(idx.shape)}, got {tuple(targets.shape)}")
        positions = torch.arange(past, past + time, device=idx.device)
        x = self.dropout(self.token_embedding(idx) + self.position_embedding(positions))
        for i, block in enumerate(self.blocks):
            x = block(x, None if kv_cache is None else kv_cache.layers[i])
        logits = self.lm_head(self.ln_f(x))
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten().long(), ignore_index=-100)
        return logits, loss

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
        n = self.num_parameters() - self.position_embedding.weight.numel()
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
