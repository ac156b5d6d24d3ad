"""The answer record, how one of several sampled answers is chosen, and its computed citations."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .models import Hit
from .verify import Report


@dataclass
class Answer:
    request: str
    language: str
    code: str
    reply: str  # the model's whole (final) reply, its prefix included
    hits: list[Hit]  # the docs and examples the prompt showed, in prompt order
    cited: list[Hit]  # those about what the code uses (computed, never asked of the model)
    verification: Report | None
    evidence: dict[str, str] = field(default_factory=dict)  # "tar -x" -> the man line defining it
    repaired: bool = False
    first_code: str = ""  # before repair
    first_verification: Report | None = None
    backend: str = ""
    model: str = ""
    prompt_tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    problem: str | None = None  # why no usable code came back (empty, malformed, truncated)
    samples: list[dict[str, Any]] = field(default_factory=list)  # each sampled answer and its issues
    command: dict[str, Any] = field(default_factory=dict)  # Bash: draft, candidates, choice
    placeholders: list[str] = field(default_factory=list)  # Bash: {{placeholders}} left to fill

    def to_dict(self) -> dict[str, Any]:
        def hit(h: Hit) -> dict[str, Any]:
            c = h.chunk
            where = {
                k: c.metadata[m]
                for k, m in (("index", "index"), ("source", "source_name"))
                if m in c.metadata
            }
            return {"id": c.id, "title": c.title, "kind": c.kind, **where, "score": h.score, "text": c.text}

        return {
            "request": self.request,
            "language": self.language,
            "code": self.code,
            "reply": self.reply,
            "cited": [hit(h) for h in self.cited],
            "hits": [hit(h) for h in self.hits],
            "verification": self.verification.to_dict() if self.verification else None,
            "evidence": self.evidence,
            "repaired": self.repaired,
            "first_code": self.first_code,
            "first_verification": self.first_verification.to_dict() if self.first_verification else None,
            "backend": self.backend,
            "model": self.model,
            "prompt_tokens": self.prompt_tokens,
            "timings": self.timings,
            "problem": self.problem,
            "samples": self.samples,
            "command": self.command,
            "placeholders": self.placeholders,
        }


@dataclass
class Sample:
    code: str
    reply: str
    problem: str | None
    report: Report | None = None
    first: str = ""  # the code before the docs' own fixes ('' when none applied)
    first_report: Report | None = None

    @property
    def issues(self) -> int:
        if self.problem:
            return 1000
        return len(self.report.issues) if self.report is not None else 0


def vote_key(code: str, language: str) -> str:
    """What answers agree on: the command and its flags (Bash), the API names used (Python)."""
    if language == "bash":
        from .shell import parse

        return " ".join(f"{c.name} {' '.join(sorted(c.flags()))}" for c in parse(code) if not c.nested)
    names = sorted(set(re.findall(r"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\b|\b[A-Za-z_]\w*(?=\()", code)))
    return " ".join(names)


def pick(samples: list[Sample], language: str) -> Sample:
    """The sample with the fewest problems; among those, the one most others agree with; then the
    first (the greedy one)."""
    votes = Counter(vote_key(s.code, language) for s in samples if not s.problem)
    return min(
        enumerate(samples),
        key=lambda iv: (iv[1].issues, -votes.get(vote_key(iv[1].code, language), 0), iv[0]),
    )[1]


def cite(code: str, language: str, hits: list[Hit], report: Report | None) -> list[Hit]:
    """The shown docs about what ``code`` uses: a command's page paragraphs defining its flags and
    its card; the API entries and examples of the names the code calls."""
    if language == "bash":
        from .shell import parse

        known: dict[str, set[str]] = {}
        for h in hits:
            m = h.chunk.metadata
            if m.get("command"):
                known.setdefault(m["command"], set()).update(m.get("flags") or [])
        used: dict[str, set[str]] = {}
        for cmd in parse(code):
            used.setdefault(cmd.name, set()).update(cmd.flags(known.get(cmd.name, ())))

        def about(h: Hit) -> bool:
            command = h.chunk.metadata.get("command")
            if command not in used:
                return False
            flags = set(h.chunk.metadata.get("flags") or [])
            return h.chunk.kind == "card" or bool(flags & used[command])

        out = [h for h in hits if about(h)]
        return out or [h for h in hits if h.chunk.metadata.get("command") in used][:3]
    names = set(report.checked if report else []) | set(re.findall(r"\b[A-Za-z_][\w.]*\b", code))
    out = []
    for h in hits:
        symbol = h.chunk.metadata.get("symbol") or h.chunk.title
        last = symbol.rsplit(".", 1)[-1]
        if symbol in names or last in names or any(n.endswith("." + last) for n in names):
            out.append(h)
    return out
