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
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
           "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
           "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
           "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
           "a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2, "a dozen": 12, "dozen": 12,
           "several": None, "few": None, "a few": None, "many": None, "some": None}
UNITS = {"year": "Y", "month": "M", "week": "W", "day": "D", "decade": "DE", "century": "CE",
         "hour": "H", "minute": "M", "second": "S"}
SETS = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y", "annually": "P1Y", "hourly": "PT1H"}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4}

_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
_TEENS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_SPOKEN_YEAR = (r"(?:nineteen|eighteen)[\s-](?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
                r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|" + _TEENS + r"|hundred)"
                r"|two[\s-]thousand(?:\s+and\s+(?:one|two|three|four|five|six|seven|eight|nine|ten))?")
_YEAR = r"(?P<year>(?:1[89]|20)\d\d|" + _SPOKEN_YEAR + r")"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_NUM = (r"(?P<num>\d+(?:\.\d+)?(?:\s+1/2)?|" + _TENS + r"(?:[\s-]" + _ONES + r")?|a\s+couple(?:\s+of)?|"
        r"couple(?:\s+of)?|a\s+dozen|a\s+few|a\s+hundred|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|several|few|dozen)")
#: The second number of a range ("two to three weeks"): the same alternatives, another name.
_NUM2 = _NUM.replace("?P<num>", "?P<num2>")
_APPROX = (r"(?:(?:nearly|almost|about|around|roughly|approximately|(?:no\s+)?more\s+than|(?:no\s+)?less\s+than|"
           r"fewer\s+than|at\s+least|up\s+to|over|under|some|another|the(?:\s+(?:past|last|next|first|previous|coming))?)\s+)?")
_UNIT = r"(?P<unit>year|month|week|day|decade|century|hour|minute|second)s?"
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
    #: A word every match contains: the pattern then runs only in windows around its hits,
    #: since patterns that start with optional words are slow to try at every position.
    keyword: re.Pattern[str] | None = None

    def __post_init__(self):
        # A case-blind keyword runs on the lower-cased text: re's IGNORECASE scanning is slow.
        self._lower_keyword = None
        if self.keyword is not None and self.keyword.flags & re.IGNORECASE:
            self._lower_keyword = re.compile(self.keyword.pattern.replace("(?i)", ""),
                                             self.keyword.flags & ~re.IGNORECASE)

    def finditer(self, text: str, scan: _Scan | None = None):
        if self.keyword is None:
            yield from self.pattern.finditer(text)
            return
        scan = scan or _Scan(text)
        for lo, hi in scan.windows(self.keyword, self._lower_keyword):
            yield from self.pattern.finditer(text, lo, hi)


class _Scan:
    """One text's keyword windows, computed once per keyword."""

    def __init__(self, text: str):
        self.text = text
        lower = text.lower()
        self.lower = lower if len(lower) == len(text) else None  # some letters change length
        self.cache: dict[str, list[tuple[int, int]]] = {}

    def windows(self, keyword: re.Pattern[str], lower_keyword: re.Pattern[str] | None) -> list[tuple[int, int]]:
        got = self.cache.get(keyword.pattern)
        if got is None:
            if lower_keyword is not None and self.lower is not None:
                got = _windows(self.text, lower_keyword.finditer(self.lower))
            else:
                got = _windows(self.text, keyword.finditer(self.text))
            self.cache[keyword.pattern] = got
        return got


def _windows(text: str, hits) -> list[tuple[int, int]]:
    """Disjoint stretches around a keyword's hits, widened to whole words."""
    merged: list[list[int]] = []
    for hit in hits:
        lo, hi = max(0, hit.start() - _WINDOW_BEFORE), min(len(text), hit.end() + _WINDOW_AFTER)
        while lo > 0 and text[lo - 1].isalnum():
            lo -= 1
        while hi < len(text) and text[hi].isalnum():
            hi += 1
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


_WINDOW_BEFORE, _WINDOW_AFTER = 80, 40
_MONTH_WORD = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_WEEKDAY_WORD = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day")
_UNIT_WORD = re.compile(r"(?i)(?<![a-z])(?:year|month|week|day|decade|centur|hour|minute|second)")


