"""Build the prompt: numbered documents, few-shot examples, the request, within a token budget.

The format follows DocPrompting: the retrieved "potential documents" come first, numbered so
the answer can cite them, then examples of similar code, then the request. Templates are
TOML files (``templates/bash.toml``, ``templates/python.toml``) with ``$placeholders``; a
user's own file replaces them (``$DOCPROMPT_HOME/templates/<language>.toml`` or an explicit
path). When the prompt would not fit the model's context, the lowest-ranked material goes
first.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template

from pydantic import BaseModel, ConfigDict

from .config import home
from .errors import BadInput
from .models import Hit

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LANGUAGES = ("bash", "python")


class PromptTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system: str
    user: str
    doc: str = "[$n] $title\n$text"
    example: str = "# $title\n$text"
    examples_header: str = "Examples:"


def load_template(language: str, path: str | Path | None = None) -> PromptTemplate:
    """The template for ``language``: ``path``, else the user's override, else the shipped one."""
    if language not in LANGUAGES:
        raise BadInput(f"unknown language {language!r}: use {' or '.join(LANGUAGES)}")
    if path is None:
        user = home() / "templates" / f"{language}.toml"
        source = user if user.exists() else resources.files("docprompt") / "templates" / f"{language}.toml"
    else:
        source = Path(path).expanduser()
        if not source.exists():
            raise BadInput(f"template not found: {path}")
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
        return PromptTemplate.model_validate(data)
    except (tomllib.TOMLDecodeError, ValueError) as e:
        first = str(e).splitlines()[0]
        raise BadInput(f"template {source} is invalid: {first}") from None


def estimate_tokens(text: str) -> int:
    """About 3.5 characters per token for code and English with BPE tokenizers."""
    return int(len(text) / 3.5) + 1


@dataclass
class BuiltPrompt:
    messages: list[dict[str, str]]
    docs: list[Hit]  # numbered [1], [2], ... in this order
    examples: list[Hit]
    dropped: int = 0  # retrieved items left out to fit the budget
    tokens: int = 0
    budget: int = 0
    cited: dict[int, Hit] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(f"<{m['role']}>\n{m['content']}" for m in self.messages)


class PromptBuilder:
    def __init__(
        self,
        language: str,
        *,
        template: str | Path | None = None,
        context_length: int = 4096,
        max_new_tokens: int = 256,
        count_tokens: Callable[[str], int] | None = None,
        max_doc_chars: int = 1500,
        max_examples: int = 4,
    ):
        self.language = language
        self.template = load_template(language, template)
        self.budget = context_length - max_new_tokens - 32  # room for the chat template's own tokens
        self.count = count_tokens or estimate_tokens
        self.max_doc_chars = max_doc_chars
        self.max_examples = max_examples

    def _render(self, request: str, docs: list[Hit], examples: list[Hit]) -> list[dict[str, str]]:
        t = self.template

        def text(hit: Hit) -> str:
            body = hit.chunk.text.strip()
            return body if len(body) <= self.max_doc_chars else body[: self.max_doc_chars] + " …"

        doc_block = "\n\n".join(
            Template(t.doc).safe_substitute(n=i, title=h.chunk.title, text=text(h), id=h.chunk.id)
            for i, h in enumerate(docs, 1)
        )
        ex_block = ""
        if examples:
            ex_block = (
                "\n"
                + t.examples_header
                + "\n"
                + "\n\n".join(
                    Template(t.example).safe_substitute(title=h.chunk.title, text=text(h), id=h.chunk.id)
                    for h in examples
                )
                + "\n"
            )
        user = Template(t.user).safe_substitute(
            docs=doc_block or "(none found)", examples=ex_block, request=request.strip()
        )
        return [{"role": "system", "content": t.system}, {"role": "user", "content": user}]

    def _tokens(self, messages: list[dict[str, str]]) -> int:
        return sum(self.count(m["content"]) + 4 for m in messages)

    def build(self, request: str, hits: list[Hit]) -> BuiltPrompt:
        """Docs and examples from ``hits`` (best first), dropping the worst until it fits."""
        if not request.strip():
            raise BadInput("the request is empty: say what the code should do")
        ranked = list(hits)
        examples = [h for h in ranked if h.chunk.kind == "example"][: self.max_examples]
        kept = [h for h in ranked if h.chunk.kind != "example" or h in examples]
        dropped = len(ranked) - len(kept)
        while True:
            docs = [h for h in kept if h.chunk.kind != "example"]
            exs = [h for h in kept if h.chunk.kind == "example"]
            messages = self._render(request, docs, exs)
            tokens = self._tokens(messages)
            if tokens <= self.budget:
                break
            if not kept:
                raise BadInput(
                    f"the request alone needs ~{tokens} tokens, more than the model's budget of "
                    f"{self.budget}: shorten it"
                )
            kept.pop()  # the lowest-ranked doc or example
            dropped += 1
        return BuiltPrompt(
            messages=messages,
            docs=docs,
            examples=exs,
            dropped=dropped,
            tokens=tokens,
            budget=self.budget,
            cited={i: h for i, h in enumerate(docs, 1)},
        )
