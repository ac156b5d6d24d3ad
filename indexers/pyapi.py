"""Python API indexer: one Document per public symbol of a package, read from its source with
``ast`` (nothing is imported) or from the imported package (for compiled or installed ones).

A symbol's text is its qualified name, signature and docstring; the ``Examples`` sections and
doctest blocks of its docstring also become ``example`` Documents linked by ``symbol``.
"""

from __future__ import annotations

import ast
import contextlib
import enum
import functools
import importlib
import importlib.machinery
import importlib.util
import inspect
import io
import itertools
import keyword
import os
import pkgutil
import re
import reprlib
import sys
import textwrap
import tokenize
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path

from docprompt.errors import BadInput
from docprompt.models import Document

from ._fs import DEFAULT_MAX_FILE_BYTES, Skips, decode_text, existing_paths, read_bytes

#: Folders and files left out of a source tree unless ``exclude`` says otherwise.
DEFAULT_EXCLUDE = (
    "test", "tests", "*_test", "test_*.py", "*_test.py", "conftest.py", "setup.py",
    "site-packages", "dist-packages", "node_modules", "build", "dist",
)  # fmt: skip
MODES = ("ast", "import")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_MAX_VALUE = 80  # characters of a default value or constant shown in a signature
_SIGNATURE_DECORATORS = {"property", "cached_property", "staticmethod", "classmethod", "overload"}
_DATACLASS_DECORATORS = {"dataclass", "define", "frozen", "attrs", "s", "mutable"}
_FIELD_BASES = {"NamedTuple", "BaseModel", "TypedDict", "BaseSettings"}
_CONSTANT = re.compile(r"[A-Z][A-Z0-9_]+")  # UPPER_CASE module-level names are API
_TYPEVARS = ("TypeVar(", "ParamSpec(", "TypeVarTuple(")
_BOUND = re.compile(r" = ([A-Za-z_]\w*)\.([A-Za-z_]\w*)")  # ``choice = _inst.choice``
_CALL = re.compile(r" = ([A-Za-z_][\w.]*)\(.*\)")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")  # object reprs: keep document text reproducible
_FORWARD_REF = re.compile(r"ForwardRef\('([^']*)'\)")


@dataclass
class Symbol:
    """A documented definition: class, function, method, property, constant or attribute."""

    name: str
    kind: str
    signature: str = ""
    doc: str = ""
    lineno: int = 0
    prefix: str = ""  # "async", "classmethod", "staticmethod"
    decorators: list[str] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)
    members: list[Symbol] = field(default_factory=list)
    key: str = ""  # identifies the definition however many modules export it
    base_refs: list[tuple[str, Symbol, Module]] | None = None  # a class's resolved bases (key, sym, owner)


@dataclass
class Module:
    """What one module defines and imports, enough to resolve its public names."""

    name: str
    doc: str = ""
    source: str = ""  # file path, or the module name when there is no file
    symbols: dict[str, Symbol] = field(default_factory=dict)
    values: dict[str, Symbol] = field(default_factory=dict)  # undocumented module-level assignments
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (module, name)
    module_imports: dict[str, str] = field(default_factory=dict)  # ``import a.b as c``: c -> a.b
    stars: list[str] = field(default_factory=list)
    all_names: list[str] | None = None
    all_complete: bool = True
    exports: list[tuple[str, Symbol, Module]] | None = None  # set directly in import mode

    @property
    def rel(self) -> str:
        """The module's path as a file inside its library: ``json/decoder.py``."""
        path = Path(self.source)
        if path.suffix != ".py":
            return ""
        parts = self.name.split(".")
        return "/".join(parts) + ("/__init__.py" if path.name == "__init__.py" else ".py")


def _is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


# --------------------------------------------------------------------------- signatures (ast)


def _param(arg: ast.arg, default: ast.expr | None) -> str:
    out = arg.arg
    if arg.annotation is not None:
        out += ": " + _short(ast.unparse(arg.annotation))
    if default is not None:
        out += (" = " if arg.annotation is not None else "=") + _short(ast.unparse(default))
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
        sig = ": " + _short(ast.unparse(stmt.annotation))
    if stmt.value is not None:
        sig += " = " + _short(ast.unparse(stmt.value))
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
    returns = _short(ast.unparse(node.returns)) if node.returns is not None else ""
    if kind == "property":
        signature = f": {returns}" if returns else ""
    else:
        signature = _signature(node.args, drop_first=method and "staticmethod" not in bare)
        signature += f" -> {returns}" if returns else ""
    shown = [
        d for d in decorators
        if _bare(d) not in _SIGNATURE_DECORATORS and not d.endswith((".setter", ".getter", ".deleter"))
    ]  # fmt: skip
    return Symbol(node.name, kind, signature, ast.get_docstring(node) or "", node.lineno, prefix, shown)


