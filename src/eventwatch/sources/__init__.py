"""Readers that turn inputs into `Article`s: plain-text files and JSON Lines streams."""
from .jsonl import BadRecord, read_jsonl
from .text import decode_text, read_text

__all__ = ["BadRecord", "decode_text", "read_jsonl", "read_text"]
