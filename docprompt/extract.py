"""Pull one clean Bash command or Python code block out of whatever a model says.

Handles fenced blocks (with or without a language tag), ``<think>`` blocks, prose before and
after the code, shell prompts (``$ ``), numbered or bulleted lists, and inline backticks.
"""

from __future__ import annotations

import re

_THINK = re.compile(r"<think>.*?(</think>|$)", re.S | re.I)
_FENCE = re.compile(r"```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:```|$)", re.S)
_INLINE = re.compile(r"`([^`\n]+)`")
_LIST = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+")
_PROMPT = re.compile(r"^\s*(?:\$|#|>>>|\.\.\.)\s")
_PROSE_START = re.compile(
    r"^(here|this|the|to|you|it|use|using|note|explanation|answer|sure|in|for|that|these|i|we|"
    r"command|code|output|example|documents?|where|which|with|by)\b",
    re.I,
)
BASH_TAGS = {"bash", "sh", "shell", "console", "zsh", "shell-session", "terminal", ""}
PYTHON_TAGS = {"python", "py", "python3", "pycon", "ipython", ""}


def _strip_think(text: str) -> str:
    return _THINK.sub("", text)


def _fenced(text: str, tags: set[str]) -> str | None:
    blocks = [(tag.lower(), body) for tag, body in _FENCE.findall(text)]
    for tag, body in blocks:
        if tag in tags and tag and body.strip():
            return body
    for tag, body in blocks:
        if tag in tags and body.strip():
            return body
    return blocks[0][1] if blocks and blocks[0][1].strip() else None


