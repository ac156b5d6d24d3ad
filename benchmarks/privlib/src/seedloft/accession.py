"""Lots (accessions) of seed and the draft builder that makes them.

A lot is immutable: changing one (``lot.but(grams=3.0)``) returns a new lot, and a
:class:`~seedloft.ledger.Ledger` stores the new version in place of the old.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .errors import BadLotCode, DraftIncomplete
from .kinds import Keeping, LotState, Vigour

CODE_PATTERN = re.compile(r"[A-Z]{2,4}-\d{4}")


def check_code(code: str) -> str:
    """Validate an accession code and return it.

    Args:
        code: text of the shape ``PREFIX-NNNN``: two to four capitals, a dash, four digits.

    Returns:
        The code, unchanged.

    Raises:
        BadLotCode: the shape is wrong.

    >>> check_code("SL-0042")
    'SL-0042'
    >>> check_code("sl-42")
    Traceback (most recent call last):
    ...
    seedloft.errors.BadLotCode: bad accession code 'sl-42': expected e.g. SL-0042
    """
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        raise BadLotCode(str(code))
    return code


@dataclass(frozen=True)
class Accession:
    """One lot of seed in the bank.

    Build one with :func:`draft` rather than calling the class.

    Attributes:
        code: accession code, e.g. ``"SL-0001"``.
        taxon: botanical name, genus first (``"Allium cepa"``).
        year: harvest year.
        grams: seed weight in store, in grams.
        site: where the seed was collected.
        keeping: the storage tier, a :class:`~seedloft.kinds.Keeping`.
        germ_pct: the last measured germination rate in percent, or ``None`` if never tested.
        tags: free labels (``"heirloom"``, ``"red"``), lower case.
        state: a :class:`~seedloft.kinds.LotState`.
        note: free text; withdrawing a lot records the reason here.
    """

    code: str
    taxon: str
    year: int
    grams: float
    site: str = ""
    keeping: Keeping = Keeping.CHILL
    germ_pct: float | None = None
    tags: frozenset[str] = frozenset()
    state: LotState = LotState.SHELVED
    note: str = ""

    @property
    def genus(self) -> str:
        """The genus, the first word of the taxon.

        >>> draft("Allium cepa").coded("SL-0001").harvested(2020).weighing(3).seal().genus
        'Allium'
        """
        return self.taxon.split()[0] if self.taxon.strip() else ""

    @property
    def vigour(self) -> Vigour | None:
        """The vigour grade of the last germination rate, ``None`` if the lot was never tested."""
        return None if self.germ_pct is None else Vigour.grade(self.germ_pct)

    @property
    def usable(self) -> bool:
        """Whether the lot may be sent or sown (it is shelved, not held or withdrawn)."""
        return self.state is LotState.SHELVED

    def age(self, *, as_of: int) -> int:
        """Years since harvest.

        Args:
            as_of: the reference year.

        Returns:
            ``as_of - year``, never negative.

        >>> lot = draft("Pisum sativum").coded("SL-0002").harvested(2015).weighing(40).seal()
        >>> lot.age(as_of=2024)
        9
        """
        return max(0, as_of - self.year)

    def overdue(self, *, as_of: int) -> bool:
        """Whether the lot has outlived its storage tier's shelf life and should be regrown.

        >>> lot = draft("Pisum sativum").coded("SL-0002").harvested(2015).weighing(40).seal()
        >>> lot.overdue(as_of=2026)
        True
        """
        return self.age(as_of=as_of) > self.keeping.shelf_life_years

    def carries(self, tag: str) -> bool:
        """Whether the lot has ``tag`` (case-insensitive)."""
        return tag.strip().lower() in self.tags

    def but(self, **changes: object) -> Accession:
        """A copy of the lot with some fields changed (the lot itself never changes).

        Args:
            **changes: field names and their new values.

        Returns:
            The new lot.

        >>> lot = draft("Pisum sativum").coded("SL-0002").harvested(2015).weighing(40).seal()
        >>> lot.but(grams=12.5).grams
        12.5
        """
        if "tags" in changes:
            changes["tags"] = frozenset(str(t).lower() for t in changes["tags"])  # type: ignore[attr-defined]
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


class AccessionDraft:
    """A fluent builder for a new lot: chain the setters, then :meth:`seal`.

    The code, harvest year and weight are required; everything else has a default
    (coldroom storage, untested, no tags).

    >>> lot = (draft("Phaseolus vulgaris").coded("SL-0100").harvested(2022).weighing(40)
    ...        .kept(Keeping.DEEP).tagged("heirloom", "Climbing").seal())
    >>> lot.keeping, sorted(lot.tags)
    (<Keeping.DEEP: 'deep'>, ['climbing', 'heirloom'])
    """

    def __init__(self, taxon: str):
        """Start a draft for a lot of ``taxon`` (e.g. ``"Allium cepa"``)."""
        self._fields: dict[str, object] = {"taxon": " ".join(taxon.split())}

    def coded(self, code: str) -> AccessionDraft:
        """Set the accession code (``PREFIX-NNNN``).

        Raises:
            BadLotCode: the code has the wrong shape.
        """
        self._fields["code"] = check_code(code)
        return self

    def harvested(self, year: int) -> AccessionDraft:
        """Set the harvest year."""
        self._fields["year"] = int(year)
        return self

    def weighing(self, grams: float) -> AccessionDraft:
        """Set the seed weight in grams (not negative)."""
        if grams < 0:
            raise ValueError("a lot cannot weigh less than nothing")
        self._fields["grams"] = float(grams)
        return self

    def from_site(self, site: str) -> AccessionDraft:
        """Set the collection site (a place name)."""
        self._fields["site"] = site
        return self

    def kept(self, keeping: Keeping | str) -> AccessionDraft:
        """Set the storage tier: a :class:`~seedloft.kinds.Keeping` or its value (``"deep"``)."""
        self._fields["keeping"] = Keeping.parse(keeping)  # type: ignore[arg-type]
        return self

    def germinating(self, pct: float) -> AccessionDraft:
        """Set the measured germination rate in percent (0..100)."""
        if not 0 <= pct <= 100:
            raise ValueError(f"germination rate {pct} is not a percentage")
        self._fields["germ_pct"] = float(pct)
        return self

    def tagged(self, *tags: str) -> AccessionDraft:
        """Add labels; they are stored lower case, and repeated calls add more."""
        old = self._fields.get("tags", frozenset())
        self._fields["tags"] = frozenset(old) | {t.strip().lower() for t in tags}  # type: ignore[arg-type]
        return self

    def seal(self) -> Accession:
        """Finish the draft.

        Returns:
            The new :class:`Accession`.

        Raises:
            DraftIncomplete: the code, harvest year or weight was never set.

        >>> draft("Allium cepa").coded("SL-0001").seal()
        Traceback (most recent call last):
        ...
        seedloft.errors.DraftIncomplete: the draft lacks year, grams
        """
        missing = [f for f in ("code", "year", "grams") if f not in self._fields]
        if missing:
            raise DraftIncomplete(missing)
        return Accession(**self._fields)  # type: ignore[arg-type]


def draft(taxon: str) -> AccessionDraft:
    """Begin describing a new lot of seed of ``taxon``; finish it with ``.seal()``.

    Args:
        taxon: the botanical name, genus first.

    Returns:
        An :class:`AccessionDraft` to chain setters on.

    >>> draft("Allium cepa").coded("SL-0001").harvested(2019).weighing(12.5).seal().grams
    12.5
    """
    return AccessionDraft(taxon)
