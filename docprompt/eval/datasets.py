"""JSONL datasets in DocPrompting's shapes, and the reference flags of a Bash command.

- tldr-shaped rows have ``nl``, ``cmd`` and ``cmd_name``: scored by command hit and flag recall;
- CoNaLa-shaped rows have ``nl`` and ``oracle_man`` with DevDocs ids (``LIB.PATH#ANCHOR``):
  scored by document recall.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import BadInput

Shape = Literal["tldr", "docs"]


@dataclass
class Row:
    nl: str
    cmd: str = ""
    cmd_name: str = ""
    oracle: list[str] = field(default_factory=list)


def read_lines(path: Path, what: str) -> list[str]:
    """A UTF-8 text file's lines; a missing or unreadable file is a one-line error naming ``what``."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise BadInput(f"{what} not found: {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"cannot read {what} {path}: {e}") from None


def load(path: str | Path) -> tuple[Shape, list[Row]]:
    path = Path(path)
    lines = read_lines(path, "dataset")
    rows, shapes = [], set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError:
            raise BadInput(f"{path}:{n}: not a JSON object") from None
        if not isinstance(raw, dict) or not str(raw.get("nl", "")).strip():
            raise BadInput(f"{path}:{n}: a row needs a non-empty 'nl'")
        if raw.get("cmd_name"):
            shapes.add("tldr")
            rows.append(Row(nl=raw["nl"], cmd=raw.get("cmd", ""), cmd_name=raw["cmd_name"]))
        elif isinstance(raw.get("oracle_man"), list):  # may be empty: kept for generation, not recall
            shapes.add("docs")
            rows.append(Row(nl=raw["nl"], cmd=raw.get("cmd", ""), oracle=list(raw["oracle_man"])))
        else:
            raise BadInput(f"{path}:{n}: a row needs 'cmd_name' (tldr shape) or 'oracle_man' (doc ids)")
    if not rows:
        raise BadInput(f"dataset {path} has no rows")
    if len(shapes) > 1:
        raise BadInput(f"dataset {path} mixes tldr-shaped rows (cmd_name) and doc-id rows (oracle_man)")
    return shapes.pop(), rows  # type: ignore[return-value]


def command_flags(cmd: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The flags of the first command in ``cmd``, in order, without duplicates.

    ``--out=FILE`` gives ``--out``; a bundle like ``-xvf`` is split into ``-x -v -f`` unless the
    command's documentation (``known``) defines it whole (``find -name``); with no
    documentation, bundles of letters are split.
    """
    from ..shell import flags_used, parse

    cmds = [c for c in parse(cmd) if not c.nested]
    if not cmds:
        return []
    words = cmds[0].argv
    return flags_used(words, known, split_unknown=True) if words else []
