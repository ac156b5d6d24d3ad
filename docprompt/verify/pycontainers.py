"""Containers of the documented API used as what they are not: an instance indexed where its
class defines no ``__getitem__`` (``bank[code]`` for a ``Ledger`` looked up with ``pluck``), and
the strings a method returns iterated as if they were the objects the instance itself yields
(``for lot in bank.codes(): lot.site``). Known only where the index read the class's source."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from . import Issue, span_fix
from .api import IndexSymbols
from .pyexpr import Binding, container_parts, dotted, source, type_of
from .pyvalues import article, passed_args

# a getter's docs name what it gives ("The lot with that code."), an action's what it does
_GETTER_DOC = re.compile(r"(the|a|an|return|returns|get|gets|look|looks|find|finds)\b", re.I)


def subscript_issues(node: ast.Subscript, api: IndexSymbols, env: Mapping[str, Binding],
                     lines: list[str]) -> list[Issue]:  # fmt: skip
    """``bank[code]`` where ``bank``'s class defines no ``__getitem__``: the fix calls its one
    getter, the method that takes one argument and returns what iterating the instance yields,
    and whose docs say what it gives (``pluck``: "The lot with that code.", not ``isolate``:
    "Put a lot in quarantine")."""
    if by_noun := _keyed_noun(node, api, env, lines):
        return [by_noun]
    owner = type_of(node.value, api, env)
    protocols = api.protocols(owner) if owner else None
    if not owner or protocols is None or "getitem" in protocols or not isinstance(node.ctx, ast.Load):
        return []
    short, obj = owner.rsplit(".", 1)[-1], ast.unparse(node.value)
    found = getters(owner, api)
    if len(found) == 1:
        call = f"{obj}.{found[0]}({ast.unparse(node.slice)})"
        message = f"`{short}` objects cannot be indexed (`{ast.unparse(node)}`): use `{call}`"
        return [Issue("not-indexable", owner, message, line=node.lineno,
                      card=api.card(f"{owner}.{found[0]}"), fix=span_fix(node, lines, call))]  # fmt: skip
    members = ", ".join(sorted(m for m in api.members(owner) if not m.startswith("_"))[:20])
    message = f"`{short}` objects cannot be indexed (`{ast.unparse(node)}`): its members are: {members}"
    return [Issue("not-indexable", owner, message, line=node.lineno, card=api.card(owner))]


def _keyed_noun(node: ast.Subscript, api: IndexSymbols, env: Mapping[str, Binding],
                lines: list[str]) -> Issue | None:  # fmt: skip
    """``bank.lot['SL-0007']`` or ``bank.lots['SL-0007']``, where a ``Ledger`` has no such member
    and its one getter's docs call what it gives a lot (``pluck``: "Look a lot up by its
    accession code"): the fix calls the getter (``bank.pluck('SL-0007')``)."""
    from ..lookups import getter

    attr = node.value if isinstance(node.value, ast.Attribute) else None
    owner = type_of(attr.value, api, env) if attr is not None else ""
    if attr is None or not owner or attr.attr in api.members(owner) or not isinstance(node.ctx, ast.Load):
        return None
    found = [getter(api, api.returns(f"{owner}.{m}") or "") for m in getters(owner, api)]
    nouns = [f for f in found if f and f[0].startswith(owner + ".") and attr.attr in (f[1], f[1] + "s")]
    if len(nouns) != 1:
        return None
    call = f"{ast.unparse(attr.value)}.{nouns[0][0].rsplit('.', 1)[-1]}({ast.unparse(node.slice)})"
    message = f"`{owner.rsplit('.', 1)[-1]}` has no `{attr.attr}`: look one up with `{call}`"
    return Issue("unknown-member", f"{owner}.{attr.attr}", message, line=node.lineno,
                 card=api.card(nouns[0][0]), fix=span_fix(node, lines, call))  # fmt: skip


