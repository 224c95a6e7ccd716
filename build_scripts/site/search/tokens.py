"""Units and tokens as 64-bit numbers: the index is looked up by hash, never by string.

A Chinese character is its code point; an ASCII run is the FNV-1a hash of its bytes with the top
bit set (so that it is never a code point). A token is a pair of neighbouring units (what a query
of two or more units looks up) or one unit alone (what a one-unit query looks up), hashed with
splitmix64. The search page computes the same numbers with BigInt (archive-search.js); a test
holds the two equal. A token's group is its hash modulo the number of groups; its bucket in the
group, the hash divided by the groups, modulo the group's buckets (bundle.py).
"""

from __future__ import annotations

import itertools

import numpy as np

MASK = (1 << 64) - 1
ASCII_FLAG = 1 << 63
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
GOLDEN = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
ALONE = (1 << 63) - 1  # the second unit of a one-unit token: neither a code point nor an ASCII hash


def fnv1a64(data: bytes) -> int:
    value = FNV_OFFSET
    for byte in data:
        value = ((value ^ byte) * FNV_PRIME) & MASK
    return value


def unit_id(unit: str) -> int:
    """A unit as a number: a Chinese character's code point, or an ASCII run's flagged hash."""
    return fnv1a64(unit.encode("ascii")) | ASCII_FLAG if unit.isascii() else ord(unit)


def splitmix64(value: int) -> int:
    value = (value + GOLDEN) & MASK
    value = ((value ^ (value >> 30)) * MIX1) & MASK
    value = ((value ^ (value >> 27)) * MIX2) & MASK
    return value ^ (value >> 31)


def pair_token(first: int, second: int) -> int:
    return splitmix64((splitmix64(first) + second) & MASK)


def unit_token(unit: int) -> int:
    return pair_token(unit, ALONE)


def segment_tokens(units: list[str]) -> list[int]:
    """The tokens a query segment looks up: its one unit alone, or each pair of neighbours in turn."""
    ids = [unit_id(unit) for unit in units]
    if len(ids) == 1:
        return [unit_token(ids[0])]
    return [pair_token(a, b) for a, b in itertools.pairwise(ids)]


# ---- the same, for whole arrays of units (numpy's uint64 arithmetic wraps as the above masks) ----


def splitmix64_array(values: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = values + np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
        return z ^ (z >> np.uint64(31))


def pair_tokens_array(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return splitmix64_array(splitmix64_array(first) + second)


def unit_tokens_array(units: np.ndarray) -> np.ndarray:
    return pair_tokens_array(units, np.full(units.shape, ALONE, dtype=np.uint64))
