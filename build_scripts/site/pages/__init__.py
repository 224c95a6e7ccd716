"""The site's pages, one module per page family: `report`, `regions`, `agencies` (and kinds),
`years`, `home` (with the overview and the data-quality page), `reference` (the data dictionary
and the downloads page) and `tools` (the pages worked in the browser: compare); `browse` renders
every family from the archive, `environment` is the Jinja2 environment and `pieces` what several
families share. Each returns {content path: text}; writing it is the build's business.
"""
