"""The text stage: normalise for the parser, parse with spaCy in batches, mark sentences.

Normalisation is length-preserving (one character in, one character out), so every offset
of the parse is an offset into the original text and no mapping back is needed: curly
quotes and apostrophes become straight ones, unusual spaces become plain spaces, and
invisible format characters become spaces. Paragraph breaks (a newline) always end a
sentence.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc

from ..document import Document, Region
from ..errors import PipelineError
from ..pipeline import INPUT, Stage, stage

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
    "\u2002": " ", "\u2003": " ", "\u3000": " ", "\t": " ",
    "\u200b": " ", "\u200c": " ", "\u200d": " ", "\u2060": " ", "\ufeff": " ", "\u00ad": " ",
    "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\r": "\n", "\u2028": "\n", "\u2029": "\n",
})

_PARAGRAPH = re.compile(r"[^\n]+")


def normalise(text: str) -> str:
    """The text as the parser sees it: same length, same offsets, plainer characters."""
    return text.translate(_TRANSLATE)


@Language.component("eventwatch_line_breaks")
def _line_breaks(doc: SpacyDoc) -> SpacyDoc:
    """A token after a newline starts a sentence (set before the parser, which respects it)."""
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            doc[i].is_sent_start = True
    return doc


@functools.lru_cache(maxsize=2)
def load_spacy(model: str, ner_model: str | None = None) -> Language:
    """The spaCy pipeline ``model``, loaded once per process; with ``ner_model`` (a trained
    pipeline folder, see train/ner/README.md) its `ner` replaces the model's own."""
    try:
        nlp = spacy.load(model, exclude=["ner"] if ner_model else [])
    except OSError as exc:
        raise PipelineError(f"spaCy model {model!r} is not installed ({exc}); run scripts/setup.sh") from exc
    if ner_model:
        if not (Path(ner_model) / "meta.json").is_file():
            raise PipelineError(f"NER model {ner_model!r} not found; build one with scripts/train_ner.sh "
                                f"(train/ner/README.md), or use 'stock' for the spaCy model's own")
        nlp.add_pipe("ner", source=spacy.load(ner_model))
    if "eventwatch_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("eventwatch_line_breaks", before="parser")
    return nlp


def paragraphs(text: str) -> list[Region]:
    """Non-blank lines, trimmed of surrounding spaces."""
    out = []
    for m in _PARAGRAPH.finditer(text):
        line = m.group()
        if line.strip():
            start = m.start() + (len(line) - len(line.lstrip()))
            out.append(Region(start, m.start() + len(line.rstrip())))
    return out


def sentences(sdoc: SpacyDoc) -> list[Region]:
    """The parser's sentences as offset regions, without surrounding whitespace."""
    out = []
    for sent in sdoc.sents:
        toks = [t for t in sent if not t.is_space]
        if toks:
            out.append(Region(toks[0].idx, toks[-1].idx + len(toks[-1].text)))
    return out


def parse(doc: Document) -> SpacyDoc:
    """The spaCy parse of a document that went through the text stage."""
    return doc.work["spacy"]


@stage("text", requires=(INPUT,), assigns=("parse", "sentences", "paragraphs"))
class TextStage(Stage):
    """Parses each document (tagger, parser, lemmatizer, NER) in batches with `nlp.pipe`."""

    def __init__(self, config) -> None:
        super().__init__(config)
        self.nlp = load_spacy(config.model, config.ner_model)

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        max_len = self.nlp.max_length

        def prepared() -> Iterator[tuple[str, Document]]:
            for doc in docs:
                if "error" not in doc.work and len(doc.text) > max_len:
                    doc.work["error"] = (f"text of {len(doc.text)} characters is longer than the "
                                         f"parser's limit of {max_len}; split the article")
                yield ("" if "error" in doc.work else normalise(doc.text)), doc

        for sdoc, doc in self.nlp.pipe(prepared(), as_tuples=True, batch_size=self.config.batch_size):
            if "error" not in doc.work:
                doc.work["spacy"] = sdoc
                doc.paragraphs = paragraphs(doc.text)
                doc.sentences = sentences(sdoc)
            yield doc


_OPEN, _CLOSE = "\u201c\u201e\u00ab", "\u201d\u00bb"
_SINGLE = re.compile(r"(?<!\w)\u2018([^\u2018\u2019\n]+?)\u2019(?!\w)")


def quoted_regions(text: str) -> list[tuple[int, int]]:
    """Content offsets of quotations (between the marks). An unclosed quote runs to the end
    of its paragraph (a quote continued in the next paragraph reopens there); an odd number
    of straight marks never raises."""
    out = []
    for para in re.finditer(r"[^\n]+", text):
        line, base = para.group(), para.start()
        opened = None
        for i, ch in enumerate(line):
            if opened is None and (ch in _OPEN or ch == '"'):
                opened = i
            elif opened is not None and (ch in _CLOSE or ch == '"'):
                out.append((base + opened + 1, base + i))
                opened = None
        if opened is not None and len(line) - opened > 1:
            out.append((base + opened + 1, base + len(line)))
        for m in _SINGLE.finditer(line):
            out.append((base + m.start(1), base + m.end(1)))
    return sorted(out)


def quoted(doc: Document) -> list[tuple[int, int]]:
    """`quoted_regions` of a document, computed once."""
    if "quoted" not in doc.work:
        doc.work["quoted"] = quoted_regions(doc.text)
    return doc.work["quoted"]


def inside(regions: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start..end`` lies within one of ``regions``."""
    return any(s <= start and end <= e for s, e in regions)
