"""A command's reference: its page from an index (man or tldr paragraphs) or this machine's man,
what a command line's flags mean and how risky it is (explain), and a tldr-style page with its
risky examples marked. No model, no click.

Text is returned as strings; ``style`` (e.g. ``click.style``) colours them when given.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import BadInput
from .manpage import Paragraph, installed_page
from .safety import Risk, assess
from .shell import SimpleCommand, flags_used, parse

Style = Callable[..., str]
_SECTION_RANK = {"1": 0, "8": 1, "6": 2}
_PLATFORM_RANK = {"common": 0, "linux": 1}


def _plain(text: str, **_: object) -> str:
    return text


@dataclass
class Page:
    command: str
    label: str  # "tar(1)"
    where: str  # "index man" | "this machine"
    paras: list[Paragraph]
    examples: list[tuple[str, list[str]]] = field(default_factory=list)  # (text, flags)

    def flag_table(self) -> dict[str, Paragraph]:
        table: dict[str, Paragraph] = {}
        for para in self.paras:
            for flag in para.flags:
                table.setdefault(flag, para)
        return table

    def summary(self) -> str:
        """What the command is, in a line: its NAME paragraph, or its tldr description."""
        for para in self.paras:
            first = " ".join(para.text.split())
            if para.heading == "NAME" and " - " in first:
                return first.split(" - ", 1)[1]
            if para.heading == "" and " — " in para.text.splitlines()[0]:
                return para.text.splitlines()[0].split(" — ", 1)[1].strip()
        return ""


def option_line(text: str, width: int = 160) -> str:
    """An option paragraph in a line: its flags, then the first sentence of what they do."""
    lines = [" ".join(ln.split()) for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    rest = " ".join(lines[1:])
    sentence = re.match(r"(.*?[.!?])(\s|$)", rest)
    line = lines[0] + (f"  {sentence.group(1) if sentence else rest}" if rest else "")
    return line if len(line) <= width else line[: width - 1] + "…"


def match_flag(flag: str, table: dict[str, Paragraph]) -> str | None:
    """The defined flag ``flag`` stands for: itself, --no-X for --X, or a unique --prefix."""
    if flag in table:
        return flag
    if flag.startswith("--no-") and "--" + flag[5:] in table:
        return "--" + flag[5:]
    if flag.startswith("--"):
        found = [f for f in table if f.startswith(flag)]
        return found[0] if len(found) == 1 else None
    return None


def local_page(command: str) -> Page | None:
    """This machine's man page for ``command``."""
    paras = list(installed_page(command) or ())
    return Page(command, f"man {command}", "this machine", paras) if paras else None


def index_page(index, command: str) -> Page | None:
    """``command``'s page in ``index``: its man page (section 1 first) or tldr page, and its
    examples (common platform first)."""
    docs: dict[str, list] = {}
    examples: list[tuple[int, str, list[str]]] = []
    for _, chunk in index.store.chunks(command=command, position=0):
        m = chunk.metadata
        if chunk.kind == "example":
            examples.append((_PLATFORM_RANK.get(m.get("platform", ""), 2), chunk.text, m.get("flags") or []))
        else:
            docs.setdefault(str(m.get("page") or chunk.doc_id), []).append(chunk)
    if not docs and not examples:
        return None

    def rank(key: str) -> tuple[int, int, str]:
        m = docs[key][0].metadata
        return (0 if "section" in m else 1), _SECTION_RANK.get(str(m.get("section", ""))[:1], 3), key

    rows = sorted(docs[min(docs, key=rank)], key=lambda c: c.doc_id) if docs else []
    meta = rows[0].metadata if rows else {}
    label = f"{command}({meta['section']})" if "section" in meta else (rows[0].title if rows else command)
    paras = [
        Paragraph(c.metadata.get("heading", ""), c.text, flags=list(c.metadata.get("flags") or []))
        for c in rows
    ]
    shown: dict[str, list[str]] = {}
    for _, text, flags in sorted(examples, key=lambda e: e[0]):
        shown.setdefault(text, flags)
    return Page(command, label, f"index {index.name}", paras, list(shown.items()))


