"""The sections of one documentation file, as every format's reader fills them in, and the
language and description helpers they share (the docs-folder and code-examples indexers)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LANGUAGE_ALIASES = {
    "py": "python", "py3": "python", "python3": "python", "pycon": "python", "ipython": "python",
    "ipython3": "python", "default": "python", "python-console": "python", "pyi": "python",
    "sh": "bash", "shell": "bash", "console": "bash", "shell-session": "bash", "shellsession": "bash",
    "bash-session": "bash", "zsh": "bash", "terminal": "bash", "ps1con": "powershell",
    "js": "javascript", "mjs": "javascript", "cjs": "javascript", "ts": "typescript", "yml": "yaml",
    "c++": "cpp", "rs": "rust",
    "txt": "text", "plain": "text", "plaintext": "text", "none": "text", "nohighlight": "text",
}  # fmt: skip
#: Blocks tagged with these hold no code to imitate (output, diagrams, formulas).
NOT_CODE = {"text", "output", "mermaid", "math", "latex", "pytb", "ascii", "graphviz", "dot"}
DESCRIPTION_CHARS = 300
#: A section with one of these titles is a list of links: it yields nothing and nests nothing.
TOC_TITLES = {"table of contents", "contents", "on this page", "in this article", "toc"}

_SHELL_START = re.compile(
    r"(\$ |sudo |pip3? |python3? -m |conda |apt(-get)? |brew |cd |ls |git |curl |wget |export |docker "
    r"|npm |make |mkdir |echo |cat |grep |tar |chmod |ssh |uv |pipx )"
)
_PYTHON_START = re.compile(r"(import \w|from [\w.]+ import |def \w|class \w|print\(|async def |@\w)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def normalize_language(tag: str) -> str:
    tag = tag.strip().lower().lstrip(".")
    return LANGUAGE_ALIASES.get(tag, tag)


def guess_language(code: str, default: str = "text") -> str:
    """A language for an untagged block, from its prompts and first line."""
    lines = [line.strip() for line in code.splitlines()[:20] if line.strip()]
    if not lines:
        return default
    if any(line.startswith(">>> ") or line == ">>>" for line in lines[:5]):
        return "python"
    first = lines[0]
    if first.startswith("#!"):
        return "python" if "python" in first else "bash" if "sh" in first else default
    if _SHELL_START.match(first):
        return "bash"
    if _PYTHON_START.match(first):
        return "python"
    return default


def describe(prose: str, limit: int = DESCRIPTION_CHARS) -> str:
    """The last sentence(s) of ``prose`` that fit in ``limit`` characters."""
    prose = " ".join(prose.split())
    if len(prose) <= limit:
        return prose
    out = ""
    for sentence in reversed(_SENTENCE_END.split(prose)):
        longer = f"{sentence} {out}" if out else sentence
        if len(longer) > limit:
            break
        out = longer
    return out or prose[: limit - 1].rstrip() + "…"


def slugify(text: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens."""
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
    return slug or "section"


@dataclass
class Example:
    code: str
    language: str
    description: str


@dataclass
class Section:
    level: int  # 0: the text before the first heading
    heading: str
    anchor: str
    path: tuple[str, ...]
    body: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    prose: str = ""  # the last prose paragraph: what describes the next code block
    toc: bool = False


class Outline:
    """The sections of one file: headings down to ``max_level`` start one, code blocks are examples."""

    def __init__(self, max_level: int):
        self.max_level = max_level
        self.sections = [Section(0, "", "", ())]
        self._stack: list[tuple[int, str]] = []
        self._anchors: set[str] = set()

    @property
    def current(self) -> Section:
        return self.sections[-1]

    def heading(self, level: int, text: str, anchor: str = "") -> bool:
        """Start a section; False when ``level`` is too deep to split on (the caller keeps it as text)."""
        text = " ".join(text.split())
        if not text or level > self.max_level:
            return False
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        if text.lower().rstrip(":") in TOC_TITLES:
            self.sections.append(Section(level, text, "", (), toc=True))
            return True
        self._stack.append((level, text))
        anchor, n = anchor or slugify(text), 0
        unique = anchor
        while unique in self._anchors:
            n += 1
            unique = f"{anchor}-{n}"
        self._anchors.add(unique)
        self.sections.append(Section(level, text, unique, tuple(h for _, h in self._stack)))
        return True

    def text(self, raw: str, prose: str | None = None, *, item: bool = False) -> None:
        """``raw`` joins the section's text (empty: a container's text was added already);
        ``prose``, when given, is what describes the next code block."""
        body = self.current.body
        if item and body and body[-1].startswith("- "):
            body[-1] += "\n" + raw  # list items stay one block
        elif raw.strip():
            body.append(raw)
        if prose and prose.strip():
            self.current.prose = prose

    def code(
        self, code: str, language: str, raw: str = "", *, example: bool = True, description: str = ""
    ) -> None:
        """A code block: ``raw`` joins the section's text, the code is an example unless ``example``
        is False (output, a diagram)."""
        if raw:
            self.current.body.append(raw)
        code = code.strip("\n").rstrip()
        if example and code.strip():
            desc = describe(description or self.current.prose)
            self.current.examples.append(Example(code, language, desc))

    def first_heading(self, level: int = 1) -> str:
        return next((s.heading for s in self.sections if s.level == level and not s.toc), "")
