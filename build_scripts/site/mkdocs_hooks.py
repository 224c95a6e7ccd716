"""MkDocs hooks (mkdocs.yml `hooks:`) that let the build use every core and skip work it does not need.

Sharding: MkDocs renders pages one after another in one process. `build.run_mkdocs` starts one
MkDocs process per core with `ARCHIVE_MKDOCS_SHARD=i/n`; each one knows every file, so links and
navigation resolve as in a single build, but renders only the pages whose path hashes to its
shard (MkDocs' own "dirty" mechanism skips files that report they are not modified); the other
files are handled the same way, by the shard their path hashes to: the theme's assets are
copied, each report's JSON and original hard-linked from content/. Shard 0 alone writes the
sitemap and 404 page. Without the variable (plain `mkdocs build` or `mkdocs serve`) every file
is built by the one process.

Incremental: the build starts the site from the previous one's pages whose content did not change
(hard links, see build.seed_site) and always asks for a dirty build, so that MkDocs renders only
pages whose Markdown is newer than their HTML; a file about to be written is unlinked first, so the
previous site is never written through a link.

Markdown: pages written in the archive's own dialect (build_scripts/site/dialect.py, every page
the templates write) are converted by it, not by Python-Markdown, which took most of MkDocs' time:
the page's `render` is replaced by one that takes the HTML already made. Any other page, or any
other Markdown configuration, goes through Python-Markdown.

Front matter: from `source` on, a report page's front matter (source file, sections, findings,
statistics) is for people and programs reading content/; no template uses it, and parsing its
hundreds of YAML nodes per page was a third of MkDocs' reading time. The writer puts those keys
last, so the page is handed to MkDocs without them. Only a line that is exactly `source:` ends
the metadata MkDocs reads: a top-level key is the only unindented line the YAML dumper writes,
and `source` is always a mapping.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import zlib
from dataclasses import dataclass
from typing import Any

from mkdocs.structure.toc import get_toc

from build_scripts.site import dialect, page_shells

SHARD_VARIABLE = "ARCHIVE_MKDOCS_SHARD"
READER_ONLY_FROM = "\nsource:\n"
FRONT_MATTER_END = "\n---\n"


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def owns(self, path: str) -> bool:
        return zlib.crc32(path.encode("utf-8")) % self.count == self.index


def current_shard() -> Shard | None:
    value = os.environ.get(SHARD_VARIABLE)
    if not value:
        return None
    index, count = (int(part) for part in value.split("/"))
    return Shard(index, count)


def not_modified() -> bool:
    return False


def modified() -> bool:
    return True


# The theme's templates that shard 0 alone renders (sitemap.xml, 404.html): in the other shards
# they are not templates, and MkDocs would copy sitemap.xml unrendered (see on_files).
_rendered_by_shard_0: set[str] = set()


def on_config(config: Any) -> Any:
    shard = current_shard()
    _rendered_by_shard_0.clear()
    if shard and shard.index != 0:
        _rendered_by_shard_0.update(config.theme.static_templates)
        config.theme.static_templates.clear()
    return config


# Files of this shard that are linked into the site instead of copied (see on_post_build).
_to_link: list[tuple[str, str]] = []


def is_report_file(file: Any) -> bool:
    """A report's JSON or original beside its page, or a download of the archive's data: generated,
    never edited, and the bulk of the site's bytes."""
    # urls.REPORTS_DIR and urls.DATA_DIR: MkDocs loads this file by its path, outside the package
    if file.inclusion.is_excluded():  # a dotfile of content/ (rendered_pages.py): not part of the site
        return False
    return file.src_uri.startswith(("reports/", "data/")) and not file.is_documentation_page()


