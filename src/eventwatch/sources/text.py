"""Plain-text input: one article per file, checked for emptiness, binary content and encoding."""
from __future__ import annotations

import codecs

from ..document import Article
from ..errors import InputError

_CONTROL_OK = {"\n", "\r", "\t", "\f", "\v"}


def decode_text(data: bytes, name: str) -> str:
    """Decode an article's bytes (UTF-8, with or without BOM; UTF-16 with BOM).

    Raises `InputError` naming ``name`` when the input is empty, binary or not decodable.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not valid UTF-16 despite its byte-order mark ({exc.reason} at byte {exc.start})") from exc
    else:
        if b"\x00" in data[:8192]:
            raise InputError(f"{name}: looks binary (contains NUL bytes), not a text article")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                             f"convert it first, e.g. iconv -f LATIN1 -t UTF-8") from exc
    if not text.strip():
        raise InputError(f"{name}: empty input, there is no text to analyse")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in _CONTROL_OK)
    if controls > max(8, len(sample) // 100):
        raise InputError(f"{name}: looks binary ({controls} control characters in the first "
                         f"{len(sample)}), not a text article")
    return text


def read_text(data: bytes, name: str, published: str | None = None, article_id: str | None = None) -> Article:
    """An `Article` from the bytes of a plain-text file."""
    return Article(text=decode_text(data, name), id=article_id, published=published)
