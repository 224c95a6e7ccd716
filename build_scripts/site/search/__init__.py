"""The archive's own full-text search: what is searched in a report, how it is cut into tokens, and
the static index the search page reads (templates/theme/assets/archive-search.js).

- `text`: a report's searchable text (prose, metadata, title, then its tables) cut into units: one
  Chinese character, or one run of ASCII letters and digits. A query is runs of units too.
- `tokens`: each unit and each pair of neighbouring units as a 64-bit hash; the browser computes the
  same hashes.
- `record`: one report's units and snippet text, made where the report is rendered and kept beside
  its page, so that an unchanged report is never cut again.
- `postings`: every record's tokens sorted into postings lists (documents, counts, positions).
- `bundle`: the files of site/search-index/: buckets of small postings lists, the long ones in segments of
  documents newest first, the documents' metadata and facets, and each document's snippet text.
"""
