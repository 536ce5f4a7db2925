"""Analysed documents for the store tests, built by hand (no NLP pipeline): a handful of
articles with events in several countries, of several types, dates and places, some with
coordinated actors, one without coordinates, one undated, one across the antimeridian."""
from __future__ import annotations

from eventwatch.document import (Actor, Article, Document, Entity, Event, EventDate, Location,
                                 Mention, Place, Quantity, Quote, Region, Span, Speaker, Time)

# (lat, lon, geonameid, country)
TERMEZ = (37.22417, 67.27833, 1215957, "UZB")
PARIS = (48.85341, 2.3488, 2988507, "FRA")
WARSAW = (52.22977, 21.01178, 756135, "POL")
KOBANI = (36.89087, 38.35467, 170017, "SYR")
SUVA = (-18.14161, 178.44149, 2198148, "FJI")


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def span(text: str, needle: str, cls: type = Span, nth: int = 0, **extra):
    start, end = at(text, needle, nth)
    return cls.of(text, start, end, **extra)


def actor(text: str, needle: str, name: str, country: str | None, sector: str | None,
          entity: str | None = None, nth: int = 0) -> Actor:
    return span(text, needle, Actor, nth, entity=entity, name=name, country=country, sector=sector)


def whole(text: str) -> Region:
    return Region(0, len(text))


def sentence(text: str, needle: str) -> Region:
    start = text.index(needle)
    begin = text.rfind(". ", 0, start)
    begin = 0 if begin < 0 else begin + 2
    end = text.find(".", start)
    return Region(begin, len(text) if end < 0 else end + 1)


def place(text: str, needle: str, coords: tuple, kind: str = "city", name: str | None = None) -> Place:
    lat, lon, gid, country = coords
    return span(text, needle, Place, name=name or needle, geonameid=gid, lat=lat, lon=lon,
                country=country, kind=kind, score=0.9)


def location(name: str, coords: tuple) -> Location:
    lat, lon, gid, country = coords
    return Location(name=name, lat=lat, lon=lon, country=country, geonameid=gid)


def drill() -> Document:
    """Coordinated sources (RUS, UZB, TJK), a quote, a place and a date."""
    text = ("Russia, Uzbekistan and Tajikistan held a joint military drill near Termez on "
            "October 22, with 2,500 troops. Vladimir Putin said the exercise was defensive.")
    doc = Document(text=text, id="drill", title="Joint drill near Termez",
                   url="https://news.example/drill", source="example-wire", published="2021-10-14")
    doc.entities = [
        Entity("e1", "Russia", "GPE", [span(text, "Russia", Mention)], actor=_code("RUS", "GOV")),
        Entity("e2", "Uzbekistan", "GPE", [span(text, "Uzbekistan", Mention)], actor=_code("UZB", "GOV")),
        Entity("e3", "Tajikistan", "GPE", [span(text, "Tajikistan", Mention)], actor=_code("TJK", "GOV")),
        Entity("e4", "Vladimir Putin", "PERSON", [span(text, "Vladimir Putin", Mention)],
               kb_id="Q7747", actor=_code("RUS", "GOV")),
    ]
    doc.places = [place(text, "Termez", TERMEZ)]
    doc.times = [span(text, "October 22", Time, type="DATE", value="2021-10-22")]
    doc.quotes = [span(text, "the exercise was defensive", Quote, kind="indirect",
                       cue=span(text, "said"),
                       speaker=span(text, "Vladimir Putin", Speaker, entity="e4", name="Vladimir Putin"))]
    sources = [actor(text, "Russia", "Russia", "RUS", "GOV", "e1"),
               actor(text, "Uzbekistan", "Uzbekistan", "UZB", "GOV", "e2"),
               actor(text, "Tajikistan", "Tajikistan", "TJK", "GOV", "e3")]
    doc.events = [Event(
        id="ev1", type="MOBILIZE", mode="military", trigger=span(text, "drill"),
        sentence=sentence(text, "drill"), source=sources[0], sources=sources,
        date=EventDate("2021-10-22", "text"), location=location("Termez", TERMEZ),
        quantities=[span(text, "2,500", Quantity, value=2500, unit="troops")], cameo="15",
        confidence=0.91)]
    doc.sentences = [sentence(text, "drill"), sentence(text, "Putin")]
    return doc


