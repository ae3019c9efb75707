"""What the generator is asked for and what it produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

TAG = "__tag"  # hidden column: the planted defect kind on this row (null = none)
IdStyle = Literal["uuid", "numeric"]


@dataclass(frozen=True)
class Config:
    students: int
    seed: int = 1
    defects: float = 0.0  # share of eligible rows that get each defect kind (at least 1)
    version: str = "1.1"
    ids: IdStyle = "uuid"  # uuid: 36-character ids, as many SIS produce; numeric: short
    school_year: int = 2027  # the ending year (OneRoster `schoolYear`)
    class_size: int = 25
    classes_per_student: int = 7  # the length of every schedule below

    def __post_init__(self) -> None:
        if self.students < 13:
            raise ValueError("--students must be at least 13 (one per grade KG..12)")
        if not 0 <= self.defects <= 0.5:
            raise ValueError("--defects must be a rate between 0 and 0.5")
        if self.version not in ("1.1", "1.2"):
            raise ValueError("--version must be 1.1 or 1.2")


@dataclass
class Roster:
    """An export in memory: file name -> frame of String columns in spec order.

    A frame may carry TAG, which the writer drops and the defect manifest reads.
    """

    version: str
    tables: dict[str, pl.DataFrame]
    manifest_extra: dict[str, str] = field(default_factory=dict)

    def frame(self, name: str) -> pl.DataFrame:
        return self.tables[name]
