"""The Bash answer stage: choose the command first, then write it from that command's own docs.

1. **Candidates**: hybrid retrieval over one short card per command (the man-page and tldr
   indexers write them), plus, with ``draft = true``, the command of a quick draft the model
   writes with no docs.
2. **Choice**: each candidate's card is scored by how likely the model finds the request after
   it (``choice = "channel"``, the embedded model), or the model names one of the candidates
   (``"model"``: held to their names token by token, or an enum schema on Ollama; what Ollama
   does for ``"channel"`` too), or the first candidate is taken (``"first"``: the draft's command
   when the index or this machine knows it, else the best card).
3. **Write**: a short prompt with that command's summary, synopsis, the subcommand and option
   paragraphs of its page that match the request (an option after its subcommand), and examples;
   the reply starts inside a ```bash block with the command's name already written, so it is a
   command line every time.

Every stage can be switched off (settings ``command_first``, ``draft``, ``choice``) to measure
what it brings; without cards in the index the stage falls back to the plain docs prompt.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field

from .cards import first_sentences
from .cmdref import option_line
from .models import Chunk, Hit
from .shell import parse

FENCE = "```bash\n"
STOP = ["\n", "```"]
SYSTEM_DRAFT = "You write one Bash command that does what the user asks. Reply with the command only."
SYSTEM_CHOOSE = "You pick the command-line tool that does what the user asks. Reply with its name only."
SYSTEM_WRITE = (
    "You write one Bash command line that does what the user asks, with the command shown below. "
    "Use only options its documentation shows. Where the request does not give a value, write a "
    "placeholder in double braces, like {{path/to/file}}, as the examples do."
)


# Nats a candidate's channel score loses per place down retrieval's list: the card's likelihood
# alone picked the right command in 127 of 300 tldr dev tune rows (retrieval's first: 124), with
# this prior 144 (1 nat: 140, 3: 140; docs/benchmarks.md, stop 34)
RANK_PRIOR = 2.0

# How a Bash reply may start, held on its first token (the embedded model; Ollama ignores it, the
# extractor still checks): a word, never a citation, a bullet, a heading or a flag...
LINE = rb"[^ \t\n`\[\]#:>*\-\xe2]"
# ...and after a command name already written, nothing or its arguments (not ``du: the card``).
ARGUMENTS = rb"(?:[ \n`]|$)"


# A paragraph of a command's page about one of its subcommands: under a subheading that is the
# subcommand's usage line (tlmgr's ACTIONS: "check [option...] [depends|...|all]") or opening with
# the subcommand and its usage or what it does (module's "search [-a] [-j] string Seeks through...",
# cabal's "list List packages..."). The write prompt showed flag paragraphs only, and the model
# wrote `tlmgr check` for "tlmgr check all", `module lsmod` for "module list".
_USAGE_HEAD = re.compile(r'"?([a-z][\w.+-]*)"?(?:\s+\S.*)?$')
_TERM_OPENING = re.compile(r"([a-z][\w+-]*(?:\.[\w+-]+)*)\s+(?:[\[<{]|[A-Z])")
_NOT_ENTRIES = {"NAME", "SYNOPSIS"}
# prose that goes on from the paragraph before ("the Muslim Caliphs ...")
_PROSE = {"a", "an", "and", "as", "at", "by", "for", "from", "if", "in", "is", "it", "of", "on", "or",
          "so", "that", "the", "then", "this", "to", "when", "where", "which", "with"}  # fmt: skip


def scope(chunk: Chunk) -> str:
    """The subcommand a paragraph's subheading is the usage line of ('' when none)."""
    m = _USAGE_HEAD.match(chunk.metadata.get("subheading") or "")
    return m.group(1) if m and chunk.metadata.get("heading") not in _NOT_ENTRIES else ""


def subcommand_line(chunk: Chunk, command: str, width: int = 160) -> str:
    """A paragraph that documents a subcommand, in a line ('' for any other paragraph)."""
    if chunk.metadata.get("flags") or chunk.metadata.get("heading") in _NOT_ENTRIES:
        return ""
    text = " ".join(chunk.text.split())
    opening = _TERM_OPENING.match(text)
    if opening and opening.group(1) not in {command, *_PROSE}:
        return first_sentences(text, width)
    if scope(chunk):
        head = " ".join((chunk.metadata.get("subheading") or "").split())
        return f"{head}  {first_sentences(text, max(width - len(head) - 2, 60))}"
    return ""


def first_token(prefix: str) -> bytes:
    """What the first token of a Bash reply that starts with ``prefix`` must match."""
    return LINE if prefix.endswith("\n") or not prefix else ARGUMENTS


@dataclass
class Candidate:
    name: str
    card: str
    rank: int  # 0-based place in the merged list
    sources: list[str] = field(default_factory=list)  # "retrieval", "draft"
    hits: list[Hit] = field(default_factory=list)


@dataclass
class Context:
    """What the write prompt shows of the chosen command."""

    name: str
    summary: str
    synopsis: str
    options: list[Hit]
    examples: list[Hit]
    subcommands: list[Hit]
    others: list[Hit]  # examples of other commands: the form of an answer, placeholders and all

    @property
    def hits(self) -> list[Hit]:
        return self.subcommands + self.options + self.examples + self.others