def _week(d: dt.date) -> str:
    """The ISO week of a day: "2021-W41"."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _month_of(year: int, month: int, shift: int) -> str:
    """The month ``shift`` months from year-month: "2020-12" for (2021, 1, -1)."""
    months = year * 12 + month - 1 + shift
    return f"{months // 12}-{months % 12 + 1:02d}"


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
    elif tense == 0:
        # News reports the past more than it announces: a month is the coming one only if
        # it is at most a few months ahead, else the last one.
        ahead = (month - now) % 12
        if 0 < ahead <= _MONTHS_AHEAD:
            year += int(month < now)
        else:
            year -= int(month > now)
    return str(year)


_MONTHS_AHEAD = 4


def _year_for_bare_month(month: int, anchor: Anchor, tense: int) -> str:
    """The year of a month named without one: a month within two months of publication is
    the nearest such month whatever the tense (tense is often that of a report, "said on
    Oct. 30 that ..."); one further away follows the tense."""
    return _year_for_month(month, anchor, tense if _months_apart(month, anchor) > 2 else 0)


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


def _year_of(m: re.Match[str]) -> str | None:
    """The year a match names, in digits ("nineteen ninety-six" -> "1996")."""
    raw = m.groupdict().get("year")
    if not raw or raw.isdigit():
        return raw
    words = raw.lower().replace("-", " ").split()
    if words[:2] == ["two", "thousand"]:
        return str(2000 + int(NUMBERS.get(words[-1]) or 0)) if len(words) > 2 else "2000"
    century = {"nineteen": 1900, "eighteen": 1800}[words[0]]
    rest = " ".join(words[1:])
    if rest == "hundred":
        return str(century)
    n = _number(rest)
    return str(century + int(n)) if n is not None else None


def _month_number(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")[:3]]


def _months_apart(month: int, anchor: Anchor) -> int:
    if anchor.published is None:
        return 0
    diff = abs(month - anchor.published.month)
    return min(diff, 12 - diff)


def _day_date(m: re.Match[str], anchor: Anchor, tense: int) -> tuple[str, str] | None:
    month = _month_number(m.group("month"))
    day = int(m.group("day"))
    # A named day without a year is the nearest such day: tense decides only between
    # occurrences about equally far (a day named months ahead is rarely last year's).
    year = _year_of(m) or _year_for_bare_month(month, anchor, tense)
    if not 1 <= day <= 31:
        return None
    value = f"{year}-{month:02d}-{day:02d}"
    day2 = m.groupdict().get("day2")
    if day2 and 1 <= int(day2) <= 31 and int(day2) > day:
        value += f"/{year}-{month:02d}-{int(day2):02d}"
    return "DATE", value


def _month_year(m, anchor, tense):
    month = _month_number(m.group("month"))
    return "DATE", f"{_year_of(m)}-{month:02d}"


def _month(m, anchor, tense):
    word = m.group("month").lower().rstrip(".")
    mod = (m.group("mmod") or "").lower()
    if len(word) < 3 or (word == "may" and not (m.group("pre") or mod)):
        return None
    if word in _ABBREVIATED and not _text_after(m, "month").startswith("."):
        return None  # "Jan Kavan", "Sept" in a name: an abbreviation needs its full stop
    month = MONTHS[word[:3]]
    if mod in ("last", "next", "this") and anchor.published is not None:
        # "last May" is the latest May before publication, "next May" the first one after.
        now = anchor.published
        year = now.year + {"last": -int(month >= now.month), "next": int(month <= now.month), "this": 0}[mod]
        return "DATE", f"{year}-{month:02d}"
    value = f"{_year_for_bare_month(month, anchor, tense)}-{month:02d}"
    return "DATE", value


_ABBREVIATED = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


def _text_after(m: re.Match[str], group: str) -> str:
    return m.string[m.end(group):m.end(group) + 1]


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
    return "DATE", _year_of(m)


def _decade(m, anchor, tense):
    dec = m.group("dec")
    return "DATE", dec[:2] if dec.endswith("00") else dec[:3]  # "the 1800s" is a century


def _iso_date(m, anchor, tense):
    return "DATE", m.group(0)


_PARTS = {"morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI"}


def _part_of_day(m, anchor, tense):
    """ "early morning", "mid-afternoon": a part of the anchor day."""
    return "TIME", _iso(anchor.published) + _PARTS[m.group("pod").lower()]


def _relative_day(m, anchor, tense):
    word = re.sub(r"\s+", " ", m.group("rday").lower())
    offset = {"today": 0, "yesterday": -1, "tomorrow": 1}.get(word)
    if offset is not None:
        part = re.search(r"(?i)morning|afternoon|evening", m.group(0)[:m.start("rday") - m.start()])
        if part:  # "mid-afternoon yesterday"
            return "TIME", _iso(anchor.shift(days=offset)) + _PARTS[part.group(0).lower()]
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
    if unit == "decade":
        return "DURATION", "P10Y"  # "the past decade": the ten years up to now
    if unit == "week":
        if p is None:
            return "DATE", "XXXX-WXX"
        d = p + dt.timedelta(weeks=step)
        if mod == "past":
            return "DURATION", "P1W"
        return "DATE", _week(d)
    if unit == "month":
        if p is None:
            return "DATE", "XXXX-XX"
        if mod == "past":
            return "DURATION", "P1M"
        return "DATE", _month_of(p.year, p.month, step)
    if unit == "year":
        if p is None:
            return "DATE", "XXXX"
        # "the past year" is annotated as the year before, like "last year".
        return "DATE", str(p.year + step)
    return None


def _ago(m, anchor, tense):
    if not m.group(0).lower().endswith(("ago", "earlier")):
        # "three days later" counts from a time the text has set, not from publication:
        # TimeML marks the amount ("three days") as a duration and "later" as its signal.
        return _duration(m, anchor, tense)
    n = _number(m.group("num"))
    unit = m.group("unit").lower()
    if n is None or anchor.published is None:
        return "DATE", "PAST_REF"
    n = int(n)
    p = anchor.published
    if unit == "day":
        return "DATE", _iso(p - dt.timedelta(days=n))
    if unit == "week":
        return "DATE", _week(p - dt.timedelta(weeks=n))
    if unit == "month":
        return "DATE", _month_of(p.year, p.month, -n)
    if unit == "year":
        return "DATE", str(p.year - n)
    return "DATE", "PAST_REF"


def _number(word: str) -> float | None:
    """A number written in digits ("2 1/2") or words ("twenty-four", "a couple of")."""
    word = re.sub(r"\s+", " ", word.lower().replace("-", " ")).strip()
    if word in NUMBERS:
        return NUMBERS[word]
    parts = word.split()
    if len(parts) == 2 and parts[0] in NUMBERS and parts[1] in NUMBERS and parts[0] not in ("a", "an"):
        tens, ones = NUMBERS[parts[0]], NUMBERS[parts[1]]
        if tens is not None and ones is not None:
            return tens + ones
    half = 0.5 if word.endswith(" 1/2") else 0.0
    try:
        return float(word.removesuffix(" 1/2")) + half
    except ValueError:
        return None


_SMALLER = {"Y": (12, "M"), "M": (30, "D"), "W": (7, "D"), "D": (24, "H"), "H": (60, "M"), "MIN": (60, "S")}


def _amount(n: float | None, code: str, time_unit: bool) -> str:
    """A TimeML duration amount: "P2Y6M" for 2.5 years, "PT1M30S" for 1.5 minutes."""
    prefix = "PT" if time_unit else "P"
    if n is None:
        return f"{prefix}X{code}"
    if float(n).is_integer():
        return f"{prefix}{int(n)}{code}"
    whole, frac = int(n), n - int(n)
    per, smaller = _SMALLER["MIN" if time_unit and code == "M" else code]
    rest = f"{round(frac * per)}{smaller}"
    if code == "D":
        return f"P{whole}DT{rest}" if whole else f"PT{rest}"
    return f"{prefix}{whole}{code}{rest}" if whole else f"{prefix}{rest}"


def _duration(m, anchor, tense):
    # A range ("two to three weeks") is measured by its first number, as TimeML does.
    n = _number(m.groupdict().get("num") or m.group("num2"))
    if n is not None and m.groupdict().get("half"):
        n += 0.5
    unit = m.group("unit").lower()
    if unit == "decade":
        return "DURATION", f"P{int(n * 10)}Y" if n is not None and float(n).is_integer() else "PXDE"
    if unit == "century":
        return "DURATION", f"P{int(n * 100)}Y" if n is not None and float(n).is_integer() else "PXCE"
    return "DURATION", _amount(n, UNITS[unit], unit in ("hour", "minute", "second"))


def _vague_duration(m, anchor, tense):
    """Plural units without a number: "for weeks", "in recent weeks" -> PXW; a vague
    stretch before or after now ("the last few months", "coming weeks") is PAST_REF /
    FUTURE_REF."""
    mod = (m.group("vmod") or "").lower()
    if re.match(r"the\s+(?:past|last)\s+(?:few|several)", mod):
        return "DATE", "PAST_REF"
    if mod.endswith("coming") or re.match(r"the\s+(?:next|coming)\s+(?:few|several)", mod):
        return "DATE", "FUTURE_REF"
    unit = m.group("vunit").lower().rstrip("s")
    unit = "century" if unit == "centurie" else unit
    if unit == "decade":
        return "DURATION", "PXDE"
    if unit == "century":
        return "DURATION", "PXCE"
    return "DURATION", _amount(None, UNITS[unit], unit in ("hour", "minute", "second"))


def _century(m, anchor, tense):
    return "DATE", f"{int(m.group('cent')) - 1:02d}"


def _clock(m, anchor, tense):
    """Clock times ("10 p.m. Wednesday", "noon Thursday"), on the day named or the anchor day."""
    if m.group("noon"):
        hour, minute = (0, 0) if m.group("noon").lower() == "midnight" else (12, 0)
    else:
        hour, minute = int(m.group("hh")), int(m.group("mm") or 0)
        ampm = m.group("ampm").lower().replace(".", "")
        if not 1 <= hour <= 12 or minute > 59:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if m.group("cweekday"):
        day = _weekday(WEEKDAYS[m.group("cweekday").lower()], anchor, tense)
    elif m.group("cmonth"):
        month, dom = _month_number(m.group("cmonth")), int(m.group("cday"))
        if not 1 <= dom <= 31:
            return None
        day = f"{_year_for_bare_month(month, anchor, tense)}-{month:02d}-{dom:02d}"
    else:
        rel = (m.group("crel") or "").lower()
        day = _iso(anchor.shift(days={"yesterday": -1, "tomorrow": 1}.get(rel, 0)))
    return "TIME", f"{day}T{hour:02d}:{minute:02d}"


def _weekday_set(m, anchor, tense):
    """ "every Thursday", "Tuesday nights", "each July"."""
    if m.group("smonth"):
        return "SET", f"XXXX-{_month_number(m.group('smonth')):02d}"
    day = m.group("sday") or m.group("sday2")
    value = f"XXXX-WXX-{WEEKDAYS[day.lower()] + 1}"
    part = (m.group("spart") or m.group("spart2") or "").lower().rstrip("s")
    if part:
        value += {"morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI"}[part]
    return "SET", value


def _month_relative_year(m, anchor, tense):
    """ "June last year", "January this year", "May of next year"."""
    if anchor.published is None:
        return None
    month = _month_number(m.group("month"))
    year = anchor.published.year + {"last": -1, "this": 0, "next": 1}[m.group("ymod").lower()]
    return "DATE", f"{year}-{month:02d}"


def _set(m, anchor, tense):
    word = m.group(0).lower()
    if word in SETS:
        return "SET", SETS[word]
    unit = m.group("sunit").lower()
    return "SET", {"day": "P1D", "week": "P1W", "month": "P1M", "quarter": "P3M", "year": "P1Y"}[unit]


def _ref(m, anchor, tense):
    word = m.group(0).lower()
    if word in ("now", "currently", "at present", "nowadays", "today's", "current", "present") or \
            word.startswith("these"):
        return "DATE", "PRESENT_REF"
    if word.split()[-1] in ("recently", "past", "formerly", "recent", "previously"):
        return "DATE", "PAST_REF"
    return "DATE", "FUTURE_REF"


def _season(m, anchor, tense):
    if m.group("season").lower() == "fall" and not (m.group("smod") or m.group("pre") or m.group("year")):
        return None  # "fall" the verb
    season = SEASONS[m.group("season").lower()]
    year = _year_of(m)
    if year is None:
        if anchor.published is None:
            year = "XXXX"
        else:
            year = str(anchor.published.year + {"last": -1, "next": 1}.get((m.group("smod") or "").lower(), 0))
    return "DATE", f"{year}-{season}"


def _reporting_period(m, anchor, tense):
    """Financial and weekly periods named relative to the report: "the quarter", "the
    year-ago period", "the fiscal year", "the weekend". A quarter is resolved against the
    quarter the text names before it (`_reporting_quarters`); here it gets the last one
    completed before publication."""
    rp = re.sub(r"[\s-]+", " ", m.group("rp").lower())
    if m.group(0).lower() == "quarter" or (rp == "quarter" and not m.group(0).lower().startswith("the")):
        return None  # a bare "quarter" (of an hour, of the vote)
    if rp == "year":
        if not m.group(0).lower().startswith("the"):
            return None
        return "DURATION", "P1Y"  # "the year ended March 31": a fiscal year, by its end
    p = anchor.published
    named_year = re.match(r"(?:19|20)\d\d", rp)
    if named_year:
        # "the 1988 period": the quarter under discussion, in that year (`_reference_years`).
        return "DATE", named_year.group(0)
    if p is None:
        return "DATE", "XXXX"
    if rp == "weekend":
        saturday = p - dt.timedelta(days=(p.weekday() - 5) % 7) if tense <= 0 else \
            p + dt.timedelta(days=(5 - p.weekday()) % 7)
        return "DATE", _week(saturday) + "-WE"
    if rp.endswith("year") and not rp.startswith("year"):
        return "DATE", str(p.year)
    current = (p.month - 1) // 3 + 1
    last_done = (p.year, current - 1) if current > 1 else (p.year - 1, 4)
    if rp.startswith("year") and not rp.endswith(("quarter", "period")):
        return "DATE", str(p.year - 1)
    year, q = last_done
    if rp.startswith(("current", "this")):
        year, q = p.year, current
    if rp.startswith("year"):
        year -= 1
    return "DATE", f"{year}-Q{q}"


def _half(m, anchor, tense):
    """ "the first half of 1990" -> 1990-H1, "the second half of this year"."""
    year = _year_of(m)
    if not year:
        if anchor.published is None:
            year = "XXXX"
        else:
            year = str(anchor.published.year + {"last": -1, "next": 1}.get((m.group("hrel") or "").lower(), 0))
    return "DATE", f"{year}-H{1 if m.group('h').lower() == 'first' else 2}"


def _quarter(m, anchor, tense):
    q = QUARTERS[m.group("q").lower()]
    year = _year_of(m) or m.groupdict().get("qyear")
    if not year and m.group("qago") and anchor.published is not None:
        year = str(int(_quarter_year(q, anchor, tense)) - 1)  # "the year-ago third quarter"
    if not year and m.group("qrel") and anchor.published is not None:
        year = str(anchor.published.year + {"last": -1, "this": 0, "next": 1}[m.group("qrel").lower()])
    if not year:
        year = _quarter_year(q, anchor, tense)
    return "DATE", f"{year}-Q{q}"


def _quarter_year(q: int, anchor: Anchor, tense: int) -> str:
    """A quarter not yet begun at publication is last year's, unless the clause is future."""
    if anchor.published is None:
        return "XXXX"
    current = (anchor.published.month - 1) // 3 + 1
    return str(anchor.published.year - (1 if q > current and tense <= 0 else 0))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 for the last) given weekday of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    return dt.date(year, month, (h + ell - 7 * m + 114) % 31 + 1)


#: Holidays with a fixed or computable date in a given year.
HOLIDAYS: dict[str, Callable[[int], dt.date]] = {
    "new year's day": lambda y: dt.date(y, 1, 1),
    "new year's eve": lambda y: dt.date(y, 12, 31),
    "christmas": lambda y: dt.date(y, 12, 25),
    "christmas day": lambda y: dt.date(y, 12, 25),
    "christmas eve": lambda y: dt.date(y, 12, 24),
    "boxing day": lambda y: dt.date(y, 12, 26),
    "easter": _easter,
    "easter sunday": _easter,
    "easter monday": lambda y: _easter(y) + dt.timedelta(days=1),
    "good friday": lambda y: _easter(y) - dt.timedelta(days=2),
    "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4),
    "thanksgiving day": lambda y: _nth_weekday(y, 11, 3, 4),
    "election day": lambda y: _nth_weekday(y, 11, 0, 1) + dt.timedelta(days=1),
    "independence day": lambda y: dt.date(y, 7, 4),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1),
    "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    "veterans day": lambda y: dt.date(y, 11, 11),
    "armistice day": lambda y: dt.date(y, 11, 11),
    "halloween": lambda y: dt.date(y, 10, 31),
    "valentine's day": lambda y: dt.date(y, 2, 14),
    "may day": lambda y: dt.date(y, 5, 1),
    "bastille day": lambda y: dt.date(y, 7, 14),
}
_HOLIDAY = "|".join(sorted((re.escape(h).replace("'", "['’]").replace(r"\ ", r"\s+") for h in HOLIDAYS),
                           key=len, reverse=True))


