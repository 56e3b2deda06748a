"""``path_to(name, **kwargs)``: ``reverse(name, kwargs=kwargs)`` for pages of hundreds of links.

Django resolves a route's pattern again for every link (a tenth of a millisecond each: a heat
map's 300 links, a year's 125 reminders). ``path_to`` reverses a route once per set of argument
names, with stand-ins for the values, and then fills the values in. It does so only for values
that go into a path unchanged: whole numbers, and codes of letters, digits, "-" and "_" (what
``units.models.code_validator`` allows); anything else, and any route whose converters refuse the
stand-ins, is reversed by Django as it is. (The site sets no URLconf of its own per request.)
"""

from __future__ import annotations

import re

from django.urls import NoReverseMatch, get_script_prefix, reverse

PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_MATCH = PLAIN.fullmatch
_NUMBER_STAND_IN = 7_357_913_579_246  # (a stand-in's digits appear nowhere else in a path)
_patterns: dict[tuple[object, ...], tuple[str, tuple[tuple[str, str], ...]]] = {}


def path_to(name: str, **kwargs: str | int) -> str:
    for value in kwargs.values():
        if not _plain(value):
            return reverse(name, kwargs=kwargs)
    # the argument names in the caller's order, and which are numbers (their stand-ins differ)
    key = (get_script_prefix(), name, *((k, type(v) is int) for k, v in kwargs.items()))
    found = _patterns.get(key)
    if found is None:
        found = _patterns[key] = _pattern(name, kwargs)
    path, stand_ins = found
    if not path:  # the route's converters refused the stand-ins
        return reverse(name, kwargs=kwargs)
    for argument, stand_in in stand_ins:
        path = path.replace(stand_in, str(kwargs[argument]))
    return path


def _plain(value: object) -> bool:
    if type(value) is int:  # (not a bool)
        return 0 <= value < _NUMBER_STAND_IN
    return type(value) is str and _MATCH(value) is not None


def _pattern(name: str, kwargs: dict[str, str | int]) -> tuple[str, tuple[tuple[str, str], ...]]:
    stand_ins: dict[str, str | int] = {}
    for n, (argument, value) in enumerate(sorted(kwargs.items())):
        stand_ins[argument] = _NUMBER_STAND_IN + n if isinstance(value, int) else f"~{n}~"
    try:
        pattern = reverse(name, kwargs=stand_ins)
    except NoReverseMatch:  # a converter refuses them: no stand-ins, Django reverses each
        return "", ()
    # None is part of another: a code's is closed by "~", the numbers have as many digits. No
    # value holds one either: codes have no "~", and numbers stay below the stand-ins.
    return pattern, tuple((argument, str(value)) for argument, value in stand_ins.items())