def invocation(name: str, card: str, synopsis: str = "") -> str:
    """How a command is typed: a tldr page of a subcommand is named ``tlmgr-remove`` and titled
    ``tlmgr remove`` (its card starts with the title); a man page of one is named
    ``git-check-attr`` and its SYNOPSIS starts ``git check-attr``. The answer starts that way."""
    title = card.split(":", 1)[0].strip()
    if " " in title and title.replace(" ", "-") == name:
        return title
    spaced = name.replace("-", " ", 1)
    if spaced != name and re.match(rf"\s*{re.escape(spaced)}(\s|$)", synopsis):
        return spaced
    return name


def command_of(line: str) -> str:
    """The name of the first command a command line runs ('' when none)."""
    cmds = [c for c in parse(line) if c.is_external and not c.nested]
    return cmds[0].name if cmds else ""


class CommandFirst:
    """The stages above over one index, a retriever and a generator."""

    def __init__(self, index, retriever, generator, *, candidates: int = 5, draft: bool = False,
                 choice: str = "channel", examples: int = 3, options: int = 4, subcommands: int = 2,
                 command_start: bool = True, evidence: bool = False) -> None:  # fmt: skip
        self.index, self.retriever, self.gen = index, retriever, generator
        self.command_start, self.evidence = command_start, evidence
        self.k, self.use_draft, self.choice = candidates, draft, choice
        self.n_examples, self.n_options, self.n_subcommands = examples, options, subcommands

    def available(self) -> bool:
        """The index has command cards (built by a recent man-page or tldr indexer)."""
        if not hasattr(self, "_available"):
            try:
                self._available = bool(self.index.store.has(kind="card"))
            except Exception:  # noqa: BLE001 - a store without the column: no cards
                self._available = False
        return self._available

    # -- 1. candidates ---------------------------------------------------------------------------

    def draft(self, request: str, **options) -> str:
        messages = [{"role": "system", "content": SYSTEM_DRAFT}, {"role": "user", "content": request}]
        reply = self.gen.generate(
            messages, prefix=FENCE, stop=STOP, max_tokens=40, temperature=0.0,
            first=first_token(FENCE) if self.command_start else None, **options,
        )  # fmt: skip
        return str(reply).strip()

    def candidates(self, request: str, draft: str = "") -> list[Candidate]:
        # Commands in the order their paragraphs, examples or cards first appear in the hits: a
        # command's man page answers for it even where it has no tldr page (hit@5 on tldr dev
        # tune, 150 rows: 66.7 against 35.3 for its card alone).
        by_name: dict[str, Candidate] = {}
        for hit in self.retriever.retrieve(request, k=12 * self.k):
            name = hit.chunk.metadata.get("command")
            if not name:
                continue
            if name not in by_name:
                by_name[name] = Candidate(name, "", len(by_name), ["retrieval"], [hit])
            else:
                by_name[name].hits.append(hit)
        ranked = list(by_name.values())
        drafted = command_of(draft) if draft else ""
        if drafted:
            known = by_name.get(drafted)
            if known is not None:
                known.sources.append("draft")
                ranked.remove(known)
                ranked.insert(0, known)
            elif self.index.store.has(command=drafted) or shutil.which(drafted):
                ranked.insert(0, Candidate(drafted, self._card(drafted), 0, ["draft"]))
        for i, c in enumerate(ranked):
            c.rank = i
        for c in ranked[: self.k]:
            c.card = c.card or self._card(c.name)
        return ranked[: self.k]

    def _card(self, name: str) -> str:
        """The command's card (its man page's, else its tldr page's), else one from its page."""
        cards = [chunk.text for _, chunk in self.index.store.chunks(command=name, kind="card")]
        if cards:
            return max(cards, key=len)
        from .cmdref import Lookup

        page = Lookup(self.index).page(name)
        summary = page.summary() if page else ""
        return f"{name}: {summary}." if summary else f"{name}."

    # -- 2. choice -------------------------------------------------------------------------------

    def choose(self, request: str, candidates: list[Candidate], **options) -> str:
        if not candidates:
            return ""
        if self.choice == "first" or len(candidates) == 1:
            return candidates[0].name
        if self.choice == "channel" and hasattr(self.gen, "score"):
            # each card scored by how well it predicts the request: the model names a familiar
            # command when asked to choose (passwd for "force a password change at next login");
            # the request is likelier after chage's own card. Retrieval's order counts too
            scores = [self.gen.score(channel_text(c.card), " " + request) - RANK_PRIOR * c.rank
                      for c in candidates]  # fmt: skip
            return candidates[scores.index(max(scores))].name
        messages = choice_messages(request, candidates, self.evidence)
        names = [c.name for c in candidates]
        if hasattr(self.gen, "choose"):
            picked = self.gen.choose(messages, names, prefix="", **options)
        else:
            picked = command_of(str(self.gen.generate(messages, prefix=FENCE, stop=STOP, max_tokens=16)))
        return picked if picked in names else names[0]

    # -- 3. write --------------------------------------------------------------------------------

    def context(self, request: str, name: str, card: str = "") -> Context:
        r = self.retriever
        mine = {"command": name, "kind": "doc"}
        found = r.retrieve(request, k=2 * self.n_options, filters=mine)
        options = _unique([h for h in found if h.chunk.metadata.get("flags")])[: self.n_options]
        subs = [h for h in found if subcommand_line(h.chunk, name)][: self.n_subcommands]
        examples = r.retrieve(request, k=self.n_examples, filters={"command": name, "kind": "example"})
        others = []
        if len(examples) < self.n_examples:
            more = r.retrieve(request, k=self.n_examples + 3, filters={"kind": "example"})
            others = [h for h in more if h.chunk.metadata.get("command") != name][
                : self.n_examples - len(examples)
            ]
        synopsis = self.synopsis(name)
        summary = card.split(":", 1)[1].strip() if ":" in card else ""
        return Context(name, first_sentences(summary, 200), synopsis, options, examples, subs, others)

    def synopsis(self, name: str) -> str:
        """The SYNOPSIS paragraph of the command's man page ('' when it has none)."""
        for _, chunk in self.index.store.chunks(command=name, kind="doc"):
            if chunk.metadata.get("heading") == "SYNOPSIS":
                return " ".join(chunk.text.split())[:240]
        return ""

    def typed(self, candidate: Candidate) -> str:
        """How the candidate's command is typed (:func:`invocation`)."""
        synopsis = self.synopsis(candidate.name) if "-" in candidate.name else ""
        return invocation(candidate.name, candidate.card, synopsis)

    def messages(self, request: str, ctx: Context, typed: str = "") -> list[dict[str, str]]:
        typed = typed or ctx.name
        parts = [f"{typed}: {ctx.summary}" if ctx.summary else typed]
        if ctx.synopsis:
            parts.append(f"Usage: {ctx.synopsis}")
        if ctx.subcommands:
            lines = (subcommand_line(h.chunk, ctx.name) for h in ctx.subcommands)
            parts.append("Subcommands and arguments:\n" + "\n".join(f"  {line}" for line in lines))
        if ctx.options:
            # an option of one subcommand is shown after it: `update --backup ...`, not `--backup`
            lines = (_scoped_option(h.chunk) for h in ctx.options)
            parts.append("Options:\n" + "\n".join(f"  {line}" for line in lines))
        shown = ctx.examples + ctx.others
        if shown:
            parts.append("Examples:\n" + "\n".join(_example(h.chunk) for h in shown))
        parts.append(f"Request: {request}")
        return [{"role": "system", "content": SYSTEM_WRITE}, {"role": "user", "content": "\n\n".join(parts)}]


