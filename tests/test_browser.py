"""The search page in a real browser: Debian's chromium, headless, driven by Playwright.

Loads the page, searches, clicks a facet, opens a document, checks the marks and
the jump to the next match, and that the page fits a phone's width. Skips with the
reason when chromium (/usr/bin/chromium, from Debian's ``chromium`` package) or the
playwright package is absent; no browser is downloaded. With SEARCHIDX_SCREENSHOT
set to a path, the results page is saved there (the README's docs/serve.png).
"""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SEARCHIDX_CHROMIUM", "/usr/bin/chromium")
if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
playwright_sync = pytest.importorskip("playwright.sync_api",
                                      reason="the playwright package is not installed (test extra)")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")

import uvicorn  # noqa: E402

from searchidx.serve import create_app  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def server(corpus_index):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(corpus_index), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started:
        assert time.time() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as pw:
        try:  # (launch gives chromium a fresh, empty profile folder of its own)
            chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        except playwright_sync.Error as exc:
            pytest.skip(f"chromium at {CHROMIUM} does not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


def _page(browser, **options):
    context = browser.new_context(locale="vi-VN", **{"viewport": {"width": 1280, "height": 860},
                                                     **options})
    return context.new_page()


def test_search_facet_document_and_marks(server, browser):
    page = _page(browser)
    page.goto(server + "/")
    assert "văn bản" in page.inner_text(".intro")
    page.fill('input[name="q"]', "nhân quyền")
    page.press('input[name="q"]', "Enter")
    page.wait_for_selector("ol.hits li.hit")
    assert "kết quả cho" in page.inner_text(".summary")
    assert page.locator(".hit .snippet mark").count() > 3
    assert all(m.lower() == "nhân quyền" for m in page.locator(".hit .snippet mark").all_inner_texts())

    # the query language's help is one click away
    page.click("details.help > summary")
    assert page.is_visible("details.help table")
    page.click("details.help > summary")
    shot = os.environ.get("SEARCHIDX_SCREENSHOT")
    if shot:
        Path(shot).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shot, full_page=False)

    # a facet filters, in a URL that can be shared
    total = int(page.inner_text(".summary strong"))
    page.click('section[data-facet="province"] a:text("Hậu Giang")')
    page.wait_for_url("**province=H%E1%BA%ADu+Giang**")
    filtered = int(page.inner_text(".summary strong"))
    assert 0 < filtered < total
    # (copies of one report are listed under its hit: the hits are counted, and the
    # documents beside them)
    copies = page.locator(".hit .copies a").count()
    assert page.locator("ol.hits li.hit").count() == filtered
    if copies:
        assert f"({filtered + copies} văn bản, {copies} bản trùng" in page.inner_text(".summary")
    assert all("Hậu Giang" in m for m in page.locator(".hit .meta").all_inner_texts())
    assert "Hậu Giang" in page.inner_text(".chips")

    # the document page: every match marked, jump from one to the next
    page.click("ol.hits li.hit h2 a >> nth=0")
    page.wait_for_selector("article.document")
    marks = page.locator(".text mark")
    count = marks.count()
    assert count >= 2
    assert int(page.inner_text("#match-count")) == count
    page.click('[data-jump="next"]')
    assert page.inner_text("#match-count") == f"1 / {count}"
    assert page.get_attribute(".text mark.current", "id") == "m1"
    page.click('[data-jump="next"]')
    assert page.get_attribute(".text mark.current", "id") == "m2"
    page.click('[data-jump="prev"]')
    assert page.get_attribute(".text mark.current", "id") == "m1"
    page.context.close()


def test_the_page_fits_a_phone(server, browser):
    page = _page(browser, viewport={"width": 390, "height": 844})
    for path in ("/?q=nhan+quyen", "/documents/2023/hau-giang-boi-duong-nhan-quyen.txt?q=nhan+quyen"):
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a phone"
    page.context.close()


def test_the_page_works_without_javascript(server, browser):
    page = _page(browser, java_script_enabled=False)
    page.goto(server + "/?q=nhan+quyen")
    page.click('section[data-facet="year"] a >> nth=0')
    page.wait_for_selector("ol.hits li.hit")
    assert "from=" in page.url and "to=" in page.url
    page.click("ol.hits li.hit h2 a >> nth=0")
    page.wait_for_selector(".text mark")
    page.context.close()
