"""Enum members a request names by the docs' words for them ("stored in the freezer": ``DEEP``,
"the -18 °C freezer"): a member the code writes where the words mean another, and a member the
code leaves out where the request asks for it."""

from __future__ import annotations

import re

from . import Issue, package_tree
from .request import STORE_CLAUSE
from .request import WORD as _WORD


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
            has = [m for m, text in said.items() if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
            named.update(has if len(has) == 1 else [])
        if len(named) != 1 or len(nodes) != 1 or nodes[0].attr not in said:
            continue
        (meant,), node = named, nodes[0]
        if node.attr == meant:
            continue
        line = lines[node.lineno - 1]
        written = f"{owner}.{node.attr}"
        fix = (node.lineno, line, line.replace(written, f"{owner}.{meant}", 1)) if written in line else None
        message = f"the task means `{owner}.{meant}` ({said[meant].strip(' ()')}), not `{written}`"
        issues.append(
            Issue("meant-member", written, message, line=node.lineno, card=api.card(symbol), fix=fix)
        )
    return issues


def enum_words(api) -> dict[str, tuple[str, str]]:
    """word -> (enum, member): the words of one member's description that no other entry uses
    ("freezer"; not "store" or "shelf", which the docs use elsewhere too)."""
    if not hasattr(api, "_enum_words"):
        from .pyvalues import meanings

        found: dict[str, set[tuple[str, str]]] = {}
        for symbol in [s for s in api.entries if api.is_class(s)]:
            for member, text in meanings(api, symbol).items():
                said = _WORD.findall(text.split(",")[0])  # not ", in the northern hemisphere"
                if said and re.fullmatch(r"\w+[^s]s", said[0]):
                    said = said[1:]  # "``OURS`` keeps the receiving ledger's lot": what it does
                for w in {w.casefold() for w in said if len(w) >= 4 and not w.isdigit()}:
                    found.setdefault(w, set()).add((symbol, member))
        found = {w: m for w, m in found.items() if len(m) == 1}
        elsewhere = {w.casefold() for s, e in api.entries.items() for w in _WORD.findall(e.text)
                     if not any(s.startswith(enum) for enum, _ in found.get(w.casefold(), ()))}  # fmt: skip
        api._enum_words = {w: next(iter(m)) for w, m in found.items() if w not in elsewhere}
    return api._enum_words


def worded_member(issue: Issue, api) -> Issue:
    """``seedloft.kinds.FREEZER`` (an unknown name with no fix) where "freezer" is the docs' word
    for one enum member: the fix names that member (``seedloft.kinds.Keeping.DEEP``)."""
    owner, _, last = issue.name.rpartition(".")
    meant = enum_words(api).get(last.casefold()) if issue.kind in ("unknown-api", "unknown-member") else None
    if meant is None or issue.fix or not owner:
        return issue
    enum, member = meant
    short = enum.rsplit(".", 1)[-1]
    new = f"{owner}.{member}" if owner.rsplit(".", 1)[-1] == short else f"{owner}.{short}.{member}"
    issue.message = f"{issue.name} does not exist: the docs' {last.lower()!r} is `{short}.{member}`"
    issue.fix, issue.card, issue.suggestions = (0, issue.name, new), api.card(enum), [new]
    return issue


def unused_meanings(code: str, request: str, api) -> list[Issue]:
    """The request names an enum member by the docs' word for it ("stored in the freezer":
    ``DEEP`` the -18 °C freezer), and the code uses neither the member nor its value: the
    answer left out what the request asked for (``export_table(bank, "frozen.csv")`` without
    the filter). Only a word that one member's description holds, of one enum of a package."""
    import ast

    from .pyvalues import enum_value

    tree = package_tree(code, api)
    if tree is None:
        return []
    # the request's own words: not the variables or strings it names (`incoming`, 'keeps')
    words = {w.casefold() for w in _WORD.findall(re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", " ", request))}
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names = {n.casefold() for n in used}
    for n in ast.walk(tree):
        name = n.id if isinstance(n, ast.Name) else n.arg if isinstance(n, ast.keyword) else None
        names |= {name.casefold()} if name else set()
    texts = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    strings = {w.casefold() for text in texts for w in _WORD.findall(text)}
    issues = []
    for word in sorted(words & set(enum_words(api))):
        symbol, member = enum_words(api)[word]
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
