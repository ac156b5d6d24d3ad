"""The values a request gives and what the code does with them: a requested variable set to
a number the request does not give (written by hand, not computed), and a number, a quoted
string or a name the request gives that the code never uses (the answer left part of the task
out)."""

from __future__ import annotations

import ast
import re

from . import Issue, call_name, one_symbol, package_tree, span_fix
from .pyexpr import source
from .pyvalues import one_best, stems
from .pywords import names_in as _names
from .request import requested_variables

# a number on its own: not part of a code or a name ("SL-0100", "py3", "v2.1", "a/2")
_NUMBER = re.compile(r"(?<![\w.\-/])(\d+(?:\.\d+)?)(?![\w\-/]|\.\d)")
# "(the column-titles row counts as row 1)": how to count, not a value to use
_CONVENTION = re.compile(
    r"\b(?:counts? as|numbered from|starting (?:at|from)|counting from)(?: \w+)?\s*$", re.I
)


def handwritten_values(code: str, request: str, api=None) -> list[Issue]:
    """A variable the request asks for, set to a number the request does not give
    (``years = 2026``): the answer was meant to come from the library, not be written by hand.
    Against a package's own API, a literal collection too, of values the request does not all
    give (``fields = frozenset(['code', 'taxon', ...])``, ``grades = {'robust': 0, ...}``)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    own = package_tree(code, api) is not None
    changed = [n for n in ast.walk(tree) if isinstance(n, (ast.AugAssign, ast.Assign))]
    later = {t.id for n in changed for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
             if isinstance(t, ast.Name) and (isinstance(n, ast.AugAssign) or n not in tree.body)}  # fmt: skip
    given = set(re.findall(r"\d+(?:\.\d+)?", request))
    wanted = set(requested_variables(request))
    issues = []
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            continue
        name, value = node.targets[0].id, node.value
        if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
            value = value.operand
        if name in later:
            continue  # a counter or a start value the code goes on to change
        if own and name in wanted and (unsaid := _unsaid(value, request, given)):
            message = (
                f"`{name}` is a collection written by hand ({unsaid} is not in the task): "
                "get it from the library's API shown above"
            )
            issues.append(Issue("handwritten-value", name, message, line=node.lineno))
            continue
        number = value.value if isinstance(value, ast.Constant) else None
        if not (name in wanted and isinstance(number, (int, float)) and not isinstance(number, bool)):
            continue
        if f"{number:g}" not in given and str(number) not in given:
            message = (
                f"`{name}` is set to {number!r}, a number the task does not give: "
                "get it from the library's API shown above instead of writing it by hand"
            )
            issues.append(Issue("handwritten-value", name, message, line=node.lineno))
    return issues


def _unsaid(value: ast.expr, request: str, given: set[str]) -> str:
    """The first value of a literal collection of two or more constants (or ``frozenset([...])``
    and the like of one) that the request does not give, written as Python; '' where it gives
    them all."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and len(value.args) == 1 \
            and value.func.id in ("frozenset", "set", "list", "tuple", "dict") and not value.keywords:
        value = value.args[0]
    if isinstance(value, ast.Dict):
        parts = [*value.keys, *value.values]
    elif isinstance(value, (ast.List, ast.Set, ast.Tuple)):
        parts = list(value.elts)
    else:
        return ""
    if len(parts) < 2 or not all(isinstance(p, ast.Constant) for p in parts):
        return ""
    said = request.casefold()
    for p in parts:
        v = p.value  # type: ignore[union-attr]
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, (int, float)) and f"{v:g}" not in given and str(v) not in given:
            return repr(v)
        if isinstance(v, str) and v.casefold() not in said:
            return repr(v)
    return ""


