"""The built-in containers documented calls return (``bank.sift(...) -> list[Accession]``), as the
code stores them: what :mod:`.pycheck` tracks per variable, a list of objects stored under the
plural of their field (``codes = bank.sift(...)``), and the reverse: a field taken from each where
the request asks for the objects."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from . import Issue, package_tree, span_fix
from .api import IndexSymbols
from .pyexpr import Binding, container_parts, dotted, notebook_env, source
from .pyvalues import article, passed_args

_CONTAINERS = ("list", "tuple", "set", "frozenset", "dict")


def builtin_returned(value: ast.expr, api: IndexSymbols,
                     env: Mapping[str, Binding]) -> tuple[str, str] | None:  # fmt: skip
    """(``list[Accession]``, ``seedloft.Ledger.sift``) for ``bank.sift(...)``: the built-in
    container a documented call returns, by its return annotation, and the call's symbol."""
    if not isinstance(value, ast.Call):
        return None
    target = dotted(value.func, env)
    if target is None or target[0] not in ("symbol", "instance-attr"):
        return None
    annotation = api.return_annotation(target[1])
    base = container_parts(annotation)[0]
    return (annotation, target[1]) if base in _CONTAINERS else None


def elements_for_field(node: ast.Assign | ast.AnnAssign, name: str, returned: tuple[str, str],
                       api: IndexSymbols, lines: list[str]) -> list[Issue]:  # fmt: skip
    """``codes = bank.sift(...)``, a ``list[Accession]`` stored under the plural of a field of
    its elements (``Accession.code``): the request asked for the field; the fix takes it from
    each element."""
    annotation, call = returned[0], returned[1].rsplit(".", 1)[-1]
    element = container_parts(annotation)[1]
    cls = api.class_named(element) if element else ""
    field = name[:-1] if name.endswith("s") else ""
    entry = api.entries.get(f"{cls}.{field}") if cls and field else None
    if entry is None or entry.metadata.get("kind_of_symbol") not in ("attribute", "property"):
        return []
    short = cls.rsplit(".", 1)[-1]
    item = short.lower()
    old = lines[node.lineno - 1] if node.lineno == node.end_lineno else ""
    value = source(node.value, lines) if node.value is not None else ""
    new = old.replace(value, f"[{item}.{field} for {item} in {value}]", 1) if value and value in old else ""
    return [Issue(
        "element-field", f"{cls}.{field}",
        f"`{name}` holds the {short} objects `{call}` returns, not their `{field}`: "
        f"[{item}.{field} for {item} in {value}]",
        line=node.lineno, card=api.card(f"{cls}.{field}"), fix=(node.lineno, old, new) if new else None,
    )]  # fmt: skip


