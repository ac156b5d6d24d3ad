"""Interpreter one-liners (``python -c``, ``perl -e``, ``ruby -e``, ``node -e``, ``php -r``) and
code an interpreter reads from a pipe or a here-document, judged by what they call: recursive
deletes (``shutil.rmtree``, ``FileUtils.rm_rf``, ``fs.rmSync(..., {recursive})``), file deletes
and writes on system files, shell commands (``os.system``, ``subprocess``, ``system``,
``execSync``, backticks; the command itself is judged as Bash), code decoded or downloaded and
run (``exec(b64decode(...))``), and fork loops. Read with regular expressions, not parsed: a
call spelled another way gets past it.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
from collections.abc import Callable, Iterator

from .paths import Finding, Words, critical_path, overwritten, removed

Shell = Callable[[str], list[Finding]]  # judges a Bash command line

_LANG = [(re.compile(r"(python|pypy)[\d.]*"), "python"), (re.compile(r"perl[\d.]*"), "perl"),
         (re.compile(r"ruby[\d.]*|jruby"), "ruby"), (re.compile(r"node(js)?|bun|deno"), "node"),
         (re.compile(r"php[\d.]*"), "php")]  # fmt: skip
_INLINE = {"python": ("-c",), "node": ("-e", "--eval", "-p", "--print"), "php": ("-r",)}
_STRING = re.compile(r"""[rbuRBUf]{0,2}('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")""")
_HOME = re.compile(
    r"""os\.path\.expanduser\(\s*['"]~/?['"]\s*\)|Path\.home\(\s*\)|os\.environ\[\s*['"]HOME['"]\s*\]"""
    r"""|getenv\(\s*['"]HOME['"]\s*\)|Dir\.home|ENV\[\s*['"]HOME['"]\s*\]|\$ENV\{\s*['"]?HOME['"]?\s*\}"""
    r"""|os\.homedir\(\s*\)|process\.env\.HOME|\$_SERVER\[\s*['"]HOME['"]\s*\]"""
)
_RECURSIVE = re.compile(
    r"(shutil\.rmtree|\brmtree|\bremove_tree|FileUtils\.rm_rf|FileUtils\.rm_r|\brm_rf|\bremove_dir"
    r"|remove_entry(_secure)?|fse?\.removeSync|fse\.remove|rimraf(\.sync)?)(?!\w)\s*\(?"
)
_NODE_RM = re.compile(r"\b(rmSync|rmdirSync|fs\.rm|fs\.promises\.rm|rmdir)\s*\(")
_DELETE = re.compile(
    r"(os\.remove|os\.unlink|\bunlink|File\.delete|File\.unlink|FileUtils\.rm_f|FileUtils\.rm"
    r"|unlinkSync|fs\.unlink)(?!\w)\s*\(?"
)
_RUN = re.compile(
    r"(os\.system|os\.popen|os\.exec\w*|subprocess\.\w+|commands\.getoutput|\bsystem|\bexecSync"
    r"|\bexecFileSync|\bspawnSync|\bspawn|\bshell_exec|\bpassthru|\bproc_open|\bpopen|IO\.popen"
    r"|Open3\.\w+|\bexec)(?!\w)\s*\(?"
)
_EVAL = {"python": r"\b(exec|eval|compile)\s*\(", "perl": r"\beval\b", "ruby": r"\b(instance_)?eval\b",
         "node": r"\b(eval|Function|vm\.run\w*)\s*\(", "php": r"\beval\s*\("}  # fmt: skip
_DECODED = re.compile(
    r"b64decode|base64|decode64|decode_base64|fromCharCode|unhexlify|fromhex|codecs\.decode|rot_?13"
    r"|zlib\.decompress|gzinflate|str_rot13|pack\(\s*['\"][Hu]"
)
_FETCHED = re.compile(
    r"urlopen|requests\.get|urllib|https?://|LWP|Net::HTTP|open-uri|file_get_contents|fetch\("
)
_FORK_LOOP = re.compile(
    r"\bfork\b[^\n]*\b(while|until)\b|\b(while|until|loop)\b.*\bfork\b|for\s*\(\s*;\s*;\s*\).*\bfork\b", re.S
)
_WRITES = [
    re.compile(r"""\bopen\(\s*([rbuf]?['"][^'"]+['"])\s*,\s*['"]w[b+]*['"]"""),  # python open(p, 'w')
    re.compile(r"""Path\(\s*(['"][^'"]+['"])\s*\)\.write_(?:text|bytes)"""),
    re.compile(r"""(?:File|IO)\.write\(\s*(['"][^'"]+['"])"""),
    re.compile(r"""(?:writeFileSync|writeFile|file_put_contents)\(\s*(['"][^'"]+['"])"""),
    re.compile(r"""\bopen\s*\(?\s*[\w$]+\s*,\s*['"]>\s*([^'"]+)['"]"""),  # perl open(F, ">/etc/x")
    re.compile(r"""\bopen\s*\(?\s*[\w$ ]+,\s*['"]>['"]\s*,\s*(['"][^'"]+['"])"""),  # perl 3-arg open
]


_REACH, _CALLS = 4000, 200  # how far an argument is read, how many calls of a kind are judged


def _calls(pattern: re.Pattern[str] | str, code: str) -> list[re.Match[str]]:
    return list(itertools.islice(re.finditer(pattern, code), _CALLS))


def language(name: str) -> str | None:
    """python, perl, ruby, node or php for an interpreter's name (``python3.11``), else None."""
    return next((lang for pattern, lang in _LANG if pattern.fullmatch(name)), None)


def inline_code(words: Words) -> tuple[str, str] | None:
    """(language, code) of an interpreter given its code on the command line."""
    lang = language(os.path.basename(words[0]))
    if lang is None:
        return None
    codes = []
    for i, w in enumerate(words[1:-1], start=1):
        if lang in ("perl", "ruby"):
            if re.fullmatch(r"-[a-zA-Z]*[eE]", w) and not re.match(r"-[MmrIxi]", w):
                codes.append(words[i + 1])
        elif w in _INLINE.get(lang, ()):
            codes.append(words[i + 1])
            break
    if lang == "node" and words[1:2] == ["eval"] and len(words) > 2:  # deno eval CODE
        codes.append(words[2])
    return (lang, "\n".join(codes)) if codes else None


def reads_code_from_stdin(words: Words) -> str | None:
    """The language of an interpreter that runs what comes on its stdin (``python3``, ``perl -``)."""
    lang = language(os.path.basename(words[0]))
    if lang is None or inline_code(words):
        return None
    args = words[1:]
    if "-" in args or "/dev/stdin" in args:
        return lang
    if any(a in ("-m", "-V", "--version", "-h", "--help") for a in args):
        return None
    return lang if not [a for a in args if not a.startswith("-")] else None


def _literal(text: str) -> str:
    body = _STRING.match(text)
    raw = body.group(1)[1:-1] if body else text
    return raw.replace("\\'", "'").replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _argument(code: str, start: int) -> str:
    """The text of the call's arguments from ``start`` (after the name): up to the matching
    parenthesis, or for a call without parentheses (Perl, Ruby) to the end of the statement."""
    code = code[: start + _REACH]
    if start > 0 and code[start - 1] == "(" or code[start : start + 1] == "(":
        i = start if code[start - 1] == "(" else start + 1
        closed = next((j for j, c, depth in _outside_strings(code[i:], "'\"`") if depth < 0), None)
        return code[i : len(code) - 1 if closed is None else i + closed]
    return re.split(r"[;\n}]|\bor\b|\band\b|\bif\b|\bunless\b", code[start:], maxsplit=1)[0]


def _split(args: str) -> list[str]:
    """The arguments of a call, split at the commas outside brackets and strings."""
    out, last = [], 0
    for i, c, depth in _outside_strings(args, "'\""):
        if c == "," and depth == 0:
            out.append(args[last:i].strip())
            last = i + 1
    return [*out, args[last:].strip()]


def _outside_strings(text: str, quotes: str) -> Iterator[tuple[int, str, int]]:
    """(position, character, bracket depth after it) of each character outside quoted strings."""
    depth, quote = 0, ""
    for i, c in enumerate(text):
        if quote:
            quote = "" if c == quote and text[i - 1] != "\\" else quote
            continue
        if c in quotes:
            quote = c
            continue
        depth += (c in "([{") - (c in ")]}")
        yield i, c, depth


def _first(args: str) -> str:
    return _split(args)[0]


def _path_of(expr: str) -> str | None:
    """The path an argument names, when it is a string, a home directory or expanduser('...')."""
    if _HOME.search(expr):
        return "~"
    m = re.match(
        r"""(?:os\.path\.expanduser|Path|pathlib\.Path|File\.expand_path)\(\s*(.+)\)$""", expr.strip()
    )
    if m:
        expr = m.group(1)
    return _literal(expr.strip()) if _STRING.fullmatch(expr.strip()) else None


def _shell_text(args: str) -> str | None:
    """The command line a run call gives the shell: one string, strings added up, or a list."""
    strings = [_literal(m.group(0)) for m in _STRING.finditer(args)]
    if not strings:
        return None
    parts = _split(args)
    if (
        args.lstrip().startswith("[")
        or re.match(r"\s*['\"][^'\"]*['\"]\s*,\s*\[", args)
        or (len(parts) > 1 and all(_STRING.fullmatch(p) for p in parts))
    ):
        return shlex.join(strings)  # ['rm', '-rf', '/'], spawn('rm', ['-rf', '/']), system "rm", "-rf", "/"
    if "+" in args or "." in re.sub(r"""(['"]).*?\1""", "", args):  # "rm -rf " + "/" ; perl's "a" . "b"
        return "".join(strings)
    return strings[0]


def assess_code(code: str, lang: str, shell: Shell, depth: int = 0) -> list[Finding]:
    """What ``code`` in ``lang`` destroys; ``shell`` judges the command lines it runs."""
    out: list[Finding] = []
    if _FORK_LOOP.search(code):
        out.append(("danger", "a fork bomb: it multiplies processes until the machine hangs"))
    for m in _calls(_EVAL.get(lang, r"$^"), code):
        args = _argument(code, m.end())
        if _DECODED.search(args) or (_DECODED.search(code) and not _STRING.fullmatch(args.strip())):
            out.append(("danger", f"{lang} runs code decoded at run time: what runs cannot be checked"))
        elif _FETCHED.search(args):
            out.append(("danger", f"{lang} runs code downloaded from the network without showing it to you"))
        elif depth < 2 and _STRING.fullmatch(args.strip()):
            out += assess_code(_literal(args.strip()), lang, shell, depth + 1)
    for m in _calls(_RECURSIVE, code):
        out += _deletes(m.group(1), _first(_argument(code, m.end())), recursive=True)
    for m in _calls(_NODE_RM, code):
        args = _argument(code, m.end())
        out += _deletes(m.group(1), _first(args), recursive=bool(re.search(r"recursive\s*:\s*true", args)))
    for m in _calls(_DELETE, code):
        arg = _first(_argument(code, m.end()))
        out += _deletes(m.group(1), arg, recursive=False) if arg else []
    for m in re.finditer(r"""Path\(\s*(['"][^'"]+['"])\s*\)\.(unlink|rmdir)\(""", code):
        out += removed(_literal(m.group(1)), f"{lang}'s Path.{m.group(2)}")
    for m in _calls(_RUN, code):
        if lang == "python" and m.group(1) == "exec":  # Python's exec runs Python: see _EVAL
            continue
        text = _shell_text(_argument(code, m.end()))
        out += shell(text) if text else []
    if lang in ("perl", "ruby", "php"):
        for m in re.finditer(r"`([^`]+)`|%x\{([^}]+)\}|qx[{(/]([^})/]+)[})/]", code):
            out += shell(next(g for g in m.groups() if g))
    for pattern in _WRITES:
        for m in _calls(pattern, code):
            out += overwritten(_literal(m.group(1)), f"{lang} writing to {_literal(m.group(1))}")
    return out


def _deletes(call: str, arg: str, recursive: bool) -> list[Finding]:
    path = _path_of(arg)
    if recursive:
        why = critical_path(path) if path is not None else None
        if why:
            return [("danger", f"{call} deletes {why}")]
        return [("caution", f"{call} deletes recursively")]
    if path is None:
        return [("caution", f"{call} deletes files the code computes ({arg.strip()[:40]})")]
    if path in ("*", "/*", "~/*"):
        return [("caution", f"{call} removes every file it matches")]
    return removed(path, call)
