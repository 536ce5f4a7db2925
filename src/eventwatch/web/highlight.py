"""An article's text as escaped HTML with its entities, places, times, quotes and event
triggers marked. Spans may overlap or nest: the text is split at every span boundary and each
piece is wrapped in one ``<mark>`` carrying the classes of every span that covers it, so the
HTML is always well formed."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

#: The order classes are listed in on a piece covered by several kinds of span.
KINDS = ("ent", "place", "time", "quote", "trigger")


@dataclass
class Highlight:
    start: int
    end: int
    kind: str  # one of KINDS
    attrs: dict[str, str] = field(default_factory=dict)


def spans_of(analysis: dict[str, Any]) -> list[Highlight]:
    """The highlights of a stored analysis (SCHEMA.md JSON)."""
    out: list[Highlight] = []

    def add(obj: Any, kind: str, **attrs: Any) -> None:
        if not isinstance(obj, dict):
            return
        start, end = obj.get("start"), obj.get("end")
        if isinstance(start, int) and isinstance(end, int) and end > start:
            out.append(Highlight(start, end, kind, {k: str(v) for k, v in attrs.items() if v is not None}))

    for ent in analysis.get("entities") or []:
        for mention in ent.get("mentions") or []:
            add(mention, "ent", id=ent.get("id"), title=f"{ent.get('name')} ({ent.get('type')})")
    for place in analysis.get("places") or []:
        add(place, "place", title=" ".join(str(x) for x in (place.get("name"), place.get("country")) if x))
    for time in analysis.get("times") or []:
        add(time, "time", title=time.get("value"))
    for quote in analysis.get("quotes") or []:
        speaker = (quote.get("speaker") or {}).get("name")
        add(quote, "quote", title=f"said by {speaker}" if speaker else None)
    for ev in analysis.get("events") or []:
        add(ev.get("trigger"), "trigger", event=ev.get("id"), title=ev.get("type"))
    return out


def highlight(text: str, spans: list[Highlight]) -> Markup:
    """`text`, escaped, with `spans` marked (see the module's docstring)."""
    n = len(text)
    spans = [Highlight(max(0, s.start), min(n, s.end), s.kind, s.attrs) for s in spans]
    spans = [s for s in spans if s.end > s.start]
    cuts = sorted({0, n, *(s.start for s in spans), *(s.end for s in spans)})
    parts: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        covering = [s for s in spans if s.start <= a and b <= s.end]
        if not covering:
            parts.append(str(piece))
            continue
        kinds = [k for k in KINDS if any(s.kind == k for s in covering)]
        attrs: dict[str, str] = {}
        titles: list[str] = []
        for s in sorted(covering, key=lambda s: KINDS.index(s.kind)):
            for key, value in s.attrs.items():
                if key == "title":
                    titles.append(value)
                elif f"data-{key}" not in attrs:
                    attrs[f"data-{key}"] = value
        if titles:
            attrs["title"] = "; ".join(dict.fromkeys(titles))
        rendered = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items())
        parts.append(f'<mark class="hl {" ".join(kinds)}"{rendered}>{piece}</mark>')
    return Markup("".join(parts))
