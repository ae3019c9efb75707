"""Rule examples as data: patch operations applied to a small valid base export.

Each catalogue rule carries a failing and a passing example (sqlfluff's lesson: rule tests
are data).  The same patches build the test fixtures (tests/test_rule_examples.py) and the
examples shown by `explain` and in docs/rules/.  Bases live in rules/examples/<base>/.

Operations (one TOML inline table each, key `op`):
  set            file, line, column, value      change one cell (line as an editor shows it)
  append         file, values, [copy_line]      add a row (copied from copy_line, then values)
  delete         file, line                     drop a record
  rename_header  file, column, to               change one header cell
  drop_column    file, column                   remove a column entirely
  add_column     file, column, [value]          append a column (same value in every row)
  write          file, text                     replace the whole file's text
  hex            file, hex                      replace the whole file's bytes
  encode         file, encoding                 re-encode the file's text
  remove         file                           delete the file from the export
  manifest       property, [value], [delete]    set, add or delete a manifest row
  zip            name, [folder]                 deliver the export as a zip with this name
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from roster_lint.paths import rules_dir


class _Export:
    def __init__(self, base: str) -> None:
        folder = rules_dir() / "examples" / base
        if not folder.is_dir():
            raise ValueError(f"no example base {base!r}")
        self.rows: dict[str, list[list[str]]] = {}
        self.raw: dict[str, bytes] = {}
        for p in sorted(folder.glob("*.csv")):
            self.rows[p.name] = list(csv.reader(io.StringIO(p.read_text("utf-8"))))
        self.zip_name: str | None = None
        self.zip_folder: str | None = None
        self.zip_duplicate: list[str] = []  # entries written twice

    def _header_index(self, file: str, column: str) -> int:
        header = self.rows[file][0]
        if column not in header:
            raise ValueError(f"{file} has no column {column!r}")
        return header.index(column)

    def apply(self, op: dict[str, Any]) -> None:
        kind = op["op"]
        file = op.get("file", "")
        if kind == "set":
            value = op["value"] * op.get("repeat", 1)  # repeat: a long value, written short
            self.rows[file][op["line"] - 1][self._header_index(file, op["column"])] = value
        elif kind == "append":
            header = self.rows[file][0]
            row = (
                list(self.rows[file][op["copy_line"] - 1])
                if "copy_line" in op
                else [""] * len(header)
            )
            for col, val in op.get("values", {}).items():
                row[self._header_index(file, col)] = val
            self.rows[file].append(row)
        elif kind == "delete":
            del self.rows[file][op["line"] - 1]
        elif kind == "rename_header":
            self.rows[file][0][self._header_index(file, op["column"])] = op["to"]
        elif kind == "drop_column":
            i = self._header_index(file, op["column"])
            for row in self.rows[file]:
                del row[i]
        elif kind == "add_column":
            self.rows[file][0].append(op["column"])
            for row in self.rows[file][1:]:
                row.append(op.get("value", ""))
        elif kind == "write":
            self.rows.pop(file, None)
            self.raw[file] = op["text"].encode("utf-8")
        elif kind == "hex":
            self.rows.pop(file, None)
            self.raw[file] = bytes.fromhex(op["hex"].replace(" ", "").replace("\n", ""))
        elif kind == "encode":
            self.raw[file] = self.text(file).encode(op["encoding"])
            self.rows.pop(file, None)
        elif kind == "remove":
            self.rows.pop(file, None)
            self.raw.pop(file, None)
        elif kind == "manifest":
            rows = self.rows["manifest.csv"]
            hit = [r for r in rows[1:] if r and r[0] == op["property"]]
            if op.get("delete"):
                self.rows["manifest.csv"] = [r for r in rows if r not in hit]
            elif hit:
                hit[0][1] = op["value"]
            else:
                rows.append([op["property"], op["value"]])
        elif kind == "zip":
            self.zip_name = op["name"]
            self.zip_folder = op.get("folder")
            self.zip_duplicate = list(op.get("duplicate", []))
        else:
            raise ValueError(f"unknown example operation {kind!r}")

    def text(self, file: str) -> str:
        if file in self.raw:
            return self.raw[file].decode("utf-8", errors="replace")
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(self.rows[file])
        return buf.getvalue()

    def files(self) -> dict[str, bytes]:
        out = {name: self.text(name).encode("utf-8") for name in self.rows}
        out.update(self.raw)
        return dict(sorted(out.items()))


def build(base: str, patch: Iterable[dict[str, Any]]) -> _Export:
    exp = _Export(base)
    for op in patch:
        exp.apply(op)
    return exp


def materialise(base: str, patch: Iterable[dict[str, Any]], dest: Path) -> Path:
    """Write the patched export under `dest`; return the folder or zip to check."""
    exp = build(base, patch)
    files = exp.files()
    if exp.zip_name:
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / exp.zip_name
        prefix = f"{exp.zip_folder}/" if exp.zip_folder else ""
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                zf.writestr(prefix + name, data)
            with warnings.catch_warnings():  # zipfile warns of the duplicate it is asked for
                warnings.simplefilter("ignore")
                for name in exp.zip_duplicate:
                    zf.writestr(prefix + name, files[name])
        return target
    folder = dest / "export"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def changed_files(base: str, patch: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The text of each file the patch touches, for docs and `explain`."""
    ops = list(patch)
    touched = {op.get("file") or "manifest.csv" for op in ops if op["op"] != "zip"}
    exp = build(base, ops)
    out: dict[str, str] = {}
    for name in sorted(touched):
        if name in exp.rows or name in exp.raw:
            out[name] = exp.text(name)
        else:
            out[name] = "(file removed)"
    return out
