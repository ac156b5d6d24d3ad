"""Exceptions raised by seedloft.

Every error the library raises on purpose derives from :class:`LoftError`, so one
``except LoftError`` catches them all; each subclass carries the values a caller needs
to recover (the missing fields, the grams actually available, the line of a bad file).
"""

from __future__ import annotations


class LoftError(Exception):
    """Base class of every error seedloft raises on purpose.

    >>> issubclass(ShortOfSeed, LoftError)
    True
    """


class UnknownLot(LoftError, LookupError):
    """No lot with this accession code is in the ledger.

    Args:
        code: the accession code that was asked for.

    >>> str(UnknownLot("SL-0404"))
    'no lot SL-0404 in the ledger'
    """

    def __init__(self, code: str):
        super().__init__(f"no lot {code} in the ledger")
        self.code = code


class DuplicateLot(LoftError):
    """A lot with this accession code is already shelved.

    Args:
        code: the accession code that clashed.
    """

    def __init__(self, code: str):
        super().__init__(f"lot {code} is already in the ledger")
        self.code = code


class BadLotCode(LoftError, ValueError):
    """An accession code does not have the ``PREFIX-NNNN`` shape (two to four capitals, a
    dash, four digits), e.g. ``SL-0042``.

    Args:
        code: the offending text.
    """

    def __init__(self, code: str):
        super().__init__(f"bad accession code {code!r}: expected e.g. SL-0042")
        self.code = code


class DraftIncomplete(LoftError):
    """A lot draft was sealed before every required field was given.

    Attributes:
        missing: the names of the missing fields, in order (``code``, ``year``, ``grams``).

    >>> DraftIncomplete(["year", "grams"]).missing
    ['year', 'grams']
    """

    def __init__(self, missing: list[str]):
        super().__init__("the draft lacks " + ", ".join(missing))
        self.missing = list(missing)


class SieveSyntaxError(LoftError, ValueError):
    """A filter expression could not be parsed.

    Attributes:
        text: the whole expression.
        position: the 0-based character offset where parsing failed.
    """

    def __init__(self, message: str, text: str, position: int):
        super().__init__(f"{message} at position {position} in {text!r}")
        self.text = text
        self.position = position


class LoftFormatError(LoftError):
    """A ledger file (``.loft``) or a lot table (CSV) is malformed.

    Attributes:
        line: the 1-based line number of the problem.
        source: the file name, or ``"<text>"`` for a string.
    """

    def __init__(self, message: str, *, line: int, source: str = "<text>"):
        super().__init__(f"{source}:{line}: {message}")
        self.line = line
        self.source = source


class ShortOfSeed(LoftError):
    """More seed was asked for than a lot holds (beyond its reserve).

    Attributes:
        code: the lot.
        wanted: grams asked for.
        available: grams that could have been sent.
    """

    def __init__(self, code: str, wanted: float, available: float):
        super().__init__(f"lot {code} has {available:g} g to spare, {wanted:g} g asked for")
        self.code = code
        self.wanted = wanted
        self.available = available


class LotUnavailable(LoftError):
    """The lot cannot be sent or sown in its current state (withdrawn or held).

    Attributes:
        code: the lot.
        state: its :class:`~seedloft.kinds.LotState`.
    """

    def __init__(self, code: str, state: object):
        super().__init__(f"lot {code} is {getattr(state, 'value', state)} and cannot be used")
        self.code = code
        self.state = state
