"""The coordinator's dashboard (issue 22): built from the analytics marts, opened in headless Chromium.

The browser tests keep their screenshots in output/screenshots/ and check that the page shows the marts'
own numbers and that no request leaves the machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser import Browser, chromium, open_file  # noqa: E402
from dashboard_fixture import DAY, make_marts  # noqa: E402

from dashboard.settings import Settings, SettingsError, Thresholds, percent  # noqa: E402

SCREENSHOTS = ROOT / "output" / "screenshots"
BUILD = [sys.executable, str(ROOT / "scripts" / "build_dashboard.py")]
TABS = ["Today against yesterday", "Agents", "Hourly curve", "Inbound", "Campaigns"]


def build(warehouse: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BUILD, "--warehouse", str(warehouse), "--out", str(out), *args],
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )


def mart_value(warehouse: Path, sql: str) -> float:
    with duckdb.connect(str(warehouse), read_only=True) as db:
        return float(db.execute(sql).fetchone()[0])  # type: ignore[index]


def row_cells(browser: Browser, first_cell: str) -> list[str]:
    """The texts of the table row whose first cell is `first_cell` (the grid lives in shadow DOM)."""
    row = browser.page.locator(".slick-row").filter(
        has=browser.page.locator(".slick-cell.l0", has_text=re.compile(f"^{re.escape(first_cell)}$"))
    )
    row.first.wait_for(state="attached")
    return row.first.locator(".slick-cell").all_inner_texts()


def open_dashboard(browser: Browser, page: Path) -> None:
    open_file(browser, page)
    browser.page.locator(".bk-tab").first.wait_for()  # BokehJS has drawn the page


def show_tab(browser: Browser, title: str, screenshot: str) -> None:
    browser.page.locator(".bk-tab", has_text=title).click()
    browser.page.wait_for_timeout(300)  # lets the tab paint before the screenshot; no assertion depends on it
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.page.screenshot(path=str(SCREENSHOTS / screenshot), full_page=True)


@pytest.fixture(scope="module")
def fixture_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("dashboard")
    warehouse = make_marts(folder / "marts.duckdb")
    result = build(warehouse, folder / "site")
    assert result.returncode == 0, result.stderr
    page = folder / "site" / "index.html"
    assert f"Dashboard: {page}" in result.stdout
    return warehouse, page


def test_the_page_shows_the_marts_numbers_and_fetches_nothing(fixture_page: tuple[Path, Path]) -> None:
    warehouse, page = fixture_page
    service_level = mart_value(
        warehouse, f"select service_level from analytics.operation_daily where local_date = '{DAY}'"
    )
    occupancy = mart_value(
        warehouse,
        f"select occupancy from analytics.agent_daily where agent_id = '1001' and local_date = '{DAY}'",
    )
    skill_sl = mart_value(
        warehouse,
        "select service_level from analytics.inbound_interval "
        f"where skill_id = '101' and interval_start_local = '{DAY} 08:30'",
    )
    with chromium(1440, 1000) as browser:
        open_dashboard(browser, page)
        expect(browser.page.locator(".bk-tab")).to_have_text(TABS)
        assert row_cells(browser, "Service level")[1] == percent(service_level)
        show_tab(browser, "Today against yesterday", "dashboard-1-today.png")
        show_tab(browser, "Agents", "dashboard-2-agents.png")
        ana = row_cells(browser, "Ana Muñoz (1001)")
        assert percent(occupancy) in ana
        show_tab(browser, "Hourly curve", "dashboard-3-hourly.png")
        expect(browser.page.get_by_text("Calls, by call time (cdr_1 date)")).to_be_visible()
        expect(browser.page.get_by_text("Chats, by close time (chat_1 date_close)")).to_be_visible()
        show_tab(browser, "Inbound", "dashboard-4-inbound.png")
        assert row_cells(browser, "Cobranza (101)")  # the first interval's row
        assert (
            percent(skill_sl)
            in browser.page.locator(".slick-row", has_text="08:30").first.all_inner_texts()[0]
        )
        show_tab(browser, "Campaigns", "dashboard-5-campaigns.png")
        assert browser.requests, "the request log saw nothing: the logger is broken"
        assert browser.outside_requests() == []


def test_each_alert_shows_its_threshold_and_colours_only_breaches(fixture_page: tuple[Path, Path]) -> None:
    _, page = fixture_page
    with chromium(1440, 1000) as browser:
        open_dashboard(browser, page)
        browser.page.locator(".bk-tab", has_text="Agents").click()
        row_cells(browser, "Bruno Díaz (1002)")  # waits for the table
        headers = browser.page.locator(".slick-header-column").all_inner_texts()
        for title in (
            "Ready % (> 50 %)",
            "Aux % (> 30 %)",
            "Uncoded calls (> 30 %)",
            "Voice eff. (< 10 %)",
            "Uncoded chats (> 30 %)",
            "Digital eff. (< 10 %)",
        ):
            assert title in headers
        bruno = browser.page.locator(".slick-row", has_text="Bruno Díaz (1002)").first
        red = bruno.locator(".slick-cell").evaluate_all(
            "cells => cells.filter(c => getComputedStyle(c.firstElementChild || c).backgroundColor"
            " === 'rgb(248, 201, 196)').map(c => c.innerText)"
        )
        assert red == ["33.3 %", "40.0 %", "5.0 %"]  # aux, uncoded calls, voice effectiveness


def test_thresholds_are_settings(tmp_path: Path) -> None:
    warehouse = make_marts(tmp_path / "marts.duckdb")
    result = build(warehouse, tmp_path / "site", "--ready-max", "0.6", "--effectiveness-min", "0.5")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "index.html").read_text()
    assert "Ready % (&gt; 60 %)" in html or "Ready % (> 60 %)" in html
    assert "Digital eff. (< 50 %)" in html or "Digital eff. (&lt; 50 %)" in html


def test_a_warehouse_without_the_extra_marts_says_what_the_models_must_add(tmp_path: Path) -> None:
    warehouse = make_marts(tmp_path / "marts.duckdb", contract_only=True)
    result = build(warehouse, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    with chromium(1440, 1000) as browser:
        open_dashboard(browser, tmp_path / "site" / "index.html")
        expect(browser.page.get_by_text("needs analytics.operation_daily(")).to_have_count(1)
        browser.page.locator(".bk-tab", has_text="Hourly curve").click()
        expect(browser.page.get_by_text("needs analytics.activity_hourly(")).to_be_visible()
        browser.page.locator(".bk-tab", has_text="Agents").click()
        occupancy = mart_value(
            warehouse,
            f"select occupancy from analytics.agent_daily where agent_id = '1003' and local_date = '{DAY}'",
        )
        assert percent(occupancy) in row_cells(browser, "Carla Ruiz (1003)")
        shares_needed = "ready_share, aux_share, calls_uncoded_share, chats_uncoded_share"
        expect(browser.page.get_by_text(shares_needed)).to_be_visible()
        assert browser.outside_requests() == []


def test_the_request_log_catches_a_page_that_reaches_out(tmp_path: Path) -> None:
    """The 'nothing leaves the machine' check can fail: a page loading a script from a CDN is caught."""
    page = tmp_path / "cdn.html"
    page.write_text(
        '<html><head><script src="https://cdn.example.invalid/x.js"></script></head><body>x</body></html>'
    )
    with chromium() as browser:
        open_file(browser, page)
        assert browser.outside_requests() == ["https://cdn.example.invalid/x.js"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ready-max", "50"], "threshold ready_max is 50.0: give a fraction between 0 and 1"),
        (["--date", "yesterday"], "Dashboard date 'yesterday' is not a date: give it as YYYY-MM-DD"),
    ],
)
def test_bad_settings_are_refused_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = build(make_marts(tmp_path / "marts.duckdb"), tmp_path / "site", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_missing_or_foreign_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    result = build(tmp_path / "nowhere.duckdb", tmp_path / "site")
    assert result.returncode == 2
    assert "No warehouse file at" in result.stderr and "make demo" in result.stderr
    (tmp_path / "text.duckdb").write_text("not a database")
    result = build(tmp_path / "text.duckdb", tmp_path / "site")
    assert result.returncode == 2 and "Cannot read the warehouse" in result.stderr
    assert "Traceback" not in result.stderr
    with duckdb.connect(str(tmp_path / "empty.duckdb")):
        pass
    result = build(tmp_path / "empty.duckdb", tmp_path / "site")
    assert result.returncode == 2 and "has no daily analytics marts" in result.stderr


def test_thresholds_outside_zero_to_one_are_refused() -> None:
    with pytest.raises(SettingsError, match=r"aux_max is -0\.1"):
        Thresholds(aux_max=-0.1)
    assert Settings().thresholds == Thresholds(0.5, 0.3, 0.3, 0.1)


DEMO_WAREHOUSE = ROOT / "output" / "warehouse.duckdb"


def demo_has_marts() -> bool:
    if not DEMO_WAREHOUSE.is_file():
        return False
    with duckdb.connect(str(DEMO_WAREHOUSE), read_only=True) as db:
        return bool(
            db.execute(
                "select count(*) from information_schema.tables where table_schema = 'analytics' "
                "and table_name = 'agent_daily'"
            ).fetchone()[0]
        )  # type: ignore[index]


@pytest.mark.skipif(
    not demo_has_marts(), reason="no output/warehouse.duckdb with marts: run `make demo` first"
)
def test_the_demo_warehouse_renders_with_its_own_numbers(tmp_path: Path) -> None:
    """On the demo's real marts (make demo runs before make test in CI): one agent's occupancy on screen,
    and the day's service level when the models provide operation_daily."""
    with duckdb.connect(str(DEMO_WAREHOUSE), read_only=True) as db:
        # The latest day with an occupancy: the demo's last day may have just begun (no state ended yet).
        day = db.execute(
            "select max(local_date) from analytics.agent_daily where occupancy is not null"
        ).fetchone()[0]  # type: ignore[index]
        agent_id, name, occupancy = db.execute(
            "select agent_id, agent_name, occupancy from analytics.agent_daily where local_date = ? "
            "and occupancy is not null order by agent_name, agent_id limit 1",
            [day],
        ).fetchone()  # type: ignore[misc]
        has_operation_daily = db.execute(
            "select count(*) from information_schema.tables where table_schema = 'analytics' "
            "and table_name = 'operation_daily'"
        ).fetchone()[0]  # type: ignore[index]
        service_level = (
            db.execute(
                "select service_level from analytics.operation_daily where local_date = ?", [day]
            ).fetchone()[0]  # type: ignore[index]
            if has_operation_daily
            else None
        )
    result = build(DEMO_WAREHOUSE, tmp_path / "site", "--date", str(day))
    assert result.returncode == 0, result.stderr
    with chromium(1440, 1000) as browser:
        open_dashboard(browser, tmp_path / "site" / "index.html")
        if has_operation_daily:
            assert row_cells(browser, "Service level")[1] == (
                percent(service_level) if service_level is not None else "–"
            )
        for number, tab in enumerate(TABS, start=1):
            show_tab(browser, tab, f"demo-{number}-{tab.split()[0].lower()}.png")
        browser.page.locator(".bk-tab", has_text="Agents").click()
        assert percent(occupancy) in row_cells(browser, f"{name or '(no name)'} ({agent_id})")
        assert browser.outside_requests() == []