class Lookup:
    """The page of each command: from the index, else this machine's man page (cached)."""

    def __init__(self, index, *, local_man: bool = True) -> None:
        self.index = index
        self.local_man = local_man
        self._pages: dict[str, Page | None] = {}

    def page(self, command: str) -> Page | None:
        if command not in self._pages:
            page = index_page(self.index, command) if self.index is not None else None
            if (page is None or not page.paras) and self.local_man:
                page = local_page(command) or page
            self._pages[command] = page
        return self._pages[command]

    def flag_line(self, command: str, flag: str) -> str | None:
        page = self.page(command)
        table = page.flag_table() if page else {}
        found = match_flag(flag, table)
        return option_line(table[found].text) if found else None

    def commands(self, code: str) -> list[tuple[str, list[str], Page | None, SimpleCommand]]:
        """(page name, words as that page reads them, page, command) for each simple command."""
        out: list[tuple[str, list[str], Page | None, SimpleCommand]] = []
        for cmd in parse(code):
            if not cmd.is_external:
                out.append((cmd.name, cmd.argv, None, cmd))
                continue
            for name in cmd.page_candidates():
                page = self.page(name)
                if page is not None:
                    out.append((name, cmd.words_for(name), page, cmd))
                    break
            else:
                out.append((cmd.name, cmd.argv, None, cmd))
        return out

    def summary(self, code: str) -> str:
        parts = []
        for name, _, page, _ in self.commands(code):
            what = page.summary() if page else ""
            if what and f"{name}: {what}" not in parts:
                parts.append(f"{name}: {what}")
        return " · ".join(parts)

    def paragraphs_for(self, code: str) -> list[tuple[str, str]]:
        """(title, paragraph) defining each flag ``code`` uses, in order."""
        out: list[tuple[str, str]] = []
        for _, words, page, _ in self.commands(code):
            if page is None:
                continue
            table = page.flag_table()
            for flag in flags_used(words, set(table)):
                found = match_flag(flag, table)
                if found and (item := (f"{page.label} {found}", table[found].text)) not in out:
                    out.append(item)
        return out

    def evidence(self, code: str, given: dict[str, str] | None = None) -> dict[str, str]:
        """{"tar -x": the man line defining it} for each flag ``code`` uses."""
        out: dict[str, str] = {}
        for name, words, page, _ in self.commands(code):
            if page is None:
                continue
            for flag in flags_used(words, set(page.flag_table())):
                line = self.flag_line(name, flag) or (given or {}).get(f"{name} {flag}")
                if line:
                    out[f"{name} {flag}"] = line
        return out


def risk_lines(risk: Risk, style: Style = _plain, indent: str = "") -> list[str]:
    """``⚠ DANGER: why`` (or ``⚠ careful: why``) for each reason of a risky command; none if safe."""
    if not risk:
        return []
    label, colour = ("DANGER", "red") if risk.dangerous else ("careful", "yellow")
    return [style(f"{indent}⚠ {label}: {why}", fg=colour, bold=risk.dangerous) for why in risk.reasons]


def explain(code: str, index, width: int = 100, style: Style = _plain) -> str:
    """How risky ``code`` is, then each simple command with what it is and each flag with its
    defining man line."""
    lookup = Lookup(index)
    out = [style(code, bold=True), *risk_lines(assess(code), style)]
    for name, words, page, cmd in lookup.commands(code):
        if page is None:
            why = (
                f"a shell builtin: see `help {name}`"
                if cmd.is_builtin
                else "no man page in the index or here"
            )
            out.append(f"{style(name, fg='cyan', bold=True)} — {why}")
            continue
        what = page.summary()
        out.append(
            style(name, fg="cyan", bold=True) + (f" — {what}" if what else "")
            + style(f"  ({page.label}, {page.where})", dim=True)
        )  # fmt: skip
        table = page.flag_table()
        flags = flags_used(words, set(table))
        pad = max((len(f) for f in flags), default=0)
        for flag in flags:
            found = match_flag(flag, table)
            if found:
                out.append(f"  {flag.ljust(pad)}  {option_line(table[found].text, width - pad - 4)}")
            else:
                out.append(style(f"  {flag.ljust(pad)}  ✗ not in {page.label}", fg="red"))
    return "\n".join(out)