def _holiday(m, anchor, tense):
    """ "Thanksgiving Day", "last Christmas", "Easter week", "Christmas 1998"."""
    name = re.sub(r"\s+", " ", m.group("holiday").lower()).replace("’", "'")
    rule = HOLIDAYS[name]
    year = _year_of(m)
    mod = (m.group("hmod") or "").lower()
    if year is None:
        if anchor.published is None:
            return "DATE", "XXXX-" + rule(2001).strftime("%m-%d")
        p = anchor.published
        this = rule(p.year)
        nearest = min((p.year - 1, p.year, p.year + 1), key=lambda y: abs((rule(y) - p).days))
        if not mod and abs((rule(nearest) - p).days) <= 61:
            year = nearest  # a holiday close to publication is that one, whatever the tense
        elif mod == "last" or (not mod and tense < 0):
            year = p.year if this < p else p.year - 1
        elif mod == "next" or (not mod and tense > 0):
            year = p.year if this > p else p.year + 1
        else:
            year = nearest
    day = rule(int(year))
    if m.group("hweek"):
        return "DATE", _week(day)
    return "DATE", day.isoformat()


def _period_end(m, anchor, tense):
    """ "year-end", "the end of the year", "the end of the month": the current period."""
    unit = m.group("pu").lower()
    p = anchor.published
    if unit == "year":
        return "DATE", str(p.year) if p else "XXXX"
    if unit == "month":
        return "DATE", _iso(p, "%Y-%m", "XXXX-XX")
    if p is None:
        return "DATE", "XXXX-WXX"
    return "DATE", _week(p)


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                 "eighties": 8, "nineties": 9}


