"""The API an index documents, as verification needs it: names, aliases, kinds, signatures,
members and return types, read from the index's API entries (``symbol`` metadata)."""

from __future__ import annotations

import ast
import difflib
import re

from ..cards import api_card, import_line, signature_args
from ..models import Chunk

_DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$")
CLASS_KINDS = ("class", "enum", "exception", "dataclass")
# DevDocs library names whose import name differs ("python": the standard library's own names)
_IMPORTED_AS = {"pytorch": "torch", "scikit_image": "skimage", "django_rest_framework": "rest_framework"}
# ...and those that write their names under a short prefix (``tf.keras`` for tensorflow.keras)
_WRITTEN_AS = {"tensorflow": "tf."}


def reference_entry(metadata: dict) -> bool:
    """An entry of a reference of many libraries (DevDocs names the entry's library), not of a
    package's own API (the python indexer names both its library and its module)."""
    return "library" in metadata and "module" not in metadata


class IndexSymbols:
    """Dotted names an index knows: ``symbol``/``aliases`` metadata and dotted titles."""

    def __init__(self, index) -> None:
        from ..store.chunks import ANY

        self.names: set[str] = set()
        self.modules: set[str] = set()  # known to be modules (python indexer's "module" metadata)
        self.canonical: dict[str, str] = {}  # alias or symbol -> symbol
        self.entries: dict[str, Chunk] = {}
        self.more_text: dict[str, str] = {}
        # a reference's names relative to their library (DevDocs' pygame ``key.name``, Django's
        # ``db.models.F``): documented, but not where an import finds them
        self.relative: set[str] = set()
        self.shortened: dict[str, str] = {}  # import name -> the prefix its reference writes instead
        for (title,) in index.store.values("title"):
            if title and _DOTTED.match(title.removesuffix("()")):
                self.names.add(title.removesuffix("()"))
        for _, chunk in index.store.chunks(symbol=ANY, kind="doc"):
            m = chunk.metadata
            symbol = m["symbol"]
            self.names.add(symbol)
            if symbol in self.entries:  # a long entry's later chunks (its Attributes: section)
                self.more_text[symbol] = self.more_text.get(symbol, "") + "\n" + chunk.text
            self.entries.setdefault(symbol, chunk)
            self.canonical.setdefault(symbol, symbol)
            if isinstance(m.get("module"), str):
                self.modules.add(m["module"])
            if m.get("kind_of_symbol") == "module":
                self.modules.add(symbol)
            for alias in m.get("aliases") or []:
                if isinstance(alias, str):
                    self.names.add(alias)
                    self.canonical.setdefault(alias, symbol)
            library = m.get("library")
            root = symbol.split(".")[0]
            if reference_entry(m) and library != "python" and root != _IMPORTED_AS.get(library, library):
                self.relative |= {symbol, symbol.removesuffix("()"), *(m.get("aliases") or [])}
                self.shortened[_IMPORTED_AS.get(library, library)] = _WRITTEN_AS.get(library, "")
        self.roots = {n.split(".")[0] for n in self.names}
        self.import_roots = {n.split(".")[0] for n in self.names if n not in self.relative}
        # entries of a reference (DevDocs) and none of a package: a module it does not document
        # may still be installed where the code runs
        self.reference = not self.modules and any(reference_entry(c.metadata) for c in self.entries.values())
        self._members: dict[str, set[str]] = {}
        self._index = index
        self._languages: dict | None = None  # verify.pyfilters: the filter languages the docs give

    # -- names -------------------------------------------------------------------------------------

    def knows(self, name: str) -> bool:
        """A documented name, or in a reference, the start of one (``django.db.models``)."""
        return name in self.names or self._known_path(self.as_documented(name))

    def knows_module(self, name: str) -> bool:
        """A module by the index's own account, or (no module info, e.g. DevDocs) any known name
        or the start of one (``django.http``, documented as ``http.HttpResponse``)."""
        if self.modules:
            return name in self.modules
        return self._known_path(name) or self._known_path(self.as_documented(name))

    def _known_path(self, name: str) -> bool:
        if not name:
            return False
        if not hasattr(self, "_prefixes"):
            self._prefixes = {n.rsplit(".", i)[0] for n in self.names for i in range(1, n.count(".") + 1)}
        return name in self.names or name in self._prefixes

    def partial(self, name: str) -> bool:
        """Whether ``name`` is under a library a reference covers in part, naming its entries
        relative to it (DevDocs' matplotlib, Django): one it lacks may still exist."""
        return name.split(".")[0] in self.shortened

    def as_documented(self, name: str) -> str:
        """How a reference that names its library's entries relative to it writes ``name``
        (``django.http.HttpResponse`` -> ``http.HttpResponse``); '' when it does not."""
        root, _, rest = name.partition(".")
        if root not in self.shortened:
            return ""
        return self.shortened[root] + rest if rest else self.shortened[root].rstrip(".")

    def resolve(self, name: str) -> str | None:
        """The documented symbol ``name`` stands for (itself, through an alias, or as its
        reference writes it)."""
        return self.canonical.get(name) or self.canonical.get(self.as_documented(name))

    def locate(self, dotted: str) -> str | None:
        """The documented symbol a runtime name stands for: itself, an alias, or a shorter path
        to the same last name (``pandas.core.frame.DataFrame`` documented as ``pandas.DataFrame``)."""
        parts = dotted.split(".")
        shorter = [".".join(parts[:i] + parts[-1:]) for i in range(len(parts) - 1, 0, -1)]
        return next((s for s in map(self.resolve, [dotted, *shorter]) if s), None)

    def from_reference(self, name: str) -> bool:
        """Documented by a reference of many libraries (DevDocs: the entry names its library)."""
        symbol = self.resolve(name)
        return symbol in self.entries and reference_entry(self.entries[symbol].metadata)

    def kind(self, name: str) -> str:
        symbol = self.resolve(name)
        return self.entries[symbol].metadata.get("kind_of_symbol", "") if symbol in self.entries else ""

    def is_class(self, name: str) -> bool:
        return self.kind(name) in CLASS_KINDS

    def is_a(self, cls: str, base: str) -> bool:
        """``cls`` is ``base`` or, by its entry's ``Bases:`` line, a subclass of it (a notebook's
        ``PosixPath`` is a ``Path``); one level of bases, by their last name."""
        return cls == base or base.rsplit(".", 1)[-1] in self.bases(cls)

    def bases(self, cls: str) -> list[str]:
        """The last names of the classes ``cls``'s entry names on its ``Bases:`` line."""
        symbol = self.resolve(cls)
        m = re.search(r"^Bases: (.+)$", self.entries[symbol].text, re.M) if symbol in self.entries else None
        return [b.strip().rsplit(".", 1)[-1] for b in m.group(1).split(",")] if m else []

    def on_instances(self, name: str) -> bool:
        """A method called on an instance (not a ``classmethod`` or ``staticmethod``: the python
        indexer writes those words before the name on the entry's first line)."""
        symbol = self.resolve(name)
        if symbol not in self.entries or self.kind(symbol) != "method":
            return False
        head = self.entries[symbol].text.split("\n", 1)[0].split(symbol, 1)[0]
        return not {"classmethod", "staticmethod"} & set(head.split())

    def close(self, name: str, n: int = 3) -> list[str]:
        prefix = name.rsplit(".", 1)[0] + "."
        same_owner = [x for x in self.names if x.startswith(prefix)] or list(self.names)
        return difflib.get_close_matches(name, same_owner, n=n, cutoff=0.6)

    def named(self, last: str) -> list[str]:
        """Documented symbols whose last part is ``last`` (``Ledger`` -> seedloft.Ledger), module-level
        classes and functions first, shortest first."""
        found = [s for s in self.entries if s.rsplit(".", 1)[-1] == last]
        nested = {s for s in found if self.is_class(s.rsplit(".", 1)[0])}  # a method of a class
        return sorted(found, key=lambda s: (s in nested, s.count("."), s))

    def class_named(self, last: str) -> str:
        """The first documented class :meth:`named` finds for ``last`` ('' when none is a class)."""
        return next((s for s in self.named(last) if self.is_class(s)), "")

    # -- what an entry says ----------------------------------------------------------------------

    def card(self, name: str) -> str:
        symbol = self.resolve(name)
        return api_card(self.entries[symbol]) if symbol in self.entries else ""

    def doc(self, name: str) -> str:
        """An entry's text after its heading lines (its docstring); '' when it has none."""
        symbol = self.resolve(name)
        text = self.entries[symbol].text if symbol in self.entries else ""
        return text.split("\n\n", 1)[1] if "\n\n" in text else ""

    def import_of(self, name: str) -> str:
        symbol = self.resolve(name)
        return import_line(self.entries[symbol]) if symbol in self.entries else ""

    def signature(self, name: str) -> ast.arguments | None:
        """The documented parameters of a function, method or class constructor (None: unknown)."""
        symbol = self.resolve(name)
        if symbol not in self.entries:
            return None
        return signature_args(self.entries[symbol].metadata.get("signature") or "")

    def returns(self, name: str) -> str | None:
        """The documented class a call of ``name`` returns (its return annotation, resolved near
        the entry's module), or the class itself for a constructor."""
        symbol = self.resolve(name)
        if symbol is None:
            return None
        if self.is_class(symbol):
            return symbol
        annotation = self.return_annotation(symbol).strip("'\"")
        if not annotation:
            return None
        found = self.named(annotation.rsplit(".", 1)[-1]) if re.fullmatch(r"[\w.]+", annotation) else []
        found = [s for s in found if self.is_class(s)]
        root = symbol.split(".")[0]
        near = [s for s in found if s.split(".")[0] == root]
        return (near or found)[0] if near or found else None

    def return_annotation(self, name: str) -> str:
        """What the entry's signature says a call returns (``float | None``; '' when it does not)."""
        symbol = self.resolve(name)
        sig = (self.entries[symbol].metadata.get("signature") or "") if symbol in self.entries else ""
        return sig.rsplit("->", 1)[1].strip() if "->" in sig else ""

    def frozen(self, name: str) -> bool:
        """A class whose entry shows it frozen (``@dataclass(frozen=True)``, attrs' ``@frozen``):
        setting a field of an instance raises."""
        symbol = self.resolve(name)
        text = self.entries[symbol].text if symbol in self.entries and self.is_class(symbol) else ""
        return bool(re.search(r"^@[\w.]*(\(.*\bfrozen\s*=\s*True\b.*\)|\bfrozen\b)", text, re.M))

    def copier(self, cls: str) -> str:
        """The method of ``cls`` that returns a changed copy: it returns the class and takes the
        changes as ``**keywords`` (``Accession.but(**changes)``); '' when none does."""
        symbol = self.resolve(cls)
        for member in sorted(self.members(symbol)) if symbol else []:
            name = f"{symbol}.{member}"
            sig = self.signature(name) if self.kind(name) == "method" else None
            if sig is not None and sig.kwarg is not None and self.returns(name) == symbol:
                return member
        return ""

    def first_param(self, name: str) -> ast.arg | None:
        """The first parameter a call of ``name`` fills (``self`` and ``cls`` skipped); None when
        it takes none before ``*args`` or its signature is not known."""
        a = self.signature(name)
        first = [x for x in a.posonlyargs + a.args if x.arg not in ("self", "cls")] if a else []
        return first[0] if first else None

    def setters(self, cls: str) -> list[str]:
        """The methods of a builder class that return the class itself (``AccessionDraft.coded``,
        ``.harvested``, ...), in the docs' order."""
        symbol = self.resolve(cls)
        if not symbol:
            return []
        methods = [m for m in self.member_list(symbol) if self.kind(f"{symbol}.{m}") == "method"]
        return [m for m in methods if self.returns(f"{symbol}.{m}") == symbol]

    def taking(self, cls: str, param: str) -> str:
        """The one setter of ``cls`` whose first parameter is named ``param`` (``harvested(year)``
        for ``year``): what ``draft(...).year(2024)`` meant; '' when none or several."""
        symbol = self.resolve(cls)
        found = []
        for member in self.setters(cls):
            first = self.first_param(f"{symbol}.{member}")
            if first is None:  # ``tagged(*tags)``: its values
                first = getattr(self.signature(f"{symbol}.{member}"), "vararg", None)
            if first is not None and first.arg == param and member != param:
                found.append(member)
        return found[0] if len(found) == 1 else ""

    def protocols(self, cls: str) -> dict[str, str] | None:
        """The container methods a class defines (``iter`` -> ``Iterator[Accession]``), as its
        source shows them; None where not known (a base class, an import-mode index)."""
        symbol = self.resolve(cls)
        found = self.entries[symbol].metadata.get("protocols") if symbol in self.entries else None
        return found if isinstance(found, dict) else None

    def iterates(self, cls: str) -> str:
        """The documented class iterating an instance of ``cls`` yields ('' when not known)."""
        annotation = (self.protocols(cls) or {}).get("iter", "")
        m = re.fullmatch(r"(?:\w+\.)*(?:Iterator|Iterable|Generator)\[([\w.]+)(?:,.*)?\]", annotation)
        return self.class_named(m.group(1).rsplit(".", 1)[-1]) if m else ""

    def member_list(self, name: str) -> list[str]:
        """:meth:`members` in the order the docs give them (enum members their text names last)."""
        symbol = self.resolve(name) or name
        found = self.members(symbol)
        prefix = symbol + "."
        listed = [s[len(prefix) :] for s in self.entries if s.startswith(prefix)]
        ordered = [m for m in listed if m in found]
        return ordered + sorted(found.difference(ordered))

    def factory(self, cls: str) -> str | None:
        """A documented function that makes ``cls`` from a value whose syntax its docs give
        (``seedloft.sieve(text)`` for ``Sieve``, ``text: e.g. "year<2018 and tag:heirloom"``)."""
        if not hasattr(self, "_factories"):
            self._factories: dict[str, str] = {}
            for symbol, entry in self.entries.items():
                m = entry.metadata
                reads_text = re.match(r"\(\s*(\w+)\s*:\s*str\b.*->", m.get("signature") or "")
                made = self.returns(symbol) if m.get("kind_of_symbol") == "function" and reads_text else None
                if made and reads_text and "``" in str((m.get("params") or {}).get(reads_text.group(1), "")):
                    self._factories.setdefault(made, symbol)
        found = self.resolve(cls)
        return self._factories.get(found) if found else None

    def text_param(self, factory: str) -> str:
        """The parameter a :meth:`factory` reads its text from: its signature's first."""
        m = re.match(r"\(\s*(\w+)", self.entries[factory].metadata.get("signature") or "")
        return m.group(1) if m else ""

    def text_language(self, symbol: str, arg: ast.arg, doc: str) -> str | None:
        """The factory (:meth:`factory`) whose text syntax a parameter of ``symbol`` takes: it
        may be a string (``str`` in its annotation) for a class such a factory makes, named in
        the annotation (``query: str | Sieve``) or in the first phrase of its doc ("a sieve
        filter; ..."; a class named later says something else: "the bank's name, written in
        the ledger file's header")."""
        annotation = ast.unparse(arg.annotation) if arg.annotation else ""
        if not re.search(r"\bstr\b", annotation):
            return None
        phrase = re.split(r"[,;:.(]", doc, maxsplit=1)[0]
        named = re.findall(r"\b[A-Z]\w*", annotation)
        named += [w.capitalize() for w in re.findall(r"\b[a-z]\w{2,}", phrase)]
        for cls in dict.fromkeys(named):
            made = next((s for s in self.named(cls) if self.is_class(s)), None)
            factory = self.factory(made) if made else None
            if factory and factory != symbol:
                return factory
        return None

    def example_texts(self) -> list[str]:
        """The texts of the index's examples (read once)."""
        if not hasattr(self, "_examples"):
            index = getattr(self, "_index", None)
            self._examples = [c.text for _, c in index.store.chunks(kind="example")] if index else []
        return self._examples

    def documented_words(self) -> set[str]:
        """Every word of four letters or more in the entries' names and docs (read once)."""
        if not hasattr(self, "_words"):
            texts = (f"{name} {self.doc(name)}".casefold() for name in self.entries)
            self._words = {w for text in texts for w in re.findall(r"[^\W\d_]{4,}", text)}
        return self._words

    def documented_classes(self, annotation: ast.expr | None) -> list[str]:
        """The documented classes an annotation names (``lot: Accession``, ``Accession | None``);
        [] unless every name in it but ``None`` is one."""
        names = {n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)} if annotation else set()
        classes = [self.class_named(n) for n in sorted(names - {"None", "Optional"})]
        return classes if classes and all(classes) else []

    def param_classes(self, name: str, param: str) -> list[str]:
        """The documented classes the docstring's line for ``param`` refers to (``trial: a
        :class:`~seedloft.regen.Trial` ...``): what a parameter annotated ``object`` takes."""
        args = re.split(r"^\s*(?:Args|Arguments|Parameters):\s*$", self.doc(name), maxsplit=1, flags=re.M)
        pattern = rf"^\s*\*{{0,2}}{re.escape(param)}\s*(?:\([^)]*\))?:(.*)$"
        line = re.search(pattern, args[1], re.M) if len(args) == 2 else None
        symbol = self.resolve(name)
        said = (self.entries[symbol].metadata.get("params") or {}) if symbol in self.entries else {}
        text = line.group(1) if line else str(said.get(param, "")) if isinstance(said, dict) else ""
        refs = re.findall(r":class:`~?([\w.]+)`", text)
        return [c for r in dict.fromkeys(refs) if (c := self.class_named(r.rsplit(".", 1)[-1]))]

    def taken_classes(self, name: str, param: ast.arg) -> list[str]:
        """The documented classes a parameter of ``name`` takes: those its annotation names
        (``lot: Accession``), or, annotated ``object``/``Any`` or not at all, those its docstring
        line refers to (``trial: a :class:`Trial```)."""
        classes = self.documented_classes(param.annotation)
        if not classes and (param.annotation is None or ast.unparse(param.annotation) in ("object", "Any")):
            classes = self.param_classes(name, param.arg)
        return classes

    def functions_returning(self, cls: str) -> list[str]:
        """The documented module-level functions that return ``cls`` (one pass over the entries,
        kept: the prompt asks it for each parameter of each carded call)."""
        if not hasattr(self, "_returning"):
            self._returning: dict[str, list[str]] = {}
            for symbol, entry in self.entries.items():
                if entry.metadata.get("kind_of_symbol") == "function" and (made := self.returns(symbol)):
                    self._returning.setdefault(made, []).append(symbol)
        return list(self._returning.get(cls, []))

    def makers(self, cls: str) -> list[str]:
        """The documented functions and methods that return ``cls`` from a string they are given
        (``Ledger.pluck(code: str) -> Accession``), constructors left out: how code gets one."""
        if not hasattr(self, "_makers"):  # one pass over the entries, for every class at once
            self._makers: dict[str, list[str]] = {}
            for symbol, entry in self.entries.items():
                sig = entry.metadata.get("signature") or ""
                if entry.metadata.get("kind_of_symbol") in ("function", "method") and re.search(
                    r":\s*str\b", sig.split("->", 1)[0]
                ):
                    made = self.returns(symbol)
                    if made:
                        self._makers.setdefault(made, []).append(symbol)
            for makers in self._makers.values():
                makers.sort(key=lambda m: len(a.args + a.kwonlyargs) if (a := self.signature(m)) else 9)
        found = self.resolve(cls)
        return list(self._makers.get(found, [])) if found else []

    def members(self, name: str) -> set[str]:
        """Public names documented under a class (methods, properties, attributes, enum members;
        the members an enum's own text names, ``Keeping.DEEP``, count too)."""
        symbol = self.resolve(name) or name
        if symbol not in self._members:
            prefix = symbol + "."
            found = {
                s[len(prefix) :] for s in self.entries if s.startswith(prefix) and "." not in s[len(prefix) :]
            }
            if symbol in self.entries:
                short = re.escape(symbol.rsplit(".", 1)[-1])
                text = self.entries[symbol].text
                named = set(re.findall(rf"\b{short}\.([A-Z][A-Z0-9_]*)\b", text))
                if named:  # an enum: its other members are named in its text too (``CHILL``)
                    named |= set(re.findall(r"``([A-Z][A-Z0-9_]*)``", text))
                found |= named
                found |= {m for m in self.entries[symbol].metadata.get("members") or [] if isinstance(m, str)}
            self._members[symbol] = found
        return self._members[symbol]
