"""The dashboard in a real browser: Debian's chromium driven by Playwright, headless.

A store is filled by the real pipeline (the shipped sample article, two stories written for
these tests, and one whose text carries markup and a script), served by uvicorn on
127.0.0.1, and every page is loaded, used and photographed. The screenshots of the map and of
an article page go to docs/screenshots/ (the README shows them).
"""
from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

STORIES = {
    "ukraine.txt": (
        "Russian forces shelled the city of Kharkiv on Tuesday, killing four civilians, Ukrainian "
        "officials said. Ukraine's foreign minister Dmytro Kuleba accused Moscow of targeting "
        "apartment blocks. Later that day, protesters rallied in Warsaw against the attacks."),
    "sahel.txt": (
        "Malian soldiers and Wagner fighters attacked a village near Mopti on Sunday, residents said. "
        "The United Nations called for an independent investigation. In Niamey, Niger's government "
        "announced that it would hold talks with Burkina Faso on border security next week."),
    "markup.txt": (
        "Police in Lagos arrested twelve protesters on Monday. <script>window.__xss = 1; alert('x')</script> "
        "\"<b>We will not stop</b>,\" said the organiser, Femi Adeyemi, after the arrests. "
        "Officials said the protesters had blocked a road near the port."),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A store filled by the real pipeline, served on 127.0.0.1; yields the base URL."""
    import uvicorn

    from eventwatch.ingest import ingest
    from eventwatch.store import open_store
    from eventwatch.web.app import create_app

    tmp = tmp_path_factory.mktemp("web")
    news = tmp / "news"
    news.mkdir()
    shutil.copy(ROOT / "samples" / "article.txt", news / "article.txt")
    for name, text in STORIES.items():
        (news / name).write_text(text, encoding="utf-8")
    db = str(tmp / "web.db")
    store = open_store(db)
    from eventwatch.watch.alerts import save_watchlists
    from eventwatch.watch.watchlists import parse
    save_watchlists(store, [parse({"name": "attacks-in-ukraine", "description": "Armed attacks in Ukraine",
                                   "when": {"type": "ASSAULT", "location": {"country": "UKR"}}})])
    report = ingest([str(news)], store, published="2024-03-07")
    store.close()
    assert report.new == 4, report.summary()

    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed (scripts/system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-dev-shm-usage"],
            viewport={"width": 1280, "height": 860})
        yield context
        context.close()


@pytest.fixture
def page(browser, server):
    page = browser.new_page()
    outside: list[str] = []
    # Nothing may be fetched from anywhere but the dashboard itself (no CDN, no tiles).
    page.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:")) else outside.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    page.close()
    assert not outside, f"requests left the machine: {outside}"
    assert not errors, f"JavaScript errors: {errors}"
    assert not dialogs, f"a dialog opened (script from an article ran?): {dialogs}"


def test_events_table_filters_and_sorts(page, server):
    page.goto(f"{server}/events")
    rows = page.locator("#events-table tr.event-row")
    total = rows.count()
    assert total >= 8
    types = set(rows.evaluate_all("rs => rs.map(r => r.dataset.type)"))
    assert "ASSAULT" in types and len(types) > 2
    page.select_option("#filters [name=type]", "ASSAULT") if page.locator("#filters select[name=type]").count() \
        else page.fill("#filters [name=type]", "ASSAULT")
    with page.expect_navigation():
        page.locator("#filters").evaluate("f => f.requestSubmit ? f.requestSubmit() : f.submit()")
    assert "type=ASSAULT" in page.url  # the filter state is in the URL: linkable
    filtered = page.locator("#events-table tr.event-row")
    assert 0 < filtered.count() < total
    assert set(filtered.evaluate_all("rs => rs.map(r => r.dataset.type)")) == {"ASSAULT"}
    # A facet link narrows by country.
    facet = page.locator("#facets a.facet[data-facet=country]").first
    with page.expect_navigation():
        facet.click()
    assert "country=" in page.url
    # Sorting by a column header keeps the filters.
    with page.expect_navigation():
        page.locator("#events-table th[data-sort=day] a").first.click()
    assert "sort=" in page.url and "type=ASSAULT" in page.url


def test_map_shows_clustered_points_and_a_click_opens_the_event(page, server):
    page.goto(f"{server}/map")
    page.wait_for_selector("#map .leaflet-interactive", timeout=15000)  # country shapes or points
    # The basemap is Natural Earth's countries: many vector paths, no tile images.
    assert page.locator("#map path.leaflet-interactive").count() > 100
    assert page.locator("#map img.leaflet-tile").count() == 0
    markers = page.locator("#map .marker-cluster, #map .event-marker")
    page.wait_for_function("document.querySelectorAll('#map .marker-cluster, #map .event-marker').length > 0",
                           timeout=15000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "map.png"))
    # Zoom into a cluster until single points show, then click one.
    for _ in range(6):
        if page.locator("#map .event-marker").count():
            break
        page.locator("#map .marker-cluster").first.click()
        page.wait_for_timeout(700)
    point = page.locator("#map .event-marker").first
    point.click(force=True)
    link = page.locator(".leaflet-popup a.event-link").first
    link.wait_for(timeout=5000)
    href = link.get_attribute("href")
    with page.expect_navigation():
        link.click()
    assert "/articles/" in page.url and href.split("#")[0] in page.url
    assert page.locator("#article-text").count() == 1
    assert markers is not None


def test_article_page_highlights_and_lists_events(page, server):
    page.goto(f"{server}/events?type=ASSAULT")
    with page.expect_navigation():
        page.locator("#events-table a.event-link").first.click()
    text = page.locator("#article-text")
    for cls in ("ent", "place", "time", "trigger"):
        assert text.locator(f"mark.hl.{cls}").count() > 0, cls
    events = page.locator("#events li.event")
    assert events.count() > 0
    assert events.first.inner_text().strip()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "article.png"), full_page=True)


def test_article_markup_is_shown_as_text_and_never_runs(page, server):
    page.goto(f"{server}/events?text=organiser")
    with page.expect_navigation():
        page.locator("#events-table a.event-link").first.click()
    shown = page.locator("#article-text").inner_text()
    assert "<script>" in shown and "<b>We will not stop</b>" in shown
    assert page.evaluate("window.__xss === undefined")
    assert page.locator("#article-text script, #article-text b").count() == 0


def test_timeline_draws_daily_bars_and_takes_a_range(page, server):
    page.goto(f"{server}/timeline")
    bars = page.locator("#timeline rect.bar")
    assert bars.count() > 0
    days = set(bars.evaluate_all("bs => bs.map(b => b.dataset.day)"))
    assert len(days) > 1
    page.fill("#since", "2024-03-05")
    page.fill("#until", "2024-03-07")
    with page.expect_navigation():
        page.locator("#since").evaluate("i => i.form.requestSubmit ? i.form.requestSubmit() : i.form.submit()")
    assert "since=2024-03-05" in page.url
    kept = set(page.locator("#timeline rect.bar").evaluate_all("bs => bs.map(b => b.dataset.day)"))
    assert kept and all("2024-03-05" <= d <= "2024-03-07" for d in kept)


def test_actor_page(page, server):
    page.goto(f"{server}/events?country=COD")
    link = page.locator("#events-table a[href^='/actors/']").first
    if link.count():
        with page.expect_navigation():
            link.click()
    else:
        page.goto(f"{server}/actors/M23")
    for section in ("as-source", "as-target", "quotes", "co-actors"):
        assert page.locator(f"section#{section}").count() == 1


def test_alerts_page_lists_the_alert_and_links_to_its_report(page, server):
    page.goto(f"{server}/alerts")
    assert page.locator("#watchlists li.watchlist").count() == 1
    rows = page.locator("#alerts-table tr.alert-row")
    assert rows.count() >= 1
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.type)")) == {"ASSAULT"}
    assert "Kharkiv" in rows.first.inner_text()
    assert rows.first.locator("ul.reasons li").count() == 2
    page.screenshot(path=str(SHOTS / "alerts.png"), full_page=False)
    with page.expect_navigation():
        page.locator("#watchlists li.watchlist a").first.click()
    assert "watchlist=attacks-in-ukraine" in page.url
    with page.expect_navigation():
        page.locator("#alerts-table a[href^='/articles/']").first.click()
    assert "/articles/" in page.url and page.locator("mark, .hl, [data-kind]").count() > 0