def _decade_words(m, anchor, tense):
    """ "the nineties", "the '80s": a decade of the twentieth century."""
    word = m.group("dw").lower()
    digit = _DECADE_WORDS.get(word) or int(word.strip("'’s")[0])
    return "DATE", f"19{digit}"


def _anaphoric(m, anchor, tense):
    """ "that year", "the following month", "later that day": placeholders that
    `_reference_years` resolves against the time the text last named."""
    rel = (m.group("arel") or "").lower()
    if rel == "next" and m.group("aunit").lower() != "day":
        return None  # "the next year" counts from publication (the relative-period rule)
    shift = 1 if rel in ("following", "next") else -1 if rel in ("previous", "preceding") else 0
    return "DATE", f"REF:{m.group('aunit').lower()}:{shift}"


_I = re.IGNORECASE
_EDGE = r"(?:(?P<edge>early|late|mid|post|pre|the\s+(?:early|late|mid))[\s-]+)?"
# Modifiers that narrow an expression without changing its value ("early Tuesday",
# "the end of November", "later this afternoon").
_NARROW = (r"(?:(?:early|late|earlier|later|mid|the\s+(?:end|beginning|start|middle|rest)\s+of|"
           r"(?:early|late|mid)[\s-]+(?:morning|afternoon|evening|day))[\s-]+)?")