def getters(owner: str, api: IndexSymbols) -> list[str]:
    """The methods of ``owner`` that look one element up: one required argument, the class
    iterating an instance yields as their return, and docs that say what they give."""
    yields = api.iterates(owner)
    found = []
    for member in sorted(api.members(owner)):
        name = f"{owner}.{member}"
        args = api.signature(name) if api.kind(name) == "method" else None
        if args is None or not yields or api.returns(name) != yields:
            continue
        positional = args.args[: len(args.args) - len(args.defaults)]
        required = [a for a in positional if a.arg not in ("self", "cls")]
        optional_kw = all(d is not None for d in args.kw_defaults)
        if len(required) == 1 and optional_kw and _GETTER_DOC.match(api.doc(name)):
            found.append(member)
    return found


def loops(node: ast.AST) -> list[tuple[ast.expr, ast.expr, list]]:
    """(what is iterated, the loop's target, what runs for each element) of a ``for`` statement
    or of each ``for`` of a comprehension; [] for any other node."""
    if isinstance(node, ast.For):
        return [(node.iter, node.target, node.body)]
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        inside = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        return [(g.iter, g.target, [*inside, *g.ifs]) for g in node.generators]
    return []


def _misread(iterated: ast.expr, target: ast.expr, body: list, api: IndexSymbols,
             env: Mapping[str, Binding]) -> tuple[str, str, list[str]]:  # fmt: skip
    """(the class iterating the owner yields, what the member's elements are, the attributes
    read on each element that only the owner's elements have) when ``iterated`` is a member
    of an instance whose elements are read as the instance's own (``for lot in bank.codes():
    lot.site``); ('', '', []) otherwise."""
    from .pykinds import held_annotation

    member = iterated.func if isinstance(iterated, ast.Call) else iterated
    if not (isinstance(member, ast.Attribute) and isinstance(target, ast.Name)):
        return "", "", []
    owner = type_of(member.value, api, env)
    yields = api.iterates(owner) if owner else ""
    if not yields or dotted(member, env) is None:
        return "", "", []
    element = container_parts(held_annotation(iterated, api, env))[1]
    other = api.class_named(element) if element and element != "str" else ""
    if element != "str" and (not other or other == yields):
        return "", "", []
    read = {
        n.attr for part in body for n in ast.walk(part)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == target.id
    }  # fmt: skip
    own = set(api.members(yields))
    has = (lambda a: a in api.members(other)) if other else (lambda a: hasattr(str, a))
    fields = sorted(a for a in read if not has(a) and a in own)
    if not fields or any(has(a) and a not in own for a in read):
        return "", "", []  # read as what it holds too: not the owner's elements meant
    return yields, other or "str", fields


def iteration_issues(node: ast.AST, api: IndexSymbols, env: Mapping[str, Binding],
                     lines: list[str]) -> list[Issue]:  # fmt: skip
    """``for lot in bank.codes(): ... lot.site`` (a ``for`` statement or a comprehension):
    ``codes`` returns ``list[str]``, and the attributes read on each element are members of
    what iterating ``bank`` yields: the fix iterates ``bank``. The same for a property holding
    objects of another class (``for lot in bank.consignments: ... lot.taxon``, where a
    ``Consignment`` has no ``taxon``)."""
    found = [_unpacked(node, api, env, lines), _named_as_field(node, api, env, lines)]
    issues = [i for i in [*found, _items_of_objects(node, api, env, lines)] if i]
    for iterated, target, body in loops(node):
        yields, element, fields = _misread(iterated, target, body, api, env)
        if not yields:
            continue
        assert isinstance(target, ast.Name)
        member = iterated.func if isinstance(iterated, ast.Call) else iterated
        assert isinstance(member, ast.Attribute)
        obj, short = ast.unparse(member.value), yields.rsplit(".", 1)[-1]
        kind = f"{element.rsplit('.', 1)[-1]} objects" if element != "str" else "strings"
        message = (
            f"`{ast.unparse(iterated)}` gives {kind}, which have no `{fields[0]}`: "
            f"iterating `{obj}` gives its {short} objects: `for {target.id} in {obj}`"
        )
        name = (dotted(member, env) or ("", ""))[1]
        issues.append(Issue("iterated-strings" if element == "str" else "iterated-others", name, message,
                            line=iterated.lineno, card=api.card(type_of(member.value, api, env) or ""),
                            fix=span_fix(iterated, lines, obj)))  # fmt: skip
    return issues


