"""The member a request describes, for a member the code names and the class does not have:
``bank.pluck("SL-0003").germinating`` for "what germination rate was last measured", where
``Accession``'s docs say "germ_pct: the last measured germination rate in percent". The class's
members are read from its docs (an ``Attributes:`` section, each member's own entry); a word
weighs less the more members' docs use it ("germination" is in ``vigour``'s too)."""

from __future__ import annotations

import math
import re

from . import Issue
from .api import IndexSymbols
from .pyvalues import stems
from .request import STORE_CLAUSE

# words of four letters or more that say nothing of what a member holds
_PLAIN = {"what", "which", "where", "when", "that", "this", "these", "those", "with", "from", "have", "does",
          "into", "there", "their", "they", "them", "then", "than", "each", "some", "many", "much", "more",
          "most", "also", "been", "were", "will", "would", "should", "could", "about", "other", "only",
          "your", "whether", "none", "never", "true", "false", "store"}  # fmt: skip
_ATTRIBUTES = re.compile(r"^([ \t]*)Attributes:[ \t]*\n((?:\1[ \t]+\S.*\n?)+)", re.M)
_ITEM = re.compile(r"^([ \t]+)(\w+)(?: \([^)]*\))?:[ \t]*(.+(?:\n\1[ \t]+\S.*)*)", re.M)


def member_docs(api: IndexSymbols, owner: str) -> dict[str, str]:
    """member -> what the docs say it is: the class's ``Attributes:`` section, then each
    member's own entry text after its heading."""
    symbol = api.resolve(owner) or owner
    entry = api.entries.get(symbol)
    docs: dict[str, str] = {}
    text = (entry.text if entry is not None else "") + api.more_text.get(symbol, "")
    if section := _ATTRIBUTES.search(text):
        for m in _ITEM.finditer(section.group(2)):
            docs[m.group(2)] = " ".join(m.group(3).split())
    for member in api.members(symbol):
        if own := api.doc(f"{symbol}.{member}"):
            first = own.split("\n\n")[0]  # its first paragraph: not its Args or examples
            docs[member] = f"{docs.get(member, '')} {first}".strip()
    return docs


def meant_member(issue: Issue, request: str, api: IndexSymbols, code: str) -> Issue:
    """``issue`` (an unknown member read, not called, with no fix) given the fix to the one
    member whose docs best share the request's words, where one does; else unchanged."""
    owner, _, attr = issue.name.rpartition(".")
    lines = code.splitlines()
    line = lines[issue.line - 1] if 0 < issue.line <= len(lines) else ""
    if issue.kind != "unknown-member" or issue.fix or not owner or re.search(rf"\.{attr}\s*\(", line):
        return issue
    said = {m: d for m, d in member_docs(api, owner).items() if m in api.members(owner)}
    docs = {m: stems(f"{d} {m.replace('_', ' ')}") for m, d in said.items()}
    asked = stems(re.sub(r"`[^`]*`", " ", STORE_CLAUSE.sub(" ", request))) - _PLAIN
    if not docs or not asked:
        return issue
    df = {w: sum(w in d for d in docs.values()) for w in asked}
    scores = {m: sum(math.log(1 + len(docs) / df[w]) for w in asked & d) for m, d in docs.items()}
    ranked = sorted(scores.items(), key=lambda x: -x[1])
    if ranked[0][1] == 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]) or f".{attr}" not in line:
        return issue
    meant = ranked[0][0]
    short = owner.rsplit(".", 1)[-1]
    what = said[meant].split(". ")[0].rstrip(".")
    issue.message = f"`{short}` has no `{attr}`: the task asks for `{meant}` ({what})"
    issue.fix, issue.suggestions = (issue.line, line, line.replace(f".{attr}", f".{meant}", 1)), [meant]
    issue.card = api.card(f"{owner}.{meant}") or issue.card
    return issue
