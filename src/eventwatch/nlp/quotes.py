"""The quotes stage: who said what, in direct quotations and reported speech.

Direct quotes are text between paired quotation marks (straight, curly or guillemets) of at
least `MIN_QUOTE_WORDS` words, so scare quotes ('tragedy') are not quotes. The cue is the
nearest speech verb outside the marks in the same or a neighbouring sentence; the speaker
is its subject. Reported speech is a speech verb with a clausal complement ("Putin said
(that) ...", "..., saying that ...") or "according to X, ...". A pronoun speaker points at
the nearest earlier name of the person it stands for; `name` is the entity's name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

from ..document import Document, Quote, Speaker
from ..kb.cues import bases as cue_bases, content_span, patterns as cue_patterns, precision as cue_precision
from ..pipeline import Stage, stage
from .gender import gender
from .refer import PRONOUNS, entity_at, referent
from .spans import char_span, phrase
from .text import inside, parse, quoted, quoted_regions

MIN_QUOTE_WORDS = 4
#: How often (hits / seen) a learned cue pattern (`kb.cues`) must have introduced attributed
#: content in its corpus for the stage to take it.
LEARNED_PRECISION = 0.35
SPEECH_VERBS = frozenset("""
say tell add warn claim deny state announce declare insist argue note explain stress emphasize
emphasise report write ask accuse urge suggest reply respond confirm acknowledge allege assert
predict promise vow caution complain comment remark recall observe tweet post reiterate testify
admit concede contend maintain point describe charge demand estimate reveal disclose signal
continue conclude confess joke quip shout yell exclaim boast brag muse wonder read recount lament
plead counter retort interject whisper scoff sneer
""".split())
#: Verbs of thought and perception whose clause is attributed too ("thinks that ...").
THOUGHT_VERBS = frozenset("""
think believe know hope expect fear feel find show suggest agree acknowledge reveal confirm insist
consider doubt realize realise understand guess figure bet worry assume indicate conclude decide
""".split())
#: Verbs whose infinitive is the attributed content ("declined to comment").
INFINITIVE_VERBS = frozenset("""
want decline refuse expect plan hope seek promise vow threaten urge agree offer pledge intend
seem appear prefer encourage
""".split())
#: Verbs of stance whose object is the attributed content ("criticized the plan").
STANCE_VERBS = frozenset("""
criticize criticise endorse support praise cite propose reject question defend oppose mention
release announce deny blame accuse call describe slam mock condemn welcome dismiss back
discuss prefer thank name list express tweet recommend favor favour applaud ridicule decry
""".split())
#: Verbs whose prepositional object is the attributed content ("called for a ban").
PREPOSITION_VERBS = {
    "call": {"for"}, "talk": {"about", "of"}, "speak": {"about", "of", "on"}, "refer": {"to"},
    "ask": {"about", "for"}, "focus": {"on"}, "point": {"to"}, "complain": {"about", "of"},
    "warn": {"about", "of", "against"}, "argue": {"for", "against"}, "vote": {"for", "against"},
    "push": {"for"}, "lobby": {"for", "against"}, "advocate": {"for"}, "press": {"for"},
    "comment": {"on"}, "insist": {"on"}, "hint": {"at"}, "boast": {"about", "of"}, "joke": {"about"},
}
ATTRIBUTION_VERBS = SPEECH_VERBS | THOUGHT_VERBS | INFINITIVE_VERBS | STANCE_VERBS


@dataclass
class _Raw:
    start: int
    end: int
    kind: str
    cue: Token | None = None
    subject: Token | None = None
    pieces: list[tuple[int, int]] | None = None


_HEADLINE = re.compile(r"(?m)^[ \t]*([A-Z][^\n:]{1,60}?):[ \t]+([^\n]{8,})$")
_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "is", "from"}


def _title(content: str) -> bool:
    """Whether quoted words are a title or a name ("Orange is the New Black", "State of the
    Union", "Make America Great Again"): short, capitalised word by word, no sentence inside."""
    words = re.findall(r"[\w’'-]+", content)
    if not words or len(words) > 10 or re.search(r"[.!?]\s+\S", content.strip()):
        return False
    big = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(big) and all(w[0].isupper() or w[0].isdigit() for w in big)


_COLON_BEFORE = re.compile(r":[\s\u201c\u201d\"\u00ab]*$")


def _introducing_sentence(doc: Document, qs: int):
    """The sentence that ends with a colon right before a quotation at ``qs``, if any."""
    intro = _COLON_BEFORE.search(doc.text, max(0, qs - 12), qs)
    return doc.sentence_at(intro.start()) if intro is not None else None


def _introducer(sdoc, doc: Document, qs: int) -> Token | None:
    """Who introduces a quotation with a colon and no verb of saying ("Kerry’s word:",
    "Breitbart’s Joel Pollak, after the FBI left the scene:"): the sentence's subject, else
    its first name."""
    sent = _introducing_sentence(doc, qs)
    span = char_span(sdoc, sent.start, sent.end) if sent is not None else None
    if span is None:
        return None
    for tok in span:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.i == span.root.i:
            return tok
    for ent in doc.entities:
        if ent.type in ("PERSON", "ORG"):
            for m in ent.mentions:
                if sent.start <= m.start < sent.end:
                    tok = char_span(sdoc, m.start, m.end)
                    return tok.root if tok is not None else None
    return None


_STATEMENT_START = re.compile(r"(?:^|\n|[.!?][\u201d\"]?\s+)[\u201c\u201e\u00ab\"]$")
_STATEMENT_END = re.compile(r"[,!?][\u201d\u00bb\"]|[\u201d\u00bb\"],")


def _opens_statement(text: str, start: int, end: int) -> bool:
    """Whether a short quotation is a statement of its own, not a scare quote: it opens a
    sentence and ends with a comma, "!" or "?" before its attribution ("“It's fine,” Trump
    said"), where "called it “peanuts,”" is inside a sentence."""
    return bool(_words(text[start:end])) and _STATEMENT_START.search(text, max(0, start - 4), start) is not None \
        and _STATEMENT_END.match(text, end - 1) is not None


def _reported_raw(text: str, content: tuple[int, int], cue: Token, subject: Token | None,
                  direct: list[tuple[int, int]]) -> list[_Raw]:
    """Reported speech with this content, unless it is empty or mostly a direct quotation
    already taken; "mixed" when it quotes some words."""
    s, e = _trim(text, *content)
    if _words(text[s:e]) < 1:
        return []
    overlap = sum(max(0, min(e, qe) - max(s, qs)) for qs, qe in direct)
    if overlap >= (e - s) * 0.5:
        return []
    return [_Raw(s, e, "mixed" if overlap else "indirect", cue, subject)]


def _split_by_cue(text: str, first: _Raw, second: _Raw) -> bool:
    """Whether two quotations are the pieces of one, split by its attribution: the cue lies
    between them, in the same paragraph, with little else ("“A,” he said, “B.”")."""
    gap = text[first.end:second.start]
    cue = first.cue
    return cue is not None and first.end <= cue.idx < second.start and "\n" not in gap and _words(gap) <= 12


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t,":
        start += 1
    while end > start and text[end - 1] in " \t,":
        end -= 1
    return start, end


def _subject(verb: Token) -> Token | None:
    """The speaker of a speech verb: its subject; for "..., saying that" the speaker of the
    statement it continues (a speech verb or "according to" above it), else its governor's
    subject."""
    if verb.dep_ in ("advcl", "xcomp", "conj") and verb.tag_ == "VBG":
        for anc in verb.ancestors:
            for child in anc.children:
                if (pobj := _according_to(child)) is not None:
                    return pobj
            if anc.lemma_.lower() in SPEECH_VERBS and anc.pos_ == "VERB":
                return _subject(anc)
    for tok in (verb, verb.head) if verb.dep_ in ("advcl", "xcomp", "conj") else (verb,):
        for child in tok.children:
            if child.dep_ in ("nsubj",):
                return child
        for child in tok.children:  # "was told by X" / "said by X"
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
    return _bare_speaker(verb)


def _bare_speaker(verb: Token) -> Token | None:
    """The name right after a quotation and before its verb of saying, where the parser saw
    no subject ("...,” Viguerie notes." parsed as the noun compound "Viguerie notes")."""
    if verb.lemma_.lower() not in SPEECH_VERBS or verb.i == 0:
        return None
    name = verb.doc[verb.i - 1]
    if name.pos_ != "PROPN":
        return None
    first = name.i
    while first > 0 and verb.doc[first - 1].pos_ == "PROPN":
        first -= 1
    if first > 0 and verb.doc[first - 1].text in (",", '"', "\u201d") and name.i - first < 4:
        return name
    return None


def _according_to(tok: Token) -> Token | None:
    if tok.lower_ == "according":
        for child in tok.children:
            if child.lower_ == "to":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj
    return None


@stage("quotes", requires=("parse", "entities"), assigns=("quotes",))
class QuotesStage(Stage):
    def __call__(self, doc: Document) -> Document:
        sdoc = parse(doc)
        text = doc.text
        raws: list[_Raw] = []
        regions = [r for r in quoted_regions(text)
                   if (_words(text[r[0]:r[1]]) >= MIN_QUOTE_WORDS or _opens_statement(text, *r))
                   and not _title(text[r[0]:r[1]])]
        for i, (qs, qe) in enumerate(regions):
            lo = regions[i - 1][1] + 1 if i else 0
            hi = regions[i + 1][0] - 1 if i + 1 < len(regions) else len(text)
            cue = self._cue_near(sdoc, doc, qs, qe, lo, hi)
            s, e = _trim(text, qs, qe)
            raw = _Raw(s, e, "direct", cue, _subject(cue) if cue is not None and cue.lower_ != "according"
                       else (_according_to(cue) if cue is not None else None))
            if raw.cue is None:
                raw.subject = _introducer(sdoc, doc, qs)
            if raw.cue is None and raw.subject is None and raws and raws[-1].kind == "direct" and \
                    (_words(text[raws[-1].end:s]) <= 3 or "\n" not in text[raws[-1].end:s]):
                # "“A,” he said. “B.”", a continued paragraph, or the next quotation in the
                # same paragraph: the same speaker.
                raw.cue, raw.subject = raws[-1].cue, raws[-1].subject
                continued = True
            else:
                continued = False
            prev = raws[-1] if raws else None
            if prev is not None and prev.kind == "direct" and raw.cue is not None and prev.cue is not None and \
                    raw.cue.i == prev.cue.i and \
                    (_split_by_cue(text, prev, raw) or continued):
                # "“A,” Putin said, “B.”" or "“A,” he said. “B.”": one statement in pieces.
                prev.pieces = (prev.pieces or [(prev.start, prev.end)]) + [(raw.start, raw.end)]
                prev.end = raw.end
                continue
            raws.append(raw)
        # A quotation continued in the next paragraph (no closing mark, the next one reopens)
        # is one statement with the speaker of its last paragraph.
        for i in range(len(raws) - 2, -1, -1):
            a, b = raws[i], raws[i + 1]
            if a.kind == "direct" and a.cue is None and a.subject is None and \
                    (b.cue is not None or b.subject is not None) and \
                    re.fullmatch(r"[\s\u201c\u201d\"\u00ab\u00bb.,]*", text[a.end:b.start]) and "\n" in text[a.end:b.start]:
                # ... and a quotation alone in its paragraph, before one by a named speaker.
                b.pieces = (a.pieces or [(a.start, a.end)]) + (b.pieces or [(b.start, b.end)])
                b.start = a.start
                del raws[i]
        direct = [(s, e) for r in raws for s, e in (r.pieces or [(r.start, r.end)])]
        for tok in sdoc:
            raws.extend(self._reported(tok, text, direct))
        raws.extend(self._headlines(doc, sdoc, [(r.start, r.end) for r in raws]))
        doc.quotes = []
        last: tuple[int, Speaker] | None = None  # the latest named speaker, and where
        for r in sorted(raws, key=lambda r: r.start):
            quote = self._build(doc, r, last)
            if quote.speaker is not None and quote.speaker.name and (
                    quote.speaker.entity is not None or doc.text[quote.speaker.start:quote.speaker.start + 1].isupper()):
                last = (r.start, quote.speaker)
            doc.quotes.append(quote)
        return doc

    def _cue_near(self, sdoc, doc: Document, qs: int, qe: int, lo: int, hi: int) -> Token | None:
        """The speech verb nearest a quotation, outside it, within a sentence on either side."""
        first = doc.sentence_at(qs - 1) or doc.sentence_at(qs)
        last = doc.sentence_at(qe) or doc.sentence_at(qe - 1)
        start = max(lo, first.start if first else qs)
        # A quotation introduced by a colon ("Cruz continued:\n\n“...”") takes its cue from
        # the sentence that ends with it, even across a paragraph break.
        intro = _introducing_sentence(doc, qs)
        if intro is not None:
            start = max(lo, min(start, intro.start))
        end = min(hi, last.end if last else qe)
        # Extend to the next sentence when it is a bare attribution ("Putin said.").
        nxt = doc.sentence_at(end + 1) if end + 1 < len(doc.text) else None
        if nxt is not None and (_words(doc.text[nxt.start:nxt.end]) <= 6 or
                                re.match(r"[\s\u201d\"]*[a-z]", doc.text[nxt.start:nxt.end])):
            # "... he urged them, as he explained ..." cut off as a sentence of its own.
            end = min(hi, nxt.end)
        window = char_span(sdoc, start, end)
        if window is None:
            return None
        best, best_dist = None, None
        for tok in window:
            if qs <= tok.idx < qe:
                continue
            governs = tok.idx < qs <= tok.right_edge.idx + len(tok.right_edge.text)
            if (tok.lemma_.lower() in SPEECH_VERBS or governs and tok.lemma_.lower() in ATTRIBUTION_VERBS) \
                    and tok.pos_ in ("VERB", "AUX") and _subject(tok) is not None \
                    or _according_to(tok) is not None or _bare_speaker(tok) is not None:
                # A verb of stance counts when the quotation is part of what it governs
                # ("called the show “the conservative news show of record”").
                dist = qs - tok.idx if tok.idx < qs else tok.idx - qe
                if best_dist is None or dist < best_dist:
                    best, best_dist = tok, dist
        return best

    def _learned(self, tok: Token, text: str, direct: list[tuple[int, int]]) -> list[_Raw]:
        """Reported speech by the learned cue patterns (`kb.cues`): the most precise pattern
        of this token, if precise enough."""
        if f"{tok.lemma_.lower()}/{tok.pos_}" not in cue_bases(LEARNED_PRECISION):
            return []  # most words are no cue by any pattern: skip building them
        best = None
        for key, head in cue_patterns(tok):
            p = cue_precision(key)
            if p >= LEARNED_PRECISION and (best is None or p > best[0]):
                best = (p, key, head)
        if best is None:
            return []
        _, key, head = best
        content = content_span(key, tok, head)
        if content[0] <= tok.idx < content[1]:
            return []
        subject = _according_to(tok) if tok.lower_ == "according" else _subject(tok)
        return _reported_raw(text, content, tok, subject, direct)

    def _reported(self, tok: Token, text: str, direct: list[tuple[int, int]]) -> list[_Raw]:
        """Reported speech at a token: by the verb lexicons above, else by the patterns learned
        from an annotated corpus (`kb.cues`), which reach the long tail of cues ("touted",
        "weighed in on", "is calling for")."""
        return self._rules(tok, text, direct) or self._learned(tok, text, direct)

    def _rules(self, tok: Token, text: str, direct: list[tuple[int, int]]) -> list[_Raw]:
        content = None
        subject = None
        lemma = tok.lemma_.lower()
        comps: list[Token] = []
        if tok.pos_ == "VERB" and lemma in ATTRIBUTION_VERBS:
            # What is said, thought or wanted: a clause ("said (that) ..."), an infinitive
            # ("declined to comment", "wants to win") or, for verbs of stance, their object
            # ("criticized the plan", "endorsed Clinton").
            comps = [c for c in tok.children if c.dep_ == "ccomp"] or \
                [c for c in tok.children if c.dep_ == "xcomp" and lemma in INFINITIVE_VERBS | {"tell", "ask"}] or \
                [c for c in tok.children if c.dep_ == "dobj" and (lemma in STANCE_VERBS or
                                                                  lemma in ("say", "tell", "ask", "write", "tweet"))]
        if tok.pos_ == "VERB" and not comps and lemma in PREPOSITION_VERBS:
            # "called for a ban", "talked about the economy", "warned of a recession".
            comps = [g for c in tok.children if c.dep_ == "prep" and c.lower_ in PREPOSITION_VERBS[lemma]
                     for g in c.children if g.dep_ in ("pobj", "pcomp")]
        if comps:
            comp = comps[0]
            last = comp.right_edge
            if comp.dep_ == "dobj":
                # "accused Rwanda of backing the rebels", "thanked him for his work".
                for prep in tok.children:
                    if prep.dep_ == "prep" and prep.lower_ in ("of", "for", "as") and prep.i > comp.i:
                        last = max(last, prep.right_edge, key=lambda t: t.i)
            content = (comp.left_edge.idx, last.idx + len(last.text))
            subject = _subject(tok)
        elif (pobj := _according_to(tok)) is not None:
            clause = tok.head
            toks = [t for t in clause.subtree if not (tok.left_edge.i <= t.i <= tok.right_edge.i)]
            toks = [t for t in toks if not t.is_punct or t.i < toks[-1].i]
            if toks:
                content = (toks[0].idx, toks[-1].idx + len(toks[-1].text))
                subject = pobj
        passive = subject is None and any(c.dep_ == "nsubjpass" for c in tok.children)
        if content is None or (subject is None and not passive):
            return []  # ("we are being told that ...": said by someone unnamed)
        return _reported_raw(text, content, tok, subject, direct)

    def _headlines(self, doc: Document, sdoc, taken: list[tuple[int, int]]) -> list[_Raw]:
        """Headline-style attributions: "Trump: We Will Build the Wall", "Wash Post Fact-Check:
        If Obama Says It, It's True" -- a name, a colon, and what it says."""
        out = []
        for m in _HEADLINE.finditer(doc.text):
            ns, ne = m.span(1)
            cs, ce = _trim(doc.text, *m.span(2))
            if _words(doc.text[cs:ce]) < 3 or any(s < ce and cs < e for s, e in taken):
                continue
            found = entity_at(doc, ne - 1, ne)
            if found is None or found[0].type not in ("PERSON", "ORG", "GPE", "NORP") or found[1].end < ne - 1:
                continue
            head = char_span(sdoc, found[1].start, found[1].end)
            if head is None:
                continue
            colon = sdoc.char_span(m.end(1), m.end(1) + 1, alignment_mode="expand")
            out.append(_Raw(cs, ce, "indirect", colon[0] if colon else None, head.root))
        return out

    def _build(self, doc: Document, raw: _Raw, last: tuple[int, Speaker] | None = None) -> Quote:
        quote = Quote.of(doc.text, raw.start, raw.end, kind=raw.kind)
        if raw.pieces:
            quote.spans = [[s, e] for s, e in raw.pieces]
        if raw.cue is not None:
            cue_end = raw.cue.idx + len(raw.cue.text)
            if raw.cue.lower_ == "according":
                cue_end += len(" to") if doc.text[cue_end:cue_end + 3] == " to" else 0
            quote.cue = doc.span(raw.cue.idx, cue_end)
        if raw.subject is not None:
            quote.speaker = speaker_of(doc, raw.subject, last)
        return quote


_FIRST_AND_SECOND = frozenset({"i", "we", "me", "us", "you"})


def _personal(ent) -> bool:
    """Whether an entity can be a "he" or "she": a person, or a lone surname the NER took for
    an organisation ("Bozell says") -- one capitalised word, not an acronym, unknown to the KB."""
    return ent.type == "PERSON" or (ent.type == "ORG" and ent.kb_id is None and
                                    re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?", ent.name) is not None)


def _still_speaking(doc: Document, last: tuple[int, Speaker], subject: Token) -> bool:
    """Whether the latest named speaker is still the likely "he" or "she" at ``subject``: the
    gender agrees, and no other person of that gender was named outside quotation marks since
    ("Bozell says. “...,” he adds." -- a name inside the quotation does not count)."""
    wanted = {"he": "m", "she": "f"}[subject.lower_]
    ent = next((e for e in doc.entities if e.id == last[1].entity), None)
    if ent is not None and (not _personal(ent) or gender(doc, ent) not in (None, wanted)):
        return False
    regions = quoted(doc)
    for other in doc.entities:
        if other.type != "PERSON" or (ent is not None and other.id == ent.id) or \
                gender(doc, other) not in (None, wanted):
            continue
        if any(last[1].end <= m.start and m.end <= subject.idx and m.kind == "name"
               and not inside(regions, m.start, m.end) for m in other.mentions):
            return False
    return True


def speaker_of(doc: Document, subject: Token, last: tuple[int, Speaker] | None = None) -> Speaker:
    """The speaker for a subject token: its entity, or for a pronoun the entity it stands for:
    the latest named speaker, while still in view ("Cruz said ... He added"), else the
    pronoun's antecedent."""
    if last is not None and subject.lower_ in ("he", "she") and _still_speaking(doc, last, subject):
        sp = last[1]
        return Speaker.of(doc.text, sp.start, sp.end, entity=sp.entity, name=sp.name)
    if subject.lower_ in _FIRST_AND_SECOND:
        # "I", "we", "you" outside a quotation: the writer or the reader, no one named.
        return Speaker.of(doc.text, subject.idx, subject.idx + len(subject.text), name=None)
    found = referent(doc, subject)
    if subject.lower_ in PRONOUNS:
        if found is not None:
            ent, m = found
            return Speaker.of(doc.text, m.start, m.end, entity=ent.id, name=ent.name)
        return Speaker.of(doc.text, subject.idx, subject.idx + len(subject.text), name=None)
    start, end = phrase(subject)
    found = found or entity_at(doc, start, end)
    if found is not None and found[0].type in ("PERSON", "ORG", "GPE", "NORP"):
        ent, m = found
        return Speaker.of(doc.text, m.start, m.end, entity=ent.id, name=ent.name)
    return Speaker.of(doc.text, start, end, name=doc.text[start:end])
