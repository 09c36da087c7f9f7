"""The Transformer block a GPT stacks: causal self-attention and a feed-forward layer, each behind a norm.

One class serves GPT-2 and Llama: the configuration picks LayerNorm or RMSNorm, a GELU MLP or
SwiGLU, learned/sinusoidal positions (added at the input, by the GPT) or rotary ones (applied to
queries and keys, here), and the number of key/value heads: ``n_kv_head == n_head`` is ordinary
multi-head attention, ``1`` is multi-query attention (Shazeer 2019), anything between is
grouped-query attention (Ainslie et al. 2023). Fewer key/value heads shrink the KV cache by
``n_head / n_kv_head`` while every query head keeps its own projection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import nn

from lib.models.feedforward import GeluMLP, SwiGLU
from lib.models.kv_cache import LayerKV
from lib.models.positional import RotaryEmbedding

if TYPE_CHECKING:  # the config class lives in lib.models.gpt, which imports this module
    from lib.models.gpt import GPTConfig


def make_norm(config: GPTConfig) -> nn.Module:
    """LayerNorm (GPT-2) or RMSNorm (Llama) over d_model, as the config says."""
    if config.norm == "rms":
        return nn.RMSNorm(config.d_model, eps=config.norm_eps)
    return nn.LayerNorm(config.d_model, eps=config.norm_eps, bias=config.bias)


class CausalSelfAttention(nn.Module):
    """Multi-head (or grouped-query) self-attention in which each position sees itself and earlier positions."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.n_kv_head = config.kv_heads
        self.head_size = config.d_model // config.n_head
        self.dropout = config.dropout
        self.naive = config.attention == "naive"
        kv_width = self.n_kv_head * self.head_size
        self.qkv = nn.Linear(config.d_model, config.d_model + 2 * kv_width, bias=config.bias)
        self.proj = nn.Linear(config.d_model, config.d_model, bias=config.bias)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.rotary = (
            RotaryEmbedding(self.head_size, config.context_length, config.rope_base)
            if config.position == "rotary"
            else None
        )

    def project(self, x: torch.Tensor, start: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Queries (batch, n_head, time, head_size) and keys, values (batch, n_kv_head, time, head_size) of ``x``.

        Rotary positions, when configured, are applied here, as positions ``start ...``.
        """
        batch, time, _ = x.shape
        q, k, v = self.qkv(x).split([self.n_head * self.head_size, *(2 * [self.n_kv_head * self.head_size])], dim=2)
        q = q.view(batch, time, self.n_head, self.head_size).transpose(1, 2)
        k, v = (t.view(batch, time, self.n_kv_head, self.head_size).transpose(1, 2) for t in (k, v))
        if self.rotary is not None:
            q, k = self.rotary(q, start), self.rotary(k, start)
        return q, k, v

    def expand_kv(self, t: torch.Tensor) -> torch.Tensor:
        """Repeat each key/value head for the query heads that share it (a no-op for plain multi-head attention)."""
        groups = self.n_head // self.n_kv_head
        return t if groups == 1 else t.repeat_interleave(groups, dim=1)

    def forward(self, x: torch.Tensor, cache: LayerKV | None = None) -> torch.Tensor:
        """Attend over ``x`` (batch, time, channels), and over the cached earlier positions when given."""
        batch, time, channels = x.shape
        past = 0 if cache is None else cache.length
        q, k, v = self.project(x, start=past)
        if cache is not None:
            k, v = cache.append(k, v)  # the cache holds n_kv_head heads: that is GQA's memory saving
        k, v = self.expand_kv(k), self.expand_kv(v)
        dropout_p = self.dropout if self.training else 0.0
        if self.naive:  # written out: scores, an explicit causal mask, softmax, weighted sum (slower, same numbers)
            y = self.naive_attention(q, k, v, past, dropout_p)
        elif past == 0:  # a whole sequence from position 0: the fused causal kernel
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=dropout_p)
        elif time == 1:  # one new token after the cache: it may see every stored position
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout_p)
        else:  # several new tokens after the cache: new token i sees positions up to past + i
            mask = torch.ones(time, past + time, dtype=torch.bool, device=x.device).tril(diagonal=past)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p)
        y = y.transpose(1, 2).contiguous().view(batch, time, channels)
        return self.resid_dropout(self.proj(y))

    @staticmethod
    def naive_attention(
        q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, past: int = 0, dropout_p: float = 0.0
    ) -> torch.Tensor:
        """softmax(q kᵀ / √d_k + causal mask) v: query i (position past + i) sees keys 0 .. past + i."""
        time, total = q.shape[-2], k.shape[-2]
        scores = (q @ k.transpose(-2, -1)) * (q.shape[-1] ** -0.5)
        allowed = torch.ones(time, total, dtype=torch.bool, device=q.device).tril(diagonal=past)
        weights = torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)
        weights = F.dropout(weights, p=dropout_p, training=dropout_p > 0)
        return weights @ v


class Block(nn.Module):
    """One Transformer block: x + attention(norm(x)), then x + mlp(norm(x)) (pre-norm, as GPT-2 and Llama)."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln1 = make_norm(config)
        self.attn = CausalSelfAttention(config)
        self.ln2 = make_norm(config)
        feedforward = SwiGLU if config.mlp == "swiglu" else GeluMLP
        self.mlp = feedforward(config.d_model, config.ffn_hidden, bias=config.bias, dropout=config.dropout)

    def forward(self, x: torch.Tensor, cache: LayerKV | None = None) -> torch.Tensor:
        """The block on ``x`` (batch, time, d_model), attending over ``cache`` too when given."""
        x = x + self.attn(self.ln1(x), cache)
        return x + self.mlp(self.ln2(x))
