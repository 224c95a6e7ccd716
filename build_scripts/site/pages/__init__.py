"""The site's pages, one module per page family: `report`, `regions`, `agencies` (and kinds),
`years`, `home` (with the overview and the data-quality page) and `reference` (the data dictionary
and the downloads page), `tools` (the compare page, worked in the browser); `browse` renders every family from the archive, `environment` is the
Jinja2 environment and `pieces` what several families share. Each returns {content path: text};
writing it is the build's business.
"""
