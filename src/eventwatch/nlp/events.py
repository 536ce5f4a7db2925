"""The events stage: PLOVER events with actors, status, date, location and quantities.

Triggers come from the PLOVER trigger lexicon (kb/data/triggers.yaml): verbs ("attacked"),
verb phrases ("held talks") and nouns ("the airstrike", "military drills"). Arguments come
from the dependency parse: the subject (or a passive's "by" agent) is the source, the object
(or a passive's subject, or the object of "against", "on", "with", "to") the target, with
coordinated actors kept together. A noun trigger takes the arguments of the verb it is the
object of ("Russia held a drill") or of its possessor and modifiers ("Russian airstrikes").

Status follows SCHEMA's precedence: negated, hypothetical, planned, claimed, occurred.
A definite noun trigger ("the military exercise") that repeats an earlier event of the same
type refers back to it: its quantities join that event instead of making a new one.
"""
from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Token

from ..document import Actor, ActorCode, Document, Event, EventDate, Location, Quantity, Region
from ..kb import agents, countries, lexicon
from ..pipeline import Stage, stage
from . import event_scoring
from .actors import code_tokens
from .quotes import SPEECH_VERBS
from .refer import entity_at, referent
from .spans import conjuncts, phrase
from .text import parse

TARGET_PREPS = ("against", "on", "with", "to", "toward", "towards", "at", "into", "from")
LIGHT_VERBS = frozenset("hold conduct carry launch stage mount begin start participate take join "
                        "organize organise host have".split())
ACTOR_TYPES = ("PERSON", "ORG", "GPE", "NORP")
PHRASE_DEPS = frozenset("dobj prt prep acomp oprd attr xcomp dative nsubjpass advmod".split())
HYPOTHETICAL_AUX = frozenset("could might may would should must can".split())
PLAN_VERBS = frozenset("plan intend set schedule prepare expect aim seek decide agree propose "
                       "threaten vow pledge promise".split())
CLAIM_ADVERBS = frozenset("reportedly allegedly purportedly apparently".split())
NEGATORS = frozenset("not never n't no".split())
_JOINT = frozenset("joint combined multinational bilateral trilateral multilateral".split())


def _clause_verb(tok: Token) -> Token:
    """The verb whose clause a token belongs to."""
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i:
        tok = tok.head
    return tok


def status_of(trigger: Token, quoted: list[tuple[int, int]]) -> str:
    """occurred, planned, claimed, negated or hypothetical, by SCHEMA's precedence."""
    verb = _clause_verb(trigger)
    chain = [trigger, verb]
    if verb.dep_ in ("xcomp", "ccomp") or verb.dep_ == "advcl":
        chain.append(verb.head)
    children = [c for t in chain for c in t.children]
    lemmas = {c.lower_ for c in children}
    if lemmas & NEGATORS or any(c.dep_ == "neg" for c in children) or \
            any(t.lemma_ in ("deny", "reject") and t.i != trigger.i for t in chain[1:]):
        return "negated"
    reported = any(t.dep_ == "ccomp" and t.head.lemma_ in SPEECH_VERBS for t in chain)
    if "would" in lemmas and reported:
        lemmas = (lemmas - {"would"}) | {"will"}  # future in the past: "said it would send aid"
    if lemmas & HYPOTHETICAL_AUX or any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in children):
        return "hypothetical"
    if "will" in lemmas or "shall" in lemmas or "'ll" in lemmas or \
            any(t.lemma_ in PLAN_VERBS and t.i != trigger.i for t in chain[1:]):
        return "planned"
    in_quote = any(qs <= trigger.idx < qe for qs, qe in quoted)
    if in_quote or reported or lemmas & CLAIM_ADVERBS:
        return "claimed"
    return "occurred"