def _looks_like_prose(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    words = s.split()
    return bool(_PROSE_START.match(s)) and len(words) > 3 or (s.endswith((".", ":")) and len(words) > 4)


# A man page title echoed from the prompt's documents ("tar(1) — -x, --extract"): not a command.
_DOC_TITLE = re.compile(r"^[\w.+-]+\(\d\w*\)(\s|$)")
_SCAFFOLD = re.compile(
    r"^(if|then|else|elif|fi|for|while|until|do|done|case|esac|echo|printf|exit|set)\b|^\["
)


def extract_bash(text: str) -> str:
    """One command line (continuation lines joined), or '' when there is none.

    Small models often wrap the command in a script (shebang, ``if [ -f x ]; then``, echo);
    the first line that is not such scaffolding is the command.
    """
    text = _strip_think(text)
    body = _fenced(text, BASH_TAGS)
    if body is None:
        lines = [ln for ln in text.splitlines() if ln.strip() and not _looks_like_prose(ln)]
        if not lines:
            inline = _INLINE.findall(text)
            return inline[0].strip() if inline else ""
        body = "\n".join(lines)
    out: list[str] = []
    for raw in body.splitlines():
        line = _LIST.sub("", raw)
        line = re.sub(r"^\s*\$\s+", "", line).rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            if out and not out[-1].endswith("\\"):
                break
            continue
        if _INLINE.fullmatch(line.strip()):
            line = line.strip()[1:-1]
        if not out and _DOC_TITLE.match(line.strip()):
            continue
        if not out and _SCAFFOLD.match(line.strip()) and _has_real_command(body):
            continue
        out.append(line.strip())
        if not line.endswith("\\"):
            break
    return " ".join(part.rstrip("\\").strip() for part in out).strip()


def _has_real_command(body: str) -> bool:
    lines = [_LIST.sub("", ln).strip().removeprefix("$ ") for ln in body.splitlines()]
    return any(ln and not ln.startswith("#") and not _SCAFFOLD.match(ln) for ln in lines)


def extract_python(text: str) -> str:
    """The code, without prompts (``>>>``) or the prose around it."""
    text = _strip_think(text)
    body = _fenced(text, PYTHON_TAGS)
    if body is None:
        lines = text.splitlines()
        start = next((i for i, ln in enumerate(lines) if ln.strip() and not _looks_like_prose(ln)), None)
        if start is None:
            inline = _INLINE.findall(text)
            return inline[0].strip() if inline else ""
        kept: list[str] = []
        for ln in lines[start:]:
            if _looks_like_prose(ln) and not ln.startswith((" ", "\t")):
                break
            kept.append(ln)
        body = "\n".join(kept)
    if any(ln.lstrip().startswith(">>> ") for ln in body.splitlines()):
        body = "\n".join(
            ln.lstrip()[4:] if ln.lstrip().startswith((">>> ", "... ")) else ""
            for ln in body.splitlines()
            if ln.lstrip().startswith((">>> ", "... "))
        )
    return body.strip("\n").rstrip()


# -- is it a command at all --------------------------------------------------------------------

_NOT_A_COMMAND = re.compile(
    r"^(\[\d+\]|[-*•·]|\d+[.)]|#|>|[A-Z][a-z]+:|[\w.+-]+\(\d\w*\)|-{1,2}[A-Za-z])"  # citation, bullet...
)
_COMMAND_NAME = re.compile(r"^[\w.+/-]*[\w+]$|^\{\{[^}]*\}\}$|^\[\[?$")  # a name, {{cmd}}, [ or [[ (test)


def malformed(command: str) -> str | None:
    """Why ``command`` is not a command line (a citation, a title, a bullet, a bare flag,
    prose, empty), or None when it reads as one."""
    text = command.strip()
    if not text:
        return "empty"
    if _NOT_A_COMMAND.match(text):
        return "not a command: " + text.split()[0]
    from .shell import parse

    cmds = [c for c in parse(text) if not c.nested]
    if not cmds or not cmds[0].argv:
        return "no command in it"
    head = cmds[0].argv[0]
    if not _COMMAND_NAME.match(head) and not head.startswith(("$", "./", "/", "~")):
        return f"{head!r} is not a command name"
    words = text.split()
    if len(words) > 6 and sum(w.isalpha() and w.islower() for w in words) > 0.8 * len(words):
        return "prose, not a command"
    if text.endswith((":", "?")) or (len(words) > 2 and text.endswith((".", "!")) and words[0][:1].isupper()):
        return "prose, not a command"
    return None


_TEXT_COMMANDS = frozenset({"echo", "printf", "say", "espeak", "notify-send", "figlet", "cowsay", "banner"})


def echo_cut(command: str, request: str) -> str:
    """``command`` without the request's own words written at its end as arguments: ``zfs list
    all available zfs filesystems`` for "list all available zfs filesystems" is ``zfs list``.
    Three plain words or more that end the line, in the request's order, after the command's
    first two words and not after an option (its value); never from a command that prints its
    arguments (``echo``)."""
    words = command.split(" ")
    if len(words) < 5 or words[0] in _TEXT_COMMANDS or "\n" in command:
        return command
    said = " " + " ".join(re.findall(r"[a-z0-9]+", request.lower())) + " "
    start = len(words)
    while start > 2 and re.fullmatch(r"[A-Za-z]+", words[start - 1]):
        start -= 1
    while len(words) - start >= 3 and f" {' '.join(words[start:]).lower()} " not in said:
        start += 1
    if len(words) - start >= 3 and not words[start - 1].startswith("-"):  # not an option's value
        return " ".join(words[:start])
    return command


# -- replies written after a prefix (the answer stage opens the code block itself) ----------------

_CITATION_LINE = re.compile(
    r"^\s*(#\s*)?(\[\d{1,2}\](\s*[\w.,()\[\] -]*)?|(documents?|docs?|sources?)\s*:.*)$", re.I
)
# The section headers of the Python prompt (python_answer.py): a line that is one is an echo.
PROMPT_HEADERS = frozenset({"Imports:", "API:", "Examples:", "From the docs:"})
# ... and where generation stops when one starts: the 0.5B's greedy reply to a hard task often
# copies the import lines, then the cards, to the token limit (12-15 s of tokens cut after)
ECHO_STOPS = [f"\n{h}\n" for h in sorted(PROMPT_HEADERS)] + ["\nTask: "]
_EOF_ERRORS = ("was never closed", "unexpected EOF", "expected an indented block", "unterminated")


def bash_answer(reply: str, prefix: str = "") -> tuple[str, str | None]:
    """(the command, why it is not one or None) from a reply that continues ``prefix``."""
    tries = [reply] if "```" in reply or not prefix else []  # the model opened a block of its own
    tries.append(prefix + reply + ("" if "```" in reply else "\n```"))
    found = [extract_bash(t) for t in tries]
    good = [c for c in found if malformed(c) is None]
    command = good[0] if good else found[0]
    return command, malformed(command)


def python_answer(reply: str, prefix: str = "", *, titles: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """(the code, why it cannot be used or None) from a reply that continues ``prefix``: the code
    block's content without citation lines, echoed document titles or imports it never uses;
    ``truncated`` when it stops mid-statement, ``prose`` or ``empty`` when there is no code in it."""
    import ast

    given = prefix.split("\n", 1)[1] if prefix.startswith("```") and "\n" in prefix else ""
    if reply.lstrip().startswith("```") or "```" not in prefix:  # the block restarted, or no prefix
        body = extract_python(reply)
    else:
        body = given + reply.split("```", 1)[0]
    lines = body.splitlines()
    echoed = next((i for i, ln in enumerate(lines) if ln.strip() in PROMPT_HEADERS), None)
    lines = lines[:echoed]  # a small model that starts copying the prompt's sections is cut there
    lines = [ln for ln in lines if not _CITATION_LINE.match(ln) and ln.strip() not in titles]
    code = "\n".join(lines).strip("\n").rstrip()
    if any(ln.lstrip().startswith(">>> ") for ln in code.splitlines()):
        code = extract_python(code)
    code = loop_cut(code)
    if not code.strip():
        return "", "empty"
    try:
        tree = ast.parse(code)
    except SyntaxError as e:
        if _looks_like_prose(code.splitlines()[0]) or len(code.split()) > 3 and code.rstrip().endswith("."):
            return code, "prose"
        if any(m in (e.msg or "") for m in _EOF_ERRORS) or (e.lineno or 0) >= len(code.splitlines()):
            return code, "truncated"
        return code, f"syntax error: {e.msg} (line {e.lineno})"
    kept = drop_unused_imports(code, given.splitlines(), tree)
    if kept != code:
        code, tree = kept, ast.parse(kept)
    if not code.strip():
        return "", "empty"
    if all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body):
        return code, "imports only"  # e.g. what is left of a copy of the prompt's import lines
    return unused_imports_dropped(code, tree), None


def loop_cut(code: str) -> str:
    """``code`` with a line it repeats to its end kept once: what a small model writes when it
    loops (``bank = seedloft.starter_ledger()`` sixty times, then ``bank = seedlo`` at the token
    limit, which still parses)."""
    lines = code.rstrip("\n").split("\n")
    for i in range(len(lines) - 2):
        line = lines[i]
        if line.strip() and lines[i + 1] == lines[i + 2] == line:
            rest = lines[i + 1 :]
            if all(ln == line for ln in rest[:-1]) and line.startswith(rest[-1]):
                return "\n".join(lines[: i + 1])
            return code
    return code


def unused_imports_dropped(code: str, tree) -> str:
    """``code`` (parsed: ``tree``) without its one-line imports of names it never uses: a small
    model imports whatever the prompt mentions (``import tensorflow as tf`` above pandas code),
    and an unused import of a module that is not installed still fails."""
    import ast

    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    drop = set()
    for node in tree.body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.lineno != node.end_lineno:
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__" or node.col_offset:
            continue
        names = [(a.asname or a.name).split(".")[0] for a in node.names]
        if "*" not in names and not any(n in used for n in names):
            drop.add(node.lineno)
    if not drop:
        return code
    lines = [ln for i, ln in enumerate(code.split("\n"), 1) if i not in drop]
    return "\n".join(lines).strip("\n")


def drop_unused_imports(code: str, candidates: list[str], tree) -> str:
    """``code`` (parsed: ``tree``) without those of the import lines ``candidates`` (given to the
    model, not written by it) whose names it never uses."""
    import ast

    offered = {ln.strip() for ln in candidates if ln.strip().startswith(("import ", "from "))}
    if not offered:
        return code
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    keep: list[str] = []
    for ln in code.splitlines():
        if ln.strip() in offered:
            node = ast.parse(ln.strip()).body[0]
            names = [(a.asname or a.name).split(".")[0] for a in node.names]  # type: ignore[attr-defined]
            if ln in keep or not any(n in used for n in names):  # unused, or written again by the model
                continue
        keep.append(ln)
    return "\n".join(keep).strip("\n")
