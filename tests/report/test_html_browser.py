"""The HTML report in a real headless Chromium: what a person's browser actually shows.

CI installs Chromium (.ci/run); when it is missing these tests fail, they do not skip.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from roster_lint.report import html
from tests.report.test_html_fixtures import HOSTILE, Node, hostile_rows, make_plan, make_result
from tests.report.test_html_fixtures import parse_html as parse

pytestmark = pytest.mark.browser

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium is needed for the HTML report tests: apt-get install chromium")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    result = make_result(tmp, hostile_rows(), make_plan())
    out = tmp / "report.html"
    out.write_text(html.render_check_html(result), encoding="utf-8")
    return out


def run(chromium: str, tmp: Path, *args: str) -> str:
    proc = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def dom(chromium: str, tmp: Path, report: Path, query: str = "") -> Node:
    return parse(run(chromium, tmp, "--dump-dom", report.as_uri() + query))


def table_rows(doc: Node) -> list[list[str]]:
    body = doc.find("section", id="records").find("tbody")
    return [[td.text() for td in tr.find_all("td")] for tr in body.find_all("tr")]


def test_dashboard_charts_and_tables_render(chromium: str, report: Path, tmp_path: Path) -> None:
    doc = dom(chromium, tmp_path, report, "#entity=user")
    assert doc.find("html").attrs.get("data-ready") == "1"  # our script ran to the end
    summary = doc.find("section", id="summary")
    assert len(summary.find_all("div", class_="card")) >= 4
    charts = doc.find("section", id="accounts").find_all("figure", class_="chart")
    assert len(charts) == 3 and all(c.find_all("rect") for c in charts)
    users = table_rows(doc)
    head = [th.text() for th in doc.find("section", id="records").find_all("th")]
    assert len(users) == 11 and users[0][head.index("action")] == "skip"
    count = doc.find("section", id="records").find("p", class_="count").text()
    assert count == "11 matching users"


def test_hostile_values_stay_text_in_the_browser(
    chromium: str, report: Path, tmp_path: Path
) -> None:
    doc = dom(chromium, tmp_path, report, "#entity=user")
    scripts = doc.find_all("script")
    assert len(scripts) == 2 and all(
        "alert" not in s.text() or s.attrs.get("type") for s in scripts
    )
    assert doc.find_all("img") == []
    assert not [n for n in doc.iter() if any(k.startswith("on") for k in n.attrs)]
    ids = [r[0] for r in table_rows(doc)]
    assert set(HOSTILE) <= set(ids)  # built by our JS with textContent
    values = [n.text() for n in doc.find_all("code", class_="value")]
    assert "<script>alert(1)</script>" in values


def test_search_and_action_filter_from_the_address(
    chromium: str, report: Path, tmp_path: Path
) -> None:
    doc = dom(chromium, tmp_path, report, "?entity=user&q=stu2")
    assert [r[0] for r in table_rows(doc)] == ["stu2"]
    doc = dom(chromium, tmp_path, report, "?entity=user&action=create")
    assert sorted(r[0] for r in table_rows(doc)) == ["stu1", "tch1"]
    doc = dom(chromium, tmp_path, report, "#entity=user&q=%3Cscript%3E")
    assert [r[0] for r in table_rows(doc)] == ["<script>alert(1)</script>"]


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


@pytest.mark.parametrize("size", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_screenshots(chromium: str, report: Path, tmp_path: Path, size: tuple[int, int]) -> None:
    shot = tmp_path / f"report-{size[0]}.png"
    run(
        chromium,
        tmp_path,
        f"--screenshot={shot}",
        f"--window-size={size[0]},{size[1]}",
        report.as_uri(),
    )
    assert png_size(shot) == size
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one
