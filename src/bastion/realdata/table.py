"""A CSV file (plain or gzip) read as text columns, with typed access that names the file, column
and row of any value it cannot read."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bastion.errors import RealDataError

_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class CsvTable:
    path: str
    header: tuple[str, ...]
    rows: list[list[str]]

    @classmethod
    def read(cls, path: str | Path) -> CsvTable:
        path = Path(path)
        try:
            raw = path.read_bytes()
            if raw[:2] == _GZIP_MAGIC:
                raw = gzip.decompress(raw)
            text = raw.decode("utf-8-sig")
        except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as err:
            raise RealDataError(
                f"{path}: cannot read as a (gzipped) UTF-8 CSV file: {err}"
            ) from None
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if not header:
            raise RealDataError(f"{path}: empty file, expected a CSV header line")
        rows = [r for r in reader if r]
        for k, row in enumerate(rows):
            if len(row) != len(header):
                raise RealDataError(
                    f"{path}: line {k + 2} has {len(row)} fields, the header has {len(header)}"
                )
        return cls(str(path), tuple(h.strip() for h in header), rows)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, column: str) -> bool:
        return column in self.header

    def require(self, columns: tuple[str, ...], what: str) -> None:
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise RealDataError(
                f"{self.path}: no column {', '.join(repr(c) for c in missing)} "
                f"(a {what} file needs {', '.join(columns)})"
            )

    def text(self, column: str) -> np.ndarray:
        """The column's raw strings (N,), stripped."""
        self.require((column,), "this")
        k = self.header.index(column)
        return np.array([r[k].strip() for r in self.rows], dtype=object)

    def numbers(self, column: str, allow_empty: bool = False) -> np.ndarray:
        """The column as floats (N,); empty cells are NaN where ``allow_empty``, else an error."""
        values = self.text(column)
        out = np.full(values.size, np.nan)
        for k, v in enumerate(values):
            if v == "" and allow_empty:
                continue
            try:
                out[k] = float(v)
            except ValueError:
                raise self.bad_value(column, k, v, "a number") from None
            if not np.isfinite(out[k]) and not allow_empty:
                raise self.bad_value(column, k, v, "a finite number")
        return out

    def seconds(self, column: str) -> np.ndarray:
        """An ISO 8601 date-time column (UTC, no zone or "Z") as POSIX seconds (N,)."""
        values = self.text(column)
        out = np.empty(values.size)
        for k, v in enumerate(values):
            try:
                stamp = np.datetime64(v.removesuffix("Z").replace("T", " "), "ns")
            except ValueError:
                raise self.bad_value(column, k, v, "a date-time like 2019-05-10 09:01:39") from None
            if np.isnat(stamp):
                raise self.bad_value(column, k, v, "a date-time like 2019-05-10 09:01:39")
            out[k] = stamp.astype(np.int64) / 1e9
        return out

    def bad_value(self, column: str, row: int, value: str, expected: str) -> RealDataError:
        return RealDataError(
            f"{self.path}: column {column!r}, line {row + 2}: {value!r} is not {expected}"
        )
