"""Corpus recipes: small TOML files naming an indexer, its paths and options.

```toml
description = "..."
indexer = "tldr"                 # a registered indexer name
paths = ["TLDR"]                 # ~, $VARS and {stdlib} are expanded; [] = the user gives them
[options]                        # passed to the indexer
[build]                          # BuildSettings: embedder, chunk_size, ...
```
A recipe of several sources has ``[[source]]`` tables instead of ``indexer``/``paths``/``options``:

```toml
[[source]]
name = "api"                     # optional: the indexer's name
indexer = "python"
paths = ["src/acme"]
options = { mode = "ast" }
[[source]]
indexer = "docs"
paths = ["docs"]
```
A recipe is given by file path or by the name of one shipped in ``docprompt.corpora``.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .config import BuildSettings, validated
from .errors import BadInput

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _expanded(paths: list[str]) -> list[str]:
    stdlib = sysconfig.get_paths()["stdlib"]
    return [os.path.expanduser(os.path.expandvars(p.replace("{stdlib}", stdlib))) for p in paths]


class RecipeSource(BaseModel):
    """A ``[[source]]`` table: one named source of a recipe of several."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    indexer: str
    paths: list[str] = Field(min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)


class Recipe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    indexer: str = ""
    paths: list[str] = Field(default_factory=list)  # empty: the user names them when building
    options: dict[str, Any] = Field(default_factory=dict)
    source: list[RecipeSource] = Field(default_factory=list)
    build: BuildSettings = Field(default_factory=BuildSettings)

    @model_validator(mode="after")
    def _one_form(self) -> Recipe:
        if self.source and (self.indexer or self.paths or self.options):
            raise ValueError("give [[source]] tables, or indexer/paths/options, not both")
        if not self.source and not self.indexer:
            raise ValueError("name an indexer, or give [[source]] tables")
        return self

    def expanded_paths(self) -> list[str]:
        return _expanded(self.paths)

    def index_sources(self) -> list:
        """The recipe's sources, paths expanded (a one-indexer recipe: one source)."""
        from .models import IndexSource

        tables = self.source or [
            RecipeSource(indexer=self.indexer, paths=self.paths or ["."], options=self.options)
        ]
        return [
            IndexSource(
                name=t.name or t.indexer, indexer=t.indexer, paths=_expanded(t.paths), options=t.options
            )
            for t in tables
        ]


def shipped() -> dict[str, Path]:
    folder = resources.files("docprompt.corpora")
    return {Path(str(f)).stem: Path(str(f)) for f in folder.iterdir() if str(f).endswith(".toml")}


def load(ref: str) -> Recipe:
    """A recipe from a file path, or by the name of a shipped one."""
    path = Path(ref).expanduser()
    if not path.exists():
        known = shipped()
        if ref not in known:
            raise BadInput(
                f"no corpus recipe {ref!r}: give a .toml file or one of {', '.join(sorted(known))}"
            )
        path = known[ref]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"cannot read corpus recipe {path}: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"corpus recipe {path} is not valid TOML: {e}") from None
    recipe = validated(Recipe, data, f"corpus recipe {path.name}")
    assert isinstance(recipe, Recipe)
    return recipe


SHELL_INDEX = "shell"
SHELL_SECTIONS = ("1", "6", "8")


def shell_sources() -> tuple[list, BuildSettings]:
    """The default Bash index: this machine's man pages of commands (the ``linux-man`` recipe,
    sections 1, 6 and 8) and, when a
    tldr client or ``docprompt corpora fetch tldr`` left them here, the tldr pages."""
    from .models import IndexSource
    from .tldrpages import find_pages

    man = load("linux-man")
    # commands only (user, games, admin): the C and Perl APIs of sections 2 and 3 answer no
    # shell request and would be a seventh of the pages to render and embed
    options = {**man.options, "sections": list(SHELL_SECTIONS)}
    sources = [IndexSource(name="man", indexer=man.indexer, paths=man.paths, options=options)]
    if find_pages() is not None:
        sources.append(IndexSource(name="tldr", indexer="tldr", paths=["TLDR"]))
    return sources, man.build
