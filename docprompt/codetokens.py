"""The BM25 code tokenizer: code-aware tokens for sparse retrieval.

Splits ``snake_case``, ``camelCase`` and dotted paths while keeping the whole identifier,
and keeps command-line flags (``-f``, ``--force``) as tokens of their own. Words are
lower-cased and stemmed (Snowball English) so "gzipped" finds "gzip"; identifiers and
flags are kept verbatim next to their stemmed parts.
"""

from __future__ import annotations

import re
from functools import lru_cache

TOKENIZER_VERSION = "code-v1"

# A flag (-f, --force, -9), or a dotted/underscored identifier, or a number.
_TOKEN = re.compile(r"(?<![\w-])--?[A-Za-z0-9][\w-]*|[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*|\d+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# tldr-style mnemonics: "E[x]tract", "[c]reate", "g[z]ipped" -> the plain word.
_MNEMONIC = re.compile(r"(?<=[A-Za-z])\[([A-Za-z])\]|\[([A-Za-z])\](?=[A-Za-z])")


def unmnemonic(text: str) -> str:
    return _MNEMONIC.sub(lambda m: m.group(1) or m.group(2), text)


STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "do",
        "does",
        "you",
        "your",
        "can",
        "my",
        "me",
        "we",
        "our",
        "all",
        "any",
        "then",
        "there",
        "these",
        "those",
        "which",
        "what",
        "when",
        "where",
        "who",
    ]
)


@lru_cache(maxsize=1)
def _stemmer():
    try:
        import Stemmer  # PyStemmer: Snowball in C

        return Stemmer.Stemmer("english").stemWord
    except ImportError:  # pragma: no cover - PyStemmer is a dependency
        return lambda w: w


@lru_cache(maxsize=200_000)
def _word_tokens(raw: str) -> tuple[str, ...]:
    stem = _stemmer()
    if raw.startswith("-"):
        # Flags keep their case: tar's -C and -c are different options.
        body = raw.lstrip("-").lower()
        out = [raw]
        if len(body) > 1:
            out.extend(_word_tokens(body))
        return tuple(out)
    low = raw.lower()
    if low in STOPWORDS:
        return ()
    parts: list[str] = []
    for dotted in raw.split("."):
        for piece in dotted.split("_"):
            parts.extend(_CAMEL.findall(piece) if piece else ())
    parts = [p.lower() for p in parts]
    out = []
    compound = "." in raw or "_" in raw.strip("_") or len(parts) > 1
    if compound:
        out.append(low)
    out.extend(stem(p) for p in parts if p not in STOPWORDS)
    if not compound and not out:
        out.append(low)
    return tuple(out)


def tokenize(text: str) -> list[str]:
    """Tokens of one text, in order, with duplicates (BM25 counts term frequency)."""
    tokens: list[str] = []
    for raw in _TOKEN.findall(text):
        tokens.extend(_word_tokens(raw))
    return tokens