def choice_messages(request: str, candidates: list[Candidate],
                    evidence: bool = False) -> list[dict[str, str]]:  # fmt: skip
    """The prompt in which the model names one of ``candidates`` (``choice = "model"``)."""
    lines = "\n".join(f"- {first_sentences(c.card, 200)}{_evidence(c) if evidence else ''}"
                      for c in candidates)  # fmt: skip
    return [
        {"role": "system", "content": SYSTEM_CHOOSE},
        {"role": "user", "content": f"Commands:\n{lines}\n\nRequest: {request}\nWhich command does it?"},
    ]


def channel_text(card: str) -> str:
    """What a request is scored after in the channel choice: the card's opening, then a cue."""
    return f"{first_sentences(card, 150)}\nA task it does:"


def _scoped_option(chunk: Chunk) -> str:
    return " ".join(filter(None, (scope(chunk), option_line(chunk.text, 150))))


def _unique(hits: list[Hit]) -> list[Hit]:
    """Option paragraphs, each line once (pipx's page repeats --system-site-packages under four
    subcommands)."""
    seen: set[str] = set()
    out = []
    for h in hits:
        line = _scoped_option(h.chunk)
        if line not in seen:
            seen.add(line)
            out.append(h)
    return out


def _evidence(candidate: Candidate) -> str:
    """What brought a candidate in, under its card in the choice: the example or option paragraph
    of its page that matched the request best (a card says what a command is; this, that it does
    what was asked: ``e.g. Show the size of each folder: du -sh */``)."""
    for hit in candidate.hits:
        chunk = hit.chunk
        if chunk.kind == "example":
            what, line = _example_parts(chunk)
            return f"\n  e.g. {what}: {line}" if what else f"\n  e.g. {line}"
        if chunk.kind == "doc" and chunk.metadata.get("flags"):
            return f"\n  {option_line(chunk.text, 120)}"
    return ""


def _example_parts(chunk: Chunk) -> tuple[str, str]:
    """(what an example does, its command line), from a tldr example's text."""
    what, _, line = chunk.text.strip().rpartition("\n")
    return re.sub(r"\s+", " ", what).rstrip(":"), line.strip()


def _example(chunk: Chunk) -> str:
    what, line = _example_parts(chunk)
    what = what if "\n" in chunk.text.strip() else chunk.title
    return f"- {what}:\n  {line}"