def _is_overload(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(_bare(ast.unparse(d)) == "overload" for d in node.decorator_list)


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
    is_enum = any(b.split("[")[0].endswith(("Enum", "Flag")) for b in sym.bases)
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
    field_like = bool({_bare(d) for d in sym.decorators} & _DATACLASS_DECORATORS) or bool(
        {b.rsplit(".", 1)[-1].split("[")[0] for b in sym.bases} & _FIELD_BASES
    )
    if init is not None:
        sym.signature = _signature(init.args, drop_first=True)
        init_doc = ast.get_docstring(init)
        if init_doc and init_doc != sym.doc:
            sym.doc = f"{sym.doc}\n\n{init_doc}".strip()
    elif field_like and fields:
        sym.signature = (
            "("
            + ", ".join(
                f"{f.target.id}: {_short(ast.unparse(f.annotation))}"  # type: ignore[union-attr]
                + (f" = {_short(ast.unparse(f.value))}" if f.value is not None else "")
                for f in fields
            )
            + ")"
        )
    elif new is not None:
        sym.signature = _signature(new.args, drop_first=True)
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


# --------------------------------------------------------------------------- import mode


def _object_signature(obj: object, drop_first: bool = False) -> str:
    try:
        try:
            sig = inspect.signature(obj, eval_str=True)  # type: ignore[arg-type]
        except Exception:
            sig = inspect.signature(obj)  # type: ignore[arg-type]
    except Exception:  # builtins without a text signature, odd callables
        return ""
    if drop_first and sig.parameters:
        sig = sig.replace(parameters=list(sig.parameters.values())[1:])
    return _FORWARD_REF.sub(r"\1", _ADDRESS.sub("", str(sig)))


def _object_function(name: str, obj: object, method: bool, prefix: str = "") -> Symbol:
    if inspect.iscoroutinefunction(obj):
        prefix = f"async {prefix}".strip()
    code = getattr(obj, "__code__", None)
    return Symbol(
        name,
        "method" if method else "function",
        _object_signature(obj, drop_first=method and "staticmethod" not in prefix),
        inspect.getdoc(obj) or "",
        code.co_firstlineno if code else 0,
        prefix,
    )


def _safe_repr(value: object) -> str:
    try:
        text = reprlib.repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return _short(_ADDRESS.sub("", text))


def _own_doc(obj: object) -> str:
    doc = vars(obj).get("__doc__") if hasattr(obj, "__dict__") else None
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def _object_class(name: str, cls: type, include_private: bool, depth: int = 0) -> Symbol:
    sym = Symbol(
        name,
        "class",
        _object_signature(cls).removesuffix(" -> None"),
        _own_doc(cls),
        bases=[b.__qualname__ for b in cls.__bases__ if b is not object],
    )
    init = vars(cls).get("__init__")
    init_doc = inspect.getdoc(init) if inspect.isfunction(init) else ""
    if init_doc and init_doc != sym.doc:
        sym.doc = f"{sym.doc}\n\n{init_doc}".strip()
    for mname, member in list(vars(cls).items()):
        if (
            mname.startswith("_")
            and mname != "__call__"
            and not (include_private and not mname.startswith("__"))
        ):
            continue
        if isinstance(member, staticmethod):
            sym.members.append(_object_function(mname, member.__func__, True, "staticmethod"))
        elif isinstance(member, classmethod):
            sym.members.append(_object_function(mname, member.__func__, True, "classmethod"))
        elif isinstance(member, (property, functools.cached_property)):
            getter = member.fget if isinstance(member, property) else member.func
            returns = _object_signature(getter).partition(" -> ")[2] if callable(getter) else ""
            sym.members.append(
                Symbol(mname, "property", returns and f": {returns}", inspect.getdoc(member) or "")
            )
        elif inspect.isfunction(member) or inspect.ismethoddescriptor(member) or inspect.isbuiltin(member):
            sym.members.append(_object_function(mname, member, True))
        elif inspect.isclass(member) and depth < 3 and member.__qualname__.startswith(cls.__qualname__ + "."):
            sym.members.append(_object_class(mname, member, include_private, depth + 1))
    # Annotated fields (dataclasses, NamedTuples, models) and enum members, as in ast mode.
    annotations = vars(cls).get("__annotations__")
    fields: dict[str, str] = {}
    for fname, ann in annotations.items() if isinstance(annotations, dict) else ():
        if isinstance(fname, str) and "ClassVar" not in str(ann):
            text = ann if isinstance(ann, str) else _FORWARD_REF.sub(r"\1", inspect.formatannotation(ann))
            default = vars(cls).get(fname, inspect.Parameter.empty)
            plain = default is not inspect.Parameter.empty and not hasattr(type(default), "__get__")
            fields[fname] = f": {_short(text)}" + (f" = {_safe_repr(default)}" if plain else "")
    if issubclass(cls, enum.Enum):
        fields.update((n, f" = {_safe_repr(m.value)}") for n, m in cls.__members__.items())
    known = {m.name for m in sym.members}
    for fname, signature in fields.items():
        if fname not in known and not fname.startswith("__") and (include_private or fname[0] != "_"):
            sym.members.append(Symbol(fname, "attribute", signature))
    return sym


@contextlib.contextmanager
def _quiet_import(path: Path | None = None) -> Iterator[None]:
    """Imports that print, warn or need their folder on ``sys.path`` leave no trace."""
    if path is not None:
        sys.path.insert(0, str(path))
    try:
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            warnings.simplefilter("ignore")
            yield
    finally:
        if path is not None:
            with contextlib.suppress(ValueError):
                sys.path.remove(str(path))


# --------------------------------------------------------------------------- docstring examples

_GOOGLE = re.compile(r"^(\s*)(?:Examples?|Usage)\s*:\s*$")
_REST = re.compile(r"^(\s*)(?::Examples?:|\.\. rubric:: Examples?|Examples?::)\s*$")
_NUMPY_RULE = re.compile(r"^\s*-{3,}\s*$")
_EXAMPLE_HINTS = (">>>", "xample", "Usage", ".. code", ".. sourcecode", ".. doctest", ".. testcode")
_CODE_DIRECTIVE = re.compile(r"^(\s*)\.\. (?:code-block|code|sourcecode|doctest|testcode)::")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _indented_block(lines: list[str], start: int, indent: int) -> int:
    """The end of the block after ``start`` whose lines are blank or indented past ``indent``."""
    end = start
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    return end


def docstring_examples(doc: str) -> list[str]:
    """``Examples`` sections (Google, NumPy, reST) and loose doctest or code-block blocks."""
    lines = doc.splitlines()
    found: list[tuple[int, str]] = []
    covered: set[int] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        end = i
        if line.strip() in ("Examples", "Example") and i + 1 < len(lines) and _NUMPY_RULE.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and not (
                end + 1 < len(lines) and lines[end].strip() and _NUMPY_RULE.match(lines[end + 1])
            ):
                end += 1
            body = lines[i + 2 : end]
        elif (m := _GOOGLE.match(line) or _REST.match(line)) or (m := _CODE_DIRECTIVE.match(line)):
            end = _indented_block(lines, i + 1, len(m.group(1)))
            body = lines[i + 1 : end]
            if _CODE_DIRECTIVE.match(line):  # drop the directive's options (:linenos: ...)
                body = list(itertools.dropwhile(lambda s: not s.strip() or s.strip().startswith(":"), body))
        if end > i:
            text = textwrap.dedent("\n".join(body)).strip()
            if text:
                found.append((i, text))
            covered.update(range(i, end))
            i = end
            continue
        i += 1
    i = 0
    while i < len(lines):
        if i not in covered and lines[i].lstrip().startswith(">>>"):
            end = i
            while end < len(lines) and lines[end].strip() and end not in covered:
                end += 1
            found.append((i, textwrap.dedent("\n".join(lines[i:end])).strip()))
            i = end
            continue
        i += 1
    return [text for _, text in sorted(found)]


# --------------------------------------------------------------------------- the indexer


class PythonApiIndexer:
    """Yields one Document per public symbol of Python packages, plus their docstring examples.

    ``paths`` are source trees (a package folder, a folder of packages, a ``.py`` file) or
    importable module names (``json``). ``mode="ast"`` reads source without importing anything
    (the default for paths); ``mode="import"`` imports the packages in this process and walks
    their submodules (the default for module names; needed for compiled packages). Public means
    not starting with ``_`` and listed in ``__all__`` when a module has one; names a public module
    re-exports from a private one (``from ._parser import loads``) are documented under the
    public module. Unreadable files, syntax errors and failing imports are skipped and counted.
    """

    name = "python"

    def __init__(
        self,
        paths: Iterable[str | os.PathLike] | str | os.PathLike,
        *,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        mode: str | None = None,
        include_private: bool = False,
        examples: bool = True,
        exclude: Iterable[str] | None = None,
    ):
        if mode is not None and mode not in MODES:
            raise BadInput(f"unknown mode {mode!r} for the python indexer; use 'ast' or 'import'")
        items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        self.mode = mode
        self.max_file_bytes = max_file_bytes
        self.include_private = include_private
        self.examples = examples
        self.exclude = tuple(DEFAULT_EXCLUDE if exclude is None else exclude)
        self.skipped = Skips()
        self.paths: list[Path] = []
        self.modules: list[str] = []
        for item in items:
            text = os.fspath(item)
            if isinstance(item, str) and not Path(text).expanduser().exists() and _DOTTED.fullmatch(text):
                if mode == "ast":
                    self.paths.append(_source_of(text))
                else:
                    _check_importable(text)
                    self.modules.append(text)
            else:
                self.paths += existing_paths([item])
        if not self.paths and not self.modules:
            raise BadInput("give at least one path or module name to index")
        self._cache: dict[str, Module | None] = {}
        self._module_aliases: defaultdict[str, list[str]] = defaultdict(list)  # posixpath -> [os.path]
        self._class_refs: dict[type, tuple[str, Symbol, Module]] = {}  # import mode
        self._extra_aliases: defaultdict[str, list[str]] = defaultdict(list)  # inherited names
        self._inherited: dict[str, list[tuple[Symbol, Module, str]]] = {}  # from undocumented bases
        self._files: dict[str, tuple[Path, Path]] = {}
        self._discovered = False

    @property
    def roots(self) -> list[str]:
        return [str(p.resolve()) for p in self.paths] + self.modules

    # -- discovery ---------------------------------------------------------------------------

    def _excluded(self, part: str) -> bool:
        return any(fnmatch(part, pat) or fnmatch(part + ".py", pat) for pat in self.exclude)

    def _walk(self) -> Iterator[tuple[Path, Path]]:
        """(root, file) for the .py files under the roots, in sorted order; hidden and excluded
        folders are not entered, symlinked folders are not followed."""
        for root in self.paths:
            root = root.resolve()
            if root.is_file():
                yield root.parent, root
                continue
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not self._excluded(d))
                for fn in sorted(filenames):
                    if fn.endswith(".py") and not fn.startswith(".") and not self._excluded(fn):
                        yield root, Path(dirpath) / fn

    def _discover(self) -> None:
        """Map module names to files for every .py file under the path roots."""
        if self._discovered:
            return
        self._discovered = True
        packages: dict[Path, bool] = {}

        def is_package(d: Path) -> bool:
            if d not in packages:
                packages[d] = (d / "__init__.py").is_file()
            return packages[d]

        for root, file in self._walk():
            parent = file.parent
            if not is_package(parent) and any(
                is_package(d) for d in parent.parents if d.is_relative_to(root)
            ):
                self.skipped.add("not in a package", file)  # a data folder inside a package, not importable
                continue
            parts = [] if file.name == "__init__.py" else [file.stem]
            while is_package(parent):
                parts.insert(0, parent.name)
                parent = parent.parent
            if not parts or not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
                self.skipped.add("not a module name", file)
                continue
            self._files.setdefault(".".join(parts), (root, file))

    def _load(self, name: str) -> Module | None:
        """The parsed module ``name`` from the source trees (cached; None if unknown or bad)."""
        if name in self._cache:
            return self._cache[name]
        self._cache[name] = None
        if name not in self._files:
            return None
        root, file = self._files[name]
        self._cache[name] = self._parse(name, root, file)
        return self._cache[name]

    def _parse(self, name: str, root: Path, file: Path) -> Module | None:
        """Module ``name`` read from ``file``; None, with a counted reason, if it cannot be."""
        data = read_bytes(root, file, self.skipped, self.max_file_bytes)
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
            text = decode_text(data, self.skipped, file)
        else:
            try:
                text = data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                self.skipped.add("not decodable", file)
                return None
        if text is None:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escape sequences in old code
                tree = ast.parse(text.lstrip("\ufeff"), filename=str(file))
            return parse_module(name, tree, str(file), is_package)
        except (SyntaxError, ValueError):
            self.skipped.add("syntax error", file)
        except (RecursionError, MemoryError):
            self.skipped.add("too deeply nested", file)
        return None

    # -- resolving public names (ast mode) ------------------------------------------------------

    def _resolve(self, mod: Module, name: str, depth: int = 0) -> tuple[Symbol, Module] | None:
        if depth > 8:
            return None
        if name in mod.symbols:
            return mod.symbols[name], mod
        if name in mod.values:
            return mod.values[name], mod
        if name in mod.imports:
            origin, original = mod.imports[name]
            target = self._load(origin)
            return self._resolve(target, original, depth + 1) if target is not None else None
        for origin in mod.stars:
            target = self._load(origin)
            found = self._resolve(target, name, depth + 1) if target is not None else None
            if found is not None:
                return found
        return None

    def _public(self, name: str) -> bool:
        return self.include_private or not name.startswith("_")

    def _resolve_dotted(self, mod: Module, dotted: str) -> tuple[Symbol, Module] | None:
        """``Name`` or ``module.Name`` as written in ``mod`` (a base class, say)."""
        first, _, rest = dotted.partition(".")
        if not rest:
            return self._resolve(mod, first)
        target = mod.module_imports.get(first) or ".".join(mod.imports.get(first, ()))
        parts = rest.split(".")
        while len(parts) > 1 and f"{target}.{parts[0]}" in self._files:
            target += "." + parts.pop(0)
        loaded = self._load(target) if len(parts) == 1 else None
        return self._resolve(loaded, parts[0]) if loaded is not None else None

    def _stub(self, mod: Module, name: str) -> Symbol | None:
        """A listed name whose definition cannot be read (a compiled module, a run-time loop);
        None for submodules and module aliases (``os.path``), which are documented as modules."""
        if f"{mod.name}.{name}" in self._files:
            return None
        origin = mod.module_imports.get(name) or ".".join(mod.imports.get(name, ()))
        if origin in self._files:
            self._module_aliases[origin].append(f"{mod.name}.{name}")
            return None
        if origin:
            key = ":".join(mod.imports[name]) if name in mod.imports else ""
            doc = f"Imported from {origin}, which has no Python source here."
            return Symbol(name, "name", doc=doc, key=key)
        return Symbol(name, "name", doc=f"Listed in {mod.name}.__all__; defined when the module runs.")

    def _exports(self, mod: Module, depth: int = 0) -> list[tuple[str, Symbol, Module]]:
        """(public name, symbol, defining module) for each name ``mod`` offers, in source order."""
        if mod.exports is not None:
            return mod.exports
        out: dict[str, tuple[Symbol, Module]] = {}
        listed = set(mod.all_names or ())
        complete = mod.all_names is not None and mod.all_complete
        for n, sym in mod.symbols.items():
            if n in listed or (self._public(n) and not complete):
                out[n] = (sym, mod)
        for n, sym in mod.values.items():
            # Without __all__ only UPPER_CASE values are API; a partly computed __all__ (os)
            # may list any public value.
            loose = _CONSTANT.fullmatch(n) or (mod.all_names is not None and self._public(n))
            loose = loose and not complete and not sym.signature.startswith(_TYPEVARS, 3)
            if n not in out and (n in listed or loose):
                out[n] = (sym, mod)
        for n in mod.all_names or ():
            if n not in out and (found := self._resolve(mod, n)) is not None:
                out[n] = found
            elif n not in out and (stub := self._stub(mod, n)) is not None:
                out[n] = (stub, mod)
        if not complete:
            # Imports are API only when they lift names out of private modules; star imports
            # always put the other module's API into this one.
            for n, (origin, original) in mod.imports.items():
                if self._public(n) and n not in out and _is_private(origin) and origin in self._files:
                    target = self._load(origin)
                    found = self._resolve(target, original, 1) if target is not None else None
                    if found is not None:
                        out[n] = found
            for origin in mod.stars:
                target = self._load(origin) if depth < 4 else None
                for n, sym, owner in self._exports(target, depth + 1) if target is not None else ():
                    out.setdefault(n, (sym, owner))
        order = {n: i for i, n in enumerate(mod.all_names or ())}  # __all__'s order, then the source's
        names = sorted(out, key=lambda n: order.get(n, len(order)))
        mod.exports = [(n, self._bound_method(out[n][0], out[n][1]), out[n][1]) for n in names]
        return mod.exports

    def _bound_method(self, sym: Symbol, owner: Module) -> Symbol:
        """``choice = _inst.choice`` (``_inst = Random()``) or ``open = TarFile.open``: the
        method's signature and docstring under the module-level name."""
        if sym.kind != "constant" or sym.doc or not (m := _BOUND.fullmatch(sym.signature)):
            return sym
        found = self._resolve(owner, m[1])
        call = _CALL.fullmatch(found[0].signature) if found is not None else None
        if found is not None and call is not None and found[0].kind == "constant":  # an instance
            found = self._resolve_dotted(found[1], call[1])
        if found is None or found[0].kind != "class":
            return sym
        method = next((x for x in found[0].members if x.name == m[2] and x.kind == "method"), None)
        if method is None:
            return sym
        prefix = "async" if method.prefix.startswith("async") else ""
        return replace(method, name=sym.name, kind="function", prefix=prefix, key=sym.key, lineno=sym.lineno)

    def _bases(self, sym: Symbol, owner: Module) -> list[tuple[str, Symbol, Module]]:
        """The classes ``sym`` derives from that this indexer can see (import mode sets them)."""
        if sym.base_refs is None:
            sym.base_refs = []
            for base in sym.bases:
                found = self._resolve_dotted(owner, base.split("[")[0])
                if found is not None and found[0].kind == "class":
                    key = found[0].key or f"{found[1].name}:{found[0].name}"
                    sym.base_refs.append((key, found[0], found[1]))
        return sym.base_refs

    # -- import mode ------------------------------------------------------------------------------

    def _import(self, name: str, path: Path | None = None):
        """The imported module, or None (counted) when importing it raises or exits."""
        try:
            with _quiet_import(path):
                return importlib.import_module(name)
        except (Exception, SystemExit):
            self.skipped.add("import failed", name)
            return None

    def _imported_modules(self) -> Iterator[object]:
        """The named modules and the source trees' outermost modules, imported with their folder on
        ``sys.path``, then their public submodules."""
        tops: list[tuple[str, Path | None]] = [(m, None) for m in self.modules]
        if self.paths:
            self._discover()
            for name, (_, file) in self._files.items():
                if name.rpartition(".")[0] not in self._files and self._public(name.rsplit(".", 1)[-1]):
                    tops.append((name, file.parents[name.count(".") + (file.name == "__init__.py")]))
        seen: set[str] = set()
        stack = list(reversed(tops))
        while stack:
            name, path = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            mod = self._import(name, path)
            if mod is None:
                continue
            yield mod
            subs = []
            for info in pkgutil.iter_modules(getattr(mod, "__path__", None) or [], prefix=name + "."):
                last = info.name.rsplit(".", 1)[-1]
                if last == "__main__" or self._excluded(last) or not self._public(last):
                    continue
                subs.append((info.name, path))
            stack.extend(reversed(sorted(subs)))

    def _class_ref(self, cls: type) -> tuple[str, Symbol, Module]:
        """(key, symbol, owner) of a class seen in import mode, its bases resolved too."""
        if cls not in self._class_refs:
            owner = cls.__module__
            sym = _object_class(cls.__name__, cls, self.include_private)
            sym.key = f"{owner}:{cls.__qualname__}"
            where = getattr(sys.modules.get(owner), "__file__", None) or owner
            self._class_refs[cls] = (sym.key, sym, Module(name=owner, source=where))
            sym.base_refs = [self._class_ref(b) for b in cls.__bases__ if b.__module__ != "builtins"]
        return self._class_refs[cls]

    def _module_from_object(self, obj) -> Module:
        name = obj.__name__
        file = getattr(obj, "__file__", None) or ""
        mod = Module(name=name, doc=_own_doc(obj), source=file or name)
        constants: dict[str, Symbol] = {}
        if file.endswith(".py") and Path(file).is_file():
            parsed = self._parse(name, Path(file).parent, Path(file))
            if parsed is not None:
                constants = {n: s for n, s in parsed.symbols.items() if s.kind == "constant"}
        listed = getattr(obj, "__all__", None)
        if not (isinstance(listed, (list, tuple)) and all(isinstance(n, str) for n in listed)):
            listed = None
        names = list(dict.fromkeys(listed)) if listed is not None else list(vars(obj))
        mod.exports = []
        for n in names:
            if not self._public(n) and listed is None:
                continue
            try:
                found = self._object_symbol(obj, n, listed is not None, constants, not file.endswith(".py"))
            except Exception:  # a lazy attribute that fails, an odd descriptor
                self.skipped.add("unreadable attribute", f"{file}:{n}")
                continue
            if found is not None:
                sym, owner = found
                where = getattr(sys.modules.get(owner), "__file__", None) or owner
                mod.exports.append((n, sym, mod if owner == name else Module(name=owner, source=where)))
        return mod

    def _object_symbol(
        self, obj, n: str, listed: bool, constants: dict[str, Symbol], compiled: bool
    ) -> tuple[Symbol, str] | None:
        """The symbol for ``obj.n`` and the name of the module that defines it."""
        name = obj.__name__
        value = getattr(obj, n)
        if inspect.ismodule(value):
            if listed and value.__name__ != f"{name}.{n}":
                self._module_aliases[value.__name__].append(f"{name}.{n}")
            return None
        if inspect.isclass(value) or inspect.isroutine(value) or callable(value):
            owner = getattr(value, "__module__", None)
            owner = owner if isinstance(owner, str) else name
            lifted = owner.split(".")[0] == name.split(".")[0] and _is_private(owner)
            if not listed and owner != name and not lifted:
                return None  # imported from elsewhere, not this module's API
            if inspect.isclass(value):
                return self._class_ref(value)[1], owner
            sym = _object_function(n, value, method=False)
            sym.key = f"{owner}:{getattr(value, '__qualname__', n)}"
            return sym, owner
        if n in constants:
            return constants[n], name
        if listed or compiled or _CONSTANT.fullmatch(n):
            sym = Symbol(n, "constant", signature=" = " + _safe_repr(value), key=f"{name}:{n}")
            return sym, name
        return None

    # -- documents --------------------------------------------------------------------------------

    def _public_modules(self) -> Iterator[Module]:
        if self.mode == "import":
            for obj in self._imported_modules():
                yield self._module_from_object(obj)
            return
        if self.modules:
            for obj in self._imported_modules():
                yield self._module_from_object(obj)
        if not self.paths:
            return
        self._discover()
        for name in list(self._files):
            if _is_private(name) and not self.include_private:
                continue
            mod = self._load(name)
            if mod is not None:
                yield mod

    def iter_documents(self) -> Iterator[Document]:
        modules = list(self._public_modules())
        self._extra_aliases.clear()
        self._inherited.clear()
        # A definition several public modules export (``acme.Invoice``, ``acme.billing.Invoice``)
        # is documented once, under its shortest public name; the others become aliases.
        paths: dict[str, list[str]] = {}
        for mod in modules:
            for public, sym, owner in self._exports(mod):
                paths.setdefault(sym.key or f"{owner.name}:{public}", []).append(f"{mod.name}.{public}")
        canonical = {key: min(quals, key=lambda q: (q.count("."), q)) for key, quals in paths.items()}
        for mod in modules:
            for public, sym, owner in self._exports(mod):
                qual = f"{mod.name}.{public}"
                key = sym.key or f"{owner.name}:{public}"
                if sym.kind == "class" and canonical[key] == qual:
                    self._inherit(sym, owner, [qual] + [q for q in paths[key] if q != qual], canonical)
        for mod in modules:
            for doc in self._module_documents(mod, canonical, paths):
                yield self._add_module_aliases(doc)

    def _inherit(self, cls: Symbol, owner: Module, names: list[str], canonical: dict[str, str]) -> None:
        """Members ``cls`` inherits: an alias on the base's Document when the base is documented
        (``pathlib.Path.with_suffix`` is ``pathlib.PurePath.with_suffix``), else a copy when the
        base belongs to the same library (``argparse._ActionsContainer.add_argument``)."""
        library = owner.name.split(".")[0]
        own = {m.name for m in cls.members}
        stack: list[tuple[tuple[str, Symbol, Module], str | None]] = [
            (ref, None) for ref in reversed(self._bases(cls, owner))
        ]
        seen: set[str] = set()
        while stack:
            (key, base, base_owner), via = stack.pop()
            if key in seen or len(seen) > 50:
                continue
            seen.add(key)
            via = via or (key if key in canonical else None)  # the nearest documented ancestor
            for m in base.members:
                if m.name in own or not self._shown(m.name):
                    continue
                own.add(m.name)
                if via is not None:
                    self._extra_aliases[f"{canonical[via]}.{m.name}"] += [f"{n}.{m.name}" for n in names]
                elif base_owner.name.split(".")[0] == library:
                    self._inherited.setdefault(names[0], []).append((m, base_owner, key.replace(":", ".")))
            stack += [(ref, via) for ref in reversed(self._bases(base, base_owner))]

    def _add_module_aliases(self, doc: Document) -> Document:
        """``os.path.join`` for ``posixpath.join`` when ``os`` exports ``posixpath`` as ``path``."""
        if not self._module_aliases:
            return doc
        names = [doc.metadata["symbol"], *doc.metadata.get("aliases", ())]
        extra = [
            alias + n[len(target) :]
            for n in names
            for target, aliases in self._module_aliases.items()
            if n == target or n.startswith(target + ".")
            for alias in aliases
        ]
        if extra:
            doc.metadata["aliases"] = list(dict.fromkeys([*names[1:], *extra]))
        return doc

    def _shown(self, member: str) -> bool:
        return member == "__call__" or (self._public(member) and not member.startswith("__"))

    def _module_documents(
        self, mod: Module, canonical: dict[str, str], paths: dict[str, list[str]]
    ) -> Iterator[Document]:
        exports = self._exports(mod)
        base = {"module": mod.name, "library": mod.name.split(".")[0], "page": mod.name}
        if mod.doc or exports:
            names = [n for n, _, _ in exports]
            contents = ", ".join(names[:80]) + (", …" if len(names) > 80 else "")
            text = "\n\n".join(
                p for p in (f"module {mod.name}", mod.doc, contents and f"Contents: {contents}") if p
            )
            meta = {**base, "symbol": mod.name, "kind_of_symbol": "module", "signature": "", "path": mod.rel}
            doc = self._document(mod.name, text, mod, 1, meta)
            yield doc
            yield from self._examples(doc, mod.doc)
        for public, sym, owner in exports:
            qual, key = f"{mod.name}.{public}", sym.key or f"{owner.name}:{public}"
            if canonical[key] == qual:
                aliases = [q for q in paths[key] if q != qual]
                yield from self._symbol_documents(qual, sym, owner, base, aliases)

    def _symbol_documents(
        self, qual: str, sym: Symbol, owner: Module, base: dict, aliases: list[str], inherited: str = ""
    ) -> Iterator[Document]:
        if sym.kind in ("class", "property", "attribute"):
            head = f"{sym.kind} {qual}{sym.signature}"
        else:
            head = f"{sym.prefix} {qual}{sym.signature}".strip()
        lines = [head] + [f"@{d}" for d in sym.decorators]
        if sym.bases:
            lines.append("Bases: " + ", ".join(sym.bases))
        if inherited:
            lines.append(f"Inherited from {inherited}")
        if aliases:
            lines.append("Also importable as: " + ", ".join(aliases))
        text = "\n".join(lines) + (f"\n\n{sym.doc}" if sym.doc else "")
        aliases = list(dict.fromkeys(a for a in aliases + self._extra_aliases.get(qual, []) if a != qual))
        meta = {**base, "symbol": qual, "kind_of_symbol": sym.kind, "signature": sym.signature}
        meta["path"] = owner.rel
        if owner.name != base["module"]:
            meta["defined_in"] = owner.name
        if aliases:
            meta["aliases"] = aliases
        doc = self._document(qual, text, owner, sym.lineno, meta)
        yield doc
        yield from self._examples(doc, sym.doc)
        members = [(m, owner, "") for m in sym.members] + self._inherited.get(qual, [])
        for member, member_owner, origin in members:
            if self._shown(member.name):
                sub = [f"{a}.{member.name}" for a in aliases]
                yield from self._symbol_documents(
                    f"{qual}.{member.name}", member, member_owner, base, sub, origin
                )

    def _document(self, qual: str, text: str, owner: Module, lineno: int, meta: dict) -> Document:
        path = Path(owner.source)
        uri = ""
        if path.suffix == ".py":
            uri = path.as_uri() + (f"#L{lineno}" if lineno > 1 else "") if path.is_absolute() else ""
        return Document(
            id=f"py/{qual}",
            text=text,
            source=owner.source,
            kind="doc",
            language="python",
            title=qual,
            uri=uri,
            metadata=meta,
        )

    def _examples(self, parent: Document, docstring: str) -> Iterator[Document]:
        """The parent symbol's docstring examples, as ``py/<symbol>/example/<i>``."""
        if not (self.examples and docstring and any(w in docstring for w in _EXAMPLE_HINTS)):
            return
        found = docstring_examples(docstring)
        for i, text in enumerate(found):
            yield Document(
                id=f"{parent.id}/example/{i}",
                text=text,
                source=parent.source,
                kind="example",
                language="python",
                title=f"{parent.title} example" + (f" {i + 1}" if len(found) > 1 else ""),
                uri=parent.uri,
                metadata={**parent.metadata, "parent": parent.id},
            )


def _source_of(name: str) -> Path:
    """The source file or package folder of module ``name``, found without importing it."""
    top, *rest = name.split(".")
    spec = importlib.machinery.PathFinder.find_spec(top)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise BadInput(f"no Python source found for module {name!r}; try mode='import'")
    path = Path(spec.origin)
    path = path.parent if path.name == "__init__.py" else path
    for part in rest:
        if (path / part / "__init__.py").is_file():
            path = path / part
        elif (path / f"{part}.py").is_file():
            path = path / f"{part}.py"
        else:
            raise BadInput(f"no Python source found for module {name!r}; try mode='import'")
    return path


def _check_importable(name: str) -> None:
    top = name.split(".")[0]
    if top not in sys.modules and importlib.util.find_spec(top) is None:
        raise BadInput(f"path does not exist and no module is named {name!r}: {name}")
