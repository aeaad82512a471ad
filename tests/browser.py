"""Debian's headless Chromium, driven by playwright, for the dashboard's tests: pages, text, screenshots,
and every request a page makes (playwright's own browser download cannot run here; it is not needed)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

# What this machine's Chromium needs to start headless and keep off the network on its own.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError(
            "No Chromium found: run `make chromium` (scripts/install-chromium.sh), or set CHROMIUM."
        )
    return path


@dataclass
class Browser:
    page: Page
    requests: list[str] = field(default_factory=list)

    def outside_requests(self) -> list[str]:
        """Requests that would leave the machine: anything but file:, data:, blob: and 127.0.0.1."""
        local = ("file://", "data:", "blob:", "http://127.0.0.1", "https://127.0.0.1", "about:")
        return [url for url in self.requests if not url.startswith(local)]


@contextmanager
def chromium(width: int = 1280, height: int = 1000) -> Iterator[Browser]:
    """A page in a fresh profile (a new empty user-data-dir), logging every request of every frame."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=chromium_path(),
            args=FLAGS,
            headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            browser = Browser(page=context.new_page())
            context.on("request", lambda request: browser.requests.append(request.url))
            context.on("weberror", lambda error: browser.requests.append(f"error: {error.error}"))
            yield browser
        finally:
            context.close()


def open_file(browser: Browser, path: Path) -> None:
    browser.page.goto(path.resolve().as_uri())
    browser.page.wait_for_load_state("load")
