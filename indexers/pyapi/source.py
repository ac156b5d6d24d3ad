"""Source mode: one module's syntax tree turned into a ``Module`` record (definitions with their
signatures and docstrings, imports, ``__all__``) without running any of its code."""

from __future__ import annotations

import ast
import inspect
import io
import itertools
import tokenize
import warnings
from collections.abc import Iterator
from pathlib import Path

from .._fs import Skips, decode_text, read_bytes
from .model import Module, Symbol, short

_SIGNATURE_DECORATORS = {"property", "cached_property", "staticmethod", "classmethod", "overload"}
_CONTAINER_METHODS = {"__iter__", "__getitem__", "__len__", "__contains__"}
_DATACLASS_DECORATORS = {"dataclass", "define", "frozen", "attrs", "s", "mutable"}
_FIELD_BASES = {"NamedTuple", "BaseModel", "TypedDict", "BaseSettings"}

# --------------------------------------------------------------------------- signatures (ast)


def _param(arg: ast.arg, default: ast.expr | None) -> str:
    out = arg.arg
    if arg.annotation is not None:
        out += ": " + short(ast.unparse(arg.annotation))
    if default is not None:
        out += (" = " if arg.annotation is not None else "=") + short(ast.unparse(default))
    return out


def _signature(a: ast.arguments, drop_first: bool = False) -> str:
    """``(a, /, b: int = 1, *args, c, **kw)`` like ``inspect.Signature``, without ``self``."""
    positional = a.posonlyargs + a.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    parts: list[str] = []
    for i, (arg, default) in enumerate(zip(positional, defaults)):
        if not (i == 0 and drop_first):
            parts.append(_param(arg, default))
        if a.posonlyargs and i == len(a.posonlyargs) - 1 and parts:
            parts.append("/")
    if a.vararg is not None:
        parts.append("*" + _param(a.vararg, None))
    elif a.kwonlyargs:
        parts.append("*")
    parts += [_param(arg, default) for arg, default in zip(a.kwonlyargs, a.kw_defaults)]
    if a.kwarg is not None:
        parts.append("**" + _param(a.kwarg, None))
    return "(" + ", ".join(parts) + ")"


def _param_names(a: ast.arguments, drop_first: bool = False) -> list[str]:
    """The names in ``_signature``'s order, ``self`` dropped the same way."""
    names = [arg.arg for arg in a.posonlyargs + a.args][1 if drop_first else 0 :]
    names += [f"*{a.vararg.arg}"] if a.vararg is not None else []
    names += [arg.arg for arg in a.kwonlyargs]
    return names + ([f"**{a.kwarg.arg}"] if a.kwarg is not None else [])


def _bare(decorator: str) -> str:
    """``functools.lru_cache(maxsize=2)`` -> ``lru_cache``."""
    return decorator.split("(", 1)[0].rsplit(".", 1)[-1]


# --------------------------------------------------------------------------- ast extraction


def _statements(body: list[ast.stmt]) -> Iterator[tuple[ast.stmt, ast.stmt | None]]:
    """(statement, the one after it) for a body, looking into if/try blocks but not into
    ``if __name__ == "__main__":``."""
    for i, stmt in enumerate(body):
        nxt = body[i + 1] if i + 1 < len(body) else None
        if isinstance(stmt, ast.If):
            if "__name__" in ast.unparse(stmt.test):
                continue
            yield from _statements(stmt.body)
            yield from _statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):
                yield from _statements(block)
        else:
            yield stmt, nxt


def _attribute_doc(nxt: ast.stmt | None) -> str:
    """The string literal right after an assignment (a Sphinx attribute docstring)."""
    if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str):
        return inspect.cleandoc(nxt.value.value)
    return ""


