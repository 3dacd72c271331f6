"""A report's content, independent of its format: tables and charts under headings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    heading: str
    headers: list[str]
    rows: list[list[object]]
    note: str = ""


@dataclass(frozen=True)
class Chart:
    heading: str
    categories: list[str]                 # x axis
    series: dict[str, list[float]]        # name -> one value per category
    stacked: bool = False

    @property
    def empty(self) -> bool:
        """Nothing to draw: a quiet month. Chart libraries fail on an axis without values."""
        return not self.categories or not any(self.series.values())


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    period: str                           # YYYY-MM
    branch: str
    generated_by: str
    generated_at: str
    language: str
    summary: list[tuple[str, object]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