def unasked_field(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``found = [lot.code for lot in bank.sift(...)]`` for "store the list of lots in `found`":
    the objects a documented call returns, reduced to a field the request never names, where the
    request's word for the variable ("lots") is one of the call's docs ("The lots a filter
    expression admits"). The fix keeps the objects: ``found = bank.sift(...)``."""
    from .pyvalues import stem, stems
    from .request import requested_variables

    wanted = set(requested_variables(request))
    # a package's own API only: a reference's docs use their words for other things
    tree = package_tree(code, api) if wanted else None
    if tree is None:
        return []
    env = notebook_env(namespace, api, modules=False)
    said, lines, out = stems(request), code.splitlines(), []
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            continue
        name, comp = node.targets[0].id, node.value
        if name not in wanted or not isinstance(comp, ast.ListComp) or len(comp.generators) != 1:
            continue
        loop, elt = comp.generators[0], comp.elt
        if loop.ifs or not isinstance(loop.target, ast.Name) or not isinstance(elt, ast.Attribute):
            continue
        if not (isinstance(elt.value, ast.Name) and elt.value.id == loop.target.id):
            continue
        annotation, called = builtin_returned(loop.iter, api, env) or ("", "")
        element = container_parts(annotation)[1]
        cls = api.class_named(element) if element else ""
        if not cls or api.kind(f"{cls}.{elt.attr}") not in ("attribute", "property"):
            continue
        if stem(elt.attr) in said or re.search(rf"\b{re.escape(elt.attr)}", request, re.I):
            continue  # "the codes of the lots": the field is asked for
        noun = re.search(rf"(\w+)\s+(?:in|into|as)\s+`{re.escape(name)}`", request)
        if not noun or stem(noun.group(1)) not in stems(api.card(called)):
            continue
        iterable = source(loop.iter, lines)
        old = lines[node.lineno - 1] if node.lineno == node.end_lineno else ""
        whole = source(comp, lines)
        fix = (node.lineno, old, old.replace(whole, iterable, 1)) if old and whole and whole in old else None
        short, call = cls.rsplit(".", 1)[-1], called.rsplit(".", 1)[-1]
        message = (
            f"`{name}` holds the `{elt.attr}` of each {short} `{call}` returns, which the task does not "
            f"ask for: it asks for the {noun.group(1)} themselves: {name} = {iterable}"
        )
        out.append(Issue("unasked-field", f"{cls}.{elt.attr}", message, line=node.lineno,
                         card=api.card(called), fix=fix))  # fmt: skip
    return out


def unasked_member(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``test = germ_count(50, emerged=41).rate`` for "store the test result in `test`": a field
    of the object a documented call returns, stored where the variable is named as the object
    (``test``, a word of ``Trial``'s first doc line, "The result of a germination test"), the
    field named by neither the request nor the variable. The fix stores the object."""
    from . import asked_assignments
    from .pyexpr import code_env, type_of
    from .pyvalues import stems

    tree = package_tree(code, api)
    if tree is None:
        return []
    env, said, lines, out = code_env(tree, api, namespace), stems(request, 3), code.split("\n"), []
    for name, node in asked_assignments(code, request, api):
        value = node.value
        if not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Call)):
            continue
        made = type_of(value.value, api, env)
        if not made or api.kind(f"{made}.{value.attr}") not in ("attribute", "property"):
            continue
        field, called = stems(value.attr.replace("_", " "), 3), stems(name.replace("_", " "), 3)
        if field & (said | called) or not called & stems(api.doc(made).split("\n", 1)[0], 3):
            continue
        whole, short = source(value.value, lines), made.rsplit(".", 1)[-1]
        message = f"`{name}` is the {short} itself, as the task asks, not its `{value.attr}`"
        fix = span_fix(value, lines, whole) if whole else None
        out.append(Issue("unasked-field", f"{made}.{value.attr}", f"{message}: {name} = {whole}",
                         line=node.lineno, card=api.card(made), fix=fix))  # fmt: skip
    return out


_TAKES_ANY = {"Iterable", "Sequence", "Collection", "Any", "object", "Mapping", "Container"}


def containers_passed(name: str, params: ast.arguments, node: ast.Call, api: IndexSymbols,
                      values: Mapping[str, tuple[str, str]]) -> list[Issue]:  # fmt: skip
    """``bank.sift(rule)`` where ``rule = bank.sift(...)`` holds a ``list[Accession]`` and
    ``sift``'s ``query`` takes ``str | Sieve``: a container where the parameter takes none. The
    message names the package's functions that make what it takes (``sieve(...)``)."""
    out = []
    for arg, value in passed_args(params, node):
        if not (isinstance(value, ast.Name) and value.id in values) or arg.annotation is None:
            continue
        held, maker = values[value.id][0], values[value.id][1].rsplit(".", 1)[-1]
        names = {n.id for n in ast.walk(arg.annotation) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(arg.annotation) if isinstance(n, ast.Attribute)}
        base = container_parts(held)[0]
        if not names or base in names or names & _TAKES_ANY or "Literal" in names:
            continue
        wanted = ast.unparse(arg.annotation)
        classes = [c for n in sorted(names) if (c := api.class_named(n))]
        ways = [m for c in classes for m in api.makers(c)][:2]
        hint = " or ".join(f"`{m.split('.', 1)[-1]}(...)`" for m in ways)
        message = f"`{name.split('.', 1)[-1]}`'s {arg.arg} takes {wanted}, not the {held} `{value.id}` holds"
        message += f" (what `{maker}` returns)" + (f": make one with {hint}" if hint else "")
        card = api.card(ways[0]) if ways else api.card(name)
        out.append(Issue("bad-type", f"{name}({arg.arg}=)", message, line=node.lineno, card=card))
    return out


_BUILTINS = {t.__name__: t for t in (float, int, str, bool, bytes, list, dict, tuple, set, frozenset)}


def on_builtin(node: ast.Attribute, api: IndexSymbols, env: Mapping[str, Binding],
               lines: list[str] | None = None, call: ast.Call | None = None) -> list[Issue]:  # fmt: skip
    """``projected_germ(lot).germinating``: a member of what a documented function returns, where
    its docs say that is a float (or another built-in type) that has no such member. ``call``:
    the call of the member, where it is called. On a list of documented objects two mistakes have
    the fix the docs decide: ``bank.sift(...).count()`` (``list.count`` counts one value) is the
    number of them, ``len(...)``, and ``bank.sift(...).codes()``, a plural of a field of theirs,
    is that field of each: ``[accession.code for accession in bank.sift(...)]``."""
    assert isinstance(node.value, ast.Call)
    target = dotted(node.value.func, env)
    symbol = api.resolve(target[1]) if target and target[0] in ("symbol", "instance-attr") else None
    returns = api.return_annotation(symbol) if symbol else ""
    kinds = [_BUILTINS.get(re.split(r"[\[\s]", part.strip(), maxsplit=1)[0]) for part in returns.split("|")]
    kinds = [k for k in kinds if k is not None] if "None" in returns.replace(" ", "").split("|") else kinds
    short = str(symbol).rsplit(".", 1)[-1]
    item = re.fullmatch(r"(?:list|tuple|set|frozenset)\[\s*([\w.]+)\s*(?:,\s*\.\.\.)?\]", returns)
    owners = [c for c in api.named(item.group(1).rsplit(".", 1)[-1]) if api.is_class(c)] if item else []
    bare = call is not None and not call.args and not call.keywords
    fixed = None
    if owners and lines:
        fixed = _on_elements(node, owners[0], short, lines, call if bare else None, api)
    if fixed:
        return [fixed]
    if not returns or not kinds or any(k is None or hasattr(k, node.attr) for k in kinds):
        return []
    card, fix = api.card(str(symbol)), None
    if owners and node.attr in api.members(owners[0]):
        hint = f"each {item.group(1)} in it has one: pick the one the task means"  # type: ignore[union-attr]
    elif owners and (each := _for_each(node, str(symbol), owners[0], lines or [], api)):
        hint, card, fix = each
    elif owners:
        hint, card = f"nor has a {item.group(1)} in it", api.card(owners[0])  # type: ignore[union-attr]
    else:
        hint = "use the value it returns as it is"
    message = f"`{short}` returns {returns}, which has no `.{node.attr}`: {hint}"
    return [Issue("unknown-member", f"{symbol}().{node.attr}", message, line=node.lineno, card=card, fix=fix)]


def _for_each(node: ast.Attribute, symbol: str, owner: str, lines: list[str],
              api: IndexSymbols) -> tuple[str, str, tuple[int, str, str] | None] | None:  # fmt: skip
    """``bank.sift(...).withdraw(...)``, where ``withdraw`` is the method of ``bank``'s class that
    takes one of them by a field of theirs (``code``): the loop that calls it for each, its card,
    and, for a statement of that call (alone, or assigned with members made up after it: the
    variable is left to be stored anew), the loop as the fix (the call's arguments after the
    field, or in place of a string it passed for it)."""
    assert isinstance(node.value, ast.Call)
    func = node.value.func
    method = f"{symbol.rsplit('.', 1)[0]}.{node.attr}"
    a = api.signature(method) if isinstance(func, ast.Attribute) else None
    if a is None or not isinstance(func, ast.Attribute):
        return None
    first = [x.arg for x in a.posonlyargs + a.args if x.arg not in ("self", "cls")][:1]
    receiver, text = source(func.value, lines), source(node.value, lines)
    if not first or first[0] not in api.members(owner) or not receiver or not text:
        return None
    from ..conditions import noun_of

    one = noun_of(api, symbol)[:-1] or owner.rsplit(".", 1)[-1].lower()
    hint = f"`{node.attr}` is `{receiver}`'s, for one at a time: `for {one} in {text}: {receiver}.{node.attr}"
    fix = _loop(node, a, lines, receiver, text, one, first[0])
    return hint + f"({one}.{first[0]}, ...)`", api.card(method), fix


def _calls(node: ast.expr, method: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method


def _loop(node: ast.Attribute, a: ast.arguments, lines: list[str], receiver: str, selected: str, one: str,
          field: str) -> tuple[int, str, str] | None:  # fmt: skip
    line = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
    try:
        stmt = ast.parse(line.strip()).body
    except SyntaxError:
        return None
    call = stmt[0].value if len(stmt) == 1 and isinstance(stmt[0], (ast.Expr, ast.Assign)) else None
    while isinstance(call, (ast.Call, ast.Attribute)) and not _calls(call, node.attr):
        call = call.func if isinstance(call, ast.Call) else call.value  # `.store('n')` made up after it
    func = call.func if isinstance(call, ast.Call) else None
    same = ast.unparse(ast.parse(selected, mode="eval").body)
    if not (isinstance(func, ast.Attribute) and func.attr == node.attr and ast.unparse(func.value) == same):
        return None
    assert isinstance(call, ast.Call)
    positional = [x.arg for x in a.posonlyargs + a.args if x.arg not in ("self", "cls")]
    args = list(call.args)
    made_up = args[:1] and isinstance(args[0], ast.Constant) and re.search(r"\d", str(args[0].value))
    if len(args) >= len(positional) and made_up:
        args = args[1:]  # a code the model made up, in the field's place
    # the rest after the field, then by name to the keyword-only parameters it leaves unnamed
    named = [x.arg for x in a.kwonlyargs if x.arg not in {k.arg for k in call.keywords}]
    spill = args[len(positional) - 1 :]
    if len(spill) > len(named):
        return None
    texts = [ast.unparse(x) for x in args[: len(positional) - 1]]
    texts += [f"{n}={ast.unparse(x)}" for n, x in zip(named, spill)] + [ast.unparse(k) for k in call.keywords]
    passed = ", ".join([f"{one}.{field}", *texts])
    at = line[: len(line) - len(line.lstrip())]
    return node.lineno, line, f"{at}for {one} in {selected}:\n{at}    {receiver}.{node.attr}({passed})"


def _on_elements(node: ast.Attribute, owner: str, short: str, lines: list[str], bare: ast.Call | None,
                 api: IndexSymbols) -> Issue | None:  # fmt: skip
    """The two fixes of :func:`on_builtin` on a list of ``owner`` objects (``bare``: the member's
    call, when it passes nothing)."""
    assert isinstance(node.value, ast.Call)
    text, cls = source(node.value, lines), owner.rsplit(".", 1)[-1]
    if not text:
        return None
    if node.attr == "count" and bare is not None:
        fix = span_fix(bare, lines, f"len({text})")
        message = f"`.count()` counts one value in the list `{short}` returns: the number of {cls} objects"
        message += f" is `len({text})`"
        return Issue("list-count", f"{short}().count", message, line=node.lineno, fix=fix)
    fields = {f for f in api.members(owner) if api.kind(f"{owner}.{f}") in ("attribute", "property")}
    plural = node.attr.endswith("s")
    singular = next((f for f in (node.attr[:-1], node.attr[:-2]) if plural and f in fields), "")
    if not singular:
        return None
    var = cls.lower()
    new = f"[{var}.{singular} for {var} in {text}]"
    span = bare if bare is not None else node
    message = f"`{short}` returns a list of {cls}, which has no `.{node.attr}`: the {singular} of each is"
    fix = span_fix(span, lines, new)
    return Issue("list-field", f"{owner}.{singular}", f"{message} `{new}`", line=node.lineno, fix=fix)


def _unwrapped(value: ast.expr) -> tuple[str, ast.expr]:
    """(``sorted``, X) for ``sorted(X)`` and (``list``, X) for ``list(X)``, which hold X's
    elements too; ('', value) otherwise."""
    match value:
        case ast.Call(func=ast.Name(id="sorted" | "list" as wrap), args=[inner], keywords=[]):
            return wrap, inner
    return "", value

_OWNED = re.compile(r"\b(?:the|their|its|each)\s+([a-z]\w*)(?:\s+([a-z]\w*))?", re.I)


def _field_asked(request: str, name: str, cls: str, api: IndexSymbols) -> str:
    """The field of ``cls`` the request asks ``name`` to hold ("store the codes of the lots ...
    in `ready`", "store their codes ... in `robust`", "store its code in `best`"): a field named
    after "the", "their" or "its" in the sentence that names the variable, or in the whole request
    when it asks for one variable; '' when none or several are."""
    from .request import STORE_CLAUSE, naming_sentences, requested_variables

    clause = " ".join(m.group(0) for m in STORE_CLAUSE.finditer(request) if m.group(0).endswith(f"`{name}`"))
    whole = requested_variables(request) == [name]
    for text in (clause, request if whole else naming_sentences(request, name)):
        words = {w.lower() for m in _OWNED.finditer(text) for w in m.groups() if w}
        said = words | {w[:-1] for w in words if w.endswith("s")}
        said |= {w[:-2] for w in words if w.endswith("es")}
        fields = {w for w in said if api.kind(f"{cls}.{w}") in ("attribute", "property")}
        if fields:
            return fields.pop() if len(fields) == 1 else ""
    return _described_field(request, name, cls, api)


def _described_field(request: str, name: str, cls: str, api: IndexSymbols) -> str:
    """"What labels are on lot SL-0007? Store them in `labels`": the one field whose docs use
    the variable's name ("tags: free labels"), where the class's own first line does not (the
    object itself is asked: "the lot" for ``lot``); '' otherwise."""
    from .pymeant import member_docs
    from .pyvalues import stems

    words = stems(name.replace("_", " "), 3)
    if not words or words & stems(api.doc(cls).split("\n", 1)[0], 3):
        return ""
    found = [m for m, d in member_docs(api, cls).items()
             if api.kind(f"{cls}.{m}") in ("attribute", "property") and words & stems(d, 3)]  # fmt: skip
    named = re.search(rf"\b{re.escape(name)}\b", request.replace("`", " "))
    return found[0] if len(found) == 1 and named else ""


def asked_fields(code: str, request: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``ready = sorted(bank.sift(...))`` for "store the codes of the lots that ... , sorted, in
    `ready`": the variable holds documented objects (a ``list[Accession]``, sorted or not, or one
    ``Accession``) where the request asks for a field of theirs. The fix takes the field: ``sorted(
    lot.code for lot in bank.sift(...))``. (Sorting objects whose class defines no order raises
    TypeError besides.)"""
    from . import asked_assignments
    from .pykinds import held_annotation

    env = notebook_env(namespace, api, modules=False)
    lines, out = code.splitlines(), []
    for name, node in asked_assignments(code, request, api):
        wrap, value = _unwrapped(node.value)
        held = held_annotation(value, api, env)
        element = container_parts(held)[1]
        many = bool(element)
        one = held if api.is_class(held) else api.class_named(held) or ""  # ``Accession``: by its name
        cls = api.class_named(element) if many else one
        field = _field_asked(request, name, cls, api) if cls and not (wrap and not many) else ""
        text = source(value, lines)
        if not field or not text or name == f"{field}s":  # ``codes = ...``: elements_for_field's
            continue
        short = cls.rsplit(".", 1)[-1]
        item = short.lower()
        if many:
            inner = f"{item}.{field} for {item} in {text}"
            new = f"sorted({inner})" if wrap == "sorted" else f"[{inner}]"
        else:
            new = f"{text}.{field}" if isinstance(value, (ast.Name, ast.Call, ast.Attribute)) else ""
        whole = source(node.value, lines)
        what = f"{short} objects" if many else f"{article(short)}"
        message = f"`{name}` should hold the {field}{'s' if many else ''} the task asks for, not {what}"
        fix = span_fix(node.value, lines, new) if new and whole else None
        message += f": {name} = {new}" if fix else ""
        out.append(Issue("element-field", f"{cls}.{field}", message, line=node.lineno,
                         card=api.card(f"{cls}.{field}"), fix=fix))  # fmt: skip
    return out
