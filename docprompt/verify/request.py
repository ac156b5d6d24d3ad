"""What a request asks of a Python answer, and the checks of an answer against its request:
the variables it must assign, values it must not copy from a docs example or write by hand,
and the enum member it names by the docs' word for it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from . import Issue, call_name

_STORE_VERB = re.compile(r"\b(?:stor|sav|put|keep|kept|assign|record|collect|gather|bind|set)\w*\b", re.I)
_INTO = re.compile(
    r"\b(?:in|into|as|to)\s+(?:(?:a|an|the)\s+(?:new\s+)?(?:variable|list|dict|set|name)\s+(?:called\s+)?)?"
    r"`([A-Za-z_]\w*)`",
    re.I,
)
_NAMED = re.compile(r"\b(?:called|named)\s+`([A-Za-z_]\w*)`", re.I)
# "create a dataframe `d` filled with zeros", "create list `randomList` with ...": what is made
_CREATED = re.compile(
    r"\bcreat\w*\s+(?:(?:a|an|the|new|empty)\s+)*"
    r"(?:(?!(?:of|from|in|into|to|on|with|by|for|as)\b)[\w-]+\s+){0,3}?`([A-Za-z_]\w*)`",
    re.I,
)
# "List the codes of the lots, sorted, as `codes`.": a name that only ends the request, after "as"
_ENDS_AS = re.compile(r"\bas\s+`([A-Za-z_]\w*)`\W*$")
# "store the number in `n`": the imperative and the place it names (not "stored in the freezer")
STORE_CLAUSE = re.compile(r"\bstore\b[^.;?`]{0,30}?\b(?:in|into|as)\s+`[A-Za-z_]\w*`", re.I)
_BASE_FORMS = {"store", "save", "put", "keep", "assign", "record", "collect", "gather", "bind", "set"}


def requested_variables(request: str) -> list[str]:
    """The variables a request asks the code to assign (``store it in `w```, ``a list called
    `out```), in order; names it only mentions (``dataframe `df```) are inputs, not asked for."""
    found = [m.group(1) for pattern in (_NAMED, _CREATED) for m in pattern.finditer(request)]
    names = re.findall(r"`([A-Za-z_]\w*)`", request)
    end = _ENDS_AS.search(request)
    if end and names.count(end.group(1)) == 1:
        found.append(end.group(1))
    last = names[-1] if names else ""
    for sentence in re.split(r"[.;?]\s", request):
        for verb in _STORE_VERB.finditer(sentence):  # "store the counts in `counts`"
            imperative = verb.group(0).lower() in _BASE_FORMS
            for m in _INTO.finditer(sentence, verb.end()):
                # "seed stored in `bank`" describes an input; "a new catalogue stored in `copy`",
                # last in the request, is what is asked for
                if imperative or m.group(1) == last:
                    found.append(m.group(1))
    return sorted(dict.fromkeys(found), key=lambda v: request.index(f"`{v}`"))


def naming_sentences(request: str, name: str) -> str:
    """The sentences of the request that name the variable `name` ('' when none does)."""
    return " ".join(s for s in re.split(r"(?<=[.;?])\s+", request) if f"`{name}`" in s)


def given_variables(request: str) -> list[str]:
    """The variables a request names as its inputs (``dictionary `mydict```, ``the seed bank
    `bank```): named in backticks and not asked for, in order. A name that ends the request
    after "in", "into", "as" or "to" may be either: it is not counted."""
    import builtins
    import keyword

    wanted = set(requested_variables(request))
    # "an invoice for ACME in dollars, in `inv`": the last name, after "in", may be the one asked for
    wanted |= set(re.findall(r"\b(?:in|into|as|to)\s+`([A-Za-z_]\w*)`[.!?]?\s*$", request, re.I))
    names = re.findall(r"`([A-Za-z_]\w*)`", request)
    return [
        n for n in dict.fromkeys(names)
        if n not in wanted and not keyword.iskeyword(n) and not hasattr(builtins, n)
    ]  # fmt: skip


def overwritten_inputs(code: str, request: str, held: Iterable[str] = ()) -> list[Issue]:
    """A variable the request gives (``sort dictionary `mydict```) assigned anew at the top of
    the code before it is read, from a value that does not read it (``mydict = {'a': 1}``): small
    models make up example data and work on that, which in a notebook overwrites the user's. Of
    the variables a notebook ``held`` that the request names without backticks ("write records
    to out"), only literal data is flagged (``records = [{'name': 'Ada'}]``; ``records =
    load(...)`` may be what was asked). The fix drops the assignment."""
    import ast

    given = set(given_variables(request))
    words = set(re.findall(r"(?<![\w.])[A-Za-z_]\w*(?![\w(])", request))
    literal_only = {v for v in held if v in words} - given - set(requested_variables(request))
    try:
        tree = ast.parse(code) if given or literal_only else None
    except SyntaxError:
        return []
    if tree is None:
        return []
    lines, issues, read = code.split("\n"), [], set()
    for i, node in enumerate(tree.body):
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        target = node.target if isinstance(node, ast.AnnAssign) and node.value else target
        name = target.id if isinstance(target, ast.Name) else ""
        end = node.end_lineno or node.lineno
        alone = node.col_offset == 0 and (i + 1 == len(tree.body) or tree.body[i + 1].lineno > end)
        value = getattr(node, "value", None)
        anew = name in given and name not in _loads(value) or name in literal_only and _literal(value)
        if anew and name not in read and alone:
            start = node.lineno  # with the comment lines right above it ("# Define the records")
            while (
                start > 1
                and lines[start - 2].lstrip().startswith("#")
                and not lines[start - 2].startswith("#!")
            ):
                start -= 1
            if end < len(lines) and not lines[end].strip() and (start == 1 or not lines[start - 2].strip()):
                end += 1  # and one of the blank lines around it
            issues.append(Issue(
                "replaced-input", name, f"`{name}` is given by the task: use it as it is, do not define it",
                line=node.lineno, fix=(start, "\n".join(lines[start - 1 : end]), ""),
            ))  # fmt: skip
            continue
        read |= _loads(node)
    return issues


def unused_inputs(code: str, request: str, held: Mapping[str, str] | None = None, api=None) -> list[Issue]:
    """A variable the request gives (``use it on `bank```) that the code never mentions: the
    answer works on data of its own (``starter_ledger = Ledger()``) or leaves the input out. A
    name counts as mentioned anywhere: read, imported, an attribute, a keyword, a parameter, a
    word of a string (``df['A']`` for "column `A`"). Where ``held`` (the notebook's variables
    and their classes) says what the input is and the code makes one such instance of its own
    at its top, the fix makes that name the input (``starter_ledger = bank``)."""
    import ast

    given = given_variables(request)
    try:
        tree = ast.parse(code) if given else None
    except SyntaxError:
        return []
    if tree is None:
        return []
    # a string naming the input in the code's own instance (``Ledger(name='bank')``) uses nothing
    own = {id(c) for st in tree.body for c in ast.walk(st) if api is not None and held
           and any(_makes(st, api.locate(held[g]) or "", api) for g in given if held.get(g))}  # fmt: skip
    seen: set[str] = set()
    for n in ast.walk(tree):
        if id(n) in own and isinstance(n, ast.Constant):
            continue
        if isinstance(n, ast.Name):
            seen.add(n.id)
        elif isinstance(n, ast.Attribute):
            seen.add(n.attr)
        elif isinstance(n, ast.alias):
            seen |= {n.asname or "", *n.name.split(".")}
        elif isinstance(n, (ast.keyword, ast.arg)) and n.arg:
            seen.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            seen.add(n.name)  # made anew: other checks say so
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            seen |= set(re.findall(r"\w+", n.value))
    out = []
    for name in given:
        if name in seen:
            continue
        issue = Issue("unused-input", name, f"the task gives `{name}`: use it (the code never does)")
        cls = api.locate(held[name]) if api is not None and held and held.get(name) else None
        made = [st for st in tree.body if cls and _makes(st, cls, api)]
        if len(made) == 1 and isinstance(made[0], ast.Assign):
            var, lineno = made[0].targets[0].id, made[0].lineno  # type: ignore[attr-defined]
            short = cls.rsplit(".", 1)[-1]  # type: ignore[union-attr]
            issue.message = f"`{var}` is a new {short} of the code's own: the task gives `{name}`: use it"
            issue.fix = (lineno, code.splitlines()[lineno - 1], f"{var} = {name}")
            issue.line, issue.card = lineno, api.card(cls)
        out.append(issue)
    return out


def _makes(statement, cls: str, api) -> bool:
    """``x = Ledger()`` or ``x = starter_ledger()``, on one line: a new instance of ``cls``."""
    import ast

    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Call)
            and statement.lineno == statement.end_lineno):  # fmt: skip
        return False
    return any(api.returns(symbol) == cls for symbol in api.named(call_name(statement.value))[:1])


def _literal(node) -> bool:
    import ast

    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return False
    return node is not None


def _loads(node) -> set[str]:
    import ast

    return (
        {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if node
        else set()
    )


WORD = re.compile(r"[^\W_]+")  # a word: letters and digits


def copied_values(code: str, request: str, examples: list[str]) -> list[Issue]:
    """String values the code takes word for word from an example the prompt showed, when the
    request does not give them: small models copy an example's ``"tag:heirloom and year>=2018"``
    into whatever they were asked. A value counts as given when each of its words is in the
    request."""
    import ast

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    issues: list[Issue] = []
    for node in _unasked_strings(tree, request):
        value = node.value
        if any(i.name == value for i in issues):
            continue
        if any(f'"{value}"' in ex or f"'{value}'" in ex for ex in examples):
            message = (
                f"{value!r} is the docs example's value, and the task does not ask for it: "
                "use the values the task gives"
            )
            issues.append(Issue("copied-value", value, message, line=node.lineno))
    return issues


def _unasked_strings(tree, request: str) -> list:
    """The string constants of ``tree`` (4 characters or more) with a word the request lacks."""
    import ast

    asked = {w.casefold() for w in WORD.findall(request)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 4:
            words = {w.casefold() for w in WORD.findall(node.value)}
            if words and not words <= asked:
                found.append(node)
    return found


def asks_its_values(example: str, request: str) -> bool:
    """Whether every string value of ``example`` (4 characters or more) is one the request
    gives: a 0.5B model copies an example's ``"tag:heirloom and year>=2018"`` into whatever it
    is asked, so a small model is shown only the examples whose values it may copy."""
    import ast

    try:
        return not _unasked_strings(ast.parse(example), request)
    except SyntaxError:
        return False
