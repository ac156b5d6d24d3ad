"""Import mode: modules imported in this process and read by introspection, for compiled and
installed packages whose source is not at hand or whose API is built when they run."""

from __future__ import annotations

import contextlib
import enum
import functools
import importlib
import inspect
import io
import pkgutil
import re
import reprlib
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

from .model import Module, Symbol, is_private, short
from .tree import CONSTANT, SourceTree

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")  # object reprs: keep document text reproducible
_FORWARD_REF = re.compile(r"ForwardRef\('([^']*)'\)")


def _object_signature(obj: object, drop_first: bool = False) -> tuple[str, list[str]]:
    """The signature's text (``""`` where there is none) and its parameters' names."""
    try:
        try:
            sig = inspect.signature(obj, eval_str=True)  # type: ignore[arg-type]
        except Exception:
            sig = inspect.signature(obj)  # type: ignore[arg-type]
    except Exception:  # builtins without a text signature, odd callables
        return "", []
    if drop_first and sig.parameters:
        sig = sig.replace(parameters=list(sig.parameters.values())[1:])
    names = [
        ("*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else "") + p.name
        for p in sig.parameters.values()
    ]
    return _FORWARD_REF.sub(r"\1", _ADDRESS.sub("", str(sig))), names


def _object_function(name: str, obj: object, method: bool, prefix: str = "") -> Symbol:
    if inspect.iscoroutinefunction(obj):
        prefix = f"async {prefix}".strip()
    code = getattr(obj, "__code__", None)
    signature, params = _object_signature(obj, drop_first=method and "staticmethod" not in prefix)
    return Symbol(
        name,
        "method" if method else "function",
        signature,
        inspect.getdoc(obj) or "",
        code.co_firstlineno if code else 0,
        prefix,
        params=params,
        returns=signature.partition(") -> ")[2],
    )


def _safe_repr(value: object) -> str:
    try:
        text = reprlib.repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return short(_ADDRESS.sub("", text))


def _own_doc(obj: object) -> str:
    doc = vars(obj).get("__doc__") if hasattr(obj, "__dict__") else None
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def _object_class(name: str, cls: type, include_private: bool, depth: int = 0) -> Symbol:
    signature, params = _object_signature(cls)
    sym = Symbol(
        name,
        "class",
        signature.removesuffix(" -> None"),
        _own_doc(cls),
        bases=[b.__qualname__ for b in cls.__bases__ if b is not object],
        params=params,
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
            returns = _object_signature(getter)[0].partition(" -> ")[2] if callable(getter) else ""
            doc = inspect.getdoc(member) or ""
            sym.members.append(Symbol(mname, "property", returns and f": {returns}", doc, returns=returns))
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
            fields[fname] = f": {short(text)}" + (f" = {_safe_repr(default)}" if plain else "")
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


class Importer:
    """The modules named, and the packages under a source tree's roots, imported and read as
    ``Module`` records whose ``exports`` are already set."""

    def __init__(self, tree: SourceTree, modules: list[str], *, with_paths: bool) -> None:
        self.tree = tree
        self.modules = modules
        self.with_paths = with_paths  # import the tree's packages too (else they are read as source)
        self._class_refs: dict[type, tuple[str, Symbol, Module]] = {}

    def __iter__(self) -> Iterator[Module]:
        for obj in self._imported_modules():
            yield self._module_from_object(obj)

    def _import(self, name: str, path: Path | None = None):
        """The imported module, or None (counted) when importing it raises or exits."""
        try:
            with _quiet_import(path):
                return importlib.import_module(name)
        except (Exception, SystemExit):
            self.tree.skipped.add("import failed", name)
            return None

    def _imported_modules(self) -> Iterator[object]:
        """The named modules and the source trees' outermost modules, imported with their folder on
        ``sys.path``, then their public submodules."""
        tops: list[tuple[str, Path | None]] = [(m, None) for m in self.modules]
        if self.with_paths and self.tree.paths:
            files = self.tree.files
            self.tree.discover()
            for name, (_, file) in files.items():
                if name.rpartition(".")[0] not in files and self.tree.public(name.rsplit(".", 1)[-1]):
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
                if last == "__main__" or self.tree.excluded(last) or not self.tree.public(last):
                    continue
                subs.append((info.name, path))
            stack.extend(reversed(sorted(subs)))

    def _class_ref(self, cls: type) -> tuple[str, Symbol, Module]:
        """(key, symbol, owner) of a class seen in import mode, its bases resolved too."""
        if cls not in self._class_refs:
            owner = cls.__module__
            sym = _object_class(cls.__name__, cls, self.tree.include_private)
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
            parsed = self.tree.parse(name, Path(file).parent, Path(file))
            if parsed is not None:
                constants = {n: s for n, s in parsed.symbols.items() if s.kind == "constant"}
        listed = getattr(obj, "__all__", None)
        if not (isinstance(listed, (list, tuple)) and all(isinstance(n, str) for n in listed)):
            listed = None
        names = list(dict.fromkeys(listed)) if listed is not None else list(vars(obj))
        mod.exports = []
        for n in names:
            if not self.tree.public(n) and listed is None:
                continue
            try:
                found = self._object_symbol(obj, n, listed is not None, constants, not file.endswith(".py"))
            except Exception:  # a lazy attribute that fails, an odd descriptor
                self.tree.skipped.add("unreadable attribute", f"{file}:{n}")
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
                self.tree.module_aliases[value.__name__].append(f"{name}.{n}")
            return None
        if inspect.isclass(value) or inspect.isroutine(value) or callable(value):
            owner = getattr(value, "__module__", None)
            owner = owner if isinstance(owner, str) else name
            lifted = owner.split(".")[0] == name.split(".")[0] and is_private(owner)
            if not listed and owner != name and not lifted:
                return None  # imported from elsewhere, not this module's API
            if inspect.isclass(value):
                return self._class_ref(value)[1], owner
            sym = _object_function(n, value, method=False)
            sym.key = f"{owner}:{getattr(value, '__qualname__', n)}"
            return sym, owner
        if n in constants:
            return constants[n], name
        if listed or compiled or CONSTANT.fullmatch(n):
            sym = Symbol(n, "constant", signature=" = " + _safe_repr(value), key=f"{name}:{n}")
            return sym, name
        return None
