"""The second half of the build: `Report`s → the site.

`archive` plans every page; `pages/` renders them (a module per page family) through the Jinja2
templates, `serialize` writes their front matter and JSON; `comparisons`,
`datasets` and `search` make the figures, the downloads and the search index; `labels`
and `escape` are what readers see and how report text is made safe; `mkdocs_hooks` and
`markdown_ext` plug into MkDocs.
"""
