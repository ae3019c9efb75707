"""Encoding and CSV structure: each damage is a finding with its line; the rest still loads."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from roster_lint.load import exact, reader
from roster_lint.model import LINE
from tests.load.helpers import base_folder, findings, load

ORGS_H = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId"
D1 = "d1,,,Example Unified School District,district,0600001,"
S1 = "sch1,,,Example Middle School,school,060000100001,d1"
S2 = "sch2,,,Second School,school,060000100002,d1"


def with_orgs(tmp: Path, data: bytes) -> Path:
    folder = base_folder(tmp)
    (folder / "orgs.csv").write_bytes(data)
    return folder


def codes_lines(tmp: Path, data: bytes, code: str) -> list[tuple[object, object]]:
    export = load(with_orgs(tmp, data))
    return [(f["file"], f["line"]) for f in findings(export, code)]


def test_utf16_with_and_without_bom(tmp_path: Path) -> None:
    text = f"{ORGS_H}\n{D1}\n{S1}\n"
    for i, enc in enumerate(("utf-16", "utf-16-le", "utf-16-be")):
        export = load(with_orgs(tmp_path / str(i), text.encode(enc)))
        assert [f["file"] for f in findings(export, "RL011")] == ["orgs.csv"], enc
        orgs = export.tables["orgs.csv"]
        assert orgs.encoding == "utf-16" and orgs.rows == 2
        assert orgs.df["sourcedId"].to_list() == ["d1", "sch1"]


def test_cp1252_is_found_with_its_line_and_still_read(tmp_path: Path) -> None:
    data = f"{ORGS_H}\n{D1}\nsch1,,,École Élémentaire,school,060000100001,d1\n".encode("cp1252")
    export = load(with_orgs(tmp_path, data))
    assert [(f["file"], f["line"]) for f in findings(export, "RL010")] == [("orgs.csv", 3)]
    assert export.tables["orgs.csv"].df["name"][1] == "École Élémentaire"
    assert export.tables["users.csv"].rows == 3  # the rest of the export is still checked


def test_undecodable_bytes_make_the_table_unreadable(tmp_path: Path) -> None:
    # 0x81 is undefined in Windows-1252 too.
    data = f"{ORGS_H}\n{D1}\n".encode() + b"sch1,,,Bad \x81 name,school,1,d1\n"
    export = load(with_orgs(tmp_path, data))
    assert [f["line"] for f in findings(export, "RL010")] == [3]
    assert export.table("orgs.csv") is None and export.table("users.csv") is not None


def test_nul_bytes(tmp_path: Path) -> None:
    data = f"{ORGS_H}\n{D1}\n{S1}\nsch2,,,A\x00B,school,1,d1\n".encode()
    assert codes_lines(tmp_path, data, "RL012") == [("orgs.csv", 4)]


def test_bom_crlf_and_missing_final_newline_are_fine(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + f"{ORGS_H}\r\n{D1}\r\n{S1}".encode()
    export = load(with_orgs(tmp_path, data))
    assert export.findings.frame().height == 0
    orgs = export.tables["orgs.csv"]
    assert orgs.header[0] == "sourcedId" and orgs.header_ok
    assert orgs.df[LINE].to_list() == [2, 3]
    assert orgs.df["parentSourcedId"].to_list() == ["", "d1"]


def test_ragged_rows_too_few_and_too_many(tmp_path: Path) -> None:
    data = f"{ORGS_H}\n{D1}\nsch1,,,Short,school\n{S2},extra\n".encode()
    export = load(with_orgs(tmp_path, data))
    hits = [(f["line"], f["value"]) for f in findings(export, "RL020")]
    assert hits == [(3, "5"), (4, "8")]
    assert export.tables["orgs.csv"].df["identifier"].to_list() == ["0600001", "", "060000100002"]


def test_unclosed_quote(tmp_path: Path) -> None:
    data = f'{ORGS_H}\n{D1}\nsch1,,,"Open name,school,1,d1\n{S2}\n'.encode()
    assert codes_lines(tmp_path, data, "RL021") == [("orgs.csv", 3)]


@pytest.mark.parametrize(
    ("tail", "cut"),
    [
        ("sch2,,,Second School,sch", 4),  # short and no line break: cut off
        ('sch2,,,"Second Sch', 4),  # a quote opened on the last line: cut inside it
        ("sch2,,,Second School,sch\n", None),  # a short row that ends: ragged, not cut
        (S2, None),  # whole, no final newline: fine
        ("sch2,,,Second School,school,060000100002,", None),  # cut after a separator: unseen
    ],
)
def test_a_file_cut_inside_its_last_record(tmp_path: Path, tail: str, cut: int | None) -> None:
    """RL028 at the unfinished record, which is left out (no value of it is checked); its
    RL020 / RL021 follow from it."""
    data = f"{ORGS_H}\n{D1}\n{S1}\n{tail}".encode()
    export = load(with_orgs(tmp_path, data))
    assert [(f["file"], f["line"]) for f in findings(export, "RL028")] == (
        [] if cut is None else [("orgs.csv", cut)]
    )
    lines = export.tables["orgs.csv"].df[LINE].to_list()
    assert (4 in lines) is (cut is None)


def test_a_short_last_row_among_short_rows_is_no_cut(tmp_path: Path) -> None:
    data = f"{ORGS_H}\n{D1}\nsch1,,,Short,school\nsch2,,,Second School,sch".encode()
    export = load(with_orgs(tmp_path, data))
    assert findings(export, "RL028") == []
    assert [f["line"] for f in findings(export, "RL020")] == [3, 4]


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_a_header_repeated_inside_the_file(tmp_path: Path, bom: str) -> None:
    """Two files joined, each with its header (and its BOM): RL029 at the repeated line,
    which is left out; a row that only starts like the header is a row."""
    data = f"{ORGS_H}\n{D1}\n{bom}{ORGS_H}\n{S1}\nsourcedId,,,Named oddly,school,1,d1\n"
    export = load(with_orgs(tmp_path, data.encode()))
    assert [(f["file"], f["line"]) for f in findings(export, "RL029")] == [("orgs.csv", 3)]
    assert export.tables["orgs.csv"].df[LINE].to_list() == [2, 4, 5]


def test_a_line_of_separators_only_is_a_blank_line(tmp_path: Path) -> None:
    """Excel's empty rows (`,,,,,,`, or shorter): RL024 each, left out like a blank line; a
    row with one value is a row."""
    data = f"{ORGS_H}\n{D1}\n,,,,,,\n{S1}\n,,,\n,,,,,,d1\n".encode()
    export = load(with_orgs(tmp_path, data))
    assert [(f["file"], f["line"]) for f in findings(export, "RL024")] == [
        ("orgs.csv", 3),
        ("orgs.csv", 5),
    ]
    assert export.tables["orgs.csv"].df[LINE].to_list() == [2, 4, 6]


@pytest.mark.parametrize(
    ("sep", "told"), [(";", "semicolons"), ("\t", "tabs"), ("|", "bars"), (",", None)]
)
def test_a_header_on_another_separator(tmp_path: Path, sep: str, told: str | None) -> None:
    data = "\n".join(x.replace(",", sep) for x in (ORGS_H, D1, S1)).encode()
    export = load(with_orgs(tmp_path, data))
    assert [(f["line"], f["value"]) for f in findings(export, "RL013")] == (
        [] if told is None else [(1, told)]
    )


def test_a_one_column_header_without_a_separator_is_no_dialect(tmp_path: Path) -> None:
    export = load(with_orgs(tmp_path, b"sourcedId\nd1\n"))
    assert findings(export, "RL013") == [] and findings(export, "RL030")


def test_embedded_line_breaks_keep_later_line_numbers(tmp_path: Path) -> None:
    data = (
        f'{ORGS_H}\n{D1}\nsch1,,,"Two\nline\r\nname",school,1,d1\n{S2}\n'
        'sch3,,,"Also\nbroken",school,3,d1\nsch4,,,Last,school,4,d1\n'
    ).encode()
    export = load(with_orgs(tmp_path, data))
    assert [f["line"] for f in findings(export, "RL022")] == [3, 7]
    df = export.tables["orgs.csv"].df
    assert df.select("sourcedId", LINE).rows() == [
        ("d1", 2),
        ("sch1", 3),
        ("sch2", 6),
        ("sch3", 7),
        ("sch4", 9),
    ]


def test_stray_quote(tmp_path: Path) -> None:
    data = f'{ORGS_H}\n{D1}\nsch1,,,The "Best" School,school,1,d1\n{S2}\n'.encode()
    assert codes_lines(tmp_path, data, "RL023") == [("orgs.csv", 3)]
    data = f'{ORGS_H}\n{D1}\nsch1,,,"Best"School,school,1,d1\n'.encode()
    assert codes_lines(tmp_path / "b", data, "RL023") == [("orgs.csv", 3)]


def test_escaped_quotes_are_fine(tmp_path: Path) -> None:
    data = f'{ORGS_H}\n{D1}\nsch1,,,"The ""Best"" School",school,1,d1\n'.encode()
    export = load(with_orgs(tmp_path, data))
    assert export.findings.frame().height == 0
    assert export.tables["orgs.csv"].df["name"][1] == 'The "Best" School'


def test_blank_lines(tmp_path: Path) -> None:
    data = f"{ORGS_H}\n{D1}\n\n{S1}\n\n".encode()
    export = load(with_orgs(tmp_path, data))
    assert [f["line"] for f in findings(export, "RL024")] == [3, 5]
    assert export.tables["orgs.csv"].df.select("sourcedId", LINE).rows() == [("d1", 2), ("sch1", 4)]


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    export = load(with_orgs(tmp_path, b""))
    assert [f["file"] for f in findings(export, "RL005")] == ["orgs.csv"]
    assert export.table("orgs.csv") is None
    export = load(with_orgs(tmp_path / "h", f"{ORGS_H}\n".encode()))
    assert [f["file"] for f in findings(export, "RL006")] == ["orgs.csv"]
    assert export.table("orgs.csv") is not None and export.tables["orgs.csv"].rows == 0


CLEAN = [
    f"{ORGS_H}\n{D1}\n{S1}\n",
    f"{ORGS_H}\r\n{D1}\r\n{S1}",
    '"sourcedId","status","dateLastModified","name","type","identifier","parentSourcedId"\n'
    '"d1","","","A, B","district","1",""\n"sch1",,,"C","school","2","d1"',
    f'{ORGS_H}\n{D1}\nsch1,,,"x ""y""",school,1,d1\n',
]


