"""The preview in a real browser (Debian's Chromium through Playwright): an edit appears live."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urljoin

import pytest
from PIL import Image

from liveutil import first_line, interrupt, start

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)
ARTICLE = "---\ntitle: Browser Check\n---\n\n## Notes\n\nThe {word} words of the page.\n"


def test_an_edit_appears_in_the_open_page_without_a_reload(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    source = tmp_path / "page.md"
    source.write_text(ARTICLE.format(word="opening"))
    process = start("preview", str(source), "--port", "0", cwd=tmp_path)
    try:
        url = first_line(process)
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url)
                frame = page.frame_locator("#html")
                sync_api.expect(frame.locator("body")).to_contain_text(
                    "The opening words", timeout=20_000
                )
                sync_api.expect(page.locator("#pages img")).to_have_count(1, timeout=20_000)
                # The page image is a real PNG, shown at a real size. Asked without running
                # script in the page: its CSP forbids eval, which newer Playwright releases
                # use for wait_for_function.
                image = page.locator("#pages img")
                drawn = page.request.get(urljoin(url, image.get_attribute("src") or ""))
                assert drawn.ok and drawn.body().startswith(b"\x89PNG\r\n\x1a\n")
                assert Image.open(io.BytesIO(drawn.body())).size[0] > 100
                box = image.bounding_box()
                assert box is not None and box["width"] > 100
                page.screenshot(path=str(tmp_path / "before.png"))
                navigations: list[str] = []
                page.on("framenavigated", lambda f: navigations.append(f.url))
                source.write_text(ARTICLE.format(word="edited"))
                sync_api.expect(frame.locator("body")).to_contain_text(
                    "The edited words", timeout=10_000
                )
                # The iframe reloaded; the page itself never did.
                assert all("/render.html" in u for u in navigations)
                page.screenshot(path=str(tmp_path / "after.png"))
            finally:
                browser.close()
        code, err = interrupt(process)
        assert code == 0, err
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
