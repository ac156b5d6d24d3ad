"""What the embedded model may write next: llama.cpp logits processors that hold a reply's
tokens (the first token to a pattern, a choice to its options, a member to the documented ones).

Each is one mask over the vocabulary per step; a GBNF grammar doing the same is checked against
the whole vocabulary (Qwen's 151,936 tokens) at every step and costs ~0.3 s a token.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN_IDS: dict[int, dict[bytes, list[int]]] = {}
_DOTTED: dict[int, list[tuple[int, bytes]]] = {}
_AFTER_NAME = re.compile(rb"(?<![\w.])([A-Za-z_]\w*)$")
_AFTER_DOT = re.compile(rb"(?<![\w.])([A-Za-z_]\w*)\.(\w*)$")
_FOLLOWERS = (b"(", b".", b" ", b")", b",", b"\n", b"[", b":", b"()", b'("', b"('", b"[0", b'["')


def _in_code(before: bytes) -> bool:
    """The text before a name on its line leaves it in code: not in a comment or a string."""
    return b"#" not in before and before.count(b'"') % 2 == 0 and before.count(b"'") % 2 == 0


class Members:
    """A llama.cpp logits processor: after ``var.``, where ``var`` is a variable whose members are
    known (a notebook's ``bank``, a documented ``Ledger``), the reply writes one of them, never an
    invented one (``bank.total_grams``). Only the tokens that spell a member (or end one) stay."""

    def __init__(self, members: dict[str, list[str]], vocabulary: list[bytes]) -> None:
        self.members = {k.encode(): [m.encode() for m in v] for k, v in members.items() if v}
        self.vocabulary = vocabulary
        self.start = -1

    def _glued(self, members: list[bytes]) -> list[int]:
        """Tokens that start with a dot and go on with a name that is not one of ``members``."""
        key = id(self.vocabulary)
        if key not in _DOTTED:
            _DOTTED[key] = [(i, t[1:]) for i, t in enumerate(self.vocabulary) if t.startswith(b".")]

        def fits(rest: bytes) -> bool:
            return any(
                n.startswith(rest) or (rest.startswith(n) and not rest[len(n) : len(n) + 1].isalnum()
                                       and rest[len(n) : len(n) + 1] != b"_")
                for n in members
            )  # fmt: skip

        named = [(i, rest) for i, rest in _DOTTED[key] if rest[:1].isalnum() or rest[:1] == b"_"]
        return [i for i, rest in named if not fits(rest)]

    def _ids(self, text: bytes) -> list[int]:
        key = id(self.vocabulary)
        if key not in _TOKEN_IDS:
            by_text: dict[bytes, list[int]] = {}
            for i, t in enumerate(self.vocabulary):
                by_text.setdefault(t, []).append(i)
            _TOKEN_IDS[key] = by_text
        return _TOKEN_IDS[key].get(text, [])

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import numpy as np

        if self.start < 0:
            self.start = len(input_ids)
        written = b"".join(self.vocabulary[i] for i in input_ids[self.start :])
        line = written.rsplit(b"\n", 1)[-1]
        m = _AFTER_DOT.search(line)
        if m is None:
            # ``bank`` just written: the dot often comes glued to what follows (``.total``)
            name = _AFTER_NAME.search(line)
            if name and name.group(1) in self.members and _in_code(line[: name.start()]):
                scores[self._glued(self.members[name.group(1)])] = float("-inf")
            return scores
        if m.group(1) not in self.members or not _in_code(line[: m.start()]):
            return scores
        typed = m.group(2)
        rest = [name[len(typed) :] for name in self.members[m.group(1)] if name.startswith(typed)]
        if not rest:
            return scores
        keep: set[int] = set()
        for r in rest:
            for k in range(1, len(r) + 1):
                keep.update(self._ids(r[:k]))
            for f in _FOLLOWERS:
                keep.update(self._ids(r + f))
        if not keep:
            return scores
        ids = np.fromiter(keep, dtype=np.intp)
        held = np.full_like(scores, float("-inf"))
        held[ids] = scores[ids]
        return held


def first_token(allowed: Any) -> Any:
    """A llama.cpp logits processor: only ``allowed`` tokens on the first step, then free."""
    state = {"first": True}

    def processor(input_ids: Any, scores: Any) -> Any:
        if state["first"]:
            state["first"] = False
            scores[~allowed[: len(scores)]] = float("-inf")
        return scores

    return processor


def one_of(seqs: list[list[int]], eos: int) -> Any:
    """A llama.cpp logits processor: the reply is one of the token sequences ``seqs``."""
    import numpy as np

    state: dict[str, int] = {}

    def processor(input_ids: Any, scores: Any) -> Any:
        start = state.setdefault("start", len(input_ids))
        written = list(input_ids[start:])
        allowed = {s[len(written)] for s in seqs if len(s) > len(written) and s[: len(written)] == written}
        if written in seqs or not allowed:
            allowed.add(eos)
        keep = np.fromiter(allowed, dtype=np.intp)
        held = np.full_like(scores, float("-inf"))
        held[keep] = scores[keep]
        return held

    return processor
