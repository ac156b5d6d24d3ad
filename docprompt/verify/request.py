"""What a request asks of a Python answer, and the checks of an answer against its request:
the variables it must assign, values it must not copy from a docs example or write by hand,
and the enum member it names by the docs' word for it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from . import Issue, call_name, package_tree

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
    seen: set[str] = set()
    for n in ast.walk(tree):
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


_WORD = re.compile(r"[^\W_]+")


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

    asked = {w.casefold() for w in _WORD.findall(request)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 4:
            words = {w.casefold() for w in _WORD.findall(node.value)}
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


def meant_members(code: str, request: str, api) -> list[Issue]:
    """An enum member other than the one the request names by the docs' word for it: "the
    coldroom" where the docs say "``CHILL`` the 4 °C coldroom", and the code says
    ``Keeping.CRYO``. Only where the request's words point to one member of that enum and the
    code uses one other member of it once; the fix writes the member meant."""
    import ast

    from .pyvalues import meanings

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    used: dict[str, list[ast.Attribute]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.isupper()
            and isinstance(node.value, (ast.Name, ast.Attribute))
        ):
            owner = node.value.id if isinstance(node.value, ast.Name) else node.value.attr
            used.setdefault(owner, []).append(node)
    # the words of what is asked, not of where to put it ("Store True or False in `held`":
    # "store" is in SHELVED's "in store, usable")
    words = {w.casefold() for w in _WORD.findall(STORE_CLAUSE.sub(" ", request)) if len(w) >= 4}
    issues = []
    lines = code.splitlines()
    for owner, nodes in used.items():
        symbol = api.class_named(owner)
        if not symbol:
            continue
        said = meanings(api, symbol)
        named: set[str] = set()
        for w in words:  # a word of one member's description only ("coldroom", not "from")
            has = [
                m for m, text in said.items() if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)
            ]
            named.update(has if len(has) == 1 else [])
        if len(named) != 1 or len(nodes) != 1 or nodes[0].attr not in said:
            continue
        (meant,), node = named, nodes[0]
        if node.attr == meant:
            continue
        line = lines[node.lineno - 1]
        written = f"{owner}.{node.attr}"
        fix = (
            (node.lineno, line, line.replace(written, f"{owner}.{meant}", 1)) if written in line else None
        )
        message = f"the task means `{owner}.{meant}` ({said[meant].strip(' ()')}), not `{written}`"
        issues.append(
            Issue("meant-member", written, message, line=node.lineno, card=api.card(symbol), fix=fix)
        )
    return issues


def unused_meanings(code: str, request: str, api) -> list[Issue]:
    """The request names an enum member by the docs' word for it ("stored in the freezer":
    ``DEEP`` the -18 °C freezer), and the code uses neither the member nor its value: the
    answer left out what the request asked for (``export_table(bank, "frozen.csv")`` without
    the filter). Only a word that one member's description holds, of one enum of a package."""
    import ast

    from .pyvalues import enum_value, meanings

    tree = package_tree(code, api)
    if tree is None:
        return []
    if not hasattr(api, "_enum_words"):
        # word -> (enum, member): words of one member's description that no other entry uses
        # ("freezer"; not "store" or "shelf", which the docs use elsewhere too)
        found: dict[str, set[tuple[str, str]]] = {}
        for symbol in [s for s in api.entries if api.is_class(s)]:
            for member, text in meanings(api, symbol).items():
                for w in {w.casefold() for w in _WORD.findall(text) if len(w) >= 4 and not w.isdigit()}:
                    found.setdefault(w, set()).add((symbol, member))
        found = {w: m for w, m in found.items() if len(m) == 1}
        elsewhere = {w.casefold() for s, e in api.entries.items() for w in _WORD.findall(e.text)
                     if not any(s.startswith(enum) for enum, _ in found.get(w.casefold(), ()))}  # fmt: skip
        api._enum_words = {w: next(iter(m)) for w, m in found.items() if w not in elsewhere}
    words = {w.casefold() for w in _WORD.findall(request)}
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names = {n.casefold() for n in used}
    for n in ast.walk(tree):
        name = n.id if isinstance(n, ast.Name) else n.arg if isinstance(n, ast.keyword) else None
        names |= {name.casefold()} if name else set()
    texts = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    strings = {w.casefold() for text in texts for w in _WORD.findall(text)}
    issues = []
    for word in sorted(words & set(api._enum_words)):
        symbol, member = api._enum_words[word]
        members = {m: enum_value(api, f"{symbol}.{m}") for m in api.member_list(symbol)}
        if set(members) & used or {v.casefold() for m, v in members.items() if v} & strings:
            continue  # the code uses the enum: which member, meant_members checks
        field = re.findall(r"[A-Z][a-z]+", symbol.rsplit(".", 1)[-1])[-1:]
        if {f.casefold() for f in field} & (strings | names):
            continue  # the code names the field it takes (``tally(by="state")``)
        if any(len(n) >= 5 and member.casefold().startswith(n) for n in names):
            continue  # a method that sets it (``withdraw`` for ``WITHDRAWN``)
        if _sets(api, used | names, member):
            continue
        value = members.get(member, "")
        short = f"{symbol.rsplit('.', 1)[-1]}.{member}"
        message = (
            f"the task's {word!r} is `{short}`" + (f" ({value!r})" if value else "")
            + ", which the code does not use: write what the task asks of it"
        )  # fmt: skip
        issue = Issue("meant-member", short, message, card=api.card(symbol))
        _as_filter(issue, tree, code, api, symbol, value)
        issues.append(issue)
    return issues


def _sets(api, called: set[str], member: str) -> bool:
    """A documented function the code calls says it gives the member: ``isolate`` "Quarantine a
    lot (state ``HELD``)" for "Quarantine every lot ...; store the number quarantined"."""
    return any(
        symbol.rsplit(".", 1)[-1] in called and re.search(rf"\b{member}\b", api.doc(symbol))
        for symbol in api.entries
    )


def _as_filter(issue: Issue, tree, code: str, api, enum: str, value: str) -> None:
    """Where the code calls a function with a filter parameter it leaves out, and a field of
    that filter language takes the enum's values, the fix passes it: ``export_table(bank, f)``
    -> ``export_table(bank, f, where='keep=deep')`` for "stored in the freezer"."""
    import ast

    from .pyfilters import languages

    known = languages(api)
    lines = code.split("\n")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or node.lineno != node.end_lineno:
            continue
        f = node.func
        last = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        for symbol in api.named(last)[:1]:
            for (owner, param), lang in known.items():
                field = next((k for k, e in lang.enums.items() if e == enum), None)
                given = {k.arg for k in node.keywords}
                if owner != symbol or field is None or param in given or not value:
                    continue
                sig = api.signature(symbol)
                if sig is None or param in {a.arg for a in sig.args[: len(node.args)]}:
                    continue  # passed by position
                line = lines[node.lineno - 1]
                b = line.encode()
                end = (node.end_col_offset or 1) - 1  # the closing parenthesis
                arg = f"{param}={f'{field}{lang.plain_op()}{value}'!r}"
                sep = ", " if node.args or node.keywords else ""
                new = (b[:end] + f"{sep}{arg}".encode() + b[end:]).decode()
                issue.message = issue.message.replace("write what the task asks of it", f"pass `{arg}`")
                issue.fix, issue.line = (node.lineno, line, new), node.lineno
                issue.card = lang.card(api, symbol)
                return