def protest() -> Document:
    """Two French events; the second has no coordinates, a date from publication, a target."""
    text = ("Protesters rallied in Paris against fuel prices on Saturday. "
            "The French government rejected their demands.")
    doc = Document(text=text, id="protest", title="Fuel protest in Paris",
                   url="https://news.example/paris", source="example-daily", published="2021-10-20")
    doc.entities = [
        Entity("e1", "Protesters", "MISC", [span(text, "Protesters", Mention, kind="nominal")],
               actor=_code("FRA", "CVL")),
        Entity("e2", "French government", "ORG", [span(text, "French government", Mention)],
               actor=_code("FRA", "GOV")),
    ]
    doc.places = [place(text, "Paris", PARIS)]
    doc.times = [span(text, "Saturday", Time, type="DATE", value="2021-10-16")]
    doc.events = [
        Event(id="ev1", type="PROTEST", mode="demonstrate", trigger=span(text, "rallied"),
              sentence=sentence(text, "rallied"),
              source=actor(text, "Protesters", "Protesters", "FRA", "CVL", "e1"),
              date=EventDate("2021-10-16"), location=location("Paris", PARIS), cameo="14",
              confidence=0.8),
        Event(id="ev2", type="REJECT", trigger=span(text, "rejected"),
              sentence=sentence(text, "rejected"),
              source=actor(text, "The French government", "French government", "FRA", "GOV", "e2"),
              target=actor(text, "their", "Protesters", "FRA", "CVL", "e1"),
              date=EventDate("2021-10-20", "published"), cameo="12", confidence=0.6),
    ]
    return doc


def sanctions() -> Document:
    """A US sanction on Belarus (occurred) and planned aid to Poland in December."""
    text = ("The United States imposed sanctions on Belarus over the migrant crisis. "
            "Washington will send aid to Poland in December.")
    doc = Document(text=text, id="sanctions", title="US sanctions Belarus",
                   url="https://news.example/belarus", source="example-wire", published="2021-11-03")
    doc.entities = [
        Entity("e1", "United States", "GPE",
               [span(text, "United States", Mention), span(text, "Washington", Mention)],
               actor=_code("USA", "GOV")),
        Entity("e2", "Belarus", "GPE", [span(text, "Belarus", Mention)], actor=_code("BLR", "GOV")),
        Entity("e3", "Poland", "GPE", [span(text, "Poland", Mention)], actor=_code("POL", "GOV")),
    ]
    doc.places = [place(text, "Belarus", (53.9, 27.56667, 630336, "BLR"), kind="country"),
                  Place.of(text, *at(text, "Washington"), name="Washington", geonameid=4140963,
                           lat=38.89511, lon=-77.03637, country="USA", kind="city", metonymic=True),
                  place(text, "Poland", (52.0, 20.0, 798544, "POL"), kind="country")]
    doc.times = [span(text, "December", Time, type="DATE", value="2021-12")]
    doc.events = [
        Event(id="ev1", type="SANCTION", trigger=span(text, "imposed sanctions"),
              sentence=sentence(text, "imposed"),
              source=actor(text, "The United States", "United States", "USA", "GOV", "e1"),
              target=actor(text, "Belarus", "Belarus", "BLR", "GOV", "e2"),
              date=EventDate("2021-11-03", "published"), cameo="16", confidence=0.88),
        Event(id="ev2", type="AID", status="planned", trigger=span(text, "send aid"),
              sentence=sentence(text, "send aid"),
              source=actor(text, "Washington", "United States", "USA", "GOV", "e1"),
              target=actor(text, "Poland", "Poland", "POL", "GOV", "e3"),
              date=EventDate("2021-12"), location=location("Warsaw", WARSAW), cameo="07",
              confidence=0.7),
    ]
    return doc


