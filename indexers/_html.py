"""The lxml helpers the HTML-reading indexers share (DevDocs pages, a docs build's pages)."""

from __future__ import annotations

import re
import textwrap

from lxml import etree

PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_LANG_CLASS = re.compile(r"(?:^|\s)(?:highlight|language|lang)-([\w+#.-]+)")


def parse(data: bytes) -> etree._Element | None:
    """The root element of an HTML page, or None when lxml cannot parse it at all. Broken or
    truncated markup is read as far as it goes."""
    try:
        return etree.fromstring(data, PARSER)
    except (etree.LxmlError, ValueError):
        return None


def text(el: etree._Element) -> str:
    """The element's text, its runs of white space as single spaces."""
    return " ".join("".join(el.itertext()).split())


def classes(el: etree._Element) -> str:
    return str(el.get("class") or "")


def drop(el: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def pre_code(pre: etree._Element) -> str:
    """The code of a ``<pre>``: its text, dedented, without the blank lines around it."""
    return textwrap.dedent("".join(pre.itertext())).strip("\n").rstrip()


def pre_language(pre: etree._Element, ancestors: int = 6) -> str:
    """The language tag a ``<pre>`` is marked with, lower-cased as written (``data-language``;
    Sphinx's ``highlight-X``, ``language-X`` and pandoc's ``sourceCode X`` classes on it, its
    ``<code>`` or up to ``ancestors`` of its ancestors), or ""."""
    candidates = [pre, *pre.iterchildren("code"), *list(pre.iterancestors())[:ancestors]]
    for el in candidates:
        if el.get("data-language"):
            return str(el.get("data-language")).lower()
        cls = classes(el)
        m = _LANG_CLASS.search(cls)
        if m:
            return m[1].lower()
        words = cls.split()
        if "sourceCode" in words and len(words) > 1:
            return next(w for w in words if w != "sourceCode").lower()
    return ""
