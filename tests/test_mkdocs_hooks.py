"""Front matter and the MkDocs hooks: the statistics are written exactly as the safe dumper writes
them, the site build reads only the front matter it uses, and shards split the pages without
losing or doubling any (the sharded build itself is compared byte for byte with a single-process
one in test_site.py)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from build_scripts.site import mkdocs_hooks
from build_scripts.site.mkdocs_hooks import Shard, without_reader_only_keys
from build_scripts.site.serialize import SAFE_DUMPER, front_matter

from .conftest import REPORTS


def page_with(meta: dict, body: str = "# 标题\n") -> str:
    return f"---\n{front_matter(meta)}---\n\n{body}"


@given(st.text(), st.text(), st.text())
def test_the_cut_keeps_every_key_before_source_whatever_the_text(title: str, agency: str, section: str) -> None:
    meta = {
        "title": title,
        "agency": agency,
        "region": {"code": "410329"},
        "source": {"path": "a.txt"},
        "sections": [{"title": section}],
        "statistics": {"table_3": {"values": {"total": {"total": 1}}}},
    }
    cut = without_reader_only_keys(page_with(meta))
    kept = yaml.safe_load(cut.split("---\n")[1])
    assert kept == {"title": title, "agency": agency, "region": {"code": "410329"}}
    assert cut.endswith("---\n\n# 标题\n")


def test_pages_without_reader_only_keys_are_left_alone() -> None:
    page = page_with({"title": "首页", "page_kind": "home"}, body="source:\n")
    assert without_reader_only_keys(page) == page
    assert without_reader_only_keys("no front matter\nsource:\n") == "no front matter\nsource:\n"


def test_shards_own_every_path_exactly_once() -> None:
    paths = [path.name for path in REPORTS.iterdir()] + [f"reports/{n}/x/2020.md" for n in range(500)]
    owners = [[Shard(index, 3).owns(path) for index in range(3)].count(True) for path in paths]
    assert set(owners) == {1}
    assert all(sum(Shard(i, 3).owns(p) for p in paths) > 100 for i in range(3))  # roughly balanced


def theme_file(src_uri: str, tmp_path: Path) -> SimpleNamespace:
    """A file of the theme as MkDocs' Files holds it, with nothing at its destination yet."""
    source = tmp_path / "theme" / src_uri
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("{{ template }}", encoding="utf-8")
    return SimpleNamespace(
        src_uri=src_uri,
        abs_src_path=str(source),
        abs_dest_path=str(tmp_path / "site" / src_uri),
        inclusion=SimpleNamespace(is_excluded=lambda: False),
        is_documentation_page=lambda: False,
        is_modified=lambda: True,
    )


@pytest.mark.parametrize("shard", ["0/2", "1/2"])
def test_only_shard_0_writes_the_theme_s_templates(shard: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other shards clear the theme's templates, so MkDocs takes sitemap.xml for a file to copy
    as it is: they must leave it to shard 0 (which renders it), whichever shard owns its path."""
    monkeypatch.setenv(mkdocs_hooks.SHARD_VARIABLE, shard)
    config = SimpleNamespace(theme=SimpleNamespace(static_templates={"sitemap.xml", "404.html"}))
    mkdocs_hooks.on_config(config)
    sitemap, asset = theme_file("sitemap.xml", tmp_path), theme_file("assets/x.css", tmp_path)
    mkdocs_hooks.on_files([sitemap, asset], config)
    if shard == "0/2":
        assert config.theme.static_templates == {"sitemap.xml", "404.html"}  # rendered here
    else:
        assert config.theme.static_templates == set()
        assert not sitemap.is_modified()  # never copied here, unrendered
    owner = Shard(int(shard[0]), 2).owns("assets/x.css")
    assert asset.is_modified() == owner  # any other file: copied by the shard that owns it


numbers = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False)
)
keys = st.one_of(
    st.sampled_from(["total", "2019", "null", "yes", "on", "1.5", "a b", "~", "table_3", "- x", "a: b", "'", '"']),
    st.text(max_size=8),
)
hostile_text = st.one_of(
    st.text(),
    st.sampled_from(["---", "...", "<script>alert(1)</script>", "{{ x }}", "=cmd", "&a *b !c", "\u2028", "#"]),
)
front_matter_data = st.recursive(
    numbers | keys | hostile_text,
    lambda inner: st.dictionaries(keys, inner, max_size=4) | st.lists(inner, max_size=3),
)


@given(st.dictionaries(keys, front_matter_data, max_size=4))
def test_front_matter_is_what_safe_dump_writes(data: dict) -> None:
    expected = yaml.dump(
        data, Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )
    assert front_matter(data) == expected
    assert yaml.safe_load(front_matter(data)) == data  # and reads back as the same data
