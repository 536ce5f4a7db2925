"""The temporal grammar, with hand-given tenses (no parser needed) and through the pipeline."""
import datetime as dt

import pytest

from eventwatch.nlp.times import Anchor, find

THU = Anchor(dt.date(2021, 10, 14))  # a Thursday


def values(text, anchor=THU, tense=0):
    return [(text[s:e], t, v) for s, e, t, v in find(text, anchor, lambda _: tense)]


@pytest.mark.parametrize("tense,expected", [(-1, "2021-10-13"), (1, "2021-10-20"), (0, "2021-10-13")])
def test_weekday_follows_tense(tense, expected):
    assert values("They met on Wednesday.", tense=tense) == [("Wednesday", "DATE", expected)]


def test_same_weekday_in_the_past_is_the_publication_day():
    assert values("He spoke on Thursday.", tense=-1)[0][2] == "2021-10-14"


def test_day_range_is_one_interval():
    assert values("drills on October 22nd and 23rd", tense=1) == [
        ("October 22nd and 23rd", "DATE", "2021-10-22/2021-10-23")]


def test_month_alone_takes_the_year_by_tense():
    assert values("in August", tense=-1) == [("August", "DATE", "2021-08")]
    assert values("in February", tense=1) == [("February", "DATE", "2022-02")]


def test_absolute_dates():
    assert values("on 5 March 2020 and 2019-01-02") == [("5 March 2020", "DATE", "2020-03-05"),
                                                      ("2019-01-02", "DATE", "2019-01-02")]
    assert values("in June 2018")[0][1:] == ("DATE", "2018-06")


def test_durations_and_sets():
    assert values("his 20-years involvement") == [("20-years", "DURATION", "P20Y")]
    assert values("the four days")[0] == ("the four days", "DURATION", "P4D")
    assert values("a year and a half")[0][2] == "P1Y6M" and values("2 1/2 years")[0][2] == "P2Y6M"
    assert values("the last twenty-four hours")[0][2] == "PT24H"
    assert values("for weeks")[0][1:] == ("DURATION", "PXW")
    assert values("for three hours")[0][1:] == ("DURATION", "PT3H")
    assert values("meets every week")[0][1:] == ("SET", "P1W")


def test_relative_days_and_periods_across_a_year_end():
    new_year = Anchor(dt.date(2021, 1, 1))
    assert values("yesterday", new_year)[0][2] == "2020-12-31"
    assert values("last month", new_year)[0][2] == "2020-12"
    assert values("next week", new_year)[0][2] == "2021-W01"


def test_leap_day():
    leap = Anchor(dt.date(2024, 2, 29))
    assert values("tomorrow", leap)[0][2] == "2024-03-01"
    assert values("a year ago", leap)[0][2] == "2023"


def test_without_publication_date_relative_values_are_placeholders():
    none = Anchor(None)
    assert values("in August", none)[0][2] == "XXXX-08"
    assert values("on Wednesday", none)[0][2] == "XXXX-WXX-3"


def test_may_the_modal_is_not_a_month():
    assert values("Talks may resume.") == []


def test_in_the_pipeline_tense_comes_from_the_parse(analyze):
    doc = analyze("The president warned on Wednesday that troops will arrive on Friday.", "2021-10-14")
    got = {t.text: t.value for t in doc.times}
    assert got == {"Wednesday": "2021-10-13", "Friday": "2021-10-15"}


def test_on_weekday_follows_tense_too():
    assert values("Protesters marched on Friday.", tense=-1)[0][2] == "2021-10-08"
    assert values("Protesters will march on Friday.", tense=1)[0][2] == "2021-10-15"


def test_spoken_years_centuries_and_quarters():
    assert values("in nineteen ninety-six")[0][1:] == ("DATE", "1996")
    assert values("January nineteen ninety-seven")[0][2] == "1997-01"
    assert values("the 20th century")[0][2] == "19" and values("the 1800s")[0][2] == "18"
    assert values("third-quarter profit", tense=-1)[0][2] == "2021-Q3"
    assert values("the fourth quarter", anchor=Anchor(dt.date(2022, 2, 1)), tense=-1)[0][2] == "2021-Q4"


