"""The plan and diff pages in a real headless Chromium, on the sample exports: search,
filters and pages (set from the address, as a person's link would), no network request,
and screenshots saved under pytest's tmp_path (the path is printed; nothing in the repo).

The flawed sample's plan data is over html_plan.GZIP_OVER, so these pages go through the
gzip + DecompressionStream path; --virtual-time-budget lets that finish before the dump.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl
import pytest

from roster_lint import api
from roster_lint.report import html
from tests.report.test_html_browser import FLAGS, chromium, png_size
from tests.report.test_html_fixtures import Node
from tests.report.test_html_fixtures import parse_html as parse

pytestmark = pytest.mark.browser
__all__ = ["chromium"]  # the fixture, shared with test_html_browser
FLAWED = "sample_exports/district-flawed"


class Trap:
    """A proxy that only counts connections: any request the page made would come here."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.requests: list[str] = []
        # Connections that sent no request line: Chromium preconnects to its proxy
        # speculatively and drops the socket unused, which on a loaded machine (CI beside
        # other work) happened within the test.  Nothing was asked for on them, so they
        # are counted apart, not as page requests.
        self.silent = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            # A request line follows the connect at once; the wait only has to outlast a
            # loaded machine, so a slow request is still read rather than taken as silent.
            conn.settimeout(10)
            try:
                head = conn.recv(4096).decode("latin-1").split("\r\n")[0]
            except OSError:
                head = ""
            if head:
                self.requests.append(head)
            else:
                self.silent += 1
            conn.close()

    def page_requests(self) -> list[str]:
        """Requests not made by Chromium's own services (which ignore the flags that
        should stop them): anything the page asked for would be here."""
        own = (".google.com", ".googleapis.com", ".gvt1.com", ".gstatic.com")
        hosts = []
        for r in self.requests:
            target = r.split()[1] if len(r.split()) > 1 else r
            host = urlsplit(target).hostname if "//" in target else target.split(":")[0]
            hosts.append(host or target)
        return [h for h in hosts if not h.endswith(own)]


@pytest.fixture(scope="module")
def trap() -> Iterator[Trap]:
    t = Trap()
    yield t
    t.sock.close()


