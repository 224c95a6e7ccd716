"""An archive published as several sites (build_scripts/partitions.py): the plan file, reports
shared out by region, the portal's pages and links, one search index hosted in pieces by the
partitions, and search across sites in headless Chromium on three origins under sub-paths."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from build_scripts.outputs import BuildError
from build_scripts.partitions import Partition, SiteAddress, plan_from_data
from build_scripts.serve import make_server, normalize_base_path
from build_scripts.site.search.reader import IndexReader

from .benchmarks.synthetic_corpus import make_corpus
from .conftest import REPO, SAMPLES, build_into, rendered_reports, source_folder

# The samples are in Henan (41…), Fujian (35…) and Ningxia (64…); the synthetic reports in counties
# drawn from the division list, which the rest partition takes unless they fall in these.
PLAN = {
    "portal": {"title": "全国"},
    "partitions": [
        {"name": "henan", "title": "河南", "regions": ["41"]},
        {"name": "fujian-ningxia", "title": "闽宁", "regions": ["35", "64"]},
        {"name": "rest", "title": "其他地区", "rest": True},
    ],
}


def test_a_report_goes_to_the_partition_of_its_longest_matching_prefix_else_to_the_rest() -> None:
    plan = plan_from_data(
        {
            "partitions": [
                {"name": "hebei", "regions": ["13"]},
                {"name": "shijiazhuang", "regions": ["1301"]},
                {"name": "rest", "rest": True},
            ]
        }
    )
    assert plan.portal == SiteAddress("portal", "全国", "")
    assert plan.partition_of("130102").name == "shijiazhuang"
    assert plan.partition_of("130203").name == "hebei"
    assert plan.partition_of("410329").name == "rest"
    assert plan.partition_of("unresolved").name == "rest"
    without_rest = plan_from_data({"partitions": [{"name": "hebei", "regions": [13]}]})
    assert without_rest.partition_of("130102").name == "hebei"
    assert without_rest.partition_of("410329") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "a list of at least one partition"),
        ({"partitions": []}, "a list of at least one partition"),
        ({"partitions": ["north"]}, "must be a mapping"),
        ({"partitions": [{"name": "north"}]}, "give its regions"),
        ({"partitions": [{"name": "North", "regions": ["11"]}]}, "lower-case letters"),
        ({"partitions": [{"name": "../x", "regions": ["11"]}]}, "lower-case letters"),
        ({"partitions": [{"name": "a", "regions": ["1x"]}]}, "one to six digits"),
        ({"partitions": [{"name": "a", "regions": "11"}]}, "a list of division-code prefixes"),
        ({"partitions": [{"name": "a", "regions": ["11"]}, {"name": "b", "regions": ["11"]}]}, "one partition only"),
        ({"partitions": [{"name": "portal", "regions": ["11"]}]}, "a name of its own"),
        ({"partitions": [{"name": "a", "rest": True}, {"name": "b", "rest": True}]}, "at most one"),
    ],
)
def test_a_wrong_plan_is_refused_saying_what_is_wrong(data: dict, message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        plan_from_data(data)


def test_sites_reach_each_other_as_siblings_or_at_their_own_address() -> None:
    sibling = Partition("north", "华北", "", ("11",))
    assert sibling.base_from() == "../north/"
    assert sibling.base_from("index.md") == "../north/"
    assert sibling.base_from("overview.md") == "../../north/"
    assert sibling.page_from("regions/index.md", "regions/110000.md") == "../../north/regions/110000/"
    own = Partition("north", "华北", "https://example.org/archive-north", ("11",))
    assert (
        own.page_from("overview.md", "reports/110000/x/2023.md")
        == "https://example.org/archive-north/reports/110000/x/2023/"
    )


def test_partitions_without_an_address_stand_beside_the_portals() -> None:
    plan = plan_from_data(
        {
            "partitions": [
                {"name": "north", "regions": ["11"]},
                {"name": "south", "regions": ["44"], "site_url": "https://example.org/south/"},
            ]
        }
    )
    addressed = plan.addressed("https://account.github.io/archive")
    assert addressed.portal.site_url == "https://account.github.io/archive/"
    assert [p.site_url for p in addressed.partitions] == [
        "https://account.github.io/north/",
        "https://example.org/south/",
    ]
    assert plan.addressed("") == plan


def write_plan(folder: Path, plan: dict) -> Path:
    path = folder / "partitions.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return path


def make_sources(folder: Path, synthetic: int = 72) -> Path:
    source = folder / "reports"
    make_corpus(synthetic, source)
    source_folder(source, SAMPLES)
    return source


@pytest.fixture(scope="module")
def partitioned(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    folder = tmp_path_factory.mktemp("partitioned")
    source = make_sources(folder)
    return build_into(folder, source=source, partitions=write_plan(folder, PLAN))


def site_files(site: Path, pattern: str) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.glob(pattern)}


def test_every_report_is_published_once_on_the_site_of_its_region(partitioned) -> None:
    options, result = partitioned
    plan = plan_from_data(PLAN)
    assert not result.failed and len(result.published) == 77
    by_site: dict[str, set[str]] = {}
    for outcome in result.published:
        data = json.loads(next(options.content_dir.glob(f"*/{outcome.page[:-3]}.json")).read_text(encoding="utf-8"))
        expected = plan.partition_of(data["region"]["code"] or "unresolved").name
        by_site.setdefault(expected, set()).add(outcome.page)
    for name, pages in by_site.items():
        assert site_files(options.content_dir / name, "reports/**/*.md") == pages
    assert {"henan", "fujian-ningxia"} <= set(by_site)
    assert not (options.content_dir / "portal" / "reports").exists()
    assert not (options.site_dir / "portal" / "reports").exists()


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_every_link_of_the_portal_and_to_the_portal_leads_to_a_page_that_exists(partitioned) -> None:
    options, _ = partitioned
    root = options.site_dir
    checked = 0
    # (404.html is served at any depth: its links are absolute, from the site's address.)
    portal = [path for path in (root / "portal").rglob("*.html") if path.name != "404.html"]
    pages = [*portal, *(root / name / "index.html" for name in ("henan", "rest"))]
    for html_file in pages:
        for href in hrefs(html_file.read_text(encoding="utf-8")):
            parts = urlsplit(href)
            if parts.scheme or href.startswith("#") or not parts.path:
                continue
            target = Path(posixpath.normpath(posixpath.join(html_file.parent.as_posix(), unquote(parts.path))))
            assert root in target.parents, f"{html_file}: {href} leaves the sites"
            assert target.is_file() or (target / "index.html").is_file(), f"{html_file}: {href} is not found"
            checked += 1
    assert checked > 200
    home = (root / "portal" / "index.html").read_text(encoding="utf-8")
    assert "../henan/regions/410000/" in hrefs(home) and "../fujian-ningxia/regions/350000/" in hrefs(home)
    assert "data/" in hrefs(home), "the portal's downloads page is in its navigation"
    assert 'class="archive-portal-link" href="../portal/"' in (root / "henan" / "index.html").read_text("utf-8")


def test_one_index_of_every_report_is_hosted_in_pieces_by_the_partitions(partitioned) -> None:
    options, result = partitioned
    root = options.site_dir
    portal_index = root / "portal" / "search-index"
    manifest = json.loads((portal_index / "index.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == len(result.published)
    assert manifest["hosts"] == [f"../../{p['name']}/search-index/" for p in PLAN["partitions"]]
    assert not (portal_index / "s").exists() and not (portal_index / "text").exists()
    pieces = [site_files(root / p["name"] / "search-index", "**/*.gz") for p in PLAN["partitions"]]
    assert all(piece <= {p for p in piece if p.startswith(("s/", "text/"))} for piece in pieces)
    assert sum(len(piece) for piece in pieces) == len(set().union(*pieces)) > 0
    reader = IndexReader(portal_index)
    assert reader.search("公开") == set(range(len(result.published)))
    assert len(reader.search("河南省")) >= 3  # the three Henan samples, whose pieces lie on other sites


def test_the_build_report_gives_each_sites_size(partitioned) -> None:
    options, _ = partitioned
    report = json.loads((options.site_dir / "build-report.json").read_text(encoding="utf-8"))
    sizes = report["site_size"]
    assert set(sizes) == {"portal", "henan", "fujian-ningxia", "rest"}
    assert all(size["bytes"] > 0 for size in sizes.values())
    assert "report pages" not in sizes["portal"]["parts"] and "search index" in sizes["portal"]["parts"]


def test_the_workflow_publishes_each_partition_as_one_commit_and_skips_an_unchanged_one(partitioned, tmp_path) -> None:
    options, _ = partitioned
    for entry in PLAN["partitions"]:
        subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / f"{entry['name']}.git")], check=True)
    work = tmp_path / "work"  # the script runs from the repository's root: partitions.yaml and site/
    work.mkdir()
    shutil.copytree(options.site_dir, work / "site")
    write_plan(work, PLAN)
    environment = {**os.environ, "PARTITIONS_REMOTE": f"{tmp_path}/%s.git", "PYTHON": sys.executable}
    script = str(REPO / ".github" / "publish-partitions.sh")
    first = subprocess.run(["bash", script], cwd=work, env=environment, capture_output=True, text=True, check=True)
    assert first.stdout.split("\n")[:-1] == [f"{entry['name']}: published" for entry in PLAN["partitions"]]
    for entry in PLAN["partitions"]:
        listed = subprocess.run(
            ["git", "--git-dir", str(tmp_path / f"{entry['name']}.git"), "ls-tree", "-r", "--name-only", "gh-pages"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        site = options.site_dir / entry["name"]
        published = {
            p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and not p.name.startswith(".")
        }
        assert set(listed) == published | {".nojekyll"}
    second = subprocess.run(["bash", script], cwd=work, env=environment, capture_output=True, text=True, check=True)
    assert second.stdout.split("\n")[:-1] == [f"{entry['name']}: unchanged" for entry in PLAN["partitions"]]


def test_a_report_no_partition_takes_is_listed_with_its_reason(tmp_path: Path) -> None:
    source = source_folder(tmp_path / "reports", SAMPLES)
    plan = {"partitions": [{"name": "henan", "regions": ["41"]}]}
    _, result = build_into(tmp_path, source=source, partitions=write_plan(tmp_path, plan), strict=True)
    assert len(result.published) == 3
    assert len(result.skipped) == 2
    assert all(o.reason.startswith("in no partition: its region (") for o in result.skipped)
    assert result.exit_code(strict=True) == 1


# ---- in the browser: three origins, each site under a sub-path, as sites with their own addresses ----

BROWSER_PLAN_PATHS = {"portal": "/archive/", "henan": "/archive-henan/", "fujian-ningxia": "/fn/", "rest": "/more/"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    folder = tmp_path_factory.mktemp("served")
    site_dir = folder / "site"
    servers, urls = [], {}
    for name, path in BROWSER_PLAN_PATHS.items():  # the servers first: the build needs their addresses
        server = make_server(site_dir / name, port=0, base_path=path)
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_address[1]}{normalize_base_path(path)}"
    plan = {
        "portal": {"title": "全国", "site_url": urls["portal"]},
        "partitions": [{**entry, "site_url": urls[entry["name"]]} for entry in PLAN["partitions"]],
    }
    options, result = build_into(folder, source=make_sources(folder, 36), partitions=write_plan(folder, plan))
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield options, result, urls
    for server in servers:
        server.shutdown()


def search(page, url: str, query: str) -> tuple[str, list[str]]:
    page.goto(f"{url}search/?q={query}")
    page.wait_for_function("document.body.dataset.searchDone", timeout=20000)
    links = page.eval_on_selector_all(".archive-search-result-title", "elements => elements.map(e => e.href)")
    return page.text_content(".archive-search-status"), links


@pytest.mark.browser
@pytest.mark.slow
def test_search_from_the_portal_or_any_partition_finds_every_report_on_its_own_site(page, served) -> None:
    _, result, urls = served
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    published = len(result.published)
    for start in ("portal", "henan", "rest"):
        status, _ = search(page, urls[start], "公开")
        assert f"找到 {published} 份报告" in status, status
    _, links = search(page, urls["portal"], "河南省")
    assert links and all(link.startswith(urls["henan"]) for link in links)
    response = page.goto(links[0])
    assert response.status == 200 and "河南" in page.title()
    portal_link = page.eval_on_selector(".archive-portal-link", "element => element.href")
    assert portal_link == urls["portal"]
    origins = {f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in urls.values()}
    assert {f"{urlsplit(r).scheme}://{urlsplit(r).netloc}" for r in requests} <= origins
    # The partitions served their pieces of the index to the other origins' search pages.
    assert any(
        "/search-index/s/" in r or "/search-index/text/" in r for r in requests if not r.startswith(urls["portal"])
    )


@pytest.mark.browser
@pytest.mark.slow
def test_the_portal_compares_agencies_of_two_partitions_linking_each_to_its_own_site(page, served) -> None:
    _, _, urls = served
    page.goto(urls["portal"] + "compare/")
    labels = page.locator("select[name=province] option").all_inner_texts()
    assert any(label.startswith("河南省（河南") for label in labels), labels
    for picked, province in enumerate(("河南省（", "云南省（"), start=1):
        page.select_option("select[name=province]", label=next(label for label in labels if label.startswith(province)))
        page.wait_for_selector(".archive-compare-candidates input >> nth=0")
        page.locator(".archive-compare-candidates input").first.check()
        page.wait_for_function(f"document.querySelectorAll('.archive-compare-result tbody').length == {picked}")
    bodies = page.locator(".archive-compare-result tbody")
    henan, yunnan = (bodies.nth(i).locator("a").evaluate_all("links => links.map(a => a.href)") for i in (0, 1))
    assert henan and all(link.startswith(urls["henan"]) for link in henan), henan
    assert yunnan and all(link.startswith(urls["rest"]) for link in yunnan), yunnan
    response = page.goto(yunnan[1])  # a report page, on its partition's site
    assert response.status == 200


def site_bytes(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }


def test_a_partitioned_rebuild_gives_the_same_sites_and_renders_nothing_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_sources(tmp_path, synthetic=24)
    plan = write_plan(tmp_path, PLAN)
    options, first = build_into(tmp_path, source=source, partitions=plan)
    before = site_bytes(options.site_dir)
    rendered = rendered_reports(monkeypatch)
    _, second = build_into(tmp_path, source=source, partitions=plan)
    assert rendered == []  # every report page of every partition taken from the previous build
    assert site_bytes(options.site_dir) == before
    assert [o.page for o in second.published] == [o.page for o in first.published]