def test_relative_month_and_year_modifiers():
    # Published 2021-10-14: "last May" is the latest May before, "last November" last year's.
    assert values("last May")[0] == ("last May", "DATE", "2021-05")
    assert values("Last November")[0][2] == "2020-11"
    assert values("next March")[0][2] == "2022-03" and values("next December")[0][2] == "2021-12"
    assert values("June last year")[0][2] == "2020-06"
    assert values("a year earlier")[0][1:] == ("DATE", "2020")
    # "later" counts from a time the text sets: the amount is a duration, "later" its signal.
    assert values("two weeks later")[0] == ("two weeks", "DURATION", "P2W")


def test_narrowing_modifiers_keep_the_value():
    assert values("early Tuesday", tense=-1)[0] == ("early Tuesday", "DATE", "2021-10-12")
    assert values("the end of November", tense=1)[0] == ("the end of November", "DATE", "2021-11")
    assert values("Saturday, April 25", tense=1)[0] == ("Saturday, April 25", "DATE", "2022-04-25")


def test_clock_times_and_weekly_sets():
    assert values("at 10 p.m. Wednesday", tense=-1)[0][1:] == ("TIME", "2021-10-13T22:00")
    assert values("noon")[0][1:] == ("TIME", "2021-10-14T12:00")
    assert values("every Thursday")[0][1:] == ("SET", "XXXX-WXX-4")
    assert values("on Tuesday nights")[0][1:] == ("SET", "XXXX-WXX-2TNI")


def test_fall_the_verb_is_no_season():
    assert values("Prices could fall sharply.") == []
    assert values("in the fall")[0][1:] == ("DATE", "2021-FA")


def test_vague_stretches_and_named_days_near_publication():
    assert values("in recent years")[0][1:] == ("DURATION", "PXY")
    assert values("in the coming weeks")[0][1:] == ("DATE", "FUTURE_REF")
    assert values("for weeks")[0][1:] == ("DURATION", "PXW")
    # Published 2021-10-14: "November 2" is this year's even in a past-tense clause...
    assert values("on November 2", tense=-1)[0][2] == "2021-11-02"
    # ...while a month half a year away still follows the tense.
    assert values("on April 2", tense=-1)[0][2] == "2021-04-02"
    assert values("on April 2", tense=1)[0][2] == "2022-04-02"


def test_ages_are_not_durations():
    assert values("a 6-year-old boy") == []


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from eventwatch.nlp.times import RULES  # noqa: E402

_SNIPPETS = ["nearly two years ago", " the past few weeks", " in the fall of 1998", "last May", " Tuesday nights",
             " at 10 p.m. Wednesday", " fiscal 1989", " the third-quarter", " every July", "x" * 90, " and ",
             " a year and a half", " the 20th century", " recently", " 1990s", " March 30", "\n"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_SNIPPETS), max_size=12))
def test_keyword_windows_find_what_a_full_scan_finds(pieces):
    text = "".join(pieces)
    for rule in RULES:
        assert [m.span() for m in rule.finditer(text)] == [m.span() for m in rule.pattern.finditer(text)], rule.name


def test_year_ago_in_quarterly_reporting_is_the_same_quarter():
    oct89 = Anchor(dt.date(1989, 10, 30))
    got = values("Third-quarter profit rose 5% from a year ago.", oct89, tense=-1)
    assert got == [("Third-quarter", "DATE", "1989-Q3"), ("a year ago", "DATE", "1988-Q3")]
    assert values("Sales fell. A year ago they rose.", oct89)[0][2] == "1988"


