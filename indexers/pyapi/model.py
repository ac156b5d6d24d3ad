"""The records both modes build: a ``Module`` (what one module defines, imports and lists in
``__all__``) and its ``Symbol`` entries (classes, functions, methods, properties, constants)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MAX_VALUE = 80  # characters of a default value or constant shown in a signature


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
    params: list[str] = field(default_factory=list)  # the parameters' names, as in the signature
    returns: str = ""  # the return annotation (a property's type)
    also: list[str] = field(default_factory=list)  # a method's other names in its class (``config``)
    base_refs: list[tuple[str, Symbol, Module]] | None = None  # a class's resolved bases (key, sym, owner)
    # a class's container methods read from source (``iter`` -> ``Iterator[Lot]``, ``len`` -> ``int``);
    # None: not known (import mode, or a base class may define them)
    protocols: dict[str, str] | None = None


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
    reexports: set[str] = field(default_factory=set)  # imported ``as`` themselves: explicitly API
    stars: list[str] = field(default_factory=list)
    all_names: list[str] | None = None
    all_complete: bool = True
    exports: list[tuple[str, Symbol, Module]] | None = None  # set directly in import mode

    @property
    def is_package(self) -> bool:
        return Path(self.source).name == "__init__.py"

    @property
    def rel(self) -> str:
        """The module's path as a file inside its library: ``json/decoder.py``."""
        path = Path(self.source)
        if path.suffix != ".py":
            return ""
        parts = self.name.split(".")
        return "/".join(parts) + ("/__init__.py" if path.name == "__init__.py" else ".py")


def is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def short(text: str) -> str:
    """``text`` on one line, cut to ``MAX_VALUE`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"
