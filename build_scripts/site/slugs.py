"""Readable, stable ASCII names for URLs: division codes and the pinyin of agency names."""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

MAX_SLUG_LENGTH = 60


def pinyin_slug(text: str) -> str:
    """Lower-case pinyin of the Chinese text, with ASCII letters and digits kept and the rest dropped."""
    words = lazy_pinyin(text, errors=lambda chars: list(chars))
    slug = re.sub(r"[^a-z0-9]+", "", "".join(words).lower())
    return slug[:MAX_SLUG_LENGTH] or "x"
