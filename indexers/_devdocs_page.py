"""One DevDocs page: where each entry's content lies in it, and the entry's text from it (its
signatures and first paragraphs, capped) and code examples."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, takewhile

from lxml import etree

from . import _html
from ._html import HEADINGS

EXAMPLE_MAX_CHARS = 2000
EXAMPLE_LANGUAGES = {"console": "bash", "bash": "bash", "sh": "bash", "shell": "bash", "sql": "sql", "c": "c"}

_BLOCKS = HEADINGS | {"p", "div", "pre", "ul", "ol", "dl", "dt", "dd", "li", "table", "section"}
_SKIP_TAGS = {"table", "script", "style", "img", "svg", "form", "nav", "figure", "iframe"}
# Side material that would crowd out the description: notes, see-also, parameter lists, TF's aliases.
_SKIP_CLASSES = ("admonition", "seealso", "field-list", "expandable", "_attribution", "sphx-glr")


def clean(root: etree._Element) -> etree._Element:
    """Drop DevDocs' attribution footer and the "[source]" and "¶" links in signatures and titles;
    returns the page's body."""
    junk = "//script | //style | //*[contains(@class, '_attribution')] | //a[@class='headerlink']"
    for el in root.xpath(f"{junk} | //a[.//*[contains(@class, 'viewcode-link')]]"):
        _html.drop(el)
    body = root.find("body")
    return body if body is not None else root


def _is_api_dl(el: etree._Element) -> bool:
    """A Sphinx description list (``<dl><dt id=...>``): an API member with an entry of its own."""
    first = next(iter(el), None)
    return first is not None and first.tag == "dt" and first.get("id") is not None


def _events(elements: Iterable[etree._Element]) -> Iterator[tuple[str, etree._Element, str]]:
    """Walk content in document order, yielding (kind, element, text); kind is "p" (a paragraph's
    text), "pre", "h" (a heading), "rubric" or "stop" (an API member's own entry begins)."""
    for el in elements:
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            continue
        cls = _html.classes(el)
        if cls and any(c in cls for c in _SKIP_CLASSES):
            continue
        if tag == "pre":
            yield "pre", el, ""
        elif "rubric" in cls:  # "Examples", "Notes": the description is over
            yield "rubric", el, ""
        elif tag in HEADINGS:
            yield "h", el, ""
        elif tag == "dl" and _is_api_dl(el):
            yield "stop", el, ""  # the members of a class or module begin: they are entries of their own
            return
        elif tag in ("p", "li", "dt") or not any(c.tag in _BLOCKS for c in el):
            text = _html.text(el)
            if text:
                yield "p", el, f"- {text}" if tag == "li" else text
        else:
            yield from _events(el)


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def _example_text(pre: etree._Element) -> str:
    text = _html.pre_code(pre)
    if len(text) > EXAMPLE_MAX_CHARS:
        cut = text[:EXAMPLE_MAX_CHARS]
        text = cut[: cut.rfind("\n")] if "\n" in cut else cut
    return text


@dataclass
class Section:
    """Where an entry's content lies in its page."""

    header: str = ""
    signatures: list[str] = field(default_factory=list)
    body: Iterable[etree._Element] = ()
    stop_level: int = 0  # a heading at this level or above ends the section once text was found


def _dt_section(dt: etree._Element, header: str = "") -> Section:
    sigs = [_html.text(dt)]
    sib = dt.getnext()
    while sib is not None and sib.tag == "dt":  # overloads: more signatures of one API
        if len(sigs) < 3:
            sigs.append(_html.text(sib))
        sib = sib.getnext()
    sigs = [s for s in sigs if s]
    if sib is not None and sib.tag == "dd":
        return Section(header, sigs, list(sib))
    # No <dd>: DevDocs left the description after the list, or in the <dd> of the last of
    # several lists in a row that share it (numpy's C macros).
    nxt = dt.getparent().getnext()
    while nxt is not None and nxt.tag == "dl" and _is_api_dl(nxt) and nxt.find("dd") is None:
        nxt = nxt.getnext()
    if nxt is None:
        return Section(header, sigs)
    if nxt.tag == "dl" and _is_api_dl(nxt):
        return Section(header, sigs, list(nxt.find("dd")))
    return Section(header, sigs, chain([nxt], nxt.itersiblings()), stop_level=6)


def anchor_section(el: etree._Element) -> Section:
    if el.tag == "dt":
        return _dt_section(el)
    if el.tag in HEADINGS:
        level = int(el.tag[1])
        body = takewhile(lambda sib: sib.tag not in HEADINGS or int(sib.tag[1]) > level, el.itersiblings())
        return Section(_html.text(el), [], body)
    children = list(el)
    if children and children[0].tag in HEADINGS:  # <section id=...><h2>...
        return Section(_html.text(children[0]), [], children[1:], stop_level=int(children[0].tag[1]))
    return Section("", [], chain([el], el.itersiblings()), stop_level=6)


def top_section(body: etree._Element) -> Section:
    children = [c for c in body if isinstance(c.tag, str)]
    header = ""
    if children and children[0].tag == "h1":
        header = _html.text(children[0])
        children = children[1:]
    # A page for one API (pandas, numpy, sklearn): the title, at most a word ("method"), then its <dl>.
    lead = 0
    for child in children:
        if child.tag == "dl" and _is_api_dl(child):
            return _dt_section(child[0], header)
        if child.tag in _SKIP_TAGS:
            continue
        lead += len(_html.text(child))
        if child.tag in HEADINGS or lead > 40:
            break
    return Section(header, [], children, stop_level=2)


def content(
    section: Section, max_chars: int, max_examples: int
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """An entry's signatures, its first paragraphs and its code examples (code, language)."""
    signatures = list(section.signatures)
    paragraphs: list[str] = []
    examples: list[tuple[str, str]] = []
    size, target = 0, max_chars // 2
    for kind, el, text in _events(section.body):
        if kind == "stop":
            break
        if kind == "h":
            if int(el.tag[1]) <= section.stop_level and (paragraphs or examples):
                break
        elif kind == "pre":
            if "signature" in _html.classes(el) and not signatures:
                # TensorFlow writes the signature as a <pre> after the summary
                signatures.append(_html.text(el).replace("( ", "(").replace(" )", ")"))
            elif len(examples) < max_examples and len(code := _example_text(el)) >= 20:
                language = _html.pre_language(el, ancestors=0)
                examples.append((code, EXAMPLE_LANGUAGES.get(language, "python")))
        elif kind == "rubric":
            size = target
        elif size < target:
            paragraphs.append(text)
            size += len(text) + 1
        if size >= target and len(examples) >= max_examples:
            break
    return signatures, paragraphs, examples


def compose(name: str, header: str, signatures: list[str], paragraphs: list[str], max_chars: int) -> str:
    lines: list[str] = []
    core = name.removesuffix("()")
    if core not in header and not any(core in s for s in signatures):
        lines.append(name)
    if header:
        lines.append(header)
    lines.extend(_truncate(s, max_chars // 2) for s in signatures)
    text = "\n".join(lines)
    for para in paragraphs:
        room = max_chars - len(text) - 1
        if room < 40:
            break
        text = f"{text}\n{_truncate(para, room)}" if text else _truncate(para, room)
    return text[:max_chars] or name
