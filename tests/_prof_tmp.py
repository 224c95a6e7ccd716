import time
from pathlib import Path
from build_scripts.conversion import source_keys
from build_scripts.conversion_cache import ConversionCache, converter_version
from build_scripts.build import survey_sources


def main():
    root = Path("/tmp/prof/reports")
    t = time.perf_counter()
    paths, _ = survey_sources(root)
    print("survey", time.perf_counter() - t)
    cache = ConversionCache("/work/main/.cache/conversions")
    converter_version()
    t = time.perf_counter()
    keyed = source_keys(paths, root, cache)
    print("keys", time.perf_counter() - t)
    t = time.perf_counter()
    stored = cache.stored_keys()
    print("stored", time.perf_counter() - t, len(stored))


if __name__ == "__main__":
    main()
