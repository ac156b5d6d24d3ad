"""The steps of a request that asks for several, each of which gets its best API entry among
the Python prompt's cards (docs/generation.md, "Python: API cards")."""

from __future__ import annotations

import re

from .models import Hit

_STEP_SPLIT = re.compile(r"[;:]\s+|,\s+|\s+then\s+|\.\s+")
_ONLY_STORES = re.compile(r"^(?:store|save|keep|put|assign)\b.*\b(?:in|into|as)\s+`\w+`[^`]*$", re.I)
_ARTICLES = {"a", "an", "the", "this", "that", "these", "those", "it", "its"}
_NOT_VERBS = _ARTICLES | {"if", "when", "unless", "but", "and", "or", "so", "with", "without", "from", "in",
                          "into", "on", "onto", "for", "of", "to", "by", "at", "as", "about", "after",
                          "before", "over", "under", "through", "per"}  # fmt: skip
_OBJECTS = _ARTICLES | {"them", "their", "each", "every", "all", "one"}


def steps(request: str) -> list[str]:
    """The steps of a request that asks for several ("load the file `bank.loft`, send 5 g of lot
    SL-0003 to Kew, and save the catalogue back"): its clauses written as an order, a verb and
    its object (``send 5 g``, ``save the``, ``use it``), without the one that only says where to
    store the result; [] for a request of one step. A list of a thing's parts ("from the 2023
    harvest, 35 g of seed") is not a list of steps."""
    out = []
    for part in _STEP_SPLIT.split(request):
        part = re.sub(r"^(?:and|then|but)\s+", "", part.strip(" ."), flags=re.I)
        words = part.split()
        if len(words) < 3 or _ONLY_STORES.match(part):
            continue
        verb, obj = words[0].lower(), words[1].lower()
        if not verb.replace("-", "").isalpha() or verb in _NOT_VERBS or verb.endswith(("ed", "ing")):
            continue
        if obj in _OBJECTS or obj[0].isdigit() or obj[0] in "`'\"":
            out.append(part)
    return out if len(out) >= 2 else []


def with_steps(docs: list[Hit], per_step: list[list[Hit]]) -> list[Hit]:
    """The request's top API entries, with each step's best one among them: a step's entry
    missing from the list takes the place of the lowest one no step asked for (the list keeps
    its length, so the prompt does not grow)."""
    ids = {h.chunk.id for h in docs}
    wanted = {h.chunk.id for hits in per_step for h in hits[:1]}
    out = list(docs)
    for hits in per_step:
        if not hits or hits[0].chunk.id in ids:
            continue
        spare = [i for i, h in enumerate(out) if h.chunk.id not in wanted]
        if not spare:
            break
        out[spare[-1]] = hits[0]
        ids.add(hits[0].chunk.id)
    return out
