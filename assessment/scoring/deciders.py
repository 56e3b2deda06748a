"""What decided a unit's tier: the smallest single-indicator gain that would have moved it.

A unit's tier depends on its total alone once the other units' totals are fixed, and it can
only get better as the total rises. So the smallest total that gives a better tier is found
exactly among the few totals where a tier can change: each threshold (to the cent above,
totals being sums of 2-place scores), each other unit's total (a tie, which the quota may
refuse to split) and one cent above it. The tier at a candidate total is the engine's own
`assign_tiers` over the category, so the quota and its tie rule are those of the year.

Every indicator then either has the room to gain that much (points − score; for a bonus the
room under its cap; for a deduction the points lost) or cannot move the tier alone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from .inputs import IndicatorSpec, Method, Params, Tier, YearInputs
from .methods import city_rank_score
from .ranking import assign_tiers
from .results import UnitResult, YearResult
from .whatif import TIER_ORDER

CENT = Decimal("0.01")


@dataclass(frozen=True)
class IndicatorMove:
    """One indicator of the unit: its score, how much it could still gain, and whether
    that is enough. `needed` is the gap when the room covers it, else None; `places` is,
    for a city ranking, how many places higher in the city would have given that gain."""

    code: str
    name: str
    score: Decimal
    room: Decimal
    needed: Decimal | None
    places: int | None = None


@dataclass(frozen=True)
class Loss:
    """Where the unit lost against its category's best on one indicator."""

    code: str
    name: str
    score: Decimal
    best: Decimal
    lost: Decimal


@dataclass(frozen=True)
class TierDecider:
    """Why the unit has its tier.

    `gap` is the smallest rise of the total that gives the better tier `target` (None where
    no rise can: the top tier, a veto, a disqualified unit that is already good); `by_quota`
    says the quota line, not the threshold, set it. `moves` go indicator by indicator in
    scheme order; `losses` are the largest losses against the category's best, largest first.
    """

    unit: str
    tier: Tier
    total: Decimal
    target: Tier | None
    gap: Decimal | None
    by_quota: bool
    moves: tuple[IndicatorMove, ...]
    losses: tuple[Loss, ...]

    @property
    def deciding(self) -> tuple[IndicatorMove, ...]:
        """The indicators that alone could have moved the tier."""
        return tuple(move for move in self.moves if move.needed is not None)


def cents_up(value: Decimal) -> Decimal:
    """The smallest 2-place number at or above `value`."""
    return value.quantize(CENT, rounding=ROUND_CEILING)


def tier_gap(
    unit: str,
    totals: Mapping[str, Decimal],
    *,
    vetoed: Collection[str],
    params: Params,
    disqualified: Collection[str] = (),
) -> tuple[Tier | None, Decimal | None, bool]:
    """(better tier, smallest rise of the unit's total reaching it, set by the quota?).

    `totals` are the totals of the unit's category, the unit's own among them; `vetoed` and
    `disqualified` the units of the category with those flags (a disqualified unit takes no
    excellent place, so it neither blocks the unit nor can itself reach excellent).
    """
    if unit in vetoed:
        return None, None, False
    own = totals[unit]
    scores = dict(totals)

    def tier_at(total: Decimal) -> Tier:
        scores[unit] = total
        return assign_tiers(
            scores,
            vetoed=vetoed,
            quota_share=params.excellent_quota,
            params=params,
            disqualified=disqualified,
        )[unit]

    now = TIER_ORDER[tier_at(own)]
    thresholds = [
        cents_up(params.excellent_threshold),
        cents_up(params.good_threshold),
        cents_up(params.average_threshold),
    ]
    others = [total for code, total in totals.items() if code != unit]
    candidates = sorted(
        {value for value in [*thresholds, *others, *(t + CENT for t in others)] if value > own}
    )
    low, high = 0, len(candidates)  # the first candidate with a better tier, by bisection
    while low < high:
        middle = (low + high) // 2
        if TIER_ORDER[tier_at(candidates[middle])] < now:
            high = middle
        else:
            low = middle + 1
    if low == len(candidates):
        return None, None, False
    reached = candidates[low]
    target = tier_at(reached)
    by_quota = target is Tier.EXCELLENT and reached > cents_up(params.excellent_threshold)
    return target, reached - own, by_quota


def room_to_gain(spec: IndicatorSpec, score: Decimal) -> Decimal:
    """How much the score could still rise: to its points, or to 0 for a deduction."""
    ceiling = Decimal(0) if spec.method == Method.DEDUCTION else Decimal(spec.points)
    return max(ceiling - score, Decimal("0.00"))  # on a tie the first: 2 places either way


def places_for(spec: IndicatorSpec, unit: str, inputs: YearInputs, gain: Decimal) -> int | None:
    """For a city ranking: how many places higher would have gained `gain` (None: none)."""
    ranked = inputs.city_ranks.get((unit, spec.code))
    if ranked is None:
        return None
    rank, total = ranked
    now = city_rank_score(points=spec.points, rank=rank, total=total, step=spec.step)
    for places in range(1, rank):
        score = city_rank_score(points=spec.points, rank=rank - places, total=total, step=spec.step)
        if score - now >= gain:
            return places
    return None


def category_units(result: YearResult, category: str) -> dict[str, UnitResult]:
    return {code: unit for code, unit in result.units.items() if unit.category == category}


def flagged(units: Mapping[str, UnitResult]) -> tuple[set[str], set[str]]:
    """The vetoed units and the disqualified ones."""
    vetoed = {code for code, unit in units.items() if unit.veto}
    return vetoed, {code for code, unit in units.items() if unit.disqualified}


def best_scores(units: Mapping[str, UnitResult]) -> dict[str, Decimal]:
    """Per indicator, the highest score in the group of units."""
    best: dict[str, Decimal] = {}
    for unit in units.values():
        for code, score in unit.scores.items():
            if code not in best or score > best[code]:
                best[code] = score
    return best


def decide(inputs: YearInputs, result: YearResult, unit: str, *, losses: int = 5) -> TierDecider:
    """What decided `unit`'s tier in `result` (computed from `inputs`)."""
    own = result.units[unit]
    peers = category_units(result, own.category)
    vetoed, disqualified = flagged(peers)
    totals = {code: peer.total for code, peer in peers.items()}
    target, gap, by_quota = tier_gap(
        unit, totals, vetoed=vetoed, params=inputs.params, disqualified=disqualified
    )
    scheme = _scored_specs(inputs.indicators[own.category], own)
    moves = []
    for spec in scheme:
        score = own.scores[spec.code]
        room = room_to_gain(spec, score)
        enough = gap is not None and room >= gap
        places = None
        if enough and gap is not None and spec.method == Method.CITY_RANK:
            places = places_for(spec, unit, inputs, gap)
        moves.append(
            IndicatorMove(spec.code, spec.name, score, room, gap if enough else None, places)
        )
    best = best_scores(peers)
    lost = [
        Loss(spec.code, spec.name, own.scores[spec.code], best[spec.code],
             best[spec.code] - own.scores[spec.code])
        for spec in scheme
        if best[spec.code] > own.scores[spec.code]
    ]  # fmt: skip
    lost.sort(key=lambda loss: -loss.lost)
    return TierDecider(
        unit=unit,
        tier=own.tier,
        total=own.total,
        target=target,
        gap=gap,
        by_quota=by_quota,
        moves=tuple(moves),
        losses=tuple(lost[:losses]),
    )


def _scored_specs(scheme: Sequence[IndicatorSpec], unit: UnitResult) -> list[IndicatorSpec]:
    return [spec for spec in scheme if spec.code in unit.scores]
