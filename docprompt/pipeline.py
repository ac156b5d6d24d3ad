"""``DocPrompt``: retrieve -> prompt -> generate -> parse -> verify -> (repair once) -> ``Answer``.

>>> dp = DocPrompt.load("tldr")                                # doctest: +SKIP
>>> answer = dp.ask("extract a gzipped archive into /tmp")    # doctest: +SKIP
>>> answer.code, answer.verification.ok                       # doctest: +SKIP
('tar -xzf archive.tar.gz -C /tmp', True)
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import BadInput
from .models import Hit
from .parse import extract_bash, extract_python
from .verify import Report

if TYPE_CHECKING:
    from .prompt import BuiltPrompt

BASH_INDEXERS = ("manpages", "tldr")
_CITE = re.compile(r"\[(\d{1,2})\]")


@dataclass
class Answer:
    request: str
    language: str
    code: str
    reply: str  # the model's whole (final) reply
    hits: list[Hit]  # the docs and examples the prompt showed, in prompt order
    cited: list[Hit]  # those the answer cites ([n]) or, if none, those about what it uses
    verification: Report | None
    evidence: dict[str, str] = field(default_factory=dict)  # "tar -x" -> the man line defining it
    repaired: bool = False
    first_code: str = ""  # before repair
    first_verification: Report | None = None
    backend: str = ""
    model: str = ""
    prompt_tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def hit(h: Hit) -> dict[str, Any]:
            c = h.chunk
            return {"id": c.id, "title": c.title, "kind": c.kind, "score": h.score, "text": c.text}

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
        }


class DocPrompt:
    """Writes code for a request, grounded in one index, and checks it against that index."""

    def __init__(
        self,
        index,
        *,
        generator=None,
        backend: str | None = None,
        model: str | None = None,
        language: str | None = None,
        k: int | None = None,
        examples: int | None = None,
        mode: str | None = None,
        template: str | None = None,
        max_tokens: int | None = None,
    ):
        """``k``, ``examples`` and ``max_tokens`` default to the settings file's [generate]."""
        from .config import resolve
        from .retrieve import Retriever

        conf = resolve("generate", {"k": k, "examples": examples, "max_tokens": max_tokens})
        k, examples, max_tokens = conf.k, conf.examples, conf.max_tokens

        self.index = index
        self._generator = generator
        self._backend, self._model = backend, model
        self.language = language or self.default_language(index)
        self.k, self.n_examples = k, examples
        self.retriever = Retriever(index, mode=mode)  # type: ignore[arg-type]
        self.template = template
        self.max_tokens = max_tokens
        self._verifiers: dict[str, Callable[[str], Report]] = {}

    @classmethod
    def load(cls, name: str, **options: Any) -> DocPrompt:
        """The named index (see ``docprompt index list``)."""
        from .store.registry import open_index

        return cls(open_index(name), **options)

    @staticmethod
    def default_language(index) -> str:
        indexer = getattr(getattr(index, "manifest", None), "indexer", "")
        return "bash" if any(name in indexer for name in BASH_INDEXERS) else "python"

    @property
    def generator(self):
        if self._generator is None:
            from .generate import get_generator

            self._generator = get_generator(self._backend, self._model)
        return self._generator

    # -- stages -------------------------------------------------------------------------------

    def retrieve(self, request: str, *, k: int | None = None, examples: int | None = None) -> list[Hit]:
        """The top docs, then the top examples (few-shot), for ``request``."""
        k = self.k if k is None else k
        n_ex = self.n_examples if examples is None else examples
        docs = self.retriever.retrieve(request, k=k, filters={"kind": "doc"}) if k else []
        exs = self.retriever.retrieve(request, k=n_ex, filters={"kind": "example"}) if n_ex else []
        return docs + exs

    def verify(self, code: str, language: str) -> Report:
        """``code`` checked by the verifier registered for ``language`` (against this index)."""
        if language not in self._verifiers:
            from .plugins import load

            self._verifiers[language] = load("verifiers", language)(self.index)
        return self._verifiers[language](code)

    # -- the whole request --------------------------------------------------------------------

    def ask(
        self,
        request: str,
        *,
        context: str = "",
        language: str | None = None,
        verify: bool = True,
        repair: bool = True,
        docs: bool = True,
        hits: list[Hit] | None = None,
        on_prompt: Callable[[BuiltPrompt], None] | None = None,
        on_token: Callable[[str], None] | None = None,
        temperature: float = 0.0,
        seed: int | None = 0,
    ) -> Answer:
        """``hits``: already retrieved docs (e.g. shown to the user first), used instead of
        retrieving again; ``on_prompt`` sees the prompt before it goes to the model."""
        from .prompt import PromptBuilder

        if not isinstance(request, str) or not request.strip():
            raise BadInput("the request is empty: say what the code should do")
        language = language or self.language
        if language not in ("bash", "python"):
            raise BadInput(f"unknown language {language!r}: use bash or python")
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        if not docs:
            hits = []
        elif hits is None:
            hits = self.retrieve(request)
        timings["retrieve_s"] = time.perf_counter() - t0
        gen = self.generator
        builder = PromptBuilder(
            language,
            template=self.template,
            context_length=gen.context_length,
            max_new_tokens=self.max_tokens,
            count_tokens=gen.count_tokens,
        )
        # context (e.g. a notebook's variables) goes to the model, not to retrieval
        prompt = builder.build(f"{request}\n\n{context.strip()}" if context.strip() else request, hits)
        if on_prompt is not None:
            on_prompt(prompt)
        options = {"temperature": temperature, "max_tokens": self.max_tokens, "seed": seed}
        t = time.perf_counter()
        reply = self._generate(prompt.messages, options, on_token)
        timings["generate_s"] = time.perf_counter() - t
        extract = extract_bash if language == "bash" else extract_python
        code = extract(reply)
        shown = prompt.docs + prompt.examples
        answer = Answer(
            request=request,
            language=language,
            code=code,
            reply=reply,
            hits=shown,
            cited=[],
            verification=None,
            first_code=code,
            backend=gen.backend,
            model=gen.model,
            prompt_tokens=prompt.tokens,
        )
        if verify:
            t = time.perf_counter()
            report = self.verify(code, language)
            timings["verify_s"] = time.perf_counter() - t
            answer.verification = answer.first_verification = report
            if repair and not report.ok:
                t = time.perf_counter()
                self._repair(answer, prompt.messages, options, on_token)
                timings["repair_s"] = time.perf_counter() - t
        answer.cited = self._cited(answer, prompt.cited)
        answer.evidence = self._evidence(answer) if verify else {}
        timings["total_s"] = time.perf_counter() - t0
        answer.timings = {k: round(v, 3) for k, v in timings.items()}
        return answer

    def _generate(self, messages, options, on_token) -> str:
        if on_token is None:
            return str(self.generator.generate(messages, **options))
        pieces = []
        for piece in self.generator.generate(messages, stream=True, **options):
            pieces.append(piece)
            on_token(piece)
        return "".join(pieces)

    def _repair(self, answer: Answer, messages, options, on_token) -> None:
        report = answer.verification
        assert report is not None
        lines = [f"- {i.message}" for i in report.issues]
        paragraphs = self._repair_docs(answer.request, report)
        fence = answer.language
        text = "Checking your answer against the documentation found problems:\n" + "\n".join(lines)
        if paragraphs:
            text += "\n\nThe relevant documentation:\n" + "\n\n".join(paragraphs)
        text += f"\n\nWrite the corrected answer in one ```{fence} block, using only what the docs show."
        convo = [*messages, {"role": "assistant", "content": answer.reply}, {"role": "user", "content": text}]
        if on_token:
            on_token("\n\n[repairing: " + report.summary() + "]\n")
        reply = self._generate(convo, options, on_token)
        extract = extract_bash if answer.language == "bash" else extract_python
        code = extract(reply)
        new = self.verify(code, answer.language) if code else None
        if new is not None and len(new.issues) < len(report.issues):
            answer.code, answer.reply, answer.verification, answer.repaired = code, reply, new, True

    def _repair_docs(self, request: str, report: Report, per_issue: int = 2) -> list[str]:
        out: list[str] = []
        for issue in report.issues[:4]:
            if issue.kind == "unknown-flag":
                query = f"{request} {' '.join(issue.suggestions)}"
                hits = self.retriever.retrieve(query, k=per_issue, filters={"command": issue.command})
            elif issue.kind in ("unknown-api", "unknown-module"):
                hits = self.retriever.retrieve(f"{' '.join(issue.suggestions)} {request}", k=per_issue)
            else:
                continue
            out.extend(h.chunk.text.strip()[:800] for h in hits if h.chunk.text.strip()[:800] not in out)
        return out

    @staticmethod
    def _cited(answer: Answer, numbered: dict[int, Hit]) -> list[Hit]:
        cited = [
            numbered[n] for n in dict.fromkeys(int(x) for x in _CITE.findall(answer.reply)) if n in numbered
        ]
        if cited:
            return cited
        report = answer.verification
        names = {c.split()[0] for c in report.checked} if report else set()
        about = [h for h in numbered.values() if h.chunk.metadata.get("command") in names]
        about += [
            h
            for h in numbered.values()
            if h not in about and (h.chunk.metadata.get("symbol") in names or h.chunk.title in names)
        ]
        return about or list(numbered.values())[:3]

    @staticmethod
    def _evidence(answer: Answer) -> dict[str, str]:
        """For each verified flag, the first lines of the man paragraph that defines it."""
        return dict(answer.verification.evidence) if answer.verification else {}
