"""``DocPrompt``: a request in, verified code out.

Bash: candidates (command cards) -> choice (each card's likelihood of the request) -> the
chosen command's page -> write (the reply starts inside a ```bash block with the command's
name) -> verify -> fix -> fill placeholders. Python: API cards, examples and the request ->
write (inside a ```python block) -> verify (names, calls, members, variables) -> the docs' own
fixes -> model repair. Several samples may be drawn; the one that verifies best wins. See docs/generation.md.

>>> dp = DocPrompt.load("tldr")                                # doctest: +SKIP
>>> answer = dp.ask("extract a gzipped archive into /tmp")    # doctest: +SKIP
>>> answer.code, answer.verification.ok                       # doctest: +SKIP
('tar -xzf archive.tar.gz -C /tmp', True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .answer import Answer
from .errors import BadInput
from .models import Hit
from .verify import Report

BASH_INDEXERS = ("manpages", "tldr")


class DocPrompt:
    """Writes code for a request, grounded in one index, and checks it against that index.

    Settings not given here come from the environment and the settings file's ``[generate]``
    table (``docprompt.config.resolve``): k, examples, max_tokens, samples, repair_rounds, ...
    """

    def __init__(self, index, *, generator=None, backend: str | None = None, model: str | None = None,
                 language: str | None = None, mode: str | None = None, template: str | None = None,
                 **settings: Any) -> None:  # fmt: skip
        from .config import resolve
        from .retrieve import Retriever

        self.settings = resolve("generate", settings)
        self.index = index
        self._generator = generator
        self._backend, self._model = backend, model
        self.language = language or self.default_language(index)
        parts = getattr(index, "indexes", None)  # a MultiIndex: one retriever per index, fused
        if parts:
            from .multi import MultiRetriever

            self.retriever = MultiRetriever([Retriever(ix, mode=mode) for ix in parts],  # type: ignore[arg-type]
                                            [ix.name for ix in parts])  # fmt: skip
        else:
            self.retriever = Retriever(index, mode=mode)  # type: ignore[arg-type,assignment]
        self.template = template
        self._verifiers: dict[str, Callable[..., Report]] = {}

    k = property(lambda self: self.settings.k)
    n_examples = property(lambda self: self.settings.examples)
    max_tokens = property(lambda self: self.settings.max_tokens)

    @classmethod
    def load(cls, name: str | Sequence[str], **options: Any) -> DocPrompt:
        """The named index (see ``docprompt index list``), or several: ``["man", "acme"]``
        retrieves from each and fuses their hits by rank, and verifies against all of them
        (see docprompt.multi); the first one's kind picks the default language."""
        from .store.registry import open_index

        names = [name] if isinstance(name, str) else list(dict.fromkeys(name))
        if not names or not all(isinstance(n, str) and n for n in names):
            raise BadInput("name an index, or a list of index names: DocPrompt.load(['man', 'acme'])")
        if len(names) == 1:
            return cls(open_index(names[0]), **options)
        from .multi import MultiIndex

        return cls(MultiIndex([open_index(n) for n in names]), **options)

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

    def verifier(self, language: str) -> Callable[..., Report]:
        """The verifier registered for ``language``, built on this index once."""
        if language not in self._verifiers:
            from .plugins import load

            self._verifiers[language] = load("verifiers", language)(self.index)
        return self._verifiers[language]

    def verify(self, code: str, language: str, **context: Any) -> Report:
        """``code`` checked by the verifier registered for ``language`` (against this index);
        ``context``: what a Python verifier also checks (``variables``, ``namespace``)."""
        verifier = self.verifier(language)
        return verifier(code, **context) if context and language == "python" else verifier(code)

    # -- the whole request --------------------------------------------------------------------

    def ask(self, request: str, *, context: str = "", language: str | None = None, verify: bool = True,
            repair: bool = True, docs: bool = True, hits: list[Hit] | None = None,
            on_prompt: Callable[[Any], None] | None = None, on_token: Callable[[str], None] | None = None,
            temperature: float = 0.0, seed: int | None = 0, samples: int | None = None,
            namespace: Mapping[str, str] | None = None) -> Answer:  # fmt: skip
        """Code for ``request``. ``context``: more for the model, not for retrieval (a notebook's
        variables); ``hits``: docs already retrieved (shown to the user first) for the plain
        prompt; ``on_prompt`` sees the messages before they go to the model; ``on_token`` gets
        the first sample as it streams; ``namespace``: variable -> dotted class of what a notebook
        already holds, for the Python verifier."""
        if not isinstance(request, str) or not request.strip():
            raise BadInput("the request is empty: say what the code should do")
        language = language or self.language
        if language not in ("bash", "python"):
            raise BadInput(f"unknown language {language!r}: use bash or python")
        from .answer_stage import Stage

        stage = Stage(self, request, language, verify=verify, repair=repair, temperature=temperature,
                      seed=seed, samples=samples or self.settings.samples, on_token=on_token,
                      namespace=namespace)  # fmt: skip
        return stage.run(context=context, docs=docs, hits=hits, on_prompt=on_prompt)