_WEEKDAY_PREFIX = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
RULES = [
    Rule("iso-date", re.compile(r"\b(?:1[89]|20)\d\d-[01]\d-[0-3]\d\b"), _iso_date),
    Rule("month-day", re.compile(rf"\b{_WEEKDAY_PREFIX}{_MONTH}\s+{_DAY}(?:{_RANGE}{_DAY2})?(?:,?\s+{_YEAR})?\b(?!\s*(?:%|percent))"), _day_date, keyword=_MONTH_WORD),
    Rule("day-month", re.compile(rf"\b{_WEEKDAY_PREFIX}{_DAY}(?:{_RANGE}{_DAY2})?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b"), _day_date, keyword=_MONTH_WORD),
    Rule("month-year", re.compile(rf"\b{_NARROW}{_MONTH},?\s+(?:of\s+)?{_YEAR}\b"), _month_year, keyword=_MONTH_WORD),
    Rule("month-relative-year", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<ymod>last|this|next)\s+year\b"), _month_relative_year, keyword=_MONTH_WORD),
    Rule("month", re.compile(rf"(?P<pre>\b(?:in|since|until|by|from|during|of|before|after)\s+)?\b{_NARROW}(?:(?P<mmod>[Ll]ast|[Nn]ext|[Tt]his)[\s-]+)?{_MONTH}(?![\w.]*\s+\d)\b"), _month, keyword=_MONTH_WORD),
    Rule("weekday", re.compile(rf"\b{_NARROW}(?:(?P<mod>last|next|this|on)\s+)?{_WEEKDAY}(?:\s+(?P<part>morning|afternoon|evening|night))?\b(?!s\b)"), _weekday_rule, keyword=_WEEKDAY_WORD),
    Rule("weekday-set", re.compile(r"\b(?:(?:every|each)\s+(?:(?P<smonth>January|February|March|April|May|June|July|August|September|October|November|December)|(?P<sday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?P<spart>morning|afternoon|evening|night)s?)?)|(?P<sday2>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:s|\s+(?P<spart2>morning|afternoon|evening|night)s))\b"), _weekday_set, keyword=re.compile(r"\b(?:[Ee]very|[Ee]ach)\b|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?:s\b|\s+(?:morning|afternoon|evening|night)s)")),
    Rule("clock", re.compile(r"\b(?:(?:about|around|approximately)\s+)?(?:(?P<hh>\d{1,2})(?::(?P<mm>\d\d))?\s*(?P<ampm>a\.m\.?|p\.m\.?|am\b|pm\b)|(?P<noon>noon|midday|midnight))(?:\s+(?:[ECMP][SD]T|GMT|UTC)\b)?(?:,?\s+(?:on\s+)?(?:(?P<cweekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|(?P<crel>today|yesterday|tomorrow)|(?P<cmonth>Jan|Feb|Mar|Apr|May|June?|July?|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s+(?P<cday>[0-3]?\d)\b))?", _I), _clock, keyword=re.compile(r"(?i)\d\s*[ap]\.?m\b|noon|midday|midnight")),
    Rule("century", re.compile(r"\b(?:the\s+)?(?P<cent>[12]?\d)(?:st|nd|rd|th)[\s-]+century\b", _I), _century, keyword=re.compile(r"(?i)century")),
    Rule("decade", re.compile(rf"\b(?:the\s+)?{_EDGE}(?P<dec>(?:1[89]|20)\d0)s\b"), _decade, keyword=re.compile(r"\d0s")),
    Rule("year", re.compile(rf"(?<![\d,.$£€#-])(?:fiscal\s+|the\s+year\s+){{0,1}}{_EDGE}{_YEAR}(?!\d|,\d|-\d|\s*(?:%|percent|people|troops|km|kilometers|miles))"), _year, keyword=re.compile(r"(?i)\d{4}|nineteen|eighteen|thousand")),
    Rule("relative-day", re.compile(rf"\b{_NARROW}(?P<rday>today|yesterday|tomorrow|tonight|last night|this (?:morning|afternoon|evening))\b", _I), _relative_day, keyword=re.compile(r"(?i)\b(?:today|yesterday|tomorrow|tonight|night|morning|afternoon|evening)\b")),
    Rule("part-of-day", re.compile(r"\b(?:early|late|mid)[\s-]?(?P<pod>morning|afternoon|evening)\b", _I), _part_of_day, keyword=re.compile(r"(?i)\b(?:morning|afternoon|evening)\b")),
    Rule("relative-period", re.compile(rf"\b{_NARROW}(?:the\s+)?(?P<mod>last|past|previous|this|current|next|coming)\s+(?:fiscal\s+)?(?P<period>week|month|year|decade)\b", _I), _relative_period, keyword=re.compile(r"(?i)\b(?:week|month|year|decade)\b")),
    Rule("ago", re.compile(rf"\b{_APPROX}{_NUM}[\s-]+{_UNIT}(?:\s+or\s+so)?(?:\s+(?:ago|earlier)\b|(?=\s+later\b))", _I), _ago, keyword=_UNIT_WORD),
    Rule("duration", re.compile(rf"\b{_APPROX}(?:{_NUM}\s+(?:to|or)\s+)?{_NUM2}[\s-]+(?:and[\s-]+a[\s-]+half[\s-]+)?(?:(?:more|additional|other|straight|consecutive|trading|business|calendar|full)\s+)?{_UNIT}(?P<half>\s+and\s+a\s+half)?(?:-long)?\b(?![\s-]old\b)", _I), _duration, keyword=_UNIT_WORD),
    Rule("vague-duration", re.compile(r"\b(?:(?P<vmod>several|few|many|recent|coming|some|the\s+(?:past|last|next|coming)(?:\s+(?:few|several))?)\s+)?(?<!\d\s)(?<!\d-)(?P<vunit>years|months|weeks|days|hours|minutes|decades|centuries)\b(?![\s-]old\b)", _I), _vague_duration, keyword=_UNIT_WORD),
    Rule("set", re.compile(r"\b(?:daily|weekly|monthly|yearly|annually|hourly|(?:every|each)\s+(?P<sunit>day|week|month|quarter|year))\b", _I), _set, keyword=re.compile(r"(?i)\b(?:daily|weekly|monthly|yearly|annually|hourly|every|each)\b")),
    Rule("ref", re.compile(r"\b(?:now|these\s+days|currently|at present|nowadays|(?:more\s+)?recently|(?:in\s+)?the past|formerly|(?:in\s+)?the\s+(?:near\s+)?future|the\s+(?:near|short)\s+term|current)\b", _I), _ref, keyword=re.compile(r"(?i)\b(?:now|these|current|present|recent|past|former|future|term)")),
    Rule("season", re.compile(rf"(?P<pre>\b(?:the|in|of|during|early|late)\s+)?\b(?:(?P<smod>last|next|this)\s+)?(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?{_YEAR})?\b", _I), _season, keyword=re.compile(r"(?i)\b(?:spring|summer|autumn|fall|winter)\b")),
    Rule("reporting-period", re.compile(r"\b(?:[Tt]he\s+)?(?P<rp>(?:latest|current|this|same|comparable|year[\s-]earlier|year[\s-]ago|(?:19|20)\d\d)\s+(?:quarter|period)|[Tt]his\s+quarter|quarter|(?:fiscal|full|current)\s+year|year(?=\s+end(?:ed|ing)\b)|[Yy]ear[\s-](?:earlier|ago)|weekend)\b(?!\s+of)"), _reporting_period, keyword=re.compile(r"(?i)\b(?:quarter|period|year|weekend)")),
    Rule("half", re.compile(rf"\b(?:the\s+)?(?P<h>first|second|last|latter)\s+half\s+of\s+(?:{_YEAR}|(?P<hrel>this|last|next)\s+year|the\s+year)\b", _I), _half, keyword=re.compile(r"(?i)\bhalf\b")),
    Rule("holiday", re.compile(rf"\b(?:(?P<hmod>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<holiday>{_HOLIDAY})(?P<hweek>\s+week)?(?:,?\s+{_YEAR})?\b", _I), _holiday, keyword=re.compile(_HOLIDAY, _I)),
    Rule("period-end", re.compile(r"\b(?:around\s+)?(?:(?:the\s+)?(?:end|beginning|start|middle|rest)\s+of\s+the\s+|(?:earlier|later)\s+in\s+the\s+|(?=year(?:[\s-]end|['’]s\s+end)))(?P<pu>year|month|week)(?:[\s-]end|['’]s\s+end)?\b", _I), _period_end, keyword=re.compile(r"(?i)\b(?:week|month|year)")),
    Rule("decade-words", re.compile(r"\bthe\s+(?P<dw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|['’][2-9]0s)\b", _I), _decade_words, keyword=re.compile(r"(?i)ties\b|0s\b")),
    Rule("anaphoric", re.compile(r"\b(?:(?:later|earlier)\s+)?(?:that(?:\s+same)?|the\s+same|the\s+(?P<arel>following|next|previous|preceding))\s+(?P<aunit>year|month|day|week|quarter)\b", _I), _anaphoric, keyword=re.compile(r"(?i)\b(?:that|same|following|next|previous|preceding)\b")),
    Rule("quarter", re.compile(rf"\b(?:the\s+|(?P<qrel>this|last|next)\s+year's\s+)?(?:(?:comparable|corresponding|same)\s+)?(?P<qago>year[\s-](?:ago|earlier)\s+)?(?:(?P<qyear>(?:19|20)\d\d)\s+)?(?P<q>first|second|third|fourth)[\s-]+quarter(?:\s+of\s+{_YEAR})?\b", _I), _quarter, keyword=re.compile(r"(?i)quarter")),
]


