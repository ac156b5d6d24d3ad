"""Python API indexer: one Document per public symbol of a package, read from its source with
``ast`` (nothing is imported) or from the imported package (for compiled or installed ones).

A symbol's text is its qualified name, signature and docstring; the ``Examples`` sections and
doctest blocks of its docstring also become ``example`` Documents linked by ``symbol``.

The package's rooms: ``model`` (the Symbol and Module records), ``source`` (one module's syntax
tree), ``tree`` (the modules under source roots and the names they export), ``runtime`` (import
mode), ``examples`` (docstring examples), ``sections`` (parameter and return sections, read by
griffe); this module turns their records into Documents.

Why not griffe's whole model: measured on the standard library it took about twice the CPU time
(10 s against 5 s with the Documents), left ``os.path`` (the last ``if`` branch, ``ntpath``),
``collections.OrderedDict`` and ``re.IGNORECASE`` unresolved, read ``random.choice = _inst.choice``
as an attribute without a signature, and counts neither ``from .core import Command as Command``
(click) nor names a package's ``__init__`` imports from its own modules as public without
extensions; its docstring parsers are what this package uses it for.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import field_validator

from docprompt.errors import BadInput
from docprompt.models import Document

from .._base import FileTreeIndexer, IndexerOptions
from .._fs import existing_paths
from .examples import EXAMPLE_HINTS, docstring_examples
from .model import Module, Symbol, is_private
from .runtime import Importer
from .sections import docstring_sections
from .tree import DEFAULT_EXCLUDE, SourceTree

MODES = ("ast", "import")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


class PythonApiOptions(IndexerOptions):
    mode: Literal["ast", "import"] | None = None
    include_private: bool = False
    examples: bool = True
    exclude: list[str] | None = None

    @field_validator("mode", mode="before")
    @classmethod
    def _known_mode(cls, value):
        if value is not None and value not in MODES:
            raise ValueError(f"unknown mode {value!r} for the python indexer; use 'ast' or 'import'")
        return value

    @field_validator("exclude", mode="before")
    @classmethod
    def _patterns(cls, value):
        return [value] if isinstance(value, str) else value


class PythonApiIndexer(FileTreeIndexer):
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
    Options = PythonApiOptions
    options: PythonApiOptions

    def __init__(self, paths, **options) -> None:
        self.modules: list[str] = []
        super().__init__(paths, **options)
        exclude = DEFAULT_EXCLUDE if self.options.exclude is None else self.options.exclude
        self.tree = SourceTree(
            self.paths,
            exclude=exclude,
            include_private=self.include_private,
            max_file_bytes=self.max_file_bytes,
            skipped=self.skipped,
        )
        self._extra_aliases: defaultdict[str, list[str]] = defaultdict(list)  # inherited names
        self._inherited: dict[str, list[tuple[Symbol, Module, str]]] = {}  # from undocumented bases

    def resolve_paths(self, items: list[str | os.PathLike]) -> list[Path]:
        """Source paths; a module name (``json``) is imported, or in ast mode read from its source."""
        paths: list[Path] = []
        for item in items:
            text = os.fspath(item)
            if isinstance(item, str) and not Path(text).expanduser().exists() and _DOTTED.fullmatch(text):
                if self.mode == "ast":
                    paths.append(_source_of(text))
                else:
                    _check_importable(text)
                    self.modules.append(text)
            else:
                paths += existing_paths([item])
        if not paths and not self.modules:
            raise BadInput("give at least one path or module name to index")
        return paths

    @property
    def mode(self) -> str | None:
        return self.options.mode

    @property
    def include_private(self) -> bool:
        return self.options.include_private

    @property
    def examples(self) -> bool:
        return self.options.examples

    @property
    def roots(self) -> list[str]:
        return [str(p.resolve()) for p in self.paths] + self.modules

    # -- documents --------------------------------------------------------------------------------

    def _public_modules(self) -> Iterator[Module]:
        if self.mode == "import":
            yield from Importer(self.tree, self.modules, with_paths=True)
            return
        if self.modules:
            yield from Importer(self.tree, self.modules, with_paths=False)
        if not self.paths:
            return
        self.tree.discover()
        for name in list(self.tree.files):
            if is_private(name) and not self.include_private:
                continue
            mod = self.tree.load(name)
            if mod is not None:
                yield mod

    def iter_documents(self) -> Iterator[Document]:
        modules = list(self._public_modules())
        self._extra_aliases.clear()
        self._inherited.clear()
        # A definition several public modules export (``acme.Invoice``, ``acme.billing.Invoice``)
        # is documented once, under its shortest public name (its own name rather than a second
        # one, ``RawTurtle`` not ``RawPen = RawTurtle``; never a module's name, ``unittest.main``);
        # the others become aliases.
        paths: dict[str, list[str]] = {}
        own: dict[str, str] = {}
        for mod in modules:
            for public, sym, owner in self.tree.exports(mod):
                key = sym.key or f"{owner.name}:{public}"
                paths.setdefault(key, []).append(f"{mod.name}.{public}")
                own[key] = sym.name
        taken = {mod.name for mod in modules}
        canonical = {
            key: min(quals, key=lambda q: (q in taken, q.count("."), q.rpartition(".")[2] != own[key], q))
            for key, quals in paths.items()
        }
        for mod in modules:
            for public, sym, owner in self.tree.exports(mod):
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
        own = {n for m in cls.members for n in (m.name, *m.also)}
        stack: list[tuple[tuple[str, Symbol, Module], str | None]] = [
            (ref, None) for ref in reversed(self.tree.bases(cls, owner))
        ]
        seen: set[str] = set()
        while stack:
            (key, base, base_owner), via = stack.pop()
            if key in seen or len(seen) > 50:
                continue
            seen.add(key)
            via = key if key in canonical else via  # the nearest documented ancestor
            for m in base.members:
                new = [x for x in (m.name, *m.also) if x not in own and self._shown(x)]
                if not new or not self._shown(m.name):
                    continue
                own.update(new)
                if via is not None:
                    self._extra_aliases[f"{canonical[via]}.{m.name}"] += [
                        f"{n}.{x}" for n in names for x in new
                    ]
                elif base_owner.name.split(".")[0] == library and m.name in new:
                    self._inherited.setdefault(names[0], []).append((m, base_owner, key.replace(":", ".")))
            stack += [(ref, via) for ref in reversed(self.tree.bases(base, base_owner))]

    def _add_module_aliases(self, doc: Document) -> Document:
        """``os.path.join`` for ``posixpath.join`` when ``os`` exports ``posixpath`` as ``path``."""
        if not self.tree.module_aliases:
            return doc
        names = [doc.metadata["symbol"], *doc.metadata.get("aliases", ())]
        extra = [
            alias + n[len(target) :]
            for n in names
            for target, aliases in self.tree.module_aliases.items()
            if n == target or n.startswith(target + ".")
            for alias in aliases
        ]
        if extra:
            doc.metadata["aliases"] = list(dict.fromkeys([*names[1:], *extra]))
        return doc

    def _shown(self, member: str) -> bool:
        return member == "__call__" or (self.tree.public(member) and not member.startswith("__"))

    def _module_documents(
        self, mod: Module, canonical: dict[str, str], paths: dict[str, list[str]]
    ) -> Iterator[Document]:
        exports = self.tree.exports(mod)
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
        if sym.kind in ("function", "method", "class", "property"):
            params, documented = docstring_sections(sym.doc, sym.params)
            if params:
                meta["params"] = params  # {name: description}, for API cards and call checks
            if sym.kind != "class" and (sym.returns or documented):
                meta["returns"] = sym.returns or documented
        if sym.protocols is not None:
            meta["protocols"] = sym.protocols  # what iterating or indexing an instance does, if anything
        doc = self._document(qual, text, owner, sym.lineno, meta)
        yield doc
        yield from self._examples(doc, sym.doc)
        members = [(m, owner, "") for m in sym.members] + self._inherited.get(qual, [])
        for member, member_owner, origin in members:
            if self._shown(member.name):
                sub = [f"{a}.{member.name}" for a in aliases]
                sub += [f"{a}.{also}" for a in (qual, *aliases) for also in member.also if self._shown(also)]
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
        if not (self.examples and docstring and any(w in docstring for w in EXAMPLE_HINTS)):
            return
        found = docstring_examples(docstring)
        for i, text in enumerate(found):
            title = f"{parent.title} example" + (f" {i + 1}" if len(found) > 1 else "")
            meta = {**parent.metadata, "parent": parent.id}
            yield parent.model_copy(
                update={
                    "id": f"{parent.id}/example/{i}",
                    "text": text,
                    "kind": "example",
                    "title": title,
                    "metadata": meta,
                }
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


__all__ = [
    "DEFAULT_EXCLUDE", "MODES", "PythonApiIndexer", "PythonApiOptions",
    "docstring_examples", "docstring_sections",
]  # fmt: skip
