"""Source trees: which modules live under the given roots, each parsed on demand, and the public
names a module offers once its imports, star imports and ``__all__`` are followed."""

from __future__ import annotations

import keyword
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from fnmatch import fnmatch
from pathlib import Path

from .._fs import Skips
from .model import Module, Symbol, is_private
from .source import read_module

#: Folders and files left out of a source tree unless ``exclude`` says otherwise.
DEFAULT_EXCLUDE = (
    "test", "tests", "*_test", "test_*.py", "*_test.py", "conftest.py", "setup.py",
    "site-packages", "dist-packages", "node_modules", "build", "dist",
)  # fmt: skip
CONSTANT = re.compile(r"[A-Z][A-Z0-9_]+")  # UPPER_CASE module-level names are API
_TYPEVARS = ("TypeVar(", "ParamSpec(", "TypeVarTuple(")
_BOUND = re.compile(r" = ([A-Za-z_]\w*)\.([A-Za-z_]\w*)")  # ``choice = _inst.choice``
_NAME = re.compile(r" = ([A-Za-z_]\w*)")  # ``main = TestProgram``
_CALL = re.compile(r" = ([A-Za-z_][\w.]*)\(.*\)")

Export = tuple[str, Symbol, Module]  # (public name, symbol, the module that defines it)


