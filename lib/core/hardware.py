"""Peak arithmetic throughput of the accelerator, the denominator of model FLOPs utilization (MFU).

MFU = achieved model FLOPs per second / the chip's peak. Peaks are the vendors' dense (no sparsity)
tensor-core figures from their data sheets; a CPU has no single published peak, so it is None unless
the user states one in $COURSE_PEAK_FLOPS.
"""

from __future__ import annotations

import os

import torch

PEAK_FLOPS_ENV = "COURSE_PEAK_FLOPS"

# Dense bf16 (fp16 for V100 and T4, which lack bf16) tensor-core peaks, FLOP/s, from NVIDIA's data sheets.
# H100/H200 SXM: 989 TFLOP/s; A100: 312; L4: 121; A10: 125; V100: 125 (fp16); T4: 65 (fp16).
PEAK_FLOPS_BY_NAME = (
    ("H200", 989e12),
    ("H100", 989e12),
    ("A100", 312e12),
    ("A10G", 125e12),
    ("A10", 125e12),
    ("L4", 121e12),
    ("V100", 125e12),
    ("T4", 65e12),
)


def peak_flops(device: torch.device | str) -> float | None:
    """The device's peak FLOP/s for mixed-precision matrix work, or None when it is not known.

    $COURSE_PEAK_FLOPS overrides the table (a number such as ``2e12``), for chips it does not list.
    """
    override = os.environ.get(PEAK_FLOPS_ENV, "").strip()
    if override:
        try:
            value = float(override)
        except ValueError:
            raise ValueError(f"${PEAK_FLOPS_ENV} must be a number of FLOP/s such as 2e12, got {override!r}") from None
        if not value > 0:
            raise ValueError(f"${PEAK_FLOPS_ENV} must be positive, got {override!r}")
        return value
    device = torch.device(device)
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    for key, flops in PEAK_FLOPS_BY_NAME:
        if key in name:
            return flops
    return None