@pytest.mark.parametrize("text", CLEAN)
def test_fast_and_exact_paths_agree(text: str, tmp_path: Path) -> None:
    folder = with_orgs(tmp_path, text.encode())
    fast = load(folder).tables["orgs.csv"].df
    res = exact.parse_exact(text, "orgs.csv", keep=True)
    slow = exact.records_frame(res.records or [], res.lines, len(res.header))
    assert fast.rows() == slow.rows()


def test_clean_file_takes_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(text: str, path: str, keep: bool = False) -> exact.ExactResult:
        raise AssertionError("exact path used on a clean file")

    monkeypatch.setattr(reader, "parse_exact", boom)
    export = load(with_orgs(tmp_path, CLEAN[2].encode()))
    assert export.tables["orgs.csv"].df["name"].to_list() == ["A, B", "C"]
    assert export.tables["users.csv"].df.schema[LINE] == pl.Int64()


def test_damaged_file_keeps_polars_frame(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ragged rows, blank lines and line breaks: the exact pass only places them."""

    def boom(*args: object) -> pl.DataFrame:
        raise AssertionError("Python records built for a file polars can read")

    monkeypatch.setattr(reader, "records_frame", boom)
    data = f'{ORGS_H}\n{D1}\n\nsch1,,,"Two\nlines",school\n{S2},x\n'.encode()
    export = load(with_orgs(tmp_path, data))
    df = export.tables["orgs.csv"].df
    assert df.select("sourcedId", "name", "identifier", LINE).rows() == [
        ("d1", "Example Unified School District", "0600001", 2),
        ("sch1", "Two\nlines", "", 4),
        ("sch2", "Second School", "060000100002", 6),
    ]
    assert [f["line"] for f in findings(export, "RL020")] == [4, 6]
    assert [f["line"] for f in findings(export, "RL024")] == [3]


def test_quote_damage_falls_back_to_python_records(tmp_path: Path) -> None:
    data = f'{ORGS_H}\n{D1}\nsch1,,,"Best"School,school,1,d1\n{S2}\n'.encode()
    df = load(with_orgs(tmp_path, data)).tables["orgs.csv"].df
    assert df.select("sourcedId", LINE).rows() == [("d1", 2), ("sch1", 3), ("sch2", 4)]


def test_folder_name_with_glob_characters(tmp_path: Path) -> None:
    export = load(base_folder(tmp_path, "district [2026] *"))
    assert export.tables["users.csv"].rows == 3
    assert export.findings.frame().height == 0