def unused_numbers(code: str, request: str, api) -> list[Issue]:
    """A number the request gives that the code never uses ("93 % germination" answered with a
    lot that has none): as a number (``0.93`` for "93 %" too) or in a string. A number the docs
    of a name the code uses hold is used through it (``grams_for(..., per_mille=2.4)`` for
    "when 1000 of them weigh 2.4 g": "grams per 1000 seeds"). Only against a package's own API:
    a reference's snippets leave defaults unsaid (``range(100)`` for "from 0 to 100")."""
    tree = package_tree(code, api)
    if tree is None:
        return []
    # names in backticks are variables, not values; a number in them (`3`) is a value
    text = re.sub(r"`([^`]*)`", lambda m: m.group(1) if _NUMBER.fullmatch(m.group(1)) else " ", request)
    constants = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    numbers = {float(c) for c in constants if isinstance(c, (int, float)) and not isinstance(c, bool)}
    strings = " ".join(c for c in constants if isinstance(c, str))
    names = _names(tree)
    issues = []
    for m in _NUMBER.finditer(text):
        said = m.group(1)
        value = float(said)
        if value / 100 in numbers and value not in numbers and "%" in text[m.end() : m.end() + 2]:
            issues += _fraction_for_percent(tree, code, api, said)
            continue
        if value in numbers or re.search(rf"(?<![\d.]){re.escape(said)}(?!\d)", strings):
            continue
        if _CONVENTION.search(text[: m.start()]):
            continue  # "(the column-titles row counts as row 1)": how to count, not a value
        if any(_in_docs(api, name, said) for name in names):
            continue
        context = _context(text, m)
        if meant := _meant_arguments(tree, code, api, said, context):
            issues += meant
            continue
        message = (
            f"the task gives {said} ({context!r}), which the code never uses: use it where the task means it"
        )
        issues.append(Issue("unused-value", said, message))
    return issues


def _meant_arguments(tree: ast.AST, code: str, api, said: str, context: str) -> list[Issue]:
    """The numeric parameter of a documented call in the code whose docs best share the words
    around the number the code leaves out ("lots under 80 % germination" and ``threshold``:
    "germination rate (percent) below which a lot is regrown"; a word weighs less the more
    parameters' docs use it, so "lots" of ``as_of``'s "overdue lots" weighs less): the number is
    passed there, in place of another literal or added; to each call of the function where the
    code calls it more than once. [] where no parameter fits, or two fit as well."""
    words = set(_content_words(context))
    if re.fullmatch(r"(?:19|20)\d\d", said):  # "in 2026": a year, whatever the words around it
        words.add("year")
    scored: list[tuple[float, ast.Call, str, str, ast.expr | None]] = []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        symbol = one_symbol(call, api)
        if symbol is None:
            continue
        params, args = api.entries[symbol].metadata.get("params"), api.signature(symbol)
        if not isinstance(params, dict) or args is None:
            continue
        passed = {k.arg: k.value for k in call.keywords if k.arg}
        for a in [*args.args, *args.kwonlyargs]:
            annotation = ast.unparse(a.annotation) if a.annotation is not None else ""
            numeric = re.fullmatch(r"(int|float)( \| None)?", annotation)
            value = passed.get(a.arg)
            literal = value is None or (isinstance(value, ast.Constant) and type(value.value) in (int, float))
            shared = words & set(_content_words(str(params.get(a.arg, ""))))
            score = sum(1 / _param_df(api).get(w, 1) for w in shared)
            if numeric and literal and score:
                scored.append((score, call, symbol, a.arg, value))
    scored.sort(key=lambda x: -x[0])
    best = [s for s in scored if s[0] == scored[0][0]] if scored else []
    if len({(symbol, param) for _, _, symbol, param, _ in best}) != 1:
        return []
    return [_passed_there(code, api, said, context, *b[1:]) for b in best]


def _context(text: str, m: re.Match) -> str:
    """The number ``m`` with two words before it and the unit or two words after it ("back only
    0.5 g", "93 % germination")."""
    before = re.split(r"[.,;:?!(]", text[: m.start()])[-1].split()[-2:]
    after = re.split(r"[.,;:?!)]", text[m.end() :])[0].split()[:2]
    after = after if after and not re.search(r"[^\W\d_]", after[0]) else after[:1]
    return " ".join([*before, m.group(1), *after])


def misplaced_numbers(code: str, request: str, api) -> list[Issue]:
    """A number the request gives, passed by keyword to a parameter whose docs share no word
    around it while one other numeric parameter's docs do ("holds back only 0.5 g of each lot":
    ``regrow_plan(bank, threshold=0.5, keep_back=0.0)``, where ``keep_back`` is "grams held
    back"): the fix passes it there, in place of what that parameter had."""
    tree = package_tree(code, api)
    if tree is None:
        return []
    text = re.sub(r"`([^`]*)`", lambda m: m.group(1) if _NUMBER.fullmatch(m.group(1)) else " ", request)
    lines, issues = code.splitlines(), []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.lineno == n.end_lineno]
    for m in _NUMBER.finditer(text):
        value = float(m.group(1))
        found = [(c, k, k.arg) for c in calls for k in c.keywords if k.arg and _number(k.value) == value]
        symbol = one_symbol(found[0][0], api) if len(found) == 1 else None
        if symbol is None:
            continue
        call, kw, arg = found[0]
        scores = _param_scores(api, symbol, _context(text, m))
        meant = one_best(sorted(scores.items(), key=lambda x: -x[1]))
        if not meant or meant == arg or scores[meant] <= scores.get(arg, 0):
            continue
        moved = [ast.keyword(meant, k.value) if k is kw else k for k in call.keywords if k.arg != meant]
        fix = span_fix(call, lines, ast.unparse(ast.Call(call.func, call.args, moved)))
        name = symbol.rsplit(".", 1)[-1]
        message = f"the task's {m.group(1)} ({_context(text, m)!r}) is `{name}`'s {meant}, not its {arg}"
        issues.append(Issue("misplaced-value", m.group(1), message, line=call.lineno, card=api.card(symbol),
                            fix=fix))  # fmt: skip
    return issues


