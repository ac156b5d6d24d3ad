"""Every enumeration a user can name, one ``Literal`` each (light: typing only, no pydantic)."""

from __future__ import annotations

from typing import Any, Literal, get_args

Mode = Literal["hybrid", "sparse", "dense", "two-stage"]
Fusion = Literal["rrf", "convex"]
Backend = Literal["auto", "ollama", "embedded"]
Language = Literal["bash", "python"]


def choices(literal: Any) -> list[str]:
    """The values of a ``Literal`` (for click.Choice and messages)."""
    return list(get_args(literal))