def _target(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    return None


def _value_symbol(stmt: ast.Assign | ast.AnnAssign, name: str, kind: str, doc: str) -> Symbol:
    sig = ""
    if isinstance(stmt, ast.AnnAssign):
        sig = ": " + short(ast.unparse(stmt.annotation))
    if stmt.value is not None:
        sig += " = " + short(ast.unparse(stmt.value))
    return Symbol(name, kind, signature=sig, doc=doc, lineno=stmt.lineno)


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> Symbol:
    decorators = [ast.unparse(d) for d in node.decorator_list]
    bare = {_bare(d) for d in decorators}
    kind, prefix = ("method" if method else "function"), ""
    if method and bare & {"property", "cached_property"}:
        kind = "property"
    elif method and "staticmethod" in bare:
        prefix = "staticmethod"
    elif method and "classmethod" in bare:
        prefix = "classmethod"
    if isinstance(node, ast.AsyncFunctionDef):
        prefix = f"async {prefix}".strip()
    returns = short(ast.unparse(node.returns)) if node.returns is not None else ""
    params: list[str] = []
    if kind == "property":
        signature = f": {returns}" if returns else ""
    else:
        drop_first = method and "staticmethod" not in bare
        signature = _signature(node.args, drop_first) + (f" -> {returns}" if returns else "")
        params = _param_names(node.args, drop_first)
    shown = [
        d for d in decorators
        if _bare(d) not in _SIGNATURE_DECORATORS and not d.endswith((".setter", ".getter", ".deleter"))
    ]  # fmt: skip
    doc = ast.get_docstring(node) or ""
    return Symbol(node.name, kind, signature, doc, node.lineno, prefix, shown, params=params, returns=returns)


def _is_overload(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(_bare(ast.unparse(d)) == "overload" for d in node.decorator_list)


def _aliased_method(stmt: ast.stmt, cls: Symbol) -> tuple[Symbol, list[str]] | None:
    """``config = configure = grid_configure`` in a class body: the method defined above it
    and its new names."""
    if not (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name)):
        return None
    names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    method = next((m for m in cls.members if m.name == stmt.value.id and m.kind == "method"), None)
    return (method, names) if method is not None and len(names) == len(stmt.targets) else None


def _enum_like(node: ast.ClassDef) -> bool:
    """A class whose body names two or more UPPER_CASE constants and has no ``__init__``: an enum
    through a base of its own (``class Keeping(_Parsable)``, ``_Parsable(Enum)``), or a table of
    constants. Its members are API either way."""
    consts = [
        stmt for stmt in node.body
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
        and stmt.targets[0].id.isupper() and isinstance(stmt.value, (ast.Constant, ast.Tuple, ast.Call))
    ]  # fmt: skip
    has_init = any(isinstance(s, ast.FunctionDef) and s.name == "__init__" for s in node.body)
    return len(consts) >= 2 and not has_init


def _class(node: ast.ClassDef) -> Symbol:
    sym = Symbol(
        node.name,
        "class",
        doc=ast.get_docstring(node) or "",
        lineno=node.lineno,
        decorators=[ast.unparse(d) for d in node.decorator_list],
        bases=[ast.unparse(b) for b in node.bases if ast.unparse(b) != "object"],
    )
    init: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    new: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    fields: list[ast.AnnAssign] = []
    seen: set[str] = set()
    is_enum = any(b.split("[")[0].endswith(("Enum", "Flag")) for b in sym.bases) or _enum_like(node)
    for stmt, nxt in _statements(node.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if stmt.name == "__init__":
                init = init or stmt
            elif stmt.name == "__new__":
                new = new or stmt
            elif stmt.name not in seen and not _is_overload(stmt):
                seen.add(stmt.name)
                sym.members.append(_function(stmt, method=True))
        elif isinstance(stmt, ast.ClassDef) and stmt.name not in seen:
            seen.add(stmt.name)
            sym.members.append(_class(stmt))
        elif aliased := _aliased_method(stmt, sym):
            aliased[0].also += [n for n in aliased[1] if n not in seen and n not in aliased[0].also]
        elif (name := _target(stmt)) is not None and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            field_ = isinstance(stmt, ast.AnnAssign) and "ClassVar" not in ast.unparse(stmt.annotation)
            if field_:
                fields.append(stmt)  # type: ignore[arg-type]
            doc = _attribute_doc(nxt)
            value = stmt.value
            if isinstance(value, ast.Call) and _bare(ast.unparse(value.func)) == "property":
                # ``drive = property(attrgetter("_drv"), doc="...")``
                given = [k.value for k in value.keywords if k.arg == "doc"]
                if given and isinstance(given[0], ast.Constant) and isinstance(given[0].value, str):
                    doc = inspect.cleandoc(given[0].value)
                if name not in seen and not name.startswith("_"):
                    seen.add(name)
                    sym.members.append(Symbol(name, "property", doc=doc, lineno=stmt.lineno))
            # Documented attributes, annotated fields and enum members are API; other class
            # variables are usually implementation.
            elif (doc or field_ or is_enum) and name not in seen and not name.startswith("__"):
                seen.add(name)
                sym.members.append(_value_symbol(stmt, name, "attribute", doc))
    for member in sym.members:  # a name defined by ``def`` too (another platform's branch) is its own
        member.also = [n for n in member.also if n not in seen]
    if not sym.bases:  # a base (``dict``) may define what the class does not
        sym.protocols = {m.name.strip("_"): m.returns for m in sym.members if m.name in _CONTAINER_METHODS}
    field_like = bool({_bare(d) for d in sym.decorators} & _DATACLASS_DECORATORS) or bool(
        {b.rsplit(".", 1)[-1].split("[")[0] for b in sym.bases} & _FIELD_BASES
    )
    if init is not None:
        sym.signature, sym.params = _signature(init.args, drop_first=True), _param_names(init.args, True)
        init_doc = ast.get_docstring(init)
        if init_doc and init_doc != sym.doc:
            sym.doc = f"{sym.doc}\n\n{init_doc}".strip()
    elif field_like and fields:
        sym.signature = (
            "("
            + ", ".join(
                f"{f.target.id}: {short(ast.unparse(f.annotation))}"  # type: ignore[union-attr]
                + (f" = {short(ast.unparse(f.value))}" if f.value is not None else "")
                for f in fields
            )
            + ")"
        )
        sym.params = [f.target.id for f in fields]  # type: ignore[union-attr]
    elif new is not None:
        sym.signature, sym.params = _signature(new.args, drop_first=True), _param_names(new.args, True)
    return sym


def _literal_names(node: ast.expr, known: dict[str, list[str]] | None = None) -> tuple[list[str], bool]:
    """Names of a literal ``__all__`` value, and whether the value was fully literal; ``known``
    are earlier module-level string lists (``__all__ = _always + ["new"]``)."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        names = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return names, len(names) == len(node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, lok = _literal_names(node.left, known)
        right, rok = _literal_names(node.right, known)
        return left + right, lok and rok
    if isinstance(node, ast.Name) and known and node.id in known:
        return list(known[node.id]), True
    return [], False


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1] if node.level > 1 else base
    return ".".join(base + ([node.module] if node.module else []))


def parse_module(name: str, tree: ast.Module, source: str, is_package: bool) -> Module:
    """The definitions, imports and ``__all__`` of one module's syntax tree."""
    mod = Module(name=name, doc=ast.get_docstring(tree) or "", source=source)
    overloads: set[str] = set()
    literals: dict[str, list[str]] = {}

    def add_all(names: list[str], complete: bool) -> None:
        mod.all_names = (mod.all_names or []) + [n for n in names if n not in (mod.all_names or [])]
        mod.all_complete = mod.all_complete and complete

    for stmt, nxt in _statements(tree.body):
        target = _target(stmt)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if stmt.name not in mod.symbols or stmt.name in overloads:
                if _is_overload(stmt):
                    overloads.add(stmt.name)
                else:
                    overloads.discard(stmt.name)
                mod.symbols[stmt.name] = _function(stmt, method=False)
        elif isinstance(stmt, ast.ClassDef):
            mod.symbols.setdefault(stmt.name, _class(stmt))
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                local = alias.asname or alias.name.split(".")[0]
                mod.module_imports.setdefault(local, alias.name if alias.asname else local)
        elif isinstance(stmt, ast.ImportFrom):
            origin = _absolute(name, is_package, stmt)
            for alias in stmt.names:
                if alias.name == "*":
                    mod.stars.append(origin)
                else:
                    mod.imports[alias.asname or alias.name] = (origin, alias.name)
                    if alias.asname == alias.name:  # ``from .core import Command as Command``
                        mod.reexports.add(alias.name)
        elif target == "__all__" and isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value:
            mod.all_names, mod.all_complete = None, True
            add_all(*_literal_names(stmt.value, literals))
        elif isinstance(stmt, ast.AugAssign) and ast.unparse(stmt.target) == "__all__":
            add_all(*_literal_names(stmt.value, literals))
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            func, args = ast.unparse(stmt.value.func), stmt.value.args
            if func == "__all__.extend" and args:
                add_all(*_literal_names(args[0], literals))
            elif func == "__all__.append" and args:
                add_all(*_literal_names(ast.List(elts=list(args))))
        elif target is not None and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            if stmt.value is not None and (found := _literal_names(stmt.value, literals))[1]:
                literals[target] = found[0]
            if target in mod.symbols or target in mod.values or target.startswith("__"):
                continue
            doc = _attribute_doc(nxt)
            if doc:
                mod.symbols[target] = _value_symbol(stmt, target, "constant", doc)
            else:
                mod.values[target] = _value_symbol(stmt, target, "constant", "")
    for sym in itertools.chain(mod.symbols.values(), mod.values.values()):
        sym.key = f"{name}:{sym.name}"
    return mod


def read_module(name: str, root: Path, file: Path, skipped: Skips, max_bytes: int) -> Module | None:
    """Module ``name`` read from ``file``; None, with a counted reason, if it cannot be."""
    data = read_bytes(root, file, skipped, max_bytes)
    if data is None:
        return None
    is_package = file.name == "__init__.py"
    if not data.strip():
        return Module(name=name, source=str(file))  # an empty __init__.py is a fine package
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:  # not UTF-8 without a coding cookie, or an unknown cookie
        encoding = "utf-8"
    if encoding in ("utf-8", "utf-8-sig"):
        text = decode_text(data, skipped, file)
    else:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            skipped.add("not decodable", file)
            return None
    if text is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences in old code
            tree = ast.parse(text.lstrip("\ufeff"), filename=str(file))
        return parse_module(name, tree, str(file), is_package)
    except (SyntaxError, ValueError):
        skipped.add("syntax error", file)
    except (RecursionError, MemoryError):
        skipped.add("too deeply nested", file)
    return None
