"""Ranks, tiers and the excellent quota (spec/scoring.md, "Total, rank and tier")."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping
from decimal import Decimal
from typing import TypeVar

from .inputs import Params, Tier
from .numbers import Number, exact

K = TypeVar("K", bound=Hashable)


def competition_ranks(scores: Mapping[K, Decimal]) -> dict[K, int]:
    """Spec, "rank": by score descending, competition style (1, 2, 2, 4)."""
    first_place: dict[Decimal, int] = {}
    for place, score in enumerate(sorted(scores.values(), reverse=True), start=1):
        first_place.setdefault(score, place)
    return {key: first_place[score] for key, score in scores.items()}


def threshold_tier(score: Decimal, params: Params) -> Tier:
    """Spec, "tiers": excellent ≥ 90, good ≥ 80, average ≥ 60, otherwise poor."""
    if score >= params.excellent_threshold:
        return Tier.EXCELLENT
    if score >= params.good_threshold:
        return Tier.GOOD
    if score >= params.average_threshold:
        return Tier.AVERAGE
    return Tier.POOR


def excellent_quota(count: int, share: Number) -> int:
    """Spec, "excellent quota": at most max(1, floor(n × share)) of n are excellent."""
    return max(1, math.floor(count * exact(share)))


def assign_tiers(
    scores: Mapping[K, Decimal],
    *,
    vetoed: Collection[K],
    quota_share: Number,
    params: Params,
    disqualified: Collection[K] = (),
) -> dict[K, Tier]:
    """Spec, "tiers", "excellent quota", the veto and the disqualified rules, for one group
    compared together.

    The quota counts everyone in `scores`. A vetoed entry is poor and takes no excellent
    place. A disqualified one (not vetoed) is at most good and is no candidate, so it takes
    no place either: the places go to the next candidates. The candidates at or above the
    excellent threshold are admitted by score; a group of tied candidates that would
    overflow the quota is admitted whole only if it fits, otherwise it becomes good, and so
    does every candidate below it.
    """
    quota = excellent_quota(len(scores), quota_share)
    tiers = {
        key: Tier.POOR if key in vetoed else threshold_tier(score, params)
        for key, score in scores.items()
    }
    for key in disqualified:
        if tiers.get(key) is Tier.EXCELLENT:
            tiers[key] = Tier.GOOD
    tied: dict[Decimal, list[K]] = defaultdict(list)
    for key, tier in tiers.items():
        if tier is Tier.EXCELLENT:
            tied[scores[key]].append(key)
    admitted = 0
    quota_closed = False
    for score in sorted(tied, reverse=True):
        group = tied[score]
        if not quota_closed and admitted + len(group) <= quota:
            admitted += len(group)
            continue
        quota_closed = True
        for key in group:
            tiers[key] = Tier.GOOD
    return tiers