def _number(node: ast.expr) -> float | None:
    """The number a literal writes (not ``True``); None for anything else."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)  # type: ignore[arg-type]
    return None


def _param_scores(api, symbol: str, context: str) -> dict[str, int]:
    """numeric parameter of ``symbol`` -> how many stems of ``context`` its name and docs share
    ("seeds weigh" shares "seed" with ``per_mille``'s "thousand-seed weight"); those sharing one."""
    params, args = api.entries[symbol].metadata.get("params"), api.signature(symbol)
    if not isinstance(params, dict) or args is None:
        return {}
    words, out = stems(context), {}
    for a in [*args.args, *args.kwonlyargs]:
        annotation = ast.unparse(a.annotation) if a.annotation is not None else ""
        shared = words & stems(f"{a.arg.replace('_', ' ')} {params.get(a.arg, '')}")
        if re.fullmatch(r"(int|float)( \| None)?", annotation) and shared:
            out[a.arg] = len(shared)
    return out


def _passed_there(code: str, api, said: str, context: str, call: ast.Call, symbol: str, param: str,
                  value: ast.expr | None) -> Issue:  # fmt: skip
    lines = code.splitlines()
    if value is not None:
        fix = span_fix(value, lines, said)
        what = f"pass {param}={said}, not {param}={ast.unparse(value)}"
    else:
        number = ast.Constant(float(said) if "." in said else int(said))
        added = ast.Call(call.func, call.args, [*call.keywords, ast.keyword(param, number)])
        fix = span_fix(call, lines, ast.unparse(added))
        what = f"pass {param}={said}"
    name = symbol.rsplit(".", 1)[-1]
    message = f"the task gives {said} ({context!r}), which the code never uses: "
    message += f"it is `{name}`'s {param}: {what}"
    return Issue("unused-value", said, message, line=call.lineno, card=api.card(symbol), fix=fix)


def copied_numbers(code: str, request: str, api) -> list[Issue]:
    """A keyword argument set to the number a docs example passes for it (``regrow_plan(bank,
    keep_back=1)`` from ``>>> regrow_plan(..., threshold=70, keep_back=1)``), where the request
    does not give that number and the parameter has a default: the example's value is not the
    task's, and the fix leaves the parameter at its default. Only against a package's own API."""
    tree = package_tree(code, api)
    if tree is None:
        return []
    given = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", request)}
    lines, issues, examples = code.splitlines(), [], "\n".join(api.example_texts())
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        symbol = one_symbol(call, api)
        args = api.signature(symbol) if symbol else None
        if symbol is None or args is None:
            continue
        defaulted = {a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None}
        defaulted |= {a.arg for a in args.args[len(args.args) - len(args.defaults) :]}
        docs = "\n".join([api.entries[symbol].text, api.more_text.get(symbol, ""), examples])
        copied = [
            k for k in call.keywords
            if k.arg in defaulted and isinstance(k.value, ast.Constant)
            and isinstance(k.value.value, (int, float)) and not isinstance(k.value.value, bool)
            and float(k.value.value) not in given
            and re.search(rf"\b{k.arg}\s*=\s*{re.escape(ast.unparse(k.value))}(?![\d.])", docs)
        ]  # fmt: skip
        if not copied:
            continue
        kept = ast.Call(call.func, call.args, [k for k in call.keywords if k not in copied])
        said = ", ".join(f"{k.arg}={ast.unparse(k.value)}" for k in copied)
        message = (
            f"{said} {'is' if len(copied) == 1 else 'are'} the docs example's, and the task does not "
            f"give {'it' if len(copied) == 1 else 'them'}: leave the defaults, `{ast.unparse(kept)}`"
        )
        fix = span_fix(call, lines, ast.unparse(kept))
        issues.append(Issue("copied-value", said, message, line=call.lineno, card=api.card(symbol), fix=fix))
    return issues


_ONE_TO_TWELVE = "one two three four five six seven eight nine ten eleven twelve"
_COUNTED = {w: i for i, w in enumerate(_ONE_TO_TWELVE.split(), 1)}  # noqa: SIM905


def copied_slices(code: str, request: str, api) -> list[Issue]:
    """``bank.codes()[:2]`` where a docs example slices the same call so (``>>>
    starter_ledger().codes()[:2]``, to keep its output short) and the request gives no such
    number ("the first two"): the example's slice is not the task's; the fix takes them all."""
    tree = package_tree(code, api)
    if tree is None:
        return []
    given = {int(float(n)) for n in re.findall(r"\d+(?:\.\d+)?", request)}
    given |= {n for w, n in _COUNTED.items() if re.search(rf"\b{w}\b", request, re.I)}
    lines, issues, examples = code.splitlines(), [], "\n".join(api.example_texts())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)
                and isinstance(node.value, ast.Call)):  # fmt: skip
            continue
        cut, name = node.slice, call_name(node.value)
        bounds = [b for b in (cut.lower, cut.upper) if b is not None]
        literal = all(isinstance(b, ast.Constant) and type(b.value) is int for b in bounds)
        if cut.step or not bounds or not literal:
            continue
        if any(abs(b.value) in given for b in bounds):  # type: ignore[attr-defined]
            continue
        written = ast.unparse(cut)
        pattern = rf"\b{re.escape(name.rsplit('.', 1)[-1])}\([^()]*\)\s*\[\s*{re.escape(written)}\s*\]"
        whole = source(node.value, lines)
        if not name or not whole or not re.search(pattern, examples):
            continue
        message = (
            f"`[{written}]` keeps a part of what `{whole}` gives, as a docs example does to keep its "
            f"output short; the task gives no such number: use all of it, `{whole}`"
        )
        issues.append(Issue("copied-value", f"[{written}]", message, line=node.lineno,
                            fix=span_fix(node, lines, whole)))  # fmt: skip
    return issues


