"""Metrics recorded during training, each value with the optimizer step at which it was measured."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class History:
    """Metrics by step: ``history["train_loss"]`` lists the values, ``history.steps_of("train_loss")`` their steps.

    ``fit`` logs once per epoch, so there one value is one epoch; the engine logs every ``log_every`` steps.
    """

    metrics: dict[str, list[float]] = field(default_factory=dict)
    steps: dict[str, list[int]] = field(default_factory=dict)

    def log(self, step: int | None = None, **values: float) -> None:
        """Append one value to each named metric, measured at optimizer ``step`` (the count so far if None)."""
        for name, value in values.items():
            series = self.metrics.setdefault(name, [])
            at = self.steps.setdefault(name, [])
            at.append(len(series) + 1 if step is None else int(step))
            series.append(float(value))

    def __getitem__(self, name: str) -> list[float]:
        if name not in self.metrics:
            raise KeyError(f"no metric {name!r}; have {sorted(self.metrics)}")
        return self.metrics[name]

    def __contains__(self, name: object) -> bool:
        return name in self.metrics

    def last(self, name: str) -> float:
        """The latest value of a metric."""
        return self[name][-1]

    def steps_of(self, name: str) -> list[int]:
        """The optimizer steps at which ``name`` was logged, one per value."""
        self[name]  # a clear KeyError for a missing metric
        return self.steps[name]

    def state_dict(self) -> dict[str, Any]:
        """Plain lists and dicts, for a weights-only checkpoint."""
        return {
            "metrics": {k: list(v) for k, v in self.metrics.items()},
            "steps": {k: list(v) for k, v in self.steps.items()},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Replace the contents with what :meth:`state_dict` returned."""
        if not isinstance(state, dict) or set(state) != {"metrics", "steps"}:
            raise ValueError("state must be a dict with 'metrics' and 'steps' (from History.state_dict)")
        self.metrics = {k: [float(x) for x in v] for k, v in state["metrics"].items()}
        self.steps = {k: [int(x) for x in v] for k, v in state["steps"].items()}
