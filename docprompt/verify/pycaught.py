"""What a ``try`` catches, against what the request says of the failure: the exception the
request's words describe, not a sibling (``except LotUnavailable`` for "if seedloft refuses
because the lot has too little seed": ``ShortOfSeed``); the library's base exception where the
request takes any failure ("skip any lot seedloft refuses, whatever the problem"); and the
variables the request asks for on either path: the error object stored by the handler, not the
call's result by the ``try`` (``problem = bank.dispatch(...)``), and None stored where the
request says so when the call fails before its variable is set."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from . import Issue, package_tree, span_fix
from .failures import called_symbols, failure_clause, failure_scores, raised_by
from .pyvalues import one_best

_ANY = re.compile(
    r"\bwhatever (?:the )?(?:problem|reason|error|goes wrong|the cause)\b|\bfor any reason\b"
    r"|\bno matter (?:why|what)\b|\bany (?:error|problem|failure|refusal)s?\b",
    re.I,
)
_ERROR = re.compile(r"\b(?:error|exception)s?\b", re.I)


def caught_failures(code: str, request: str, api, namespace: Mapping[str, str]) -> list[Issue]:
    """A handler of a documented exception other than the one the request means, for the calls
    its ``try`` makes (by their docs' ``Raises:``); the fix names the one meant."""
    from .pyexpr import code_env

    tree = package_tree(code, api)
    if tree is None:
        return []
    env, lines, out = code_env(tree, api, namespace), code.split("\n"), []
    for t in (n for n in ast.walk(tree) if isinstance(n, ast.Try)):
        symbols = [s for call in _calls(t) for s in called_symbols(call, api, env)]
        raised = {exc.rsplit(".", 1)[-1]: why for s in symbols for exc, why in raised_by(api, s)}
        meant, why = _meant(request, symbols, raised, api)
        caught = {ast.unparse(h.type).rsplit(".", 1)[-1] for h in t.handlers if h.type is not None}
        if not meant or meant in caught:
            continue  # the one meant is caught: the others are the code's own choice
        for h in t.handlers:
            if h.type is None or not isinstance(h.type, (ast.Name, ast.Attribute)):
                continue
            written = ast.unparse(h.type)
            short = written.rsplit(".", 1)[-1]
            base = api.is_a(api.class_named(meant) or meant, short)
            if short == meant or not api.class_named(short) or base:
                continue  # not the library's (``ValueError``), or a base of the one meant
            new = f"{written.rsplit('.', 1)[0]}.{meant}" if "." in written else meant
            message = f"the task means {meant} here ({why}), not {short}: catch {meant}"
            cls = api.class_named(meant)
            card = api.card(cls) if cls else ""
            out.append(Issue("other-failure", short, message, line=h.lineno, card=card,
                             fix=span_fix(h.type, lines, new)))  # fmt: skip
    return out


def _calls(t: ast.Try) -> list[ast.Call]:
    """The calls the ``try``'s body makes."""
    return [n for s in t.body for n in ast.walk(s) if isinstance(n, ast.Call)]


def _meant(request: str, symbols: list[str], raised: dict[str, str], api) -> tuple[str, str]:
    """(the exception the request means for a failure of ``symbols``, why): the base every one
    of them derives from where it takes any failure, else the one its failure clause's words
    describe best, alone; ('', '') for none."""
    if not raised:
        return "", ""
    if said := _ANY.search(request):
        first = api.class_named(next(iter(raised))) or ""
        bases = [b for b in api.bases(first) if api.class_named(b)
                 and all(api.is_a(api.class_named(e) or e, b) for e in raised)]  # fmt: skip
        return (
            (bases[0], f"the task takes {said.group(0)!r}, and every failure here is one")
            if bases
            else ("", "")
        )
    said = failure_clause(request, only=True)  # which failure goes where, with two, is the code's
    if said is None:
        return "", ""
    _, scores = failure_scores(said, symbols, api)
    best = one_best(sorted(scores.items(), key=lambda x: -x[1])).rsplit(".", 1)[-1]
    return (best, raised.get(best, "").rstrip(".")) if best else ("", "")


def failure_variables(code: str, request: str, api) -> list[Issue]:
    """The variables asked for, on the path where the ``try``'s call fails: an error object the
    handler stores (``except ShortOfSeed as err: problem = err``, or the request's "store the
    error ... in `problem`") is not also the call's result in the body (``problem =
    bank.dispatch(...)``: the call alone); and a variable the request says to set to None that
    the body sets, the handler does not and nothing before the ``try`` does, is None first."""
    from .request import naming_sentences, requested_variables

    tree = package_tree(code, api)
    if tree is None:
        return []
    asked, lines, out = requested_variables(request), code.split("\n"), list[Issue]()
    for t in (n for n in ast.walk(tree) if isinstance(n, ast.Try) and n.handlers):
        before = {v for n in ast.walk(tree) if isinstance(n, ast.Assign) and n.lineno < t.lineno
                  for tg in n.targets for v in _names(tg)}  # fmt: skip
        in_body = {v: s for s in t.body if isinstance(s, ast.Assign) for tg in s.targets for v in _names(tg)}
        handled = [{v for n in ast.walk(h) if isinstance(n, ast.Assign)
                    for tg in n.targets for v in _names(tg)} for h in t.handlers]  # fmt: skip
        indent = lines[t.lineno - 1][: t.col_offset]
        for name in asked:
            said = naming_sentences(request, name)
            errors = [h for h in t.handlers if h.name and _stores(h, name, h.name)]
            if not errors and _ERROR.search(said) and name in in_body and len(t.handlers) == 1:
                errors = _bind(t.handlers[0], name, lines, out)
            if errors and name in in_body and isinstance(in_body[name], ast.Assign):
                stmt = in_body[name]
                call = stmt.value if isinstance(stmt.value, ast.Call) else None
                old = lines[stmt.lineno - 1]
                if call is not None and stmt.lineno == stmt.end_lineno:
                    new = old[: stmt.col_offset] + (ast.get_source_segment(code, call) or ast.unparse(call))
                    message = (f"`{name}` is the error the handler stores: the call's result is not "
                               f"it; call it without storing it")  # fmt: skip
                    out.append(Issue("error-variable", name, message, line=stmt.lineno,
                                     fix=(stmt.lineno, old, new)))  # fmt: skip
            needs_none = errors or (name in in_body and not all(name in h for h in handled))
            if needs_none and name not in before and "None" in said:
                old = lines[t.lineno - 1]
                message = f"`{name}` is not set when the call fails: set `{name} = None` before the `try`"
                out.append(Issue("unset-on-failure", name, message, line=t.lineno,
                                 fix=(t.lineno, old, f"{indent}{name} = None\n{old}")))  # fmt: skip
    return out


def _names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [v for e in target.elts for v in _names(e)]
    return []


def _stores(h: ast.ExceptHandler, name: str, value: str) -> bool:
    """The handler sets ``name`` to the caught ``value``."""
    return any(isinstance(n, ast.Assign) and name in [v for tg in n.targets for v in _names(tg)]
               and isinstance(n.value, ast.Name) and n.value.id == value for n in ast.walk(h))  # fmt: skip


def _bind(h: ast.ExceptHandler, name: str, lines: list[str], out: list[Issue]) -> list[ast.ExceptHandler]:
    """``except ShortOfSeed: pass`` where the request stores the error in ``name``: the fix
    binds it (``as err``) and stores it; the handler, where it does."""
    if h.name or h.type is None or len(h.body) != 1 or not isinstance(h.body[0], ast.Pass):
        return []
    head, body = lines[h.lineno - 1], lines[h.body[0].lineno - 1]
    if h.body[0].lineno == h.lineno or not head.rstrip().endswith(":"):
        return []
    new_head = head.rstrip()[:-1].rstrip() + " as err:"
    new_body = body[: h.body[0].col_offset] + f"{name} = err"
    message = f"the task stores the error in `{name}`: bind it (`as err`) and store it"
    out.append(Issue("error-variable", name, message, line=h.lineno, fix=(h.lineno, head, new_head)))
    out.append(
        Issue("error-variable", name, message, line=h.body[0].lineno, fix=(h.body[0].lineno, body, new_body))
    )
    return [h]