def _unpacked(node: ast.AST, api: IndexSymbols, env: Mapping[str, Binding], lines: list[str]) -> Issue | None:
    """``for code, lot in bank.sift(...)``, where each element is an ``Accession``, which cannot
    be unpacked: the fix loops over the objects and reads the names that are their fields
    (``for lot in bank.sift(...):`` then ``code = lot.code``)."""
    if not (isinstance(node, ast.For) and isinstance(node.target, ast.Tuple) and node.body):
        return None
    names = [t.id for t in node.target.elts if isinstance(t, ast.Name)]
    element = element_class(node.iter, api, env)
    protocols = api.protocols(element) if element else None
    if not element or protocols is None or "iter" in protocols or len(names) != len(node.target.elts):
        return None
    members, short = api.members(element), element.rsplit(".", 1)[-1]
    fields = [n for n in names if n in members]
    others = [n for n in names if n not in members]
    if not fields or len(others) > 1:
        return None
    obj = others[0] if others else short.lower()
    line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    written = source(node.target, lines)
    new = _over_objects(node, line, written, obj, fields, lines) if node.target.lineno == node.lineno else ""
    if not new:
        return None
    message = f"each element of `{ast.unparse(node.iter)}` is {article(short)}, which cannot be unpacked: "
    message += f"`for {obj} in ...`, then `{fields[0]} = {obj}.{fields[0]}`"
    return Issue("unpacked-object", element, message, line=node.lineno, card=api.card(element),
                 fix=(node.lineno, line, new))  # fmt: skip


def _items_of_objects(node: ast.AST, api: IndexSymbols, env: Mapping[str, Binding],
                      lines: list[str]) -> Issue | None:  # fmt: skip
    """``{code: f(lot) for code, lot in bank.sift(...).items()}``: a list of objects has no
    ``items``; where the key is named as a field of each, the fix iterates the objects and reads
    the field (``{lot.code: f(lot) for lot in bank.sift(...)}``, a comprehension on one line;
    ``for lot in bank.sift(...):`` then ``code = lot.code``, a loop)."""
    for iterated, target, _ in loops(node):
        if not (isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Attribute)):
            continue
        if iterated.func.attr != "items" or iterated.args or not isinstance(target, ast.Tuple):
            continue
        names = [t.id for t in target.elts if isinstance(t, ast.Name)]
        held = iterated.func.value
        element = element_class(held, api, env)
        if len(names) != 2 or not element or type_of(held, api, env):
            continue  # not two names, or not a list of documented objects (an instance may map)
        key, obj = names
        if api.kind(f"{element}.{key}") not in ("attribute", "property") or not isinstance(
            node, ast.expr | ast.For
        ):
            continue
        line = lines[node.lineno - 1]
        pair = rf"for\s+\(?\s*{key}\s*,\s*{obj}\s*\)?\s+in\s+"
        if isinstance(node, ast.For):  # for code, lot in bank.sift(...).items(): -> for lot in ...
            head = re.sub(pair, f"for {obj} in ", line, count=1)
            head = head.replace(f"{source(held, lines)}.items()", source(held, lines), 1)
            if head.count(".items()") == line.count(".items()") or node.body[0].lineno == node.lineno:
                continue
            at = re.match(r"\s*", lines[node.body[0].lineno - 1]).group(0)  # type: ignore[union-attr]
            message = f"`{source(held, lines)}` holds {element.rsplit('.', 1)[-1]} objects, not pairs"
            message += f": `for {obj} in ...`, then `{key} = {obj}.{key}`"
            return Issue("unpacked-object", element, message, line=node.lineno, card=api.card(element),
                         fix=(node.lineno, line, f"{head}\n{at}{key} = {obj}.{key}"))  # fmt: skip
        if node.lineno != node.end_lineno:
            continue  # a comprehension on one line
        b = line.encode()
        start, stop = node.col_offset, node.end_col_offset or len(b)
        text = b[start:stop].decode()
        loop = re.search(pair, text)
        if loop is None or not text[loop.end() :].startswith(source(held, lines)):
            continue
        after = text[loop.end() + len(source(held, lines)) :]
        if not re.match(r"\.items\(\s*\)", after):
            continue
        before = re.sub(rf"(?<![\w.]){key}\b", f"{obj}.{key}", text[: loop.start()])
        rest = re.sub(rf"(?<![\w.]){key}\b", f"{obj}.{key}", re.sub(r"^\.items\(\s*\)", "", after))
        text = f"{before}for {obj} in {source(held, lines)}{rest}"
        new = (b[:start] + text.encode() + b[stop:]).decode()
        short = element.rsplit(".", 1)[-1]
        message = (f"`{source(held, lines)}` holds {short} objects, not pairs: iterate them and read "
                   f"`{obj}.{key}`")  # fmt: skip
        return Issue("unpacked-object", element, message, line=node.lineno, card=api.card(element),
                     fix=(node.lineno, line, new))  # fmt: skip
    return None