def _content_words(text: str) -> list[str]:
    return [w.casefold() for w in re.findall(r"[^\W\d_]{4,}", text)]


def _param_df(api) -> dict[str, int]:
    """word -> how many documented parameters' docs use it (kept on ``api``)."""
    if not hasattr(api, "_param_df"):
        df: dict[str, int] = {}
        for entry in api.entries.values():
            params = entry.metadata.get("params") or {}
            for doc in params.values() if isinstance(params, dict) else ():
                for w in set(_content_words(str(doc))):
                    df[w] = df.get(w, 0) + 1
        api._param_df = df
    return api._param_df


_PERCENT = re.compile(r"\bper ?cent\b|%|\b0\s*(?:\.\.|-|to)\s*100\b", re.I)


def _fraction_for_percent(tree: ast.AST, code: str, api, said: str) -> list[Issue]:
    """ "93 %" passed as ``0.93`` to a function whose docs take a percentage
    (``germinating(pct)``: "the germination rate in percent (0..100)"): fixed to ``93``."""
    lines, fraction = code.splitlines(), float(said) / 100
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        name = call_name(call)
        found = [a for a in [*call.args, *(k.value for k in call.keywords)]
                 if isinstance(a, ast.Constant) and a.value == fraction]  # fmt: skip
        cards = [api.card(symbol) for symbol in api.named(name)]
        if not found or not cards or not all(_PERCENT.search(c.split(": ", 1)[-1]) for c in cards):
            continue
        message = (
            f"the task says {said} % and `{name}` takes a percentage (0..100): pass {said}, "
            f"not {found[0].value!r}"
        )
        fix = span_fix(found[0], lines, said)
        return [Issue("unused-value", said, message, line=found[0].lineno, card=cards[0], fix=fix)]
    return []


_WORDS = {"2": "two|twice|pair", "10": "ten", "12": "dozen", "100": "hundred", "1000": "thousand"}


def _in_docs(api, name: str, number: str) -> bool:
    """Whether the docs of an API entry named ``name`` (its text or its parameters') hold
    ``number``, in digits or as a word ("the thousand-seed weight"). A one-digit number is in
    every docs' examples, and says nothing."""
    if len(re.sub(r"\D", "", number)) < 2:
        return False
    spelled = f"|{_WORDS[number]}" if number in _WORDS else ""
    pattern = re.compile(rf"(?<![\w.])(?:{re.escape(number)}{spelled})(?![\w]|\.\d)", re.I)
    for symbol in api.named(name):
        entry = api.entries.get(symbol)
        if entry and (pattern.search(entry.text) or pattern.search(str(entry.metadata.get("params") or ""))):
            return True
    return False