@stage("events", requires=("parse", "entities", "actors", "places", "times", "quotes"), assigns=("events",))
class EventsStage(Stage):
    def __init__(self, config) -> None:
        super().__init__(config)
        self.lexicon = lexicon.load()
        self.kb = countries.load()

    def __call__(self, doc: Document) -> Document:
        sdoc = parse(doc)
        quoted = [(q.start, q.end) for q in doc.quotes if q.kind in ("direct", "mixed")]
        doc.work["home"] = home_country(doc)
        events: list[Event] = []
        cands: list[dict] = []  # what each kept event's confidence is computed from
        for n_sent, sent in enumerate(sdoc.sents):
            used: set[int] = set()
            found_here = []
            for tok in sent:
                if tok.i in used:
                    continue
                found = self._trigger(tok)
                if found is None:
                    continue
                used.update(range(tok.i, found[1].i + 1))
                found_here.append((tok, *found))
            # A weak trigger yields to a reliable one of another type that it governs or is
            # governed by ("warned of airstrikes").
            strong = [(t, trig.type) for t, trig, _ in found_here if not trig.weak]
            about = {t.i for t, trig, _ in found_here if trig.type in _ABOUT_TYPES and t.pos_ == "VERB"}
            heads: dict[int, str] = {}  # trigger token -> event type, in this sentence
            for tok, trig, end_tok in found_here:
                if trig.weak and any(other != trig.type and (_complement(t, tok) or _complement(tok, t))
                                     for t, other in strong):
                    continue
                if tok.pos_ == "NOUN" and trig.type not in _ABOUT_TYPES and _governed_by(tok, about):
                    continue  # the content of a request, agreement, rejection or threat
                made = self._event(doc, sdoc, tok, end_tok, trig, quoted, len(events) + 1)
                if made is None:
                    continue
                event, supported, own_country = made
                if self._refers_back(tok, event, trig, events) or not supported:
                    continue
                if tok.pos_ == "NOUN" and any(
                        t.i in heads and heads[t.i] == event.type for t in tok.ancestors):
                    continue  # "sent ... in aid", "held talks": already coded by the verb
                heads[tok.i] = event.type
                events.append(event)
                cands.append(_candidate(event, tok, trig, n_sent, quoted, own_country))
        doc.events = self._scored(events, cands, n_sent + 1 if cands else 1, doc)
        return doc

    @staticmethod
    def _scored(events: list[Event], cands: list[dict], n_sents: int, doc: Document) -> list[Event]:
        """Each event's confidence from the learned model (`event_scoring`); those below the
        model's threshold are dropped. Without a model the lexicon's confidences stay."""
        counts = Counter(c["type"] for c in cands)
        feats = [event_scoring.features(c, counts, n_sents) for c in cands]
        doc.work["event_features"] = list(zip(feats, (e.type for e in events)))
        learned = event_scoring.model()
        if learned is None:
            return events
        kept = []
        for event, f in zip(events, feats):
            event.confidence = round(event_scoring.score(f, learned["weights"]), 3)
            if event.confidence >= learned["threshold"]:
                kept.append(event)
        for n, event in enumerate(kept, 1):
            event.id = f"ev{n}"
        return kept

    # -- triggers ---------------------------------------------------------------------------

    def _trigger(self, tok: Token):
        """The trigger at a token, and its last token: the longest matching phrase, else the
        most reliable single word whose requirements the sentence meets ("released the
        prisoners" is RETREAT, "released a report" is not)."""
        lemma = tok.lemma_.lower()
        if tok.pos_ == "VERB":
            for ph in self.lexicon.phrases_for(lemma):
                end = self._match_phrase(tok, ph.lemmas[1:])
                if end is not None and _meets(tok, ph):
                    return ph, end
            hits = self.lexicon.verb(lemma)
        elif tok.pos_ == "NOUN":
            hits = self.lexicon.noun(lemma)
        else:
            return None
        hits = [t for t in hits if _meets(tok, t)]
        if not hits:
            return None
        return max(hits, key=lambda t: t.weight), tok

    @staticmethod
    def _match_phrase(tok: Token, rest: tuple[str, ...]) -> Token | None:
        """The last token of a phrase trigger starting at ``tok``: the other words must be its
        object, particle, complement or preposition (and that preposition's object)."""
        if not rest:
            return tok
        pool = []
        for child in tok.children:
            if child.dep_ in PHRASE_DEPS:
                pool.append(child)
                if child.dep_ == "prep":
                    pool.extend(c for c in child.children if c.dep_ == "pobj")
        last = None
        for lemma in rest:
            hit = next((c for c in pool if c.lemma_.lower() == lemma and c.pos_ != "PROPN"), None)
            if hit is None:
                return None
            last = hit
        return last

    # -- one event -----------------------------------------------------------------------------

    def _event(self, doc: Document, sdoc, tok: Token, end_tok: Token, trig, quoted, n: int
               ) -> tuple[Event, bool, bool] | None:
        """The event of a trigger, whether it stands on its own (see `weak`), and whether one
        of its actors has a country of its own."""
        sources, targets = self._arguments(doc, tok)
        if trig.has("swap_roles"):
            sources, targets = targets, sources  # "X hosted Y": Y is the one who came
        # A weak trigger is ambiguous in ordinary prose: it counts only with a political actor
        # (a country or a sector of its own) as argument, or as a reference back.
        supported = not trig.weak or any(a.country or a.sector in _STATE_SECTORS for a in sources + targets)
        own_country = any(a.country for a in sources + targets)
        if tok.pos_ == "NOUN" and not (sources or targets) and tok.dep_ in _BACKGROUND_DEPS:
            supported = False  # "after the war in Ukraine": a background mention
        for actor in sources + targets:
            # An actor with no country of its own ("the police", "authorities", "he") is
            # taken to be of the article's home country.
            if actor.country is None:
                actor.country = doc.work.get("home")
        etype, mode = trig.type, trig.mode
        if "joint_only" in trig.flags or "single_only" in trig.flags:
            joint = len(sources) > 1 or any(c.lower_ in _JOINT for t in {tok, end_tok} for c in t.children) or \
                any((s.country or "") in ("IGO", "UNO", "EUR") for s in sources)
            wanted = "joint_only" if joint else "single_only"
            if wanted not in trig.flags:
                lemma = tok.lemma_.lower()
                same = [p for p in self.lexicon.phrases_for(lemma) if p.lemmas == getattr(trig, "lemmas", None)]
                alt = [t for t in same + self.lexicon.noun(lemma) + self.lexicon.verb(lemma) if wanted in t.flags]
                if not alt:
                    return None
                etype, mode = alt[0].type, alt[0].mode
        sent = tok.sent
        first, last = (tok, end_tok) if end_tok.i >= tok.i else (end_tok, tok)
        trigger = doc.span(first.idx, last.idx + len(last.text))
        event = Event(
            id=f"ev{n}", type=etype, mode=mode, trigger=trigger,
            sentence=Region(sent.start_char, sent.end_char),
            status=status_of(tok, quoted),
            sources=sources, targets=targets,
            source=sources[0] if sources else None, target=targets[0] if targets else None,
            cameo=self.lexicon.cameo_root(etype, mode),
        )
        event.date = self._date(doc, sent, tok)
        event.location = self._location(doc, sent, tok, sources + targets)
        event.quantities = self._quantities(doc, tok, sent)
        event.confidence = round(min(1.0, trig.weight * (0.5 + 0.25 * bool(sources) + 0.25 * bool(targets))), 3)
        return event, supported, own_country

    def _refers_back(self, tok: Token, event: Event, trig, events: list[Event]) -> bool:
        """A definite noun trigger repeating an earlier event joins that event ("held a drill
        ... the exercise"); exercises count as one family whether joint or not."""
        if tok.pos_ != "NOUN" or not any(c.lower_ in ("the", "this", "that") for c in tok.children):
            return False
        family = {event.type}
        if trig.flags & {"joint_only", "single_only"}:
            family |= {"COOPERATE", "MOBILIZE"}
        earlier = [e for e in events if e.type in family]
        if not earlier:
            return False
        target = earlier[-1]
        known = {q.value for q in target.quantities}
        target.quantities.extend(q for q in event.quantities if q.value not in known)
        return True

    # -- arguments -----------------------------------------------------------------------------

    def _arguments(self, doc: Document, tok: Token) -> tuple[list[Actor], list[Actor]]:
        subj = obj = None
        verb = tok
        if tok.pos_ == "NOUN":
            if tok.dep_ in ("dobj", "pobj", "nsubjpass") and tok.head.lemma_ in LIGHT_VERBS | {"in"}:
                verb = tok.head.head if tok.head.lemma_ == "in" else tok.head
            else:
                verb = None
                for c in tok.children:
                    if c.dep_ in ("poss", "amod", "compound") and self._actor(doc, c) is not None:
                        subj = c
                        break
        if verb is not None:
            for c in verb.children:
                if c.dep_ in ("nsubj",) and subj is None:
                    subj = c
                elif c.dep_ == "agent":
                    subj = next((p for p in c.children if p.dep_ == "pobj"), subj)
                elif c.dep_ == "nsubjpass" and tok.pos_ == "VERB":
                    obj = c
                elif c.dep_ == "dobj" and obj is None and c.i != tok.i:
                    obj = c
            if subj is None and verb.dep_ in ("xcomp", "advcl", "conj"):
                subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        if obj is None:
            for c in (tok.children if tok.pos_ == "NOUN" else (verb or tok).children):
                if c.dep_ == "prep" and c.lower_ in TARGET_PREPS:
                    obj = next((p for p in c.children if p.dep_ == "pobj"), None)
                    if obj is not None:
                        break
        sources = [a for t in (conjuncts(subj) if subj is not None else []) if (a := self._actor(doc, t))]
        targets = [a for t in (conjuncts(obj) if obj is not None else []) if (a := self._actor(doc, t))]
        return sources, targets

    def _actor(self, doc: Document, tok: Token) -> Actor | None:
        """The actor a token stands for: its entity's code, else the words of its phrase."""
        if tok.lower_ in _FIRST_PERSON and (speaker := _speaker_at(doc, tok.idx)) is not None:
            # "we will respond", inside a quotation: the speaker's side
            found = next(((e, None) for e in doc.entities if e.id == speaker.entity), None)
        else:
            found = referent(doc, tok)
        start, end = phrase(tok)
        if found is None and tok.pos_ == "NOUN":
            # "the United States' presence", "M23 fighters": a named possessor or modifier is
            # the actor behind the noun.
            found = next((f for c in tok.children if c.dep_ in ("poss", "compound")
                          if (f := entity_at(doc, c.idx, c.idx + len(c.text))) is not None
                          and f[0].actor is not None), None)
        if found is not None and found[0].actor is not None:
            ent = found[0]
            return Actor.of(doc.text, start, end, entity=ent.id, name=ent.name,
                            country=ent.actor.country, sector=ent.actor.sector)
        span_toks = [t for t in tok.subtree if start <= t.idx < end]
        code = code_tokens(span_toks, self.kb)
        if (code is None or code.sector is None) and (sector := agents.sector(tok.lemma_.lower())):
            # "Police, who had arrested two men, ...": the head noun alone names the agent
            code = ActorCode(code.country if code else None, sector)
        if code is None:
            if found is None or found[0].type not in ACTOR_TYPES:
                return None
            code = ActorCode(None, None)  # a named actor the knowledge base cannot code yet
        return Actor.of(doc.text, start, end, entity=found[0].id if found else None,
                        name=found[0].name if found else doc.text[start:end],
                        country=code.country, sector=code.sector)

    # -- date, place, quantities ------------------------------------------------------------------

    def _date(self, doc: Document, sent, tok: Token) -> EventDate | None:
        in_sent = [t for t in doc.times if sent.start_char <= t.start < sent.end_char and t.type in ("DATE", "TIME")
                   and re.match(r"\d{4}", t.value)]
        if in_sent:
            # The expression that governs the trigger's clause wins ("Putin, who met Xi on
            # Monday, said on Tuesday ..."); else the nearest one in the sentence.
            clause = _clause_verb(tok)
            best = min(in_sent, key=lambda t: (not self._governs(sent.doc, t, tok, clause), abs(t.start - tok.idx)))
            return EventDate(best.value, "text")
        if doc.published:
            return EventDate(doc.published[:10], "published")
        return None

    @staticmethod
    def _governs(sdoc, time, trigger: Token, clause: Token) -> bool:
        """Whether a time expression attaches to the trigger or the verb of its clause."""
        span = sdoc.char_span(time.start, time.end, alignment_mode="expand")
        if span is None:
            return False
        head = span.root
        for _ in range(4):
            head = head.head
            if head.i in (trigger.i, clause.i):
                return True
            if head.pos_ in ("VERB", "AUX") or head.head.i == head.i:
                return False
        return False

    def _location(self, doc: Document, sent, tok: Token, actors: list[Actor]) -> Location | None:
        taken = [(a.start, a.end) for a in actors]
        # A demonym ("Rwandan minister") says whose, not where: it is no event location.
        candidates = [p for p in doc.places if sent.start_char <= p.start < sent.end_char and not p.metonymic
                      and p.lat is not None and not any(s <= p.start < e for s, e in taken)
                      and not self.kb.demonym(p.text)]
        if not candidates:
            focus = doc.work.get("focus")
            if focus is None:
                return None
            return Location(focus.name, focus.lat, focus.lon, focus.country, focus.geonameid, from_="focus")

        def preference(p):
            prep = doc.text[max(sent.start_char, p.start - 8):p.start].lower()
            return (0 if re.search(r"\b(in|at|inside)\s+$", prep) else 1 if re.search(r"\b(near|into|from)\s+$", prep) else 2,
                    abs(p.start - tok.idx))

        best = min(candidates, key=preference)
        return Location(best.name, best.lat, best.lon, best.country, best.geonameid)

    def _quantities(self, doc: Document, tok: Token, sent) -> list[Quantity]:
        out = []
        scope = set(t.i for t in tok.subtree)
        verb = _clause_verb(tok)
        scope.update(t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj") for t in c.subtree)
        for t in sent:
            if t.like_num and t.dep_ in ("nummod", "quantmod", "nsubj", "dobj") and (t.i in scope or t.head.i in scope):
                unit_tok = t.head if t.dep_ in ("nummod", "quantmod") else None
                value = _number(t.text)
                if value is None:
                    continue
                out.append(Quantity.of(doc.text, t.idx, t.idx + len(t.text), value=value,
                                       unit=unit_tok.text.lower() if unit_tok is not None else None))
        return out


import os
#: Sectors that make an actor political without a country of its own ("police", "rebels").
_STATE_SECTORS = frozenset("GOV MIL COP SPY REB JUD LEG".split())
#: Where an argument-less noun trigger is only a background mention ("in the war", "war crimes").
_BACKGROUND_DEPS = frozenset("pobj compound poss npadvmod conj appos amod".split())
#: Types whose object is what they are about, not an event of its own ("called for a ceasefire",
#: "agreed to talks", "rejected sanctions").
_ABOUT_TYPES = frozenset("REQUEST AGREE REJECT THREATEN CONSULT".split())
_FIRST_PERSON = frozenset({"i", "we", "me", "us"})


def _speaker_at(doc: Document, offset: int):
    """The speaker of the direct quotation around ``offset``, if it is an entity."""
    for q in doc.quotes:
        if q.kind != "indirect" and q.speaker is not None and q.speaker.entity is not None and \
                any(s <= offset < e for s, e in (q.spans or [[q.start, q.end]])):
            return q.speaker
    return None


def home_country(doc: Document) -> str | None:
    """The country an article is about: the one its resolved places and its actors name most
    (places count for their country, actors for theirs), when it has a clear lead."""
    votes: Counter[str] = Counter()
    for p in doc.places:
        if p.country and p.lat is not None:
            votes[p.country] += 1
    for ent in doc.entities:
        if ent.actor is not None and ent.actor.country and len(ent.actor.country) == 3 and \
                ent.actor.country not in ("IGO", "UNO", "EUR", "NGO", "IMG", "ISM", "MNC"):
            votes[ent.actor.country] += len([m for m in ent.mentions if m.kind == "name"])
    if _lower_cased(doc):
        votes.update(_lower_case_places(doc))
    if not votes:
        return None
    (best, n), *rest = votes.most_common(2) + [(None, 0)]
    return best if n > rest[0][1] else None


def _candidate(event: Event, tok: Token, trig, n_sent: int, quoted, own_country: bool) -> dict:
    """What the scoring model reads of a candidate event (`event_scoring.features`)."""
    return {
        "type": event.type, "lemma": trig.lemma, "pos": tok.pos_, "dep": tok.dep_,
        "weak": trig.weak, "weight": trig.weight, "status": event.status,
        "has_source": bool(event.sources), "has_target": bool(event.targets),
        "own_country": own_country, "sent_index": n_sent,
        "in_quote": any(qs <= tok.idx < qe for qs, qe in quoted),
    }


def _complement(tok: Token, head: Token) -> bool:
    """Whether ``tok`` lies in what ``head`` is about: below it, not through a subject or a
    relative clause ("warned of airstrikes", not "police, who had arrested two men, raided")."""
    node = tok
    while node.i != head.i:
        if node.dep_ in ("nsubj", "nsubjpass", "relcl", "acl") or node.head.i == node.i:
            return False
        node = node.head
    return True


def _governed_by(tok: Token, heads: set[int]) -> bool:
    """Whether a noun is the object of one of ``heads``, directly or through a preposition or
    an infinitive ("called for a ceasefire", "agreed to hold talks")."""
    node = tok
    for _ in range(3):
        if node.dep_ not in ("dobj", "pobj", "prep", "xcomp", "nsubjpass") or node.head.i == node.i:
            return False
        node = node.head
        if node.i in heads:
            return True
    return False


#: Words that name first-level divisions somewhere but are ordinary words in a lower-cased text.
_GENERIC_DIVISIONS = frozenset("""central western eastern northern southern north south east west capital
centre center coast coastal upper lower national federal border islands lakes river valley
highlands plateau mountain mountains delta interior metropolitan""".split())


def _lower_cased(doc: Document) -> bool:
    """Whether a text comes without capitals (as some archives release it): the NER then
    finds few names, and places must be looked for word by word."""
    words = re.findall(r"[A-Za-z]{3,}", doc.text[:5000])
    return len(words) >= 20 and sum(w[0].isupper() for w in words) < 0.02 * len(words)


def _lower_case_places(doc: Document) -> Counter[str]:
    """Country votes from a lower-cased text: proper nouns that are a country, a demonym, a
    first-level division or a city of a million people ("gujarat", "ahmedabad")."""
    from ..kb import gazetteer

    kb, gaz = countries.load(), gazetteer.load()
    by_iso2 = {c.iso2: c.iso3 for c in kb.countries()}
    votes: Counter[str] = Counter()
    for tok in parse(doc):
        if tok.pos_ not in ("PROPN", "NOUN", "ADJ") or not tok.is_alpha or len(tok) < 4 or tok.is_stop \
                or tok.lower_ in _GENERIC_DIVISIONS:
            continue
        word = tok.text.title()
        iso3 = kb.demonym(word)  # "indian", "pakistani"
        if iso3 is None and tok.pos_ != "ADJ":
            iso3 = next((e.country for e in kb.lookup(word) if e.kind == "country"), None)
            top = next(iter(gaz.lookup(word)), None) if iso3 is None else None
            if top is not None and (top.kind == "admin1" or top.population >= 1_000_000):
                iso3 = by_iso2.get(top.cc)
        if iso3:
            votes[iso3] += 1
    return votes


def _objects(tok: Token) -> set[str]:
    """Lemmas of a verb's objects, direct or prepositional, with their conjuncts."""
    out = set()
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "dative"):
            out.update(t.lemma_.lower() for t in conjuncts(c))
            # "took part in talks" parsed with the preposition under "part"
            out.update(g.lemma_.lower() for p in c.children if p.dep_ == "prep"
                       for g in p.children if g.dep_ == "pobj")
        elif c.dep_ == "prep" or c.dep_ == "prt":
            for g in c.children:
                if g.dep_ in ("pobj", "dobj"):
                    out.update(t.lemma_.lower() for t in conjuncts(g))
    return out


def _modifiers(tok: Token) -> set[str]:
    """Lemmas of a noun's modifiers and complements ("joint military exercise", "exercise
    of the navy")."""
    out = set()
    for c in tok.children:
        if c.dep_ in ("amod", "compound", "nmod", "poss"):
            out.add(c.lemma_.lower())
        elif c.dep_ == "prep":
            out.update(g.lemma_.lower() for g in c.children if g.dep_ == "pobj")
    return out


def _meets(tok: Token, trig) -> bool:
    """Whether a token meets a trigger's requirements on its object or modifier."""
    if trig.requires_object and not (_objects(tok) & trig.requires_object):
        return False
    if trig.requires_modifier and not (_modifiers(tok) & trig.requires_modifier):
        return False
    return True


def _number(text: str) -> int | float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return int(value) if value.is_integer() else value
