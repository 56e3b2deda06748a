"""The demo district's units, cadres and user accounts (``manage.py seed_demo``).

Idempotent: existing rows are found by their natural keys and left as they are, so a second
run writes nothing (and records nothing in the audit history).
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import OutputWrapper
from django.db import transaction

from units.models import Cadre, Membership, Unit, UnitCategory
from units.roles import GROUP_NAMES, Role

# (category code, code prefix, names): 33 units, plausible for a Chinese district.
DEMO_UNITS: list[tuple[str, str, list[str]]] = [
    (
        "town",
        "ZJ",
        [
            "城关街道",
            "东湖街道",
            "花园街道",
            "新城街道",
            "西山镇",
            "南塘镇",
            "北岭镇",
            "青石镇",
            "白沙镇",
            "黄桥镇",
            "龙泉镇",
            "桃源镇",
        ],
    ),
    (
        "economic",
        "JJ",
        [
            "区发展和改革局",
            "区工业和信息化局",
            "区商务局",
            "区财政局",
            "区农业农村局",
            "区文化和旅游局",
            "区市场监督管理局",
            "区投资促进局",
        ],
    ),
    (
        "management",
        "ZH",
        [
            "区委办公室",
            "区政府办公室",
            "区委组织部",
            "区委宣传部",
            "区自然资源局",
            "区生态环境局",
            "区应急管理局",
        ],
    ),
    (
        "social",
        "SH",
        [
            "区教育局",
            "区卫生健康局",
            "区民政局",
            "区人力资源和社会保障局",
            "区退役军人事务局",
            "区医疗保障局",
        ],
    ),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌宇浩凯鹏辉健志新海波宁晨亮峰"
)

TOWN_POSITIONS = [
    ("党委书记", Cadre.RankKind.PRINCIPAL),
    ("镇长", Cadre.RankKind.PRINCIPAL),
    ("党委副书记", Cadre.RankKind.DEPUTY),
    ("副镇长", Cadre.RankKind.DEPUTY),
]
STREET_POSITIONS = [
    ("党工委书记", Cadre.RankKind.PRINCIPAL),
    ("办事处主任", Cadre.RankKind.PRINCIPAL),
    ("党工委副书记", Cadre.RankKind.DEPUTY),
    ("办事处副主任", Cadre.RankKind.DEPUTY),
]
DEPARTMENT_POSITIONS = [
    ("党组书记、局长", Cadre.RankKind.PRINCIPAL),
    ("党组成员、副局长", Cadre.RankKind.DEPUTY),
    ("副局长", Cadre.RankKind.DEPUTY),
]
OFFICE_POSITIONS = [
    ("主任", Cadre.RankKind.PRINCIPAL),
    ("副主任", Cadre.RankKind.DEPUTY),
    ("副主任", Cadre.RankKind.DEPUTY),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role | None  # None: the system administrator (superuser)
    unit_code: str | None


DEMO_ACCOUNTS = [
    DemoAccount("admin", "系统管理员", None, None),
    DemoAccount("kaoheban", "考核办 王敏", Role.OFFICE, None),
    DemoAccount("qiantou", "发改局 李强", Role.LEAD, "JJ01"),
    DemoAccount("tianbao", "城关街道 张丽", Role.REPORTER, "ZJ01"),
    DemoAccount("ducha", "督查室 刘军", Role.SUPERVISION, "ZH01"),
    DemoAccount("lingdao", "区领导 陈建国", Role.LEADER, None),
]


def _positions_for(unit_name: str) -> list[tuple[str, Cadre.RankKind]]:
    if unit_name.endswith("街道"):
        return STREET_POSITIONS
    if unit_name.endswith("镇"):
        return TOWN_POSITIONS
    if unit_name.endswith(("办公室", "部")):
        return OFFICE_POSITIONS
    return DEPARTMENT_POSITIONS


def seed_units(*, rng: random.Random) -> dict[str, int]:
    """Create the demo units and their cadres; returns counts of rows created."""
    created = {"units": 0, "cadres": 0}
    categories = {c.code: c for c in UnitCategory.objects.all()}
    used_names: set[str] = set(Cadre.objects.values_list("name", flat=True))
    for category_code, prefix, names in DEMO_UNITS:
        for number, name in enumerate(names, start=1):
            code = f"{prefix}{number:02d}"
            headcount = rng.randint(25, 90) if category_code == "town" else rng.randint(12, 60)
            unit, was_created = Unit.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "category": categories[category_code],
                    "headcount": headcount,
                },
            )
            created["units"] += was_created
            positions = _positions_for(name)
            for position, rank_kind in positions[: 2 + rng.randint(0, len(positions) - 2)]:
                cadre_name = _unique_name(rng, used_names)
                if not was_created:
                    continue  # an existing unit keeps the team it has
                Cadre.objects.create(
                    unit=unit, name=cadre_name, position=position, rank_kind=rank_kind
                )
                created["cadres"] += 1
    return created


def _unique_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
        if name not in used:
            used.add(name)
            return name


def accounts_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-accounts.json"


def seed_accounts() -> list[tuple[DemoAccount, str | None]]:
    """Create one account per role; returns each with its password if known.

    Passwords are generated on creation and kept in var/demo-accounts.json (outside git) so
    that ``make run`` can show them again; an account that already exists keeps its password.
    """
    User = get_user_model()
    path = accounts_file()
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    result = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        password = None
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(
                username=account.username,
                password=password,
                first_name=account.display_name,
                is_staff=account.role in (None, Role.OFFICE),
                is_superuser=account.role is None,
            )
            if account.role is not None:
                user.groups.add(Group.objects.get(name=GROUP_NAMES[account.role]))
            unit = Unit.objects.get(code=account.unit_code) if account.unit_code else None
            Membership.objects.create(user=user, unit=unit)
            known[account.username] = password
        elif user.check_password(known.get(account.username, "")):
            password = known[account.username]
        result.append((account, password))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, ensure_ascii=False, indent=1))
    path.chmod(0o600)
    return result


@transaction.atomic
def seed(*, stdout: OutputWrapper) -> None:
    counts = seed_units(rng=random.Random(2026))
    stdout.write(f"units: {counts['units']} created, cadres: {counts['cadres']} created")
    seed_accounts()  # before the later apps' demo data, which records who did what
