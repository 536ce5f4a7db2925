"""The times stage: temporal expressions (TimeML TIMEX3) normalised against the publication date.

Expressions are found by a small grammar of regular expressions (longest match wins) and
normalised with the tense of the clause they sit in: "on Wednesday" in a past-tense clause
is the Wednesday before publication, in a future clause the one after. Without a
publication date, relative expressions keep placeholders ("XXXX-08", "XXXX-WXX-3").
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..document import Document, Time
from ..pipeline import Stage, stage
from .spans import token_at
from .text import parse

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
           "several": None, "few": None, "many": None}
UNITS = {"year": "Y", "month": "M", "week": "W", "day": "D", "decade": "DE", "century": "CE",
         "hour": "H", "minute": "M", "second": "S"}
SETS = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y"}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4}

_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?P<num>\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|several|few)"
_UNIT = r"(?P<unit>year|month|week|day|decade|century|hour|minute)s?"
_RANGE = r"(?:\s*(?:-|to|through|and|until)\s*)"


@dataclass
class Anchor:
    """What relative expressions are resolved against."""

    published: dt.date | None

    def shift(self, **delta: int) -> dt.date | None:
        return None if self.published is None else self.published + dt.timedelta(**delta)


@dataclass
class Rule:
    name: str
    pattern: re.Pattern[str]
    normalise: Callable[[re.Match[str], Anchor, int], tuple[str, str] | None]


def _iso(d: dt.date | None, fmt: str = "%Y-%m-%d", placeholder: str = "XXXX-XX-XX") -> str:
    return d.strftime(fmt) if d is not None else placeholder


def _year_for_month(month: int, anchor: Anchor, tense: int) -> str:
    """The year of a bare month: the last one for the past, the next one for the future."""
    if anchor.published is None:
        return "XXXX"
    year, now = anchor.published.year, anchor.published.month
    if tense < 0 and month > now:
        year -= 1
    elif tense > 0 and month < now:
        year += 1
    elif tense == 0 and month - now > 6:
        year -= 1
    elif tense == 0 and now - month > 6:
        year += 1
    return str(year)


def _weekday(target: int, anchor: Anchor, tense: int, modifier: str = "") -> str:
    if anchor.published is None:
        return f"XXXX-WXX-{target + 1}"
    today = anchor.published.weekday()
    back = (today - target) % 7
    fwd = (target - today) % 7
    if modifier == "last" or (tense < 0 and not modifier):
        delta = -back if back else (0 if not modifier else -7)
    elif modifier == "next" or tense > 0:
        delta = fwd if fwd else (0 if not modifier else 7)
    else:
        delta = -back if back <= fwd else fwd
    return _iso(anchor.shift(days=delta))


def _month_number(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")[:3]]


def _day_date(m: re.Match[str], anchor: Anchor, tense: int) -> tuple[str, str] | None:
    month = _month_number(m.group("month"))
    day = int(m.group("day"))
    year = m.group("year") or _year_for_month(month, anchor, tense)
    if not 1 <= day <= 31:
        return None
    value = f"{year}-{month:02d}-{day:02d}"
    day2 = m.groupdict().get("day2")
    if day2 and 1 <= int(day2) <= 31 and int(day2) > day:
        value += f"/{year}-{month:02d}-{int(day2):02d}"
    return "DATE", value


def _month_year(m, anchor, tense):
    month = _month_number(m.group("month"))
    return "DATE", f"{m.group('year')}-{month:02d}"


def _month(m, anchor, tense):
    word = m.group("month").lower().rstrip(".")
    if len(word) < 3 or (word == "may" and not m.group("pre")):
        return None
    month = MONTHS[word[:3]]
    value = f"{_year_for_month(month, anchor, tense)}-{month:02d}"
    return "DATE", value


def _weekday_rule(m, anchor, tense):
    modifier = (m.group("mod") or "").lower()
    if modifier in ("on", "this"):
        modifier = ""  # "on Friday" is resolved by tense alone
    value = _weekday(WEEKDAYS[m.group("weekday").lower()], anchor, tense, modifier)
    part = (m.group("part") or "").lower()
    if part:
        value += {"morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI"}[part]
        return "TIME", value
    return "DATE", value


def _year(m, anchor, tense):
    return "DATE", m.group("year")


def _decade(m, anchor, tense):
    return "DATE", m.group("dec")[:3]


def _iso_date(m, anchor, tense):
    return "DATE", m.group(0)


def _relative_day(m, anchor, tense):
    word = m.group(0).lower()
    offset = {"today": 0, "yesterday": -1, "tomorrow": 1}.get(word)
    if offset is not None:
        return "DATE", _iso(anchor.shift(days=offset))
    if word in ("tonight", "this morning", "this afternoon", "this evening", "last night"):
        base = anchor.shift(days=-1 if word == "last night" else 0)
        part = {"tonight": "TNI", "last night": "TNI", "this morning": "TMO",
                "this afternoon": "TAF", "this evening": "TEV"}[word]
        return "TIME", _iso(base) + part
    return None


def _relative_period(m, anchor, tense):
    mod, unit = m.group("mod").lower(), m.group("period").lower()
    step = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[mod]
    p = anchor.published
    if unit == "week":
        if p is None:
            return "DATE", "XXXX-WXX"
        d = p + dt.timedelta(weeks=step)
        if mod == "past":
            return "DURATION", "P1W"
        y, w, _ = d.isocalendar()
        return "DATE", f"{y}-W{w:02d}"
    if unit == "month":
        if p is None:
            return "DATE", "XXXX-XX"
        if mod == "past":
            return "DURATION", "P1M"
        month = p.month + step
        year = p.year + (month - 1) // 12
        return "DATE", f"{year}-{(month - 1) % 12 + 1:02d}"
    if unit == "year":
        if p is None:
            return "DATE", "XXXX"
        if mod == "past":
            return "DURATION", "P1Y"
        return "DATE", str(p.year + step)
    return None


def _ago(m, anchor, tense):
    n = _number(m.group("num"))
    unit = m.group("unit").lower()
    if n is None or anchor.published is None:
        return "DATE", "PAST_REF"
    n = int(n)
    p = anchor.published
    if unit == "day":
        return "DATE", _iso(p - dt.timedelta(days=n))
    if unit == "week":
        y, w, _ = (p - dt.timedelta(weeks=n)).isocalendar()
        return "DATE", f"{y}-W{w:02d}"
    if unit == "month":
        month = p.month - n
        year = p.year + (month - 1) // 12
        return "DATE", f"{year}-{(month - 1) % 12 + 1:02d}"
    if unit == "year":
        return "DATE", str(p.year - n)
    return "DATE", "PAST_REF"


def _number(word: str) -> float | None:
    word = word.lower()
    if word in NUMBERS:
        return NUMBERS[word]
    try:
        return float(word)
    except ValueError:
        return None


def _duration(m, anchor, tense):
    n = _number(m.group("num"))
    unit = m.group("unit").lower()
    code = UNITS[unit]
    amount = "X" if n is None else (str(int(n)) if float(n).is_integer() else str(n))
    if unit in ("hour", "minute"):
        return "DURATION", f"PT{amount}{code}"
    if unit == "decade":
        return "DURATION", f"P{amount}0Y" if amount != "X" else "PXDE"
    if unit == "century":
        return "DURATION", f"P{amount}00Y" if amount != "X" else "PXCE"
    return "DURATION", f"P{amount}{code}"


def _set(m, anchor, tense):
    word = m.group(0).lower()
    if word in SETS:
        return "SET", SETS[word]
    unit = m.group("sunit").lower()
    return "SET", {"day": "P1D", "week": "P1W", "month": "P1M", "year": "P1Y"}[unit]


def _ref(m, anchor, tense):
    word = m.group(0).lower()
    if word in ("now", "currently", "at present", "nowadays", "today's"):
        return "DATE", "PRESENT_REF"
    if word in ("recently", "in the past", "formerly"):
        return "DATE", "PAST_REF"
    return "DATE", "FUTURE_REF"


def _season(m, anchor, tense):
    season = SEASONS[m.group("season").lower()]
    year = m.group("year")
    if year is None:
        if anchor.published is None:
            year = "XXXX"
        else:
            year = str(anchor.published.year + {"last": -1, "next": 1}.get((m.group("smod") or "").lower(), 0))
    return "DATE", f"{year}-{season}"


def _quarter(m, anchor, tense):
    q = QUARTERS[m.group("q").lower()]
    year = m.group("year") or (str(anchor.published.year) if anchor.published else "XXXX")
    return "DATE", f"{year}-Q{q}"


_I = re.IGNORECASE
RULES = [
    Rule("iso-date", re.compile(r"\b(?:1[89]|20)\d\d-[01]\d-[0-3]\d\b"), _iso_date),
    Rule("month-day", re.compile(rf"\b{_MONTH}\s+{_DAY}(?:{_RANGE}{_DAY2})?(?:,?\s+{_YEAR})?\b(?!\s*(?:%|percent))"), _day_date),
    Rule("day-month", re.compile(rf"\b{_DAY}(?:{_RANGE}{_DAY2})?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b"), _day_date),
    Rule("month-year", re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b"), _month_year),
    Rule("month", re.compile(rf"(?P<pre>\b(?:in|since|until|by|from|last|next|this|early|late|mid-?|during|of|before|after)\s+)?\b{_MONTH}(?![\w.]*\s+\d)\b"), _month),
    Rule("weekday", re.compile(rf"\b(?:(?P<mod>last|next|this|on)\s+)?{_WEEKDAY}(?:\s+(?P<part>morning|afternoon|evening|night))?\b"), _weekday_rule),
    Rule("decade", re.compile(r"\b(?:the\s+)?(?P<dec>(?:1[89]|20)\d0)s\b"), _decade),
    Rule("year", re.compile(rf"(?<![\d,.$£€#-]){_YEAR}(?![\d,]|-\d|\s*(?:%|percent|people|troops|km|kilometers|miles))"), _year),
    Rule("relative-day", re.compile(r"\b(?:today|yesterday|tomorrow|tonight|last night|this (?:morning|afternoon|evening))\b", _I), _relative_day),
    Rule("relative-period", re.compile(r"\b(?P<mod>last|past|previous|this|current|next|coming)\s+(?P<period>week|month|year)\b", _I), _relative_period),
    Rule("ago", re.compile(rf"\b{_NUM}\s+{_UNIT}\s+ago\b", _I), _ago),
    Rule("duration", re.compile(rf"\b(?:(?:the\s+)?(?:past|last|next|first)\s+)?{_NUM}[\s-]+{_UNIT}(?:-(?:long|old))?\b", _I), _duration),
    Rule("set", re.compile(r"\b(?:daily|weekly|monthly|annually|yearly|every\s+(?P<sunit>day|week|month|year))\b", _I), _set),
    Rule("ref", re.compile(r"\b(?:now|currently|at present|nowadays|recently|in the past|formerly|in the future)\b", _I), _ref),
    Rule("season", re.compile(rf"\b(?:(?P<smod>last|next|this)\s+)?(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?{_YEAR})?\b", _I), _season),
    Rule("quarter", re.compile(rf"\b(?:the\s+)?(?P<q>first|second|third|fourth)\s+quarter(?:\s+of\s+{_YEAR})?\b", _I), _quarter),
]


def tense_at(sdoc, offset: int) -> int:
    """-1 past, +1 future, 0 unknown/present: the tense of the clause around an offset."""
    tok = token_at(sdoc, offset) if sdoc is not None else None
    for _ in range(8):
        if tok is None:
            return 0
        if tok.pos_ in ("VERB", "AUX"):
            auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
            if any(a.lower_ in ("will", "shall", "'ll") for a in auxes) or \
                    any(a.lower_ in ("going",) for a in auxes):
                return 1
            if tok.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes) or \
                    (tok.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes)):
                return -1
            if tok.tag_ in ("VBZ", "VBP", "VBG") and not auxes:
                return 0
        if tok.head.i == tok.i:
            return 0
        tok = tok.head
    return 0


def find(text: str, anchor: Anchor, tense: Callable[[int], int] = lambda _: 0) -> list[tuple[int, int, str, str]]:
    """All temporal expressions of a text as (start, end, type, value), longest first."""
    found: list[tuple[int, int, str, str]] = []
    taken = bytearray(len(text))
    candidates: list[tuple[int, int, Rule, re.Match[str]]] = []
    for rule in RULES:
        for m in rule.pattern.finditer(text):
            candidates.append((m.start(), m.end(), rule, m))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    for start, end, rule, m in candidates:
        if any(taken[start:end]):
            continue
        result = rule.normalise(m, anchor, tense(start))
        if result is None:
            continue
        # Prepositions matched for context are not part of the expression.
        pre = m.groupdict().get("pre")
        if pre:
            start += len(pre)
        if m.groupdict().get("mod") and m.group("mod").lower() == "on":
            start = m.start("weekday")
        found.append((start, end, *result))
        taken[start:end] = b"\x01" * (end - start)
    return sorted(found)


@stage("times", requires=("parse",), assigns=("times",))
class TimesStage(Stage):
    def __call__(self, doc: Document) -> Document:
        sdoc = parse(doc)
        anchor = Anchor(doc.published_date)
        doc.times = [Time.of(doc.text, s, e, type=t, value=v)
                     for s, e, t, v in find(doc.text, anchor, lambda off: tense_at(sdoc, off))]
        return doc