class SourceTree:
    """The Python modules under ``paths`` (package folders, folders of packages, ``.py`` files).

    ``files`` maps module names to (root, file); ``load`` parses one (cached); ``exports`` lists
    what a module offers. ``module_aliases`` collects modules other modules export under a
    second name (``posixpath`` as ``os.path``); import mode adds to it too.
    """

    def __init__(
        self,
        paths: Iterable[Path],
        *,
        exclude: Iterable[str],
        include_private: bool,
        max_file_bytes: int,
        skipped: Skips,
    ) -> None:
        self.paths = list(paths)
        self.exclude = tuple(exclude)
        self.include_private = include_private
        self.max_file_bytes = max_file_bytes
        self.skipped = skipped
        self.files: dict[str, tuple[Path, Path]] = {}
        self.module_aliases: defaultdict[str, list[str]] = defaultdict(list)  # posixpath -> [os.path]
        self._cache: dict[str, Module | None] = {}
        self._discovered = False

    def public(self, name: str) -> bool:
        return self.include_private or not name.startswith("_")

    # -- discovery ---------------------------------------------------------------------------

    def excluded(self, part: str) -> bool:
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
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not self.excluded(d))
                for fn in sorted(filenames):
                    if fn.endswith(".py") and not fn.startswith(".") and not self.excluded(fn):
                        yield root, Path(dirpath) / fn

    def discover(self) -> None:
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
            self.files.setdefault(".".join(parts), (root, file))

    def load(self, name: str) -> Module | None:
        """The parsed module ``name`` from the source trees (cached; None if unknown or bad)."""
        if name in self._cache:
            return self._cache[name]
        self._cache[name] = None
        if name not in self.files:
            return None
        root, file = self.files[name]
        self._cache[name] = self.parse(name, root, file)
        return self._cache[name]

    def parse(self, name: str, root: Path, file: Path) -> Module | None:
        """Module ``name`` read from ``file`` (uncached); None, counted in ``skipped``, if unreadable."""
        return read_module(name, root, file, self.skipped, self.max_file_bytes)

    # -- resolving public names (ast mode) ------------------------------------------------------

    def resolve(self, mod: Module, name: str, depth: int = 0) -> tuple[Symbol, Module] | None:
        if depth > 8:
            return None
        if name in mod.symbols:
            return mod.symbols[name], mod
        if name in mod.values:
            return mod.values[name], mod
        if name in mod.imports:
            origin, original = mod.imports[name]
            target = self.load(origin)
            return self.resolve(target, original, depth + 1) if target is not None else None
        for origin in mod.stars:
            target = self.load(origin)
            found = self.resolve(target, name, depth + 1) if target is not None else None
            if found is not None:
                return found
        return None

    def resolve_dotted(self, mod: Module, dotted: str) -> tuple[Symbol, Module] | None:
        """``Name`` or ``module.Name`` as written in ``mod`` (a base class, say)."""
        first, _, rest = dotted.partition(".")
        if not rest:
            return self.resolve(mod, first)
        target = mod.module_imports.get(first) or ".".join(mod.imports.get(first, ()))
        parts = rest.split(".")
        while len(parts) > 1 and f"{target}.{parts[0]}" in self.files:
            target += "." + parts.pop(0)
        loaded = self.load(target) if len(parts) == 1 else None
        return self.resolve(loaded, parts[0]) if loaded is not None else None

    def _stub(self, mod: Module, name: str) -> Symbol | None:
        """A listed name whose definition cannot be read (a compiled module, a run-time loop);
        None for submodules and module aliases (``os.path``), which are documented as modules."""
        if f"{mod.name}.{name}" in self.files:
            return None
        origin = mod.module_imports.get(name) or ".".join(mod.imports.get(name, ()))
        if origin in self.files:
            self.module_aliases[origin].append(f"{mod.name}.{name}")
            return None
        if origin:
            key = ":".join(mod.imports[name]) if name in mod.imports else ""
            doc = f"Imported from {origin}, which has no Python source here."
            return Symbol(name, "name", doc=doc, key=key)
        return Symbol(name, "name", doc=f"Listed in {mod.name}.__all__; defined when the module runs.")

    def exports(self, mod: Module, depth: int = 0) -> list[Export]:
        """(public name, symbol, defining module) for each name ``mod`` offers, in source order."""
        if mod.exports is not None:
            return mod.exports
        out: dict[str, tuple[Symbol, Module]] = {}
        listed = set(mod.all_names or ())
        complete = mod.all_names is not None and mod.all_complete
        for n, sym in mod.symbols.items():
            if n in listed or (self.public(n) and not complete):
                out[n] = (sym, mod)
        for n, sym in mod.values.items():
            # Without __all__ only UPPER_CASE values are API; a partly computed __all__ (os)
            # may list any public value.
            loose = CONSTANT.fullmatch(n) or (mod.all_names is not None and self.public(n))
            loose = loose and not complete and not sym.signature.startswith(_TYPEVARS, 3)
            if n not in out and (n in listed or loose):
                out[n] = (sym, mod)
        for n in mod.all_names or ():
            if n not in out and (found := self.resolve(mod, n)) is not None:
                out[n] = found
            elif n not in out and (stub := self._stub(mod, n)) is not None:
                out[n] = (stub, mod)
        if not complete:
            # Imports are API when they lift names out of private modules, when a package's
            # __init__ imports them from its own submodules (``from .api import get``) and when
            # they are imported as themselves (``from .core import Command as Command``, PEP 484);
            # star imports always put the other module's API into this one.
            for n, (origin, original) in mod.imports.items():
                if self.public(n) and n not in out and (found := self._imported(mod, n, origin, original)):
                    out[n] = found
            for origin in mod.stars:
                target = self.load(origin) if depth < 4 else None
                for n, sym, owner in self.exports(target, depth + 1) if target is not None else ():
                    out.setdefault(n, (sym, owner))
        order = {n: i for i, n in enumerate(mod.all_names or ())}  # __all__'s order, then the source's
        names = sorted(out, key=lambda n: order.get(n, len(order)))
        mod.exports = [(n, *self._assigned(*out[n])) for n in names]
        return mod.exports

    def _imported(self, mod: Module, n: str, origin: str, original: str) -> tuple[Symbol, Module] | None:
        """The definition ``mod`` imports as ``n``, when that import is its API."""
        explicit = n in mod.reexports
        own = mod.is_package and origin.startswith(mod.name + ".")
        if not (explicit or own or is_private(origin)):
            return None
        target = self.load(origin)
        found = self.resolve(target, original, 1) if target is not None else None
        if found is None and explicit and origin not in self.files and (stub := self._stub(mod, n)):
            return stub, mod
        return found

    def _assigned(self, sym: Symbol, owner: Module) -> tuple[Symbol, Module]:
        """An undocumented module-level name bound to a definition: ``main = TestProgram`` is a
        second name of the class (one entry, two names), ``choice = _inst.choice`` a function."""
        if sym.kind != "constant" or sym.doc:
            return sym, owner
        if (m := _NAME.fullmatch(sym.signature)) and m[1] != sym.name:
            found = self.resolve(owner, m[1])
            return found if found is not None and found[0].kind in ("class", "function") else (sym, owner)
        return self._bound_method(sym, owner), owner

    def _bound_method(self, sym: Symbol, owner: Module) -> Symbol:
        """``choice = _inst.choice`` (``_inst = Random()``) or ``open = TarFile.open``: the
        method's signature and docstring under the module-level name."""
        if not (m := _BOUND.fullmatch(sym.signature)):
            return sym
        found = self.resolve(owner, m[1])
        call = _CALL.fullmatch(found[0].signature) if found is not None else None
        if found is not None and call is not None and found[0].kind == "constant":  # an instance
            found = self.resolve_dotted(found[1], call[1])
        if found is None or found[0].kind != "class":
            return sym
        method = next((x for x in found[0].members if x.name == m[2] and x.kind == "method"), None)
        if method is None:
            return sym
        prefix = "async" if method.prefix.startswith("async") else ""
        return replace(method, name=sym.name, kind="function", prefix=prefix, key=sym.key, lineno=sym.lineno)

    def bases(self, sym: Symbol, owner: Module) -> list[Export]:
        """The classes ``sym`` derives from that this indexer can see (import mode sets them)."""
        if sym.base_refs is None:
            sym.base_refs = []
            for base in sym.bases:
                found = self.resolve_dotted(owner, base.split("[")[0])
                if found is not None and found[0].kind == "class":
                    key = found[0].key or f"{found[1].name}:{found[0].name}"
                    sym.base_refs.append((key, found[0], found[1]))
        return sym.base_refs

    # -- import mode ------------------------------------------------------------------------------