def shelling() -> Document:
    """A claimed assault with no date and no publication date."""
    text = "Turkish troops shelled positions near Kobani, Kurdish officials said."
    doc = Document(text=text, id="shelling", title=None, url="https://news.example/kobani",
                   source="example-daily", published=None)
    doc.entities = [Entity("e1", "Turkish troops", "NORP", [span(text, "Turkish troops", Mention)],
                           actor=_code("TUR", "MIL"))]
    doc.places = [place(text, "Kobani", KOBANI)]
    doc.quotes = [Quote.of(text, 0, text.index(","), kind="indirect", cue=span(text, "said"),
                           speaker=span(text, "Kurdish officials", Speaker, name="Kurdish officials"))]
    doc.events = [Event(id="ev1", type="ASSAULT", status="claimed", trigger=span(text, "shelled"),
                        sentence=whole(text),
                        source=actor(text, "Turkish troops", "Turkish troops", "TUR", "MIL", "e1"),
                        location=location("Kobani", KOBANI), cameo="19", confidence=0.75)]
    return doc


def fisheries() -> Document:
    """Near the antimeridian (Suva, 178.4 E), with coordinated targets."""
    text = "Fiji agreed with Tonga and Samoa to cooperate on fisheries, officials in Suva said on 2021-10-05."
    doc = Document(text=text, id="fisheries", title="Pacific fisheries deal",
                   url="https://news.example/suva", source="pacific-news", published="2021-10-06")
    doc.entities = [Entity("e1", "Fiji", "GPE", [span(text, "Fiji", Mention)], actor=_code("FJI", "GOV")),
                    Entity("e2", "Tonga", "GPE", [span(text, "Tonga", Mention)], actor=_code("TON", "GOV")),
                    Entity("e3", "Samoa", "GPE", [span(text, "Samoa", Mention)], actor=_code("WSM", "GOV"))]
    doc.places = [place(text, "Suva", SUVA)]
    doc.times = [span(text, "2021-10-05", Time, type="DATE", value="2021-10-05")]
    targets = [actor(text, "Tonga", "Tonga", "TON", "GOV", "e2"),
               actor(text, "Samoa", "Samoa", "WSM", "GOV", "e3")]
    doc.events = [Event(id="ev1", type="AGREE", trigger=span(text, "agreed"), sentence=whole(text),
                        source=actor(text, "Fiji", "Fiji", "FJI", "GOV", "e1"), target=targets[0],
                        targets=targets, date=EventDate("2021-10-05"),
                        location=location("Suva", SUVA), cameo="05", context=["economic"],
                        confidence=0.66)]
    return doc


def skipped_article() -> tuple[Article, str]:
    return (Article(text="Le gouvernement a annoncé de nouvelles mesures.", id="fr1",
                    published="2021-10-15T08:00:00Z", title="Mesures", url="https://news.example/fr",
                    source="example-fr"), "not English")


def all_docs() -> list[Document]:
    return [drill(), protest(), sanctions(), shelling(), fisheries()]


def many_events(n: int, tag: str = "bulk") -> Document:
    """One article with `n` events, to exercise bulk inserts and streamed reads."""
    text = f"{tag}: " + " ".join(f"Russia attacked village {i}." for i in range(n))
    doc = Document(text=text, id=tag, title=tag, url=f"https://news.example/{tag}",
                   published="2022-01-01")
    pos = 0
    for i in range(n):
        start = text.index("attacked", pos)
        pos = start + 1
        doc.events.append(Event(
            id=f"ev{i + 1}", type="ASSAULT", trigger=Span.of(text, start, start + 8),
            sentence=Region(start - 7, start + 20),
            source=Actor.of(text, start - 7, start - 1, name="Russia", country="RUS", sector="MIL"),
            date=EventDate("2022-01-01", "published"), cameo="19",
            location=Location("Somewhere", 50.0 + i * 1e-4, 30.0, "UKR", None)))
    return doc


def _code(country: str, sector: str):
    from eventwatch.document import ActorCode

    return ActorCode(country, sector)