def test_reporting_periods():
    oct89 = Anchor(dt.date(1989, 10, 30))  # a Monday in the fourth quarter
    got = values("Net income in the third quarter rose; the year-earlier quarter was weak and "
                 "the quarter's sales grew. The company expects gains for the fiscal year.", oct89, tense=-1)
    assert [(t, v) for t, _, v in got] == [("the third quarter", "1989-Q3"), ("the year-earlier quarter", "1988-Q3"),
                                          ("the quarter", "1989-Q3"), ("the fiscal year", "1989")]
    assert values("Profit fell in the latest quarter.", oct89)[0][2] == "1989-Q3"
    assert values("Crowds gathered over the weekend.", oct89, tense=-1)[0][2] == "1989-W43-WE"
    assert values("a quarter of the vote") == []


# Every family against publication dates on different weekdays, across a year end and a leap day.
NYE = Anchor(dt.date(2020, 12, 31))   # Thursday, the last day of a year
NEWYEAR = Anchor(dt.date(2021, 1, 1))  # Friday, the first day of the next
LEAP = Anchor(dt.date(2024, 2, 29))   # Thursday, a leap day
SUN = Anchor(dt.date(2022, 5, 15))    # Sunday


@pytest.mark.parametrize("anchor,text,tense,expected", [
    # weekdays by tense: past -> the one before, future -> the one after, none -> the nearest
    (NYE, "on Monday", -1, "2020-12-28"), (NYE, "on Monday", 1, "2021-01-04"), (NYE, "on Saturday", 0, "2021-01-02"),
    (NEWYEAR, "on Thursday", -1, "2020-12-31"), (NEWYEAR, "on Friday", -1, "2021-01-01"),
    (NEWYEAR, "last Friday", 0, "2020-12-25"), (NEWYEAR, "next Friday", 0, "2021-01-08"),
    (LEAP, "on Wednesday", -1, "2024-02-28"), (LEAP, "on Friday", 1, "2024-03-01"), (LEAP, "on Sunday", 0, "2024-03-03"),
    (SUN, "on Saturday", 0, "2022-05-14"), (SUN, "on Monday", 1, "2022-05-16"), (SUN, "on Sunday", -1, "2022-05-15"),
    # relative days
    (NYE, "tomorrow", 0, "2021-01-01"), (NEWYEAR, "yesterday", 0, "2020-12-31"),
    (LEAP, "yesterday", 0, "2024-02-28"), (LEAP, "tomorrow", 0, "2024-03-01"),
    # months without a year: nearest when close, by tense when far
    (NYE, "in January", 0, "2021-01"), (NEWYEAR, "in December", 0, "2020-12"),
    (NEWYEAR, "in July", -1, "2020-07"), (NEWYEAR, "in July", 1, "2021-07"),
    (LEAP, "in March", -1, "2024-03"), (LEAP, "in October", -1, "2023-10"), (LEAP, "in October", 1, "2024-10"),
    (NEWYEAR, "last December", 0, "2020-12"), (NEWYEAR, "next January", 0, "2022-01"),
    (NYE, "on Jan. 2", 0, "2021-01-02"), (NEWYEAR, "on Dec. 30", 0, "2020-12-30"),
    (LEAP, "on Feb. 29", 0, "2024-02-29"), (LEAP, "March 1", 0, "2024-03-01"),
    # relative periods, weeks, months and years
    (NYE, "last week", 0, "2020-W52"), (NEWYEAR, "next week", 0, "2021-W01"), (NEWYEAR, "this week", 0, "2020-W53"),
    (NEWYEAR, "last month", 0, "2020-12"), (NYE, "next month", 0, "2021-01"), (NEWYEAR, "last year", 0, "2020"),
    (LEAP, "a year ago", 0, "2023"), (LEAP, "two weeks ago", 0, "2024-W07"), (LEAP, "three days ago", 0, "2024-02-26"),
    (SUN, "this week", 0, "2022-W19"), (SUN, "the weekend", -1, "2022-W19-WE"),
    # years, decades, centuries, quarters, halves, seasons
    (NYE, "in 1998", 0, "1998"), (NYE, "the 1990s", 0, "199"), (NYE, "the nineties", 0, "199"),
    (NYE, "the 19th century", 0, "18"), (NEWYEAR, "the fourth quarter", -1, "2020-Q4"),
    (NYE, "the fourth quarter", -1, "2020-Q4"), (LEAP, "the first half of 2023", 0, "2023-H1"),
    (NEWYEAR, "last winter", 0, "2020-WI"), (LEAP, "in the summer of 2019", 0, "2019-SU"),
    # holidays, by the nearest occurrence or tense
    (NYE, "on Christmas Day", 0, "2020-12-25"), (NEWYEAR, "at Easter", 1, "2021-04-04"),
    (LEAP, "on Thanksgiving", -1, "2023-11-23"), (LEAP, "on Election Day", 1, "2024-11-05"),
    # references
    (NYE, "now", 0, "PRESENT_REF"), (NYE, "recently", 0, "PAST_REF"), (NYE, "in the near future", 0, "FUTURE_REF"),
    # narrowed expressions keep the value of what they narrow
    (NEWYEAR, "early December", 0, "2020-12"), (LEAP, "late last year", 0, "2023"), (NYE, "mid-1990s", 0, "199"),
])
def test_families_across_year_ends_and_leap_days(anchor, text, tense, expected):
    got = values(text, anchor, tense)
    assert got and got[0][2] == expected, got