def tense_at(sdoc, offset: int) -> int:
    """-1 past, +1 future, 0 unknown/present: the tense of the clause around an offset."""
    tok = token_at(sdoc, offset) if sdoc is not None else None
    if tok is not None and tok.dep_ == "poss":
        return -1  # "Wednesday's ruling": something that has happened
    for _ in range(8):
        if tok is None:
            return 0
        if tok.pos_ in ("VERB", "AUX"):
            auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
            if any(a.lower_ in ("will", "shall", "'ll") for a in auxes) or \
                    any(a.lower_ in ("going",) for a in auxes):
                return 1
            # What is planned or set to happen lies ahead of the report: "planned to leave
            # on Thursday", "set to resume Monday", "has scheduled a news conference Thursday".
            if (tok.tag_ == "VB" and any(a.lower_ == "to" for a in auxes)) or \
                    (tok.lemma_ == "schedule" and tok.tag_ != "VBD"):
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
    scan = _Scan(text)
    for rule in RULES:
        for m in rule.finditer(text, scan):
            candidates.append((m.start(), m.end(), rule, m))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    for start, end, rule, m in candidates:
        if any(taken[start:end]) or not _is_time(text, start, end):
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
    return _reference_years(text, sorted(found), anchor)


_SENTENCE_START = re.compile(r"(?:^|[.!?:;]['\"`)]*\s+|\n\s*|[\"`']+\s*)$")
_NAME_AFTER = re.compile(r"\s+(?:of|for)\s+(?:the\s+)?[A-Z]")


