"""Reading a script into simple commands: bashlex's syntax tree walked for them, and a shlex
fallback for what bashlex cannot parse (unbalanced quotes, ``[[ ]]``, ``case``, arithmetic).
The shell model (:mod:`docprompt.shell`) is the only user; it masks placeholders first."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from .shell import SimpleCommand, _unmask, unwrap


def read(script: str, found: list[str]) -> list[SimpleCommand]:
    """The simple commands of a masked script, in order."""
    try:
        return list(_bashlex(script, found))
    except Exception:  # noqa: BLE001 - bashlex raises ParsingError, NotImplementedError, and more
        return list(_fallback(script, found))


_QUOTED_DELIMITER = re.compile(r"(?<!<)(<<-?)\s*(['\"]|\\)(\w+)\2?")
_HEREDOC = re.compile(r"(?<!<)<<(-?)\s*(['\"]?)\\?(\w+)\2")
_HEREDOC_MARK = re.compile(r"DPHD(\d+)X")


def _bashlex(script: str, found: list[str]) -> Iterator[SimpleCommand]:
    import bashlex

    text = re.sub(r"^\s*time\s+(?=\S)", "", script)  # the `time` keyword: bashlex does not know it
    text = _QUOTED_DELIMITER.sub(r"\1\3", text)  # <<'EOF': bashlex looks for the quotes in the body
    trees = bashlex.parse(text)
    counter = [0]
    for tree in trees:
        for cmd in _walk(tree, found, counter, ""):
            if cmd.pipeline == -1:  # a command of its own, not in a pipeline
                cmd.pipeline = counter[0]
                counter[0] += 1
            yield cmd


def _walk(node, found: list[str], counter: list[int], nested: str) -> Iterator[SimpleCommand]:
    kind = node.kind
    if kind == "pipeline":
        stages = [p for p in node.parts if p.kind != "pipe"]
        pipeline = counter[0]
        counter[0] += 1
        for i, part in enumerate(stages):
            for cmd in _walk(part, found, counter, nested):
                if cmd.nested == nested and cmd.pipeline == -1:
                    cmd.pipeline, cmd.stage, cmd.stages = pipeline, i, len(stages)
                yield cmd
        return
    if kind == "command":
        words: list[str] = []
        redirects: list[tuple[str, str]] = []
        inner: list[SimpleCommand] = []
        stdin_text: str | None = None
        for part in node.parts:
            if part.kind in ("word", "assignment"):
                words.append(_unmask(part.word, found))
                for sub in getattr(part, "parts", []) or []:
                    inner.extend(_substitutions(sub, found, counter))
            elif part.kind == "redirect":
                target = part.output
                tgt = _unmask(target.word, found) if hasattr(target, "word") else str(target)
                redirects.append((str(part.type), tgt))
                if getattr(part, "heredoc", None) is not None:
                    body = _unmask(part.heredoc.value, found)
                    stdin_text = body[: body.rfind("\n") + 1] if body.rstrip().endswith(tgt) else body
                elif part.type == "<<<":
                    stdin_text = tgt
                if hasattr(target, "parts"):
                    for sub in target.parts or []:
                        inner.extend(_substitutions(sub, found, counter))
        argv, wrappers, assignments = unwrap(words)
        if argv or redirects:
            yield SimpleCommand(
                argv, wrappers, assignments, redirects, pipeline=-1, nested=nested, stdin_text=stdin_text
            )
        yield from inner
        return
    for child in _children(node):
        yield from _walk(child, found, counter, nested)


def _children(node) -> list:
    out = list(getattr(node, "parts", None) or [])
    if getattr(node, "list", None):
        out += list(node.list)
    if getattr(node, "command", None) is not None and node.kind != "command":
        out.append(node.command)
    return [c for c in out if hasattr(c, "kind")]


def _substitutions(node, found: list[str], counter: list[int]) -> Iterator[SimpleCommand]:
    if node.kind in ("commandsubstitution", "processsubstitution"):
        tag = "$()" if node.kind == "commandsubstitution" else "<()"
        yield from _walk(node.command, found, counter, tag)
    for child in getattr(node, "parts", None) or []:
        if hasattr(child, "kind"):
            yield from _substitutions(child, found, counter)


_OPERATORS = {"|", "|&", "||", "&&", ";", "&", ";;", "(", ")", "{", "}"}
_KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "esac", "!", "{", "}"}
_REDIRECT = re.compile(r"^(\d*)(>>|>\||>&|<<<|<<-?|<>|<&|&>>?|>|<)(.*)$")


def _fallback(script: str, found: list[str]) -> Iterator[SimpleCommand]:
    """What bashlex cannot parse, read with shlex: pipelines at | and lists at ; && || &."""
    text, bodies = _take_heredocs(script.replace("\\\n", " "))
    tokens: list[str] = []
    for line in text.split("\n"):
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;()<>")
            lexer.whitespace_split = True
            lexer.commenters = "#"
            tokens.extend(list(lexer))
        except ValueError:  # unbalanced quotes: the words as written
            tokens.extend(re.sub(r"([|;&])", r" \1 ", line).split())
        tokens.append(";")
    pipeline, stage = 0, 0
    words: list[str] = []
    redirects: list[tuple[str, str]] = []
    pending: list[SimpleCommand] = []

    def flush() -> None:
        nonlocal words, redirects
        while words and words[0] in _KEYWORDS:  # if/then/do ...: the command follows
            words = words[1:]
        argv, wrappers, assignments = unwrap([_unmask(w, found) for w in words])
        stdin_text = None
        for i, (op, target) in enumerate(redirects):
            mark = _HEREDOC_MARK.fullmatch(target) if op == "<<<" else None
            if mark:
                kind, delimiter, stdin_text = bodies[int(mark.group(1))]
                redirects[i] = (kind, delimiter)
            elif op == "<<<":
                stdin_text = target
        if argv or redirects:
            cmd = SimpleCommand(argv, wrappers, assignments, redirects, pipeline, stage, parsed=False)
            cmd.stdin_text = stdin_text
            pending.append(cmd)
        words, redirects = [], []

    def close_pipeline() -> Iterator[SimpleCommand]:
        for cmd in pending:
            cmd.stages = len(pending)
        yield from pending
        pending.clear()

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok and set(tok) <= set("<>&|") and ("<" in tok or ">" in tok):
            if words and words[-1].isdigit():
                words.pop()
            target = tokens[i + 1] if i + 1 < len(tokens) else ""
            redirects.append((tok, _unmask(target, found)))
            i += 2
            continue
        if tok in _OPERATORS or (tok and set(tok) <= set("|&;()")):
            flush()
            if tok in ("|", "|&"):
                stage += 1
            else:
                yield from close_pipeline()
                pipeline, stage = pipeline + 1, 0
        else:
            words.append(tok)
        i += 1
    flush()
    yield from close_pipeline()


def _take_heredocs(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The script without its here-document bodies, each ``<<EOF`` turned into a here-string of a
    marker, and (operator, delimiter, body) for each marker."""
    lines = text.split("\n")
    out: list[str] = []
    bodies: list[tuple[str, str, str]] = []
    i = 0
    while i < len(lines):
        line, i = lines[i], i + 1
        found = list(_HEREDOC.finditer(line))
        for m in found:
            body: list[str] = []
            while i < len(lines):
                raw, i = lines[i], i + 1
                if (raw.lstrip("\t") if m.group(1) else raw) == m.group(3):
                    break
                body.append(raw.lstrip("\t") if m.group(1) else raw)
            bodies.append((f"<<{m.group(1)}", m.group(3), "".join(b + "\n" for b in body)))
        for n, m in reversed(list(enumerate(found, start=len(bodies) - len(found)))):
            line = line[: m.start()] + f" <<< DPHD{n}X " + line[m.end() :]
        out.append(line)
    return "\n".join(out), bodies