def _named_as_field(node: ast.AST, api: IndexSymbols, env: Mapping[str, Binding],
                    lines: list[str]) -> Issue | None:  # fmt: skip
    """``for code in bank.sift(...): outlook[code] = projected_germ(code, ...)``: the loop's
    variable holds the lots but is named as their field and used as one (a key, an element
    added), never read as a lot: the fix names the lot, reads the field, and passes the lot
    where a documented parameter takes one."""
    from ..lookups import getter
    from . import one_symbol

    if not (isinstance(node, ast.For) and isinstance(node.target, ast.Name) and node.body):
        return None
    name, element = node.target.id, element_class(node.iter, api, env)
    if not element or api.kind(f"{element}.{name}") not in ("attribute", "property"):
        return None
    inner = [n for s in node.body for n in ast.walk(s)]
    if any(isinstance(n, ast.Attribute) and ast.unparse(n.value) == name for n in inner):
        return None  # read as a lot somewhere
    keyed = [isinstance(n, ast.Subscript) and ast.unparse(n.slice) == name for n in inner]
    for n in (n for n in inner if isinstance(n, ast.Call) and len(n.args) == 1):
        keyed.append(ast.unparse(n.func).endswith((".append", ".add")) and ast.unparse(n.args[0]) == name)
    found = getter(api, element)
    obj = found[1] if found else element.rsplit(".", 1)[-1].lower()
    end = node.end_lineno or node.lineno
    if not any(keyed) or re.search(rf"\b{obj}\b", "\n".join(lines)):
        return None
    spans = []  # the loop variable passed where a documented parameter takes the element
    for call in (n for n in inner if isinstance(n, ast.Call)):
        symbol = one_symbol(call, api) or ""
        a = api.signature(symbol) if symbol else None
        for arg, value in passed_args(a, call) if a else []:
            if not (isinstance(value, ast.Name) and value.id == name):
                continue
            if any(api.is_a(element, c) for c in api.taken_classes(symbol, arg)):
                spans.append((value.lineno, value.col_offset, value.end_col_offset))
    block = lines[node.lineno - 1 : end]
    for line_no, start, stop in sorted(spans, reverse=True):
        text = block[line_no - node.lineno]
        block[line_no - node.lineno] = text[:start] + obj + text[stop:]
    head = _over_objects(node, block[0], name, obj, [name], lines)
    if not head:
        return None
    fixed = [head, *block[1:]]
    message = (f"`{name}` holds each {element.rsplit('.', 1)[-1]}, not its {name}: "
               f"`for {obj} in ...`, then `{name} = {obj}.{name}`")  # fmt: skip
    return Issue("misnamed-element", element, message, line=node.lineno, card=api.card(element),
                 fix=(node.lineno, "\n".join(lines[node.lineno - 1 : end]), "\n".join(fixed)))  # fmt: skip


