"""Corpus recipes: small TOML files naming an indexer, its paths and options.

```toml
description = "..."
indexer = "tldr"                 # a registered indexer name
paths = ["TLDR"]                 # ~, $VARS and {stdlib} are expanded; [] = the user gives them
[options]                        # passed to the indexer
[build]                          # BuildSettings: embedder, chunk_size, ...
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

from pydantic import BaseModel, ConfigDict, Field

from .config import BuildSettings, validated
from .errors import BadInput

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class Recipe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    indexer: str
    paths: list[str] = Field(default_factory=list)  # empty: the user names them when building
    options: dict[str, Any] = Field(default_factory=dict)
    build: BuildSettings = Field(default_factory=BuildSettings)

    def expanded_paths(self) -> list[str]:
        stdlib = sysconfig.get_paths()["stdlib"]
        return [os.path.expanduser(os.path.expandvars(p.replace("{stdlib}", stdlib))) for p in self.paths]


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