def on_files(files: Any, config: Any) -> Any:
    shard = current_shard()
    _to_link.clear()
    for file in files:
        if shard is not None and shard.owns(file.src_uri) and is_report_file(file):
            _to_link.append((file.abs_src_path, file.abs_dest_path))
        if file.src_uri in _rendered_by_shard_0 or (
            shard is not None and (not shard.owns(file.src_uri) or is_report_file(file))
        ):
            file.is_modified = not_modified  # MkDocs neither renders nor copies it in this process
        elif file.is_modified():
            unlink_if_present(file.abs_dest_path)
            file.is_modified = modified  # asked twice more per page, each time two stat() calls
        else:
            file.is_modified = not_modified  # its page or file from the previous build is current
    return files


def unlink_if_present(path: str) -> None:
    """A file of the site being built may be a hard link to the previous build's (an unchanged
    page, see build.seed_site): it is removed before it is written, never written through."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def link_or_copy(source: str, target: str) -> None:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    unlink_if_present(target)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: copy
        shutil.copyfile(source, target)


def on_post_build(config: Any) -> None:
    """A report's JSON and original are hard-linked from content/ rather than copied: the same
    bytes, without writing hundreds of megabytes a second time in a large build."""
    for source, target in _to_link:
        link_or_copy(source, target)
    _to_link.clear()
    for template in _shell_templates.values():
        page_shells.log.info("page shells: %s", template.summary())


def without_reader_only_keys(source: str) -> str:
    """The page with its front matter cut before the `source` key (the reader-only keys are last)."""
    if not source.startswith("---\n"):
        return source
    end = source.find(FRONT_MATTER_END, 3)
    cut = source.find(READER_ONLY_FROM, 3, end)
    if end < 0 or cut < 0:
        return source
    return source[: cut + 1] + source[end + 1 :]


def on_env(env: Any, config: Any, files: Any) -> Any:
    """The theme's templates do not change during a build: Jinja's check for a newer file at
    each use (a stat() for every include, thirty-odd a page) is not needed. Report and browse pages are made
    from their shape's shell of the page template (page_shells.py)."""
    env.auto_reload = False
    _shell_templates.clear()
    if page_shells.shells_enabled():
        env.get_template = functools.partial(get_template_with_shells, env.get_template)
    return env


_shell_templates: dict[str, page_shells.ShellTemplate] = {}  # this build's, by template name


def get_template_with_shells(get_template: Any, name: Any, *args: Any, **kwargs: Any) -> Any:
    """Environment.get_template, but a page's template (asked for by MkDocs, with no parent)
    comes as its ShellTemplate, one per template for the build."""
    template = get_template(name, *args, **kwargs)
    if name != "main.html" or args or kwargs:
        return template  # an include, an extends, or another page family's template
    if name not in _shell_templates:
        _shell_templates[name] = page_shells.ShellTemplate(template)
    return _shell_templates[name]


def on_page_read_source(page: Any, config: Any) -> str | None:
    with open(page.file.abs_src_path, encoding="utf-8-sig") as handle:
        return without_reader_only_keys(handle.read())


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if dialect.speaks_dialect(config.markdown_extensions, config.mdx_configs):
        slugify = cached_slugify(config.mdx_configs["toc"]["slugify"])
        converted = dialect.to_html(markdown, dialect.page_links(page.file.src_uri, page.file.url, files), slugify)
        if converted is not None:
            page.render = functools.partial(take_converted, page, converted)
    return markdown


@functools.lru_cache(maxsize=4)
def cached_slugify(slugify: Any) -> Any:
    """The toc's slugify (a pure function of the heading's text), each heading's slug made once:
    most headings are in every report (一、总体情况 …)."""
    return functools.lru_cache(maxsize=8192)(slugify)


def take_converted(page: Any, converted: dialect.Converted, config: Any, files: Any) -> None:
    """What mkdocs.structure.pages.Page.render leaves on a page, from the dialect's conversion."""
    page.content = converted.html
    page.toc = get_toc(converted.toc_tokens)
    page._title_from_render = converted.title
    page.present_anchor_ids = converted.anchor_ids
    if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:  # as Page.render does
        page.links_to_anchors = converted.links_to_anchors