def _over_objects(node: ast.For, head: str, written: str, obj: str, fields: list[str],
                  lines: list[str]) -> str:  # fmt: skip
    """The loop's first line over the objects themselves (``for lot in ...:``), then a line for
    each field read from the object at the body's indentation (``code = lot.code``); '' where the
    body is on the loop's line or the target is not written so."""
    first = node.body[0]
    new = head.replace(f"for {written} in", f"for {obj} in", 1) if written else head
    if first.lineno == node.lineno or new == head:
        return ""
    at = re.match(r"\s*", lines[first.lineno - 1]).group(0)  # type: ignore[union-attr]
    return new + "".join(f"\n{at}{f} = {obj}.{f}" for f in fields)


def element_class(iterated: ast.expr, api: IndexSymbols, env: Mapping[str, Binding],
                  target: ast.expr | None = None, body: list | None = None) -> str:  # fmt: skip
    """The documented class each element of ``iterated`` is: what iterating an instance yields
    (``for lot in bank``), or the elements of a documented ``list[X]`` a call returns or a
    property or field holds (``for lot in bank.sift(...)``, ``for c in bank.consignments``);
    what the owner yields where the loop's body reads them so (the fix of
    ``iteration_issues``); '' when not known."""
    from .pykinds import held_annotation

    if target is not None and (yields := _misread(iterated, target, body or [], api, env)[0]):
        return yields
    owner = type_of(iterated, api, env)
    if owner:
        return api.iterates(owner)
    if isinstance(iterated, ast.Call):
        called = dotted(iterated.func, env)
        if called is None or called[0] == "module":
            return ""
        annotation = api.return_annotation(called[1])
    elif isinstance(iterated, (ast.Attribute, ast.Subscript)):
        annotation = held_annotation(iterated, api, env)
    else:
        return ""
    element = container_parts(annotation)[1]
    return api.class_named(element) if element else ""


def thrown_selections(code: str, api: IndexSymbols, namespace: Mapping[str, str]) -> list[Issue]:
    """``ledger.sift('keep=deep')`` as a statement, then ``for lot in ledger:``: the lots the call
    selects (a documented list of them) are thrown away and the loop goes over every one. The fix
    loops over the call's value: ``for lot in ledger.sift('keep=deep'):``."""
    from . import package_tree
    from .pyexpr import code_env

    tree = package_tree(code, api)
    if tree is None:
        return []
    env, lines, out = code_env(tree, api, namespace), code.split("\n"), []
    body = tree.body
    for i, st in enumerate(body):
        call = st.value if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) else None
        if call is None or not isinstance(call.func, ast.Attribute) or st.lineno != st.end_lineno:
            continue
        held = call.func.value
        if not isinstance(held, ast.Name) or not element_class(call, api, env) or not type_of(held, api, env):
            continue
        loops_after = [s for s in body[i + 1 :] if isinstance(s, ast.For) and ast.unparse(s.iter) == held.id]
        loop = loops_after[0] if loops_after else None
        between = body[i + 1 : body.index(loop)] if loop else []
        if loop is None or loop.col_offset or any(held.id in ast.unparse(s) for s in between):
            continue
        head = lines[loop.lineno - 1]
        new_head = re.sub(rf"\bin\s+{held.id}\s*:", f"in {source(call, lines)}:", head, count=1)
        if new_head == head:
            continue
        old = "\n".join(lines[st.lineno - 1 : loop.lineno])
        new = "\n".join([*lines[st.lineno : loop.lineno - 1], new_head])
        message = (f"`{source(call, lines)}` selects what the loop should go over, and its value is thrown "
                   f"away: loop over it (`for ... in {source(call, lines)}:`)")  # fmt: skip
        out.append(Issue("thrown-selection", source(call, lines), message, line=st.lineno,
                         fix=(st.lineno, old, new)))  # fmt: skip
    return out
