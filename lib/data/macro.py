"""US macroeconomic series, quarterly 1959-2009, as statsmodels ships them (no download).

``statsmodels.datasets.macrodata`` bundles 203 quarters (1959Q1-2009Q3) of US data from the
Federal Reserve Bank of St. Louis (FRED) and the Bureau of Labor Statistics: real GDP, consumer
prices (CPI), unemployment, the 3-month Treasury-bill rate and more. Levels such as GDP grow for
decades, so forecasters model **growth rates** (增长率): the annualized log change from one
quarter to the next, ``400 * ln(x_t / x_{t-1})`` in percent.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lib.core.validate import tensor

# the columns this module exposes, with statsmodels' own descriptions shortened
COLUMNS = {
    "realgdp": "real gross domestic product, billions of chained 2005 US$, seasonally adjusted annual rate",
    "cpi": "consumer price index, all urban consumers, end of quarter (1982-84 = 100), seasonally adjusted",
    "unemp": "unemployment rate, %, seasonally adjusted",
    "tbilrate": "3-month Treasury bill rate, %, quarterly average of monthly values",
    "infl": "inflation as statsmodels ships it: 400 ln(cpi_t / cpi_{t-1}), rounded to 0.01 (0 for 1959Q1)",
}


@dataclass(frozen=True)
class MacroData:
    """The quarters ("1959Q1", ...) and each column of :data:`COLUMNS` as a float64 tensor, one value per quarter."""

    quarters: tuple[str, ...]
    columns: dict[str, torch.Tensor]

    def __len__(self) -> int:
        return len(self.quarters)

    def __getitem__(self, name: str) -> torch.Tensor:
        if name not in self.columns:
            raise KeyError(f"column must be one of {sorted(self.columns)}, got {name!r}")
        return self.columns[name]


def load_macrodata() -> MacroData:
    """Load statsmodels' US macro data (imported here, so ``import lib`` does not need statsmodels)."""
    from statsmodels.datasets import macrodata

    frame = macrodata.load_pandas().data
    quarters = tuple(f"{int(y)}Q{int(q)}" for y, q in zip(frame["year"], frame["quarter"], strict=True))
    columns = {name: torch.tensor(frame[name].to_numpy(dtype="float64")) for name in COLUMNS}
    return MacroData(quarters, columns)


def growth_rate(level: torch.Tensor, periods_per_year: int = 4) -> torch.Tensor:
    """Annualized log growth in percent: ``100 * periods_per_year * ln(x_t / x_{t-1})``, one value shorter.

    For quarterly data that is ``400 ln(x_t / x_{t-1})``: 1% growth in a quarter reads as about 4% a year.
    """
    level = tensor("level", level, ndim=1, floating=True)
    if len(level) < 2:
        raise ValueError(f"level must hold at least 2 values, got {len(level)}")
    if bool((level <= 0).any()):
        raise ValueError("level must be positive everywhere: a log growth rate needs it")
    if not isinstance(periods_per_year, int) or periods_per_year < 1:
        raise ValueError(f"periods_per_year must be a positive int, got {periods_per_year!r}")
    return 100.0 * periods_per_year * torch.log(level[1:] / level[:-1])
