"""The signals at a city's scale compute the same findings as the plain definitions: the
look-alike search compares distinct texts with prefix filtering, and the outlier test takes the
cheap ratio test first; both are checked here against the pair-by-pair definition."""

from __future__ import annotations

import datetime
import itertools
import random
from decimal import Decimal

from assessment.scoring.descriptions import jaccard, normalise, shingles, similar_descriptions
from assessment.scoring.signals import Fact, Thresholds

WORDS = "走访 企业 项目 投资 入库 签约 开工 竣工 验收 调研 督办 宣传 培训 会议".split()


def brute_force_groups(facts, names, threshold):
    """Every pair of records of different units compared: the definition itself."""
    texts = {fact.id: normalise(fact.description, names) for fact in facts}
    kept = [fact for fact in facts if len(texts[fact.id]) >= 12]
    group_of = {}
    for first, second in itertools.combinations(kept, 2):
        if first.unit == second.unit or first.indicator != second.indicator:
            continue
        if jaccard(shingles(texts[first.id]), shingles(texts[second.id])) >= threshold:
            merged = group_of.get(first.id, {first.id}) | group_of.get(second.id, {second.id})
            for member in merged:
                group_of[member] = merged
    return {frozenset(group) for group in group_of.values()}


def test_the_look_alike_search_finds_the_groups_the_pairwise_definition_finds():
    rng = random.Random(7)
    units = {f"TO{n:02d}": f"第{n}镇" for n in range(1, 9)}
    facts = []
    for n in range(400):
        # few words from a small vocabulary: many texts alike, some identical, some one
        # word apart; a unit's name inside some of them
        words = rng.choices(WORDS[:6], k=7)
        unit = rng.choice(list(units))
        prefix = units[unit] if n % 3 == 0 else ""
        facts.append(
            Fact(
                id=n, unit=unit, indicator=rng.choice(["GDP", "TAX"]),
                date=datetime.date(2026, 3, 1), value=Decimal(1),
                description=prefix + "".join(words) + str(n),
            )
        )  # fmt: skip
    for threshold in (0.6, 0.75, 0.9):
        # (templates shared by many units are the next test's: none here)
        plain = Thresholds(description_similarity=threshold, description_template_units=99)
        found = similar_descriptions(facts, units, plain)
        expected = brute_force_groups(facts, list(units.values()) + list(units), threshold)
        assert {frozenset(signal.records) for signal in found} == expected
        assert expected  # the case has look-alikes at every threshold tried


def test_a_description_most_units_share_is_a_template_and_two_or_three_alike_a_signal():
    units = {f"TO{n:02d}": f"第{n}镇" for n in range(1, 9)}
    template = "{name}{month}月规模以上工业增加值统计快报已报送区统计局"
    own = ["走访企业", "项目签约", "园区建设", "招商推介", "安全检查", "河道整治", "培训会议"]

    def facts(alike: int) -> list[Fact]:
        """Eight towns record GDP; the first ``alike`` in the same words, the others each in
        words of their own."""
        return [
            Fact(id=n, unit=code, indicator="GDP", date=datetime.date(2026, 3, 1),
                 value=Decimal(1),
                 description=template.format(name=name, month=3) if n <= alike
                 else f"{name}{own[n - 2]}{own[n - 3]}{own[n - 4]}情况汇报材料")
            for n, (code, name) in enumerate(units.items(), start=1)
        ]  # fmt: skip

    assert similar_descriptions(facts(1), units) == []
    # two or three towns of eight: copying
    assert [signal.units for signal in similar_descriptions(facts(2), units)] == [("TO01", "TO02")]
    assert len(similar_descriptions(facts(3), units)) == 1
    # four of eight (a quarter or more, and four units): a template, no signal
    assert similar_descriptions(facts(4), units) == []
    assert similar_descriptions(facts(8), units) == []
