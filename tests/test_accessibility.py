"""Every page family checked by axe-core (npm, injected through Playwright) in headless Chromium,
on a phone in the light scheme and on a wide screen in the dark one: no WCAG 2.1 A/AA or
best-practice violation, so that contrast, focus, captions and labels cannot regress (issue 15)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from build_scripts.serve import serve_in_thread

from .conftest import REPO, build_into, headless_chromium, require

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = REPO / ".cache/npm/node_modules/axe-core/axe.min.js"  # `make browser-deps` installs it
SUB_PATH = "/foia-archive/preview/"
PAGES = {
    "home": "",
    "regions": "regions/",
    "province": "regions/410000/",
    "agencies": "agencies/",
    "agency": "agencies/410329-chengshiguanliju/",
    "kind": "kinds/urban-management/",
    "years": "years/",
    "year": "years/2020/",
    "overview": "overview/",
    "quality": "quality/",
    "data": "data/",
    "dictionary": "data-dictionary/",
    "about": "about/",
    "search": "search/?q=城市管理",
    "compare": "compare/?p=410000&a=410329-chengshiguanliju,410329-kejigongxinju&f=received,review",
    "sql": "sql/?q=SELECT%20agency%2C%20year%2C%20received%20FROM%20reports",
    "changes": "changes/",
    "report": "reports/410329/chengshiguanliju/2020/",
    "not found": "404.html",
}
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="module")
def published_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The samples built for an address under a sub-path, and served there (the 404 page's links
    need the address)."""
    options, _ = build_into(tmp_path_factory.mktemp("a11y"), site_url=f"https://example.github.io{SUB_PATH}")
    server, url = serve_in_thread(options.site_dir, base_path=SUB_PATH)
    yield url
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require(AXE, "axe-core")
    with headless_chromium() as browser:
        yield browser


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (rules) => (await axe.run(document, {runOnly: {type: 'tag', values: rules}})).violations"
        ".map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))",
        RULES,
    )
    return [json.dumps(item, ensure_ascii=False) for item in found]


@pytest.mark.parametrize(("width", "scheme"), [(375, "light"), (1280, "dark")], ids=["phone-light", "desktop-dark"])
def test_no_page_family_has_an_accessibility_violation(browser, published_url: str, width: int, scheme: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    found = {}
    for family, path in PAGES.items():
        page.goto(published_url + path)
        if family == "search":
            page.wait_for_selector(".archive-search-result", timeout=15_000)
        elif family == "compare":
            page.wait_for_selector(".archive-compare-chart svg", timeout=15_000)
        elif family == "sql":
            page.wait_for_function("document.querySelector('.archive-sql').dataset.state === 'done'", timeout=30_000)
        if problems := violations(page):
            found[family] = problems
    context.close()
    assert found == {}


def test_keyboard_focus_is_visible_in_the_header_and_on_the_tables(browser, published_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(published_url + PAGES["report"])
    for selector in (".archive-search-input", ".stat-table[data-table='三']"):
        page.focus(selector)
        style = page.eval_on_selector(
            selector, "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
        )
        assert style.startswith("solid") and not style.endswith(" 0px"), (selector, style)
    context.close()
