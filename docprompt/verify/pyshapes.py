"""Values written in another shape than the docs write them: ``bank.pluck(0)`` or
``bank.isolate('red')`` where every example of ``code`` is written like ``"SL-0001"``. A
value's shape is its runs of digits, small and capital letters (``SL-0001`` -> ``A-9``); only
shapes with digits and something else are held to (identifiers, not words). Where
the request gives exactly one value of the docs' shape that the code does not use ("lot
SL-0007"), the fix passes it."""

from __future__ import annotations

import ast
import re

from . import Issue, one_symbol, package_tree, span_fix
from .pymeant import member_docs
from .pyvalues import passed_args


def shape(value: object) -> str:
    """``"SL-0001"`` -> ``"A-9"``, ``2040`` -> ``"9"``, ``"red"`` -> ``"a"``."""
    text = re.sub(r"\d+", "9", str(value))
    return re.sub(r"[A-Z]+", "A", re.sub(r"[a-z]+", "a", text))


def _coded(shape: str) -> bool:
    """Whether values of a shape are identifiers the docs spell one way: digits and something
    else (``A-9``, ``9-9-9``, ``9.9``), not plain words, whose case may vary."""
    return "9" in shape and shape != "9"


def shaped_values(code: str, request: str, api) -> list[Issue]:
    tree = package_tree(code, api)
    if tree is None:
        return []
    used = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    quoted = set(re.findall(r"(?<!\w)['\"`]([^'\"`]+)['\"`]", request))
    lines, out = code.splitlines(), []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        symbol = one_symbol(call, api)
        params = api.signature(symbol) if symbol else None
        if symbol is None or params is None:
            continue
        positional = [a.arg for a in params.posonlyargs + params.args if a.arg not in ("self", "cls")]
        for arg, value in passed_args(params, call):
            if not isinstance(value, ast.Constant) or type(value.value) not in (str, int):
                continue
            if isinstance(value.value, str) and value.value in quoted:
                continue  # the request's own value ("with the code 'sl-1'"), rejected or not
            first = bool(positional) and positional[0] == arg.arg
            examples = _examples(api, symbol, arg.arg, first)
            shapes = {shape(e) for e in examples if re.fullmatch(r"[\w.-]+", e)}
            wanted = shapes.pop() if len(shapes) == 1 and len(examples) else ""
            if not _coded(wanted) or shape(value.value) == wanted:
                continue
            given = {w for w in re.findall(r"[\w.-]+", request) if shape(w) == wanted and w not in used}
            like, short = next(e for e in examples if shape(e) == wanted), symbol.split(".", 1)[-1]
            message = f"`{short}`'s {arg.arg} is written like {like!r} in the docs: {value.value!r} is not"
            fix = span_fix(value, lines, repr(next(iter(given)))) if len(given) == 1 else None
            meant = f"the task's is {next(iter(given))!r}" if fix else "pass the one the task means"
            message += f" one: {meant}"
            out.append(Issue("bad-value", f"{symbol}({arg.arg}=)", message, line=value.lineno,
                             card=api.card(symbol), fix=fix))  # fmt: skip
    return out


def _examples(api, symbol: str, param: str, first: bool) -> list[str]:
    """The strings the docs pass for ``param`` (``pluck("SL-0001")`` in a doctest, ``code=
    "SL-0001"`` anywhere) and the examples a class's docs give for a field of that name
    (``code: accession code, e.g. ``"SL-0001"```)."""
    if not hasattr(api, "_doc_texts"):
        api._doc_texts = "\n".join([*api.example_texts(), *(e.text for e in api.entries.values())])
    texts, name = api._doc_texts, symbol.rsplit(".", 1)[-1]
    found = re.findall(rf"\b{re.escape(param)}\s*=\s*([\"'])([^\"'\n]+)\1", texts)
    if first:
        found += re.findall(rf"\.{re.escape(name)}\(\s*([\"'])([^\"'\n]+)\1", texts)
    values = [v for _, v in found]
    for cls in (s for s in api.entries if api.is_class(s) and param in api.members(s)):
        doc = member_docs(api, cls).get(param, "")
        values += re.findall(r"e\.g\.\s*``[\"']([^\"'`]+)[\"']``", doc)
    return values
