"""OCR for PDF pages without a usable text layer (scans, CID garbage) and for page images.

RapidOCR's models on ONNX Runtime, on the CPU, as they ship inside the PyPI package: nothing is
downloaded at run time. Scanned pages are measured first (scan.py), so what is asked of OCR here
is mostly `recognise`: the text of pieces already cut out (a cell, a line), by the recognition
model alone. Pieces are batched with others of about their width, and a long line is read in
parts: the model's cost grows faster than the width, and a batch is as wide as its widest piece.
The model runs on one thread per call; pages run in parallel instead (scan.read_scanned_pages).
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy

log = logging.getLogger(__name__)

# Scans are read at 200 dpi: the density of real scans (150–200 dpi) and enough for 9-pt table digits.
OCR_DPI = 200
OCR_SCALE = OCR_DPI / 72
# The height pieces are scaled to for the model. It was trained at 48 px, but reads these scans as
# well at 32 (every cell of the scan fixtures; prose within 0.1 % of 48) at half the cost: its cost
# grows with the width, and the width with the height.
REC_HEIGHT = 32
MAX_PART_WIDTH = 1280  # a line wider than this (at the model's height) is read in parts
BATCH_WIDTH = 2048  # a batch's pieces' widths summed (past this, a batch costs more per pixel)
MIN_PIECE_WIDTH = 1.2  # a piece narrower than this many heights is widened with paper


@lru_cache(maxsize=1)
def recognition_model():
    """RapidOCR's recognition model alone (its detection model is not needed: scan.py finds the text)."""
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    config = update_model_path(read_yaml(DEFAULT_CFG_PATH))["Rec"]
    config.update(intra_op_num_threads=1, inter_op_num_threads=1)
    return TextRecognizer(config)


def widened(image: numpy.ndarray) -> tuple[numpy.ndarray, int]:
    """A grey piece with paper added at its sides until it is at least MIN_PIECE_WIDTH heights wide
    (a lone digit squeezed into a few of the model's time steps is misread), and the paper added
    at its left."""
    height, width = image.shape
    missing = math.ceil(MIN_PIECE_WIDTH * height) - width
    if missing <= 0:
        return image, 0
    paper = int(numpy.percentile(image, 95)) if image.size else 255
    left = missing // 2
    return numpy.pad(image, ((0, 0), (left, missing - left)), constant_values=paper), left


def model_width(image: numpy.ndarray, rec_height: int) -> int:
    height, width = image.shape
    return max(8, math.ceil(rec_height * width / max(1, height)))


def parts_of(image: numpy.ndarray, rec_height: int) -> list[numpy.ndarray]:
    """A long piece cut into parts the model reads at linear cost, each cut at the palest column
    near where it falls (between characters)."""
    width = model_width(image, rec_height)
    if width <= MAX_PART_WIDTH:
        return [image]
    count = math.ceil(width / MAX_PART_WIDTH)
    step = image.shape[1] / count
    darkness = (255 - image.astype(numpy.int32)).sum(axis=0)
    cuts = [0]
    for index in range(1, count):
        around = int(index * step)
        reach = max(1, int(step / 8))
        window = darkness[around - reach : around + reach]
        cuts.append(around - reach + int(numpy.argmin(window)))
    cuts.append(image.shape[1])
    return [image[:, start:end] for start, end in itertools.pairwise(cuts) if end > start]


def normalised(image: numpy.ndarray, width: int, rec_height: int) -> numpy.ndarray:
    """A grey piece as the model takes it: 3 × height × width, values in −1…1, padded at the right."""
    import cv2

    resized = cv2.resize(image, (model_width(image, rec_height), rec_height), interpolation=cv2.INTER_AREA)
    values = resized.astype(numpy.float32) / 127.5 - 1.0
    batch_item = numpy.zeros((3, rec_height, width), numpy.float32)
    batch_item[:, :, : values.shape[1]] = values
    return batch_item


def batches(widths: list[int]) -> list[list[int]]:
    """Indexes of pieces, grouped with pieces of about their width."""
    order = sorted(range(len(widths)), key=lambda index: widths[index])
    groups: list[list[int]] = []
    for index in order:
        group = groups[-1] if groups else None
        fits = group and widths[index] * (len(group) + 1) <= BATCH_WIDTH
        if fits and widths[index] <= 1.5 * widths[group[0]]:
            group.append(index)
        else:
            groups.append([index])
    return groups


@dataclass(frozen=True)
class Char:
    """A recognised character, where it stands in its piece (pixels from the left), and the
    model's confidence in it."""

    text: str
    x: float
    score: float


def decode(prediction: numpy.ndarray, characters: list[str], pixels_per_step: float) -> list[Char]:
    """Greedy CTC decoding that keeps where each character was read: one time step of the model
    covers `pixels_per_step` of the piece."""
    best = prediction.argmax(axis=1)
    scores = prediction.max(axis=1)
    chars = []
    for step, index in enumerate(best):
        if index == 0 or (step and index == best[step - 1]):
            continue  # the blank, or the same character held over several steps
        chars.append(Char(characters[index], (step + 0.5) * pixels_per_step, float(scores[step])))
    return chars


def recognise_parts(images: list[numpy.ndarray], rec_height: int) -> list[list[Char]]:
    model = recognition_model()
    characters = model.postprocess_op.character
    widths = [model_width(image, rec_height) for image in images]
    results: list[list[Char]] = [[] for _ in images]
    for group in batches(widths):
        width = max(widths[index] for index in group)
        batch = numpy.stack([normalised(images[index], width, rec_height) for index in group])
        predictions = model.session(batch)[0]
        steps = predictions.shape[1]
        for index, prediction in zip(group, predictions, strict=True):
            used = max(1, round(steps * widths[index] / width))  # the steps of the padding read nothing
            pixels_per_step = images[index].shape[1] / used
            results[index] = decode(prediction[:used], characters, pixels_per_step)
    return results


def recognise_characters(images: list[numpy.ndarray], rec_height: int = REC_HEIGHT) -> list[list[Char]]:
    """The characters of each grey piece, with their positions in it."""
    pieces = [(parts_of(image, rec_height), offset) for image, offset in map(widened, images)]
    flat = recognise_parts([image for parts, _offset in pieces for image in parts], rec_height)
    results, position = [], 0
    for parts, offset in pieces:
        chars = []
        left = -offset
        for part in parts:
            chars += [Char(char.text, char.x + left, char.score) for char in flat[position]]
            left += part.shape[1]
            position += 1
        results.append(chars)
    return results


def recognise(images: list[numpy.ndarray], rec_height: int = REC_HEIGHT) -> list[tuple[str, float]]:
    """The text of each grey piece and the model's confidence (that of its least sure character)."""
    return [
        ("".join(char.text for char in chars).strip(), min((char.score for char in chars), default=0.0))
        for chars in recognise_characters(images, rec_height)
    ]
