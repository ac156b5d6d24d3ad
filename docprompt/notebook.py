"""What a notebook (or any namespace) holds, said for the model and the verifier: ``{name}``
interpolation in requests, one line per variable for the prompt, and each variable's module or
class for the Python verifier. No IPython needed: the magic and the evaluation both use it."""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable, Mapping
from typing import Any

MAX_VARS, MAX_CHARS, MAX_LINE = 20, 1500, 200
MAX_VALUE = 500  # characters a {name} may put in a request
IGNORED = {"In", "Out", "exit", "quit", "get_ipython", "open"}
VARS_HEADER = "Variables in the notebook (already defined; use them by name, do not redefine them):"


# -- {name} in requests -------------------------------------------------------------------------

_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\}")
_MISSING = object()


def interpolate(text: str, ns: Mapping[str, Any], warn: Callable[[str], None]) -> str:
    """``{name}`` and ``{name.attr}`` replaced by the variable's ``str()``; ``{{``/``}}`` are braces.

    Unknown names are left as they are, with a warning; nothing is evaluated but attribute access.
    """

    def sub(m: re.Match[str]) -> str:
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        first, *attrs = m.group(1).split(".")
        value = ns.get(first, _MISSING)
        for attr in attrs:
            if value is _MISSING:
                break
            try:
                value = getattr(value, attr)
            except Exception:
                value = _MISSING
        if value is _MISSING:
            warn(f"{{{m.group(1)}}} is not a notebook variable; left as is")
            return m.group(0)
        out = str(value)
        if len(out) > MAX_VALUE:
            warn(f"{{{m.group(1)}}} is {len(out)} characters; cut to {MAX_VALUE}")
            out = out[:MAX_VALUE] + "…"
        return out

    return _FIELD.sub(sub, text)


# -- the notebook's variables as context ---------------------------------------------------------


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(value: Any) -> str:
    """One short line saying what ``value`` is, found by duck typing (nothing is imported)."""
    kind = type(value).__name__
    if isinstance(value, types.ModuleType):
        return f"module {value.__name__}"
    if isinstance(value, type):
        return f"class {value.__module__}.{value.__qualname__}"
    if inspect.isroutine(value):
        try:
            return f"function{inspect.signature(value)}"
        except (TypeError, ValueError):
            return "function"
    if value is None or isinstance(value, bool | int | float | complex):
        return f"{kind} = {_short(repr(value), 40)}"
    if isinstance(value, str | bytes):
        return f"{kind} of length {len(value)} = {_short(repr(value), 60)}"
    columns, dtypes, shape = (getattr(value, a, None) for a in ("columns", "dtypes", "shape"))
    if columns is not None and dtypes is not None:  # pandas / polars DataFrame
        cols = list(zip(list(columns)[:30], list(dtypes)[:30]))
        listed = ", ".join(f"{c}: {d}" for c, d in cols) + (", …" if len(columns) > len(cols) else "")
        size = f" {shape[0]} rows ×" if shape is not None and len(shape) == 2 else ""
        return f"{kind}{size} {len(columns)} columns [{listed}]"
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None:  # numpy array, pandas Series, tensors
        name = getattr(value, "name", None)
        named = f" {name!r}" if isinstance(name, str | int) else ""
        return f"{kind}{named} shape {tuple(shape)} dtype {dtype}"
    if isinstance(value, Mapping):
        keys = ", ".join(_short(repr(k), 30) for k in list(value)[:8])
        return f"{kind} of {len(value)} items, keys [{keys}{', …' if len(value) > 8 else ''}]"
    if isinstance(value, list | tuple | set | frozenset):
        if not value:
            return f"empty {kind}"
        first = next(iter(value))
        types_ = sorted({type(v).__name__ for v in list(value)[:20]})
        return f"{kind} of {len(value)} {'/'.join(types_)}, first: {_short(repr(first), 80)}"
    if type(value).__module__ in ("pathlib", "datetime", "decimal", "fractions", "uuid"):
        return f"{kind} = {_short(repr(value), 80)}"
    return f"{type(value).__module__}.{type(value).__qualname__}"


def describe_variables(
    ns: Mapping[str, Any],
    *,
    hidden: Mapping[str, Any] | None = None,
    request: str = "",
    max_vars: int = MAX_VARS,
    max_chars: int = MAX_CHARS,
) -> str:
    """The notebook's variables for the prompt, at most ``max_vars`` lines and ``max_chars``.

    Private names, IPython's own (``In``, ``Out``, ``get_ipython``...) and ``hidden`` (the names
    the shell started with) are left out. Names the request mentions come first, then imported
    modules (``pd`` -> pandas), then the newest variables.
    """
    hidden = hidden or {}
    names = [
        n
        for n, v in ns.items()
        if not n.startswith("_") and n not in IGNORED and not (n in hidden and hidden[n] is v)
    ]
    words = set(re.findall(r"[A-Za-z_]\w*", request))
    mentioned = [n for n in names if n in words]
    modules = [n for n in names if n not in words and isinstance(ns[n], types.ModuleType)]
    rest = [n for n in reversed(names) if n not in words and n not in modules]
    lines: list[str] = []
    size = len(VARS_HEADER)
    order = mentioned + modules + rest
    for i, name in enumerate(order):
        try:
            what = describe(ns[name])
        except Exception:  # a property that raises, a broken __len__: say only the type
            what = type(ns[name]).__name__
        line = _short(f"- {name}: {what}", MAX_LINE)
        if len(lines) == max_vars or size + len(line) + 1 > max_chars:
            lines.append(f"- … and {len(order) - i} more")
            break
        lines.append(line)
        size += len(line) + 1
    return VARS_HEADER + "\n" + "\n".join(lines) if lines else ""


def namespace_of(ns: Mapping[str, Any]) -> dict[str, str]:
    """What the notebook already holds, for the verifier: ``{"pd": "module:pandas", "bank":
    "seedloft.ledger.Ledger", "records": "builtins.list"}`` (modules by name, other values by
    their class's dotted name)."""
    out: dict[str, str] = {}
    for name, value in ns.items():
        if name.startswith("_") or name in IGNORED:
            continue
        if isinstance(value, types.ModuleType):
            out[name] = f"module:{value.__name__}"
        elif not isinstance(value, type) and not inspect.isroutine(value):
            cls = type(value)
            if cls.__module__ != "__main__":  # builtins too: the verifier knows `records` exists
                out[name] = f"{cls.__module__}.{cls.__qualname__}"
    return out
