"""The first half of the build: source files → checked `Report`s.

`readers/` (one per format) turn a file into numbered lines; `parsing` and `tables` (with
`digit_runs`) turn lines into the model, wired in `assemble`; `regions`, `metadata` and
`provenance` say who and where; `checks` and `validate` return findings; `overrides` applies the
maintainer's corrections. Nothing here knows about the site.
"""