@pytest.mark.parametrize("text,expected", [
    ("for 20 years", ("DURATION", "P20Y")), ("three hours", ("DURATION", "PT3H")), ("two days", ("DURATION", "P2D")),
    ("a decade", ("DURATION", "P10Y")), ("two to three weeks", ("DURATION", "P2W")),
    ("the next couple of years", ("DURATION", "P2Y")), ("at least 20 more years", ("DURATION", "P20Y")),
    ("every week", ("SET", "P1W")), ("annually", ("SET", "P1Y")), ("each month", ("SET", "P1M")),
    ("every Thursday", ("SET", "XXXX-WXX-4")),
])
def test_durations_and_sets_do_not_depend_on_the_date(text, expected):
    for anchor in (NYE, NEWYEAR, LEAP, SUN, Anchor(None)):
        assert values(text, anchor)[0][1:] == expected


def test_ranges_and_lists_are_one_interval():
    assert values("on October 22nd and 23rd", NYE, -1)[0] == ("October 22nd and 23rd", "DATE", "2020-10-22/2020-10-23")
    assert values("on 22-23 October", NYE, -1)[0] == ("22-23 October", "DATE", "2020-10-22/2020-10-23")


def test_without_publication_every_relative_family_keeps_placeholders():
    none = Anchor(None)
    assert values("last week", none)[0][2] == "XXXX-WXX"
    assert values("last month", none)[0][2] == "XXXX-XX"
    assert values("next year", none)[0][2] == "XXXX"
    assert values("in March", none)[0][2] == "XXXX-03"
    assert values("on Christmas Day", none)[0][2] == "XXXX-12-25"
    assert values("in 1998", none)[0][2] == "1998"  # absolute values need no anchor


def test_reference_times_carry_through_the_text():
    oct89 = Anchor(dt.date(1989, 10, 30))
    text = ("Sales in the quarter ended Sept. 30 rose to $2 billion from $1.8 billion a year earlier. "
            "In 1987 the company was sold; later that year it moved, and the following year it grew.")
    got = [(t, v) for t, _, v in values(text, oct89, -1)]
    assert ("a year earlier", "1988-Q3") in got or ("a year earlier", "1988-09-30") in got
    assert ("later that year", "1987") in got and ("the following year", "1988") in got


def test_names_and_titles_are_not_times():
    assert values('Baker said on ABC\'s "This Week" that talks failed.') == []
    assert values("He said on CBS's 60 Minutes that it was wrong.") == []
    assert values("the March for Life") == []
    assert [t for t, _, _ in values("A second bomb exploded.")] == []


def test_dateparser_style_failures_do_not_leak():
    assert values("on the 23rd") == [] or values("on the 23rd")[0][2] != "2023"
    assert [v for _, _, v in values("his 20-years involvement")] == ["P20Y"]
    assert values("now", NYE)[0][2] == "PRESENT_REF"