def run(chromium: str, tmp: Path, trap: Trap, *args: str) -> str:
    import subprocess

    proc = subprocess.run(
        [
            chromium,
            *FLAGS,
            f"--user-data-dir={tmp / 'profile'}",
            f"--proxy-server=http://127.0.0.1:{trap.port}",
            "--proxy-bypass-list=<-loopback>",
            "--virtual-time-budget=10000",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope="module")
def plan_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    exp = api.load_for_plan(FLAWED)
    plan = api.plan_export(exp, api.Options(), None)
    out = tmp_path_factory.mktemp("plan") / "plan.html"
    out.write_text(html.render_plan_html(plan, export=exp, generated="test"), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def diff_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    diff = api.diff("sample_exports/district-yesterday", "sample_exports/district")
    out = tmp_path_factory.mktemp("diff") / "diff.html"
    out.write_text(html.render_diff_html(diff, generated="test"), encoding="utf-8")
    return out


def dom(chromium: str, tmp: Path, trap: Trap, page: Path, query: str = "") -> Node:
    doc = parse(run(chromium, tmp, trap, "--dump-dom", page.as_uri() + query))
    assert doc.find("html").attrs.get("data-ready") == "1"  # the data was unpacked
    return doc


def rows(doc: Node) -> list[dict[str, str]]:
    box = doc.find("section", id="records")
    head = [th.text() for th in box.find("thead").find_all("th")]
    body = box.find("tbody").find_all("tr")
    return [dict(zip(head, [td.text() for td in tr.find_all("td")], strict=True)) for tr in body]


def pager(doc: Node) -> str:
    return doc.find("section", id="records").find("span", class_="page").text()


def test_plan_search_by_name_email_and_school(
    chromium: str, tmp_path: Path, trap: Trap, plan_page: Path
) -> None:
    doc = dom(chromium, tmp_path, trap, plan_page, "#entity=user&q=angel.cook200928")
    assert [r["id"] for r in rows(doc)] == ["10928"]
    (r,) = rows(doc)
    assert r["name"] == "ANGEL COOK" and r["grade"] == "06" and r["action"] == "skip"
    assert r["school"] == "Oakridge Middle School (103)"  # skipped, yet named
    assert r["detail"] == "not synced at Oakridge Middle School (103)"
    doc = dom(chromium, tmp_path, trap, plan_page, "#entity=user&q=ANGEL%20COOK")
    assert [r["id"] for r in rows(doc)] == ["10928"]
    doc = dom(chromium, tmp_path, trap, plan_page, "#entity=class&q=oakridge%20middle")
    assert rows(doc) and all("Oakridge Middle School" in r["school"] for r in rows(doc))
    assert trap.page_requests() == []


def test_plan_filters_and_pages(chromium: str, tmp_path: Path, trap: Trap, plan_page: Path) -> None:
    plan = api.plan_export(api.load_for_plan(FLAWED), api.Options(), None)
    expected = plan.actions.filter(
        (pl.col("entity") == "user")
        & (pl.col("action") == "skip")
        & pl.col("reasons").list.contains("school-missing-nces-id")
        & (pl.col("school") == "103")
    ).height
    assert expected > 25  # more than one page
    q = "#entity=user&action=skip&reason=school-missing-nces-id&school=103"
    doc = dom(chromium, tmp_path, trap, plan_page, q)
    box = doc.find("section", id="records")
    assert box.find("p", class_="count").text() == f"{expected:,} matching users"
    assert len(rows(doc)) == 25 and pager(doc) == f"page 1 of {-(-expected // 25)}"
    assert all(
        r["action"] == "skip" and "(school-missing-nces-id)" in r["reasons"] for r in rows(doc)
    )
    first = [r["id"] for r in rows(doc)]
    last = -(-expected // 25)
    doc = dom(chromium, tmp_path, trap, plan_page, q + f"&page={last}")
    assert pager(doc) == f"page {last} of {last}"
    assert len(rows(doc)) == expected - (last - 1) * 25
    assert not set(first) & {r["id"] for r in rows(doc)}
    # first=1 (what the first-reason table's "show" sets): the table's own count
    firsts = plan.actions.filter(
        (pl.col("entity") == "user")
        & (pl.col("action") == "skip")
        & (pl.col("reasons").list.first() == "school-missing-nces-id")
    ).height
    doc = dom(
        chromium,
        tmp_path,
        trap,
        plan_page,
        "#entity=user&action=skip&reason=school-missing-nces-id&first=1",
    )
    count = doc.find("section", id="records").find("p", class_="count").text()
    assert count == f"{firsts:,} matching users (by first reason)"
    # the action filter lists each action of the entity with its count
    doc = dom(chromium, tmp_path, trap, plan_page, "#entity=enrollment")
    options = [o.text() for o in doc.find("select", name="action").find_all("option")]
    assert options == ["all", "skip (3,392)", "enroll (11,132)"]
    assert trap.page_requests() == []


def test_plan_and_diff_screenshots(
    chromium: str, tmp_path: Path, trap: Trap, plan_page: Path, diff_page: Path
) -> None:
    for name, page in (("plan", plan_page), ("diff", diff_page)):
        shot = tmp_path / f"{name}.png"
        run(
            chromium,
            tmp_path,
            trap,
            f"--screenshot={shot}",
            "--window-size=1280,2000",
            page.as_uri(),
        )
        assert png_size(shot) == (1280, 2000) and shot.stat().st_size > 20_000
        print(f"screenshot: {shot}")  # pytest -s shows it; the file stays in tmp_path
    assert trap.page_requests() == []


def test_diff_page_sync_first_and_search(
    chromium: str, tmp_path: Path, trap: Trap, diff_page: Path
) -> None:
    doc = dom(chromium, tmp_path, trap, diff_page)
    ids = [s.attrs.get("id") for s in doc.find_all("section") if s.attrs.get("id")]
    assert ids[:4] == ["summary", "will-not", "will", "records"]
    will_not = doc.find("section", id="will-not").text()
    assert "7 removed users will NOT be deleted" in will_not
    assert "action: · reasons:" not in doc.text() and "key_note" not in doc.text()
    assert trap.page_requests() == []


def test_the_trap_sees_a_page_request(chromium: str, tmp_path: Path) -> None:
    """The no-request assertions above can fail: a page that asks for an image is caught."""
    t = Trap()
    page = tmp_path / "asks.html"
    page.write_text('<img src="http://roster-lint.invalid/x.png">', encoding="utf-8")
    run(chromium, tmp_path, t, "--dump-dom", page.as_uri())
    t.sock.close()
    assert "roster-lint.invalid" in t.page_requests()