_LOWERCASE_WORDS = {"spring", "summer", "autumn", "fall", "winter", "noon", "midnight", "today", "tonight",
                    "week", "weeks", "month", "months", "year", "years", "day", "days", "hour", "hours",
                    "minute", "minutes", "decade", "decades", "morning", "afternoon", "evening", "night"}


def _is_time(text: str, start: int, end: int) -> bool:
    """False for words that look like times but are not: names and titles ("the March for
    Life", "ABC's This Week", "High Noon"), the generic "people of tomorrow" and ordinals
    ("a second bomb")."""
    phrase = text[start:end]
    before, after = text[max(0, start - 40):start], text[end:end + 40]
    low = phrase.lower()
    words = phrase.split()
    if any(w[:1].isupper() and w.lower().strip(",.") in _LOWERCASE_WORDS and (i or not _SENTENCE_START.search(before))
           for i, w in enumerate(words)) and not re.search(_HOLIDAY, phrase, re.IGNORECASE):
        return False  # a capital where the word takes none: a name ("ABC's This Week", "60 Minutes")
    if re.fullmatch(r"(?i)[a-z]+", phrase) and phrase[:1].isupper() and _NAME_AFTER.match(after) and \
            low in MONTHS:
        return False  # "the March for Life", "the March of the Combatant Mothers"
    if low in ("today", "tomorrow") and before.endswith("of "):
        return False
    if re.fullmatch(r"(?i)(?:a|one)\s+second", phrase) and re.match(r"\s+[a-z]", after) and \
            not re.match(r"\s+(?:or|and|to|in|of|ago|later|earlier|before|after)\b", after):
        return False
    return True


_YEAR_BACK = re.compile(r"(?i)\b(?:a\s+year\s+(?:ago|earlier)|year[\s-](?:ago|earlier)|last\s+year)")
_YEAR_BACK_ANAPHORIC = re.compile(r"(?i)(?:a|one)\s+year\s+(?:ago|earlier)|(?:the\s+)?year[\s-](?:ago|earlier)")
#: How far back a comparison ("up from $2 a year earlier") looks for the time it compares with.
_REFERENCE_REACH = 1000


