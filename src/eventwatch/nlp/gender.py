"""The grammatical gender a person's name takes in English news, for "he"/"she" to agree with.

Evidence, strongest first: an honorific before a mention ("Mr.", "Mrs.", "Ms."), then the
first name against short lists of common English given names. Unknown stays unknown: a
pronoun may then stand for anyone.
"""
from __future__ import annotations

import re

from ..document import Document, Entity

_MALE_TITLES = re.compile(r"(?:\b(?:Mr|Sir|Lord|King|Prince|Father|Brother)\.?|\bMister)\s+$")
_FEMALE_TITLES = re.compile(r"(?:\b(?:Mrs|Ms|Miss|Madam|Madame|Dame|Lady|Queen|Princess|Sister)\.?)\s+$")

MALE_NAMES = frozenset("""
aaron abdullah adam ahmed alan albert alex alexander ali andrew angelo anthony antonio arnold barack
ben benjamin bernard bernie bill bob bobby boris brad brian bruce carl carlos charles charlie chris
christopher chuck colin craig dan daniel darrell david dennis dick don donald doug douglas ed eddie edward
emmanuel eric evan frank fred gary george gerald gordon greg gregory harry henry howard hugh ian isaac
jack jacob jake james jared jason jeb jeff jeffrey jeremy jerry jim jimmy joe joel john johnny jon jonathan
jorge jose joseph josh joshua juan justin keith ken kenneth kevin larry lee leon
louis luis marco mark martin matt matthew max michael mike mitch mitt mohammed muhammad narendra nick
nicolas olaf oliver omar patrick paul pete peter phil philip rahm ralph rand raul reince rex richard rick
rob robert roger ron ronald rudy russell ryan sam samuel scott sean sergei sergey stephen steve steven
ted terry thomas tim timothy todd tom tony vladimir walter wayne william xi yoshihide yuri zach
""".split())
FEMALE_NAMES = frozenset("""
abigail alexandra alice alicia amanda amy ana andrea angela angelina ann anna anne barbara betsy
betty beyonce carly carol caroline catherine cecile chelsea cheryl christine cindy claire debbie deborah
diana diane donna dorothy elaine elena elise elizabeth ellen emily emma eva hillary heidi helen huma
ivanka jacinda jane janet janice jean jennifer jessica jill joan joni josephine judith judy julia julie
karen kate katherine kathleen kathy kelly kellyanne kim kirsten laura lauren linda lisa liz lori lucy
madeleine margaret maria marie marine marion martha mary megan megyn melania michelle monica nancy
natalie nicola nikki olivia pamela patricia paula rachel rebecca rosie ruth sally samantha sandra sara
sarah sharon sheila stephanie susan suzanne tammy theresa tulsi ursula valerie victoria virginia
wendy
""".split())


def gender(doc: Document, ent: Entity) -> str | None:
    """"m", "f" or None for a PERSON entity."""
    if ent.type != "PERSON":
        return None
    male = female = 0
    for m in ent.mentions:
        before = doc.text[max(0, m.start - 12):m.start]
        male += bool(_MALE_TITLES.search(before))
        female += bool(_FEMALE_TITLES.search(before))
    if male != female:
        return "m" if male > female else "f"
    first = ent.name.split()[0].lower().strip(".") if ent.name.split() else ""
    if first in MALE_NAMES:
        return "m"
    if first in FEMALE_NAMES:
        return "f"
    return None
