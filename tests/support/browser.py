"""Debian's Chromium driven by Playwright, and axe-core run in each page it visits.

Playwright's own browser download is never used: ``./dev test`` installs the ``chromium``
package when it is missing, and the browser is launched from there."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "services" / "console" / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
#: Each journey's last page, kept for review.
SCREENSHOTS = ROOT / "var" / "console-screenshots"
#: WCAG 2.2 A and AA, which the Public Sector Bodies Accessibility Regulations require.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: The flags that keep Chromium off a closed network (it would try Google's hosts at start).
QUIET = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-gpu",
]


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        raise RuntimeError("Debian's chromium is not installed: ./dev test installs it")
    return found


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            # Running as root (as tests here do), Chromium needs its sandbox off.
            chromium_sandbox=False,
            args=QUIET,
        )
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now. It is evaluated, not
    added as a script tag, so the page's Content-Security-Policy stays as served."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    violations: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target)}))",
        WCAG_AA,
    )
    return violations


class AccessibilityLog:
    """Every page a journey visits, checked by axe-core as it was seen."""

    def __init__(self) -> None:
        self.checked: list[str] = []
        self.failures: dict[str, list[dict[str, Any]]] = {}

    def check(self, page: Page) -> None:
        found = axe_violations(page)
        key = f"{page.url} ({page.title()})"
        self.checked.append(key)
        if found:
            self.failures[key] = found


def screenshot(page: Page, journey: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{journey}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