def _reference_years(text: str, found: list[tuple[int, int, str, str]],
                     anchor: Anchor) -> list[tuple[int, int, str, str]]:
    """Comparisons a year back take the granularity of the time they compare with.

    "Third-quarter profit rose ... from a year ago" means the third quarter of the year
    before; "net was $2 million on Aug. 12, up from $1.8 million a year earlier" means the
    12th of August a year before. The reference time is the last expression before the
    comparison, at most ``_REFERENCE_REACH`` characters back (`_year_before`); "last year"
    takes a quarter only from its own sentence, since it usually means the whole year.
    "the quarter", "the year-ago period" and "the 1988 period" are resolved against the
    quarter the text names; "that year", "the following month" (``REF:`` placeholders)
    against the last date it names (`_resolve_reference`)."""
    out: list[tuple[int, int, str, str]] = []
    for start, end, ttype, value in found:
        phrase = text[start:end].lower()
        if value.startswith("REF:"):
            out.append((start, end, ttype, _resolve_reference(value, out, anchor)))
            continue
        if re.fullmatch(r"\d{4}", value) and re.fullmatch(r"(?:the\s+)?\d{4}\s+(?:quarter|period)", phrase):
            named = [v for s, e, t, v in out if re.fullmatch(r"\d{4}-Q\d", v)]
            out.append((start, end, ttype, f"{value}-{named[-1][5:]}" if named else value))
            continue
        if re.fullmatch(r"\d{4}-Q\d", value) and re.search(r"\b(?:quarter|period)$", phrase) and \
                not re.search(r"\b(?:first|second|third|fourth|latest|current)\b", phrase):
            # "the quarter", "the year-ago period": the quarter named earlier in the text.
            named = [v for s, e, t, v in out if s < start and re.fullmatch(r"\d{4}-Q\d", v)
                     and re.search(r"\b(?:first|second|third|fourth)\b", text[s:e].lower())]
            if named:
                year = int(named[-1][:4]) - (1 if re.search(r"year[\s-](?:ago|earlier)", phrase) else 0)
                value = f"{year}-{named[-1][5:]}"
            out.append((start, end, ttype, value))
            continue
        if ttype == "DATE" and re.fullmatch(r"\d{4}", value):
            bare = text[start:end].strip()
            if _YEAR_BACK_ANAPHORIC.fullmatch(bare):
                value = _year_before(text, start, out) or value
            elif _YEAR_BACK.fullmatch(bare):
                sent_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
                quarters = [v for s, e, t, v in found if sent_start <= s < start and re.fullmatch(r"\d{4}-Q\d", v)]
                if quarters:
                    value = f"{int(quarters[-1][:4]) - 1}-{quarters[-1][5:]}"
        out.append((start, end, ttype, value))
    return out


_GRAIN = [("day", re.compile(r"(\d{4})-(\d\d)-(\d\d)")), ("month", re.compile(r"(\d{4})-(\d\d)")),
          ("quarter", re.compile(r"(\d{4})-Q(\d)")), ("year", re.compile(r"(\d{4})"))]


def _resolve_reference(value: str, earlier: list[tuple[int, int, str, str]], anchor: Anchor) -> str:
    """ "REF:year:1" ("the following year") against the last date the text named, else the
    publication date: its year, month, day, week or quarter, shifted."""
    _, unit, shift_text = value.split(":")
    shift = int(shift_text)
    ref: dt.date | None = anchor.published
    grain = "day"
    for _, _, ttype, v in reversed(earlier):
        if ttype != "DATE" or v.startswith(("P", "X")) or "_REF" in v:
            continue
        for name, pattern in _GRAIN:
            hit = pattern.match(v)
            if hit:
                parts = [int(x) for x in hit.groups()]
                if name == "quarter":
                    parts = [parts[0], 3 * parts[1] - 2]
                ref = dt.date(*(parts + [1] * (3 - len(parts))))
                grain = name
                break
        else:
            continue
        break
    if ref is None:
        return {"year": "XXXX", "month": "XXXX-XX", "week": "XXXX-WXX", "quarter": "XXXX-QX"}.get(unit, "XXXX-XX-XX")
    order = ["day", "month", "quarter", "year"]
    if unit == "year":
        return str(ref.year + shift)
    if unit == "quarter":
        if order.index(grain) > order.index("quarter"):
            return f"{ref.year}-QX"
        months = ref.year * 12 + ref.month - 1 + 3 * shift
        return f"{months // 12}-Q{(months % 12) // 3 + 1}"
    if unit == "month":
        if order.index(grain) > order.index("month"):
            return f"{ref.year}-XX"
        return _month_of(ref.year, ref.month, shift)
    if grain != "day":
        return f"{ref.year}-{ref.month:02d}-XX" if grain == "month" else f"{ref.year}-XX-XX"
    if unit == "week":
        return _week(ref + dt.timedelta(weeks=shift))
    return (ref + dt.timedelta(days=shift)).isoformat()


def _year_before(text: str, start: int, earlier: list[tuple[int, int, str, str]]) -> str | None:
    """The time a year before the reference time of a comparison at `start`, or None."""
    if not earlier:
        return None
    s, e, ttype, ref = earlier[-1]
    if start - e > _REFERENCE_REACH:
        return None
    if _YEAR_BACK_ANAPHORIC.fullmatch(text[s:e].strip()):
        return ref  # a second comparison with the same time
    if re.fullmatch(r"\d{4}-\d\d-\d\d", ref) and len(earlier) > 1:
        # "the quarter ended Sept. 30": the period, not the day that closes it.
        ps, pe, _, prev = earlier[-2]
        if re.fullmatch(r"\d{4}-Q\d", prev) and not re.search(r"[.;]\s", text[pe:s]):
            ref = prev
    if re.fullmatch(r"\d{4}-Q\d", ref):
        return f"{int(ref[:4]) - 1}{ref[4:]}"
    if re.fullmatch(r"\d{4}-\d\d(?:-\d\d)?", ref) and not re.search(
            r"(?i)\b(?:today|yesterday|tomorrow|tonight|week|month|year)\b", text[s:e]):
        if ref.endswith("-02-29"):
            ref = ref[:-2] + "28"
        return f"{int(ref[:4]) - 1}{ref[4:]}"
    return None


@stage("times", requires=("parse",), assigns=("times",))
class TimesStage(Stage):
    def __call__(self, doc: Document) -> Document:
        sdoc = parse(doc)
        anchor = Anchor(doc.published_date)
        doc.times = [Time.of(doc.text, s, e, type=t, value=v)
                     for s, e, t, v in find(doc.text, anchor, lambda off: tense_at(sdoc, off))]
        return doc