def tldr_page(command: str, index, width: int = 100, style: Style = _plain, others=()) -> str:
    """A tldr-style page: what ``command`` is, its examples, its most used options. ``others``:
    more indexes to take examples from when ``index`` has none."""
    command = command.split()[0]
    page = Lookup(index).page(command)
    where = f"in index {index.name!r} or " if index is not None else ""
    if page is None:
        raise BadInput(f"no page for {command!r} {where}on this machine: check the name")
    examples = page.examples
    for other in others:
        if examples:
            break
        found = index_page(other, command)
        examples = found.examples if found else []
    examples = examples or man_examples(page)
    head = style(command, bold=True) + (f" — {page.summary()}" if page.summary() else "")
    out = [head, style(f"({page.label}, {page.where})", dim=True)]
    prose = [p for p in page.paras if p.heading == "DESCRIPTION" and not p.flags][:1]
    if not prose and page.paras and page.paras[0].heading == "":  # a tldr page: its lines after the title
        prose = [Paragraph("", "\n".join(page.paras[0].text.splitlines()[1:]))]
    for p in prose:
        text = " ".join(p.text.split())
        out += ["", textwrap.fill(text[:600] + ("…" if len(text) > 600 else ""), width)]
    if examples:
        out += ["", style("Examples", bold=True)]
        for text, _ in examples[:8]:
            what, _, line = text.rpartition("\n")
            what = textwrap.shorten(what, width - 2, placeholder="…") if what else ""
            risk = assess(line)
            warn = risk_lines(Risk(risk.level, risk.reasons[:1]), style, "    ")  # one reason is enough here
            out += [f"  {what}" if what else "", style(f"    {line}", fg="green"), *warn]
    table = page.flag_table()
    if table:
        out += _options(page, table, examples, width, style)
    return "\n".join(out)


def _options(page: Page, table: dict, examples: list, width: int, style: Style) -> list[str]:
    used: dict[str, int] = {}
    for _, flags in examples:
        for f in flags:
            if (found := match_flag(f, table)) is not None:
                used[found] = used.get(found, 0) + 1
    options = list(dict.fromkeys(id(p) for p in page.paras if p.flags))
    by_id = {id(p): p for p in page.paras}
    first = {id(table[f]): n for f, n in used.items()}
    generic = {id(table[f]) for f in ("--help", "--version", "--usage") if f in table}
    options.sort(key=lambda i: (-first.get(i, 0), i in generic))
    out = ["", style("Options", bold=True)]
    out += [f"  {option_line(by_id[i].text, width - 2)}" for i in options[:12]]
    if len(options) > 12:
        out.append(style(f"  (+{len(options) - 12} more: man {page.command})", dim=True))
    return out


def man_examples(page: Page) -> list[tuple[str, list[str]]]:
    """(what, command line) from the page's EXAMPLES paragraphs: the first line in each that runs
    the command (after a ``$`` prompt, or indented below the prose), the prose before it."""
    out: list[tuple[str, list[str]]] = []
    for para in page.paras:
        if not para.heading.startswith("EXAMPLE"):
            continue
        lines = para.text.splitlines()
        base = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
        for i, raw in enumerate(lines):
            line = raw.strip()
            prompted = line[:2] in ("$ ", "% ", "# ")
            line = line[2:].strip() if prompted else line
            indented = len(raw) - len(raw.lstrip()) >= base + 4
            runs = line.split(" ", 1)[0] == page.command and " " in line and not line.endswith("\\")
            if runs and (prompted or indented):
                what = " ".join(" ".join(lines[:i]).replace("•", " ").split())
                first = re.match(r"(.*?[.:!?])(\s|$)", what)
                what = first.group(1) if first else what
                out.append((f"{what}\n{line}" if what else line, []))
                break
    return out
