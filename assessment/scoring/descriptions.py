"""Near-identical descriptions across units (part of ``signals``): the same text but for the
numbers and the units' names, found without comparing every pair. Pure functions, no Django."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeAlias

from .signals import Fact, Signal, SignalKind, Thresholds, _ids, _units

DEFAULTS = Thresholds()

# digits (ASCII and full-width), decimal marks, percent signs, whitespace and punctuation
_NOISE = re.compile(r"[\d０-９.,，。%％\s\W_]+", re.UNICODE)
_CHINESE_NUMERALS = re.compile(r"[零〇一二三四五六七八九十百千万亿两]+")


Trie: TypeAlias = dict[str, "Trie"]


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regular expression matching any of ``names``, longest first, as a trie of
    characters: a thousand names are looked for in one pass over a text, not a thousand."""
    trie: Trie = {}
    for name in names:
        if name:
            node = trie
            for char in name:
                node = node.setdefault(char, {})
            node[""] = {}
    if not trie:
        return None

    def pattern(node: Trie) -> str:
        branches = [
            re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char
        ]
        if not branches:
            return ""
        # a longer name first: a name inside another is removed only where the longer is not
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(pattern(trie))


def normalise(text: str, names: Iterable[str] | re.Pattern[str] | None = ()) -> str:
    """The description without numbers, the names of units, spaces and punctuation."""
    found = names if isinstance(names, re.Pattern) or names is None else names_pattern(names)
    if found is not None:
        text = found.sub("", text)
    text = _CHINESE_NUMERALS.sub("", text)
    return _NOISE.sub("", text).lower()


def shingles(text: str, size: int = 3) -> frozenset[str]:
    """The text's overlapping pieces of ``size`` characters (the whole text if shorter)."""
    if len(text) <= size:
        return frozenset({text})
    return frozenset(text[start : start + size] for start in range(len(text) - size + 1))


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    if not first and not second:
        return 1.0
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


def _similar_texts(
    texts: Sequence[frozenset[str]], threshold: float
) -> Iterable[tuple[int, int, float]]:
    """Pairs of ``texts`` (by index) with a Jaccard similarity of at least ``threshold``.

    Without comparing every pair: each set's pieces are ordered rarest first, and two sets
    that similar must share a piece among the first ``|x| - ⌊t·|x|⌋ + 1`` of each (prefix
    filtering); sizes further apart than ``t`` allows are not compared at all.
    """
    frequency: dict[str, int] = defaultdict(int)
    for pieces in texts:
        for piece in pieces:
            frequency[piece] += 1
    rank = {piece: n for n, piece in enumerate(sorted(frequency, key=frequency.__getitem__))}
    index: dict[str, list[int]] = defaultdict(list)
    order = sorted(range(len(texts)), key=lambda n: len(texts[n]))
    for n in order:
        pieces = texts[n]
        size = len(pieces)
        prefix = sorted(pieces, key=rank.__getitem__)
        prefix = prefix[: min(size, size - math.floor(threshold * size) + 1)]
        candidates: set[int] = set()
        for piece in prefix:
            candidates.update(index[piece])
        for other in candidates:
            # indexed sets are no larger (by the order): too small to reach the threshold?
            if len(texts[other]) < threshold * size - 1e-9:
                continue
            similarity = jaccard(pieces, texts[other])
            if similarity >= threshold:
                yield other, n, similarity
        for piece in prefix:
            index[piece].append(n)


def similar_descriptions(
    facts: Iterable[Fact],
    unit_names: Mapping[str, str],
    thresholds: Thresholds = DEFAULTS,
    recording: Mapping[str, int] | None = None,
) -> list[Signal]:
    """Records of different units, one indicator, whose descriptions are near-identical.

    Numbers and every unit's name are removed first, so that "TO01 completed 3 projects" and
    "TO02 completed 5 projects" compare equal. Records are compared within an indicator only,
    and records of one unit are never linked with each other (only through another unit's).

    The comparison runs over the distinct normalised texts of an indicator, not over the
    records: records sharing a text held by two units or more are alike; two texts alike
    (``_similar_texts``) link their records unless one unit alone holds both.

    ``recording`` gives the number of units recording each indicator (a group that common is
    a template) where ``facts`` are not all the year's records, only those with a description
    long enough to compare; by default they are counted from ``facts``.
    """
    pattern = names_pattern([*unit_names.values(), *unit_names])
    normalised: dict[str, str] = {}
    by_indicator: dict[str, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    holders: dict[str, set[str]] = defaultdict(set)
    for fact in facts:
        if recording is None:
            holders[fact.indicator].add(fact.unit)
        if len(fact.description) < thresholds.description_min_length:
            continue  # normalising never lengthens a text
        text = normalised.get(fact.description)
        if text is None:
            text = normalised[fact.description] = normalise(fact.description, pattern)
        if len(text) >= thresholds.description_min_length:
            by_indicator[fact.indicator][text].append(fact)
    if recording is None:
        recording = {indicator: len(units) for indicator, units in holders.items()}
    signals = []
    for indicator, of_text in sorted(by_indicator.items()):
        found = [
            Signal(
                kind=SignalKind.SIMILAR_DESCRIPTION,
                units=_units(group),
                indicator=indicator,
                records=_ids(group),
                facts={
                    "similarity": round(similarity, 2),
                    "threshold": thresholds.description_similarity,
                },
            )
            for group, similarity in _look_alike_groups(of_text, thresholds)
            if not _is_template(group, recording.get(indicator, 0), thresholds)
        ]
        signals += sorted(found, key=lambda signal: signal.records)
    return signals


def _is_template(group: Sequence[Fact], recording: int, thresholds: Thresholds) -> bool:
    units = len({fact.unit for fact in group})
    return (
        units >= thresholds.description_template_units
        and units >= thresholds.description_template_share * recording
    )


def _look_alike_groups(
    of_text: Mapping[str, list[Fact]], thresholds: Thresholds
) -> list[tuple[list[Fact], float]]:
    """The records of one indicator (by normalised text) in groups of look-alikes, each with
    the highest similarity within it."""
    texts = sorted(of_text)
    holders = [{fact.unit for fact in of_text[text]} for text in texts]
    parent = list(range(len(texts)))
    best = [1.0 if len(units) > 1 else 0.0 for units in holders]

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    pieces = [shingles(text) for text in texts]
    for first, second, similarity in _similar_texts(pieces, thresholds.description_similarity):
        if len(holders[first] | holders[second]) < 2:
            continue  # one unit's own texts
        parent[root(first)] = root(second)
        best[first] = max(best[first], similarity)
        best[second] = max(best[second], similarity)
    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(texts)):
        if best[n] > 0:
            groups[root(n)].append(n)
    return [
        ([fact for n in members for fact in of_text[texts[n]]], max(best[n] for n in members))
        for members in groups.values()
    ]
