"""Bounds a PDF cannot make the reader exceed, checked before anything is allocated.

A few hundred bytes of PDF can ask for gigabytes: a Flate stream that inflates without end, a page
of 14,400 × 14,400 points rendered for OCR at 216 dpi, an image that declares 100,000 × 100,000
pixels. The memory limit of the reader child (guard.py) would stop each of them, but only after the
allocation and with a vague reason; these checks refuse them first and say what they were. Pages
with nothing on them are recognised here too, so that they never go to OCR.
"""

from __future__ import annotations

import math
import zlib
from typing import Any

from .common import ReportError

MAX_STREAM_BYTES = 128 * 1024 * 1024  # a real report's page contents are a few MB at most
# An A4 page at OCR resolution is 4.5 M pixels; the OCR model's memory grows with the image (a
# 5,000 × 5,000 render needed more than 1.5 GB), so a larger page is rendered at a lower resolution.
MAX_RENDER_PIXELS = 6_000_000
MAX_IMAGE_PIXELS = 64_000_000  # 8,000 × 8,000: an A3 scan at 600 dpi is 7,016 × 9,921


class StreamTooLarge(ReportError):
    def __init__(self) -> None:
        megabytes = MAX_STREAM_BYTES // (1024 * 1024)
        super().__init__(f"a compressed stream in the PDF inflates past {megabytes} MB (a decompression bomb)")


class BoundedDecompressor:
    """zlib.decompressobj() that refuses to produce more than MAX_STREAM_BYTES in all."""

    def __init__(self) -> None:
        self.inner = zlib.decompressobj()
        self.produced = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        room = MAX_STREAM_BYTES + 1 - self.produced
        out = self.inner.decompress(data, min(max_length, room) if max_length else room)
        self.produced += len(out)
        if self.produced > MAX_STREAM_BYTES:
            raise StreamTooLarge
        return out

    def flush(self, *args: int) -> bytes:
        out = self.inner.flush(*args)
        self.produced += len(out)
        if self.produced > MAX_STREAM_BYTES:
            raise StreamTooLarge
        return out

    @property
    def eof(self) -> bool:
        return self.inner.eof

    @property
    def unconsumed_tail(self) -> bytes:
        return self.inner.unconsumed_tail


class BoundedZlib:
    """What pdfminer sees as its `zlib` module: the same functions, with inflation bounded."""

    error = zlib.error

    @staticmethod
    def decompressobj(*args: Any) -> BoundedDecompressor:
        return BoundedDecompressor()

    @staticmethod
    def decompress(data: bytes, *args: Any) -> bytes:
        decompressor = BoundedDecompressor()
        out = decompressor.decompress(data)
        if not decompressor.eof:  # as zlib.decompress does, so pdfminer tries its repair path
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out


def inflate_damaged(data: bytes) -> bytes:
    """pdfminer's repair for a stream with a broken checksum (pdftypes.decompress_corrupted): feed
    it byte by byte and keep what came out before the error, which may only be in the last bytes.
    Bounded, and linear (pdfminer's own joins its output by `+=`, quadratic in its length)."""
    decompressor = BoundedDecompressor()
    pieces = []
    for position in range(len(data)):
        try:
            pieces.append(decompressor.decompress(data[position : position + 1]))
        except zlib.error:
            if position < len(data) - 3:
                raise
            break
    return b"".join(pieces)


def bound_pdfminer_inflation() -> None:
    """pdfminer inflates every Flate stream whole (pdftypes.PDFStream.decode); give it the bounded
    zlib and repair instead. Idempotent; only pdfminer's module is changed, not zlib itself."""
    from pdfminer import pdftypes

    pdftypes.zlib = BoundedZlib  # type: ignore[assignment]
    pdftypes.decompress_corrupted = inflate_damaged


def render_scale(width: float, height: float, wanted: float) -> float:
    """The scale to render a page of width × height points at: as wanted, or less, so that the
    image stays within MAX_RENDER_PIXELS."""
    pixels = width * height * wanted * wanted
    if pixels <= MAX_RENDER_PIXELS:
        return wanted
    return math.sqrt(MAX_RENDER_PIXELS / (width * height))


def oversized_image(page: Any) -> str | None:
    """Why a pdfplumber page is not rendered for OCR, if one of its images is too large to decode."""
    for image in page.images:
        width, height = (int(side) for side in image.get("srcsize") or (0, 0))
        if width * height > MAX_IMAGE_PIXELS:
            return f"图像为 {width:,} × {height:,} 像素，大于任何扫描件"
    return None


def is_blank(page: Any) -> bool:
    """Whether a pdfplumber page draws nothing at all: no text, no image, no line or shape. Such a
    page has nothing for OCR to read (a white image still goes to OCR: it could hold a scan)."""
    return not any(page.objects.get(kind) for kind in ("char", "image", "curve", "line", "rect"))
