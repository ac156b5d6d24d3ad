"""One request through the answer stage: prompt, samples, verification, fixes, repair."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from .answer import Answer, Sample, cite, pick
from .extract import bash_answer, python_answer
from .models import Hit
from .repair import apply_fixes, better, repair_messages
from .verify import Issue, Report

FENCES = {"bash": "```bash\n", "python": "```python\n"}


class Stage:
    def __init__(self, dp, request: str, language: str, *, verify: bool, repair: bool, temperature: float,
                 seed: int | None, samples: int, on_token: Callable[[str], None] | None,
                 namespace: Mapping[str, str] | None) -> None:  # fmt: skip
        self.dp, self.request, self.language = dp, request, language
        self.do_verify, self.do_repair = verify, repair
        self.temperature, self.seed, self.n = temperature, seed, samples
        self.on_token, self.namespace = on_token, namespace
        self.settings = dp.settings
        self.timings: dict[str, float] = {}
        self.command: dict[str, Any] = {}
        self.draft = ""  # a draft of the chosen command, to compete with the written answers
        self.fallback = ""  # the draft, used only when nothing usable was written
        self.examples: list[str] = []  # the Python examples the prompt shows
        self.cards: list[str] = []  # its API cards (defaults they show are dropped from calls)
        self.t0 = time.perf_counter()

    def _tick(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[name] = round(self.timings.get(name, 0.0) + now - since, 3)
        return now

    # -- prompts ------------------------------------------------------------------------------------

    def prompt(self, context: str, docs: bool, hits: list[Hit] | None) -> tuple[list[dict], str, list[Hit]]:
        """(messages, the reply's prefix, the hits shown)."""
        dp, request = self.dp, self.request
        fence = FENCES[self.language]
        if self.language == "bash" and docs and hits is None and self.settings.command_first:
            from .bash_answer import CommandFirst, command_of

            s = self.settings
            cf = CommandFirst(dp.index, dp.retriever, dp.generator, candidates=s.candidates, draft=s.draft,
                              choice=s.choice, examples=s.examples,
                              command_start=s.command_start, evidence=s.choice_evidence)  # fmt: skip
            if cf.available():
                t = time.perf_counter()
                draft = cf.draft(request) if s.draft else ""
                t = self._tick("draft_s", t)
                candidates = cf.candidates(request, draft)
                t = self._tick("retrieve_s", t)
                name = cf.choose(request, candidates)
                t = self._tick("choose_s", t)
                card = next((c.card for c in candidates if c.name == name), "")
                ctx = cf.context(request, name, card)
                self._tick("retrieve_s", t)
                typed_as = {c.name: cf.typed(c) for c in candidates}
                runs = [typed_as[c.name].split()[0] for c in candidates]
                self.command = {"draft": draft, "candidates": [c.name for c in candidates], "chosen": name,
                                "runs": runs}  # fmt: skip
                typed = typed_as.get(name, name)  # the chosen one is a candidate (or '' for none)
                # when nothing usable is written, the draft answers (even for another command),
                # else the chosen command as typed, its required operands added by the checks: a
                # checked command line beats an empty answer (1 of 400 tldr rows each time)
                self.fallback = draft if command_of(draft) else typed
                self.draft = draft if s.draft_sample and command_of(draft) == name else ""
                shown = [h for c in candidates if c.name == name for h in c.hits[:1]] + ctx.hits
                return cf.messages(request, ctx, typed), fence + typed, shown
        if self.language == "python" and docs:
            from .python_answer import PythonPrompt, api_style

            t = time.perf_counter()
            pp = PythonPrompt(dp.index, dp.retriever, k=dp.k, examples=min(dp.n_examples, 2),
                              symbols=getattr(dp.verifier("python"), "symbols", None),
                              given_values_only=self.settings.given_examples,
                              card_examples=self.settings.card_examples,
                              class_members=self.settings.class_members,
                              builder_chains=self.settings.builder_chains,
                              steps=self.settings.steps, filters=self.settings.filters,
                              lookups=self.settings.lookups, file_cards=self.settings.file_cards,
                              maker_cards=self.settings.maker_cards)  # fmt: skip
            api = pp.context(request, hits, namespace=self.namespace)
            self.examples, self.cards = api.examples, api.cards
            self._tick("retrieve_s", t)
            if api.cards and self.settings.reference_docs == "check" and _reference(api.hits):
                # A reference (DevDocs) documents libraries the model has read: it writes from
                # what it knows, and the entries check the answer (docs/benchmarks.md, CoNaLa)
                self.examples = []  # none shown, so none the answer could have copied from
                messages, prefix, _ = self.prompt(context, False, None)
                return messages, prefix, api.hits
            if api.cards:
                # The docs' import lines open the reply: small models then write calls, not
                # copies of the API or their own versions of it; unused ones are dropped after.
                given = api.imports if self.settings.prefill_imports else []
                prefix = fence + "".join(f"{ln}\n" for ln in given)
                style = api_style(self.settings.api_style, dp.generator.model)
                messages = pp.messages(request, api, context=context, imports=not given, style=style)
                return messages, prefix, api.hits
        t = time.perf_counter()
        if not docs:
            hits = []
        elif hits is None:
            hits = dp.retrieve(request)
        self._tick("retrieve_s", t)
        from .prompt import PromptBuilder

        gen = dp.generator
        builder = PromptBuilder(self.language, template=dp.template, context_length=gen.context_length,
                                max_new_tokens=dp.max_tokens, count_tokens=gen.count_tokens)  # fmt: skip
        if self.language == "python":
            from .python_answer import task

            request = task(request)
        text = f"{request}\n\n{context.strip()}" if context.strip() else request
        built = builder.build(text, hits)
        return built.messages, fence, built.docs + built.examples

    # -- sampling, checking, fixing ---------------------------------------------------------------------

    def _extract(self, reply: str, prefix: str) -> tuple[str, str | None]:
        if self.language == "bash":
            return bash_answer(reply, prefix)
        code, problem = python_answer(reply, prefix)
        if problem is None:
            from .pytidy import tidied

            code = tidied(code, self.request, self.cards)
        return code, problem

    def _members(self) -> dict[str, list[str]]:
        """The documented members of each notebook variable whose class the index documents."""
        if not hasattr(self, "_known_members"):
            self._known_members: dict[str, list[str]] = {}
            symbols = getattr(self.dp.verifier("python"), "symbols", None)
            if symbols is None:
                return self._known_members
            for name, dotted in (self.namespace or {}).items():
                cls = None if dotted.startswith("module:") else symbols.locate(dotted)
                if cls and symbols.is_class(cls):
                    names = [m for m in symbols.member_list(cls) if not m.startswith("_")]
                    if names:
                        self._known_members[name] = names
        return self._known_members

    def _check(self, code: str) -> Report | None:
        if not self.do_verify or not code:
            return None
        t = time.perf_counter()
        if self.language == "python":
            from .verify.pyenumwords import worded_member
            from .verify.pyfilters import request_filter_fix
            from .verify.pymeant import meant_member
            from .verify.pytask import Answer as Asked
            from .verify.pytask import task_issues
            from .verify.request import given_variables, overwritten_inputs, requested_variables

            # the variables the request gives exist (type unknown): never "imported" by a fix
            ns = self.namespace or {}
            held = {v: "" for v in given_variables(self.request)} | dict(ns)
            report = self.dp.verify(code, "python", variables=requested_variables(self.request),
                                    namespace=held)  # fmt: skip
            flagged = {i.name for i in report.issues if i.kind == "replaced-input"}
            inputs = overwritten_inputs(code, self.request, held=ns)
            report.issues += [i for i in inputs if i.name not in flagged]
            symbols = getattr(self.dp.verifier("python"), "symbols", None)
            asked = Asked(code, self.request, symbols, ns, self.examples)
            report.issues += task_issues(asked, self.settings)
            if symbols is not None:
                report.issues = [meant_member(worded_member(i, symbols), self.request, symbols, code)
                                 for i in report.issues]  # fmt: skip
                report.issues = [request_filter_fix(i, code, self.request, symbols, ns)
                                 for i in report.issues]  # fmt: skip
            report.issues = _one_per_place(report.issues)
        else:
            report = self.dp.verify(code, "bash")
        self._tick("verify_s", t)
        return report

    def _fix(self, sample: Sample) -> Sample:
        """The fixes the docs determine, applied while they do not add problems (a fixed import
        can reveal the next problem, so the count may stay; a fixed member name, the next: a
        ``germ_pct(0.93)`` is ``germinating(0.93)``, then ``germinating(93)``; six rounds at most)."""
        for _ in range(6):
            if sample.report is None or not any(i.fix for i in sample.report.issues):
                break
            code, applied = apply_fixes(sample.code, sample.report.issues)
            if applied and self.language == "python":  # a fixed call may now unwrap its function
                from .pytidy import function_unwrapped

                code = function_unwrapped(_imports_tidied(code), self.request)
            report = self._check(code) if applied else None
            if report is None or _weight(report.issues) > len(sample.report.issues):
                break
            sample = Sample(code, sample.reply, None, report, sample.first or sample.code,
                            sample.first_report or sample.report)  # fmt: skip
        return sample

    def generate(self, messages, prefix: str, *, temperature: float, seed: int | None, stream: bool,
                 max_tokens: int = 0) -> str:  # fmt: skip
        options = {
            "temperature": temperature,
            "max_tokens": max_tokens or self.dp.max_tokens,
            "seed": seed,
            "prefix": prefix,
        }
        if self.language == "bash":
            options["stop"] = ["\n", "```"]
            if self.settings.command_start:
                from .bash_answer import first_token

                options["first"] = first_token(prefix)
        else:
            from .extract import ECHO_STOPS

            options["stop"] = ["```", *ECHO_STOPS]
            if self.settings.members and self.namespace:
                options["members"] = self._members()
        gen = self.dp.generator
        if not stream or self.on_token is None:
            return str(gen.generate(messages, **options))
        self.on_token(_written(prefix))
        pieces = []
        for piece in gen.generate(messages, stream=True, **options):
            pieces.append(piece)
            self.on_token(piece)
        return "".join(pieces)

    def sample(self, messages, prefix: str) -> list[Sample]:
        out: list[Sample] = []
        extended = False
        for i in range(self.n):
            temperature = self.temperature if i == 0 else max(self.temperature, 0.7)
            seed = None if self.seed is None else self.seed + i
            reply = self.generate(messages, prefix, temperature=temperature, seed=seed, stream=i == 0)
            code, problem = self._extract(reply, prefix)
            if problem == "truncated" and not extended:
                # cut off at the token limit: once more, with room to finish. Once a request: a
                # second long answer is drawn anew at the usual length (each rewrite at 1024
                # tokens costs the 1.5B tens of seconds on 2 cores)
                extended = True
                budget = min(4 * self.dp.max_tokens, 1024)
                reply = self.generate(messages, prefix, temperature=temperature, seed=seed, stream=False,
                                      max_tokens=budget)  # fmt: skip
                code, problem = self._extract(reply, prefix)
            elif problem and i == 0 and self.n == 1:  # an empty or malformed reply: once more, sampled
                reply = self.generate(messages, prefix, temperature=0.7, seed=(seed or 0) + 100, stream=False)
                code, problem = self._extract(reply, prefix)
            report = self._check(code) if not problem else None
            out.append(self._fix(Sample(code, _written(prefix) + reply, problem, report)))
            last = out[-1]
            if (
                self.settings.samples_until == "verified"
                and not last.problem
                and (last.report is None or last.report.ok)
            ):
                break  # verified clean, or nothing to verify against: another sample cannot do better
        if self.draft:
            code, problem = self._extract(self.draft, "")
            report = self._check(code) if not problem else None
            out.append(self._fix(Sample(code, self.draft, problem, report)))
        return out

    def _assigned(self, messages, prefix: str, best: Sample) -> Sample:
        """Every sample unusable (imports only, a syntax error, prose): once more, greedy, the
        reply begun with the assignment the request asks for (``rule =``), from which a small
        model writes an expression (tune u52: three samples of imports and ``def keep=deep...``)."""
        from .verify.request import requested_variables

        wanted = requested_variables(self.request)
        if not wanted:
            return best
        start = f"{prefix}{wanted[0]} ="
        reply = self.generate(messages, start, temperature=0.0, seed=self.seed, stream=False)
        code, problem = self._extract(reply, start)
        return best if problem else self._fix(Sample(code, _written(start) + reply, None, self._check(code)))

    def repair(self, best: Sample, messages, prefix: str) -> tuple[Sample, bool]:
        rounds = self.settings.repair_rounds if self.do_repair and self.do_verify else 0
        deadline = time.perf_counter() + self.settings.time_budget
        repaired, temperature = False, 0.0
        for i in range(rounds):
            if best.problem or best.report is None or best.report.ok or time.perf_counter() > deadline:
                break
            convo = repair_messages(messages, best.code, best.report, self.language)
            start = prefix if self.language == "bash" else FENCES[self.language]
            if self.on_token:
                self.on_token("\n[repairing: " + best.report.summary() + "]\n")
            seed = None if self.seed is None else self.seed + i
            reply = self.generate(convo, start, temperature=temperature, seed=seed, stream=False)
            code, problem = self._extract(reply, start)
            new = self._fix(
                Sample(code, _written(start) + reply, problem, self._check(code) if not problem else None)
            )
            if not problem and new.code.strip() == best.code.strip() and temperature == 0.0:
                temperature = 0.7  # the same code written back (the docs' fixes applied): sample next
                continue
            if problem or not better(new.report, best.report):
                break
            best, repaired = new, True
        return best, repaired

    # -- the whole -------------------------------------------------------------------------------------

    def run(self, *, context: str, docs: bool, hits: list[Hit] | None, on_prompt) -> Answer:
        messages, prefix, shown = self.prompt(context, docs, hits)
        if on_prompt is not None:
            on_prompt(messages)
        t = time.perf_counter()
        samples = self.sample(messages, prefix)
        t = self._tick("generate_s", t)
        best = pick(samples, self.language)
        if best.problem and best.problem != "truncated" and self.language == "python":
            best = self._assigned(messages, prefix, best)
            t = self._tick("generate_s", t)
        if best.problem and best.problem != "truncated" and self.fallback:
            # Nothing usable was written: the draft or the chosen command, both well formed.
            code, problem = self._extract(self.fallback, "")
            if not problem:
                best = self._fix(Sample(code, self.fallback, None, self._check(code)))
        first_code, first_report = (best.first, best.first_report) if best.first else (best.code, best.report)
        best, repaired = self.repair(best, messages, prefix)
        repaired = repaired or bool(best.first)
        self._tick("repair_s", t)
        code = best.code if not best.problem or best.problem == "truncated" else ""
        placeholders: list[str] = []
        if self.language == "bash" and code:
            from .extract import echo_cut
            from .placeholders import fill, remaining, unsaid

            code = echo_cut(code, self.request)
            if self.settings.fill_placeholders:
                code = fill(code, self.request)
            if self.settings.unsaid_placeholders:
                code = unsaid(code, self.request)
            placeholders = remaining(code)
        gen = self.dp.generator
        report = best.report
        answer = Answer(
            request=self.request, language=self.language, code=code, reply=best.reply, hits=shown,
            cited=cite(code, self.language, shown, report) if code else [], verification=report,
            evidence=dict(report.evidence) if report else {}, repaired=repaired, first_code=first_code,
            first_verification=first_report, backend=gen.backend, model=gen.model,
            problem=best.problem, command=self.command, placeholders=placeholders,
            samples=[{"code": s.code, "problem": s.problem, "issues": s.issues if not s.problem else None}
                     for s in samples],
        )  # fmt: skip
        self.timings["total_s"] = round(time.perf_counter() - self.t0, 3)
        answer.timings = self.timings
        return answer


def _reference(hits: list[Hit]) -> bool:
    """Hits from a reference of many libraries (DevDocs), none from a package's own API."""
    from .verify.api import reference_entry

    meta = [h.chunk.metadata for h in hits]
    return not any("module" in m for m in meta) and any(map(reference_entry, meta))


def _weight(issues: list) -> int:
    """How many problems a fixed answer has: an import its fix adds (``draft`` for the builder
    that replaced ``Accession(...)``) is the next fix's to write, and a member the request names
    that the code leaves out (``state=FREEZER`` fixed to ``keep=deep`` leaves "not quarantined"
    unsaid) was missing before the fix too: neither is a new problem."""
    return sum(1 for i in issues if not (i.kind == "missing-import" and i.fix)
               and not (i.kind == "meant-member" and not i.fix))  # fmt: skip


def _one_per_place(issues: list[Issue]) -> list[Issue]:
    """Two checks may flag one argument (``pluck(0)``: not a string, nor shaped like a code);
    where one of them has the fix, the other is not counted again."""
    fixed = {(i.name, i.line) for i in issues if i.fix}
    return [i for i in issues if i.fix or (i.name, i.line) not in fixed]


def _imports_tidied(code: str) -> str:
    """Fixed code without the imports the fixes left unused (``from pkg import Ledger`` once
    ``bank = Ledger()`` is dropped for the notebook's ``bank``)."""
    import ast

    from .extract import unused_imports_dropped

    try:
        return unused_imports_dropped(code, ast.parse(code))
    except SyntaxError:
        return code


def _written(prefix: str) -> str:
    """What of a prefix the reader sees as the answer's start: the text after the opening fence."""
    return prefix.split("\n", 1)[1] if prefix.startswith("```") and "\n" in prefix else prefix
