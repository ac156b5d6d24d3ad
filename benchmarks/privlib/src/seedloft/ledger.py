"""The ledger: the collection of lots a seed bank holds, and what is done to them.

>>> bank = starter_ledger()
>>> len(bank), bank.pluck("SL-0003").taxon
(8, 'Phaseolus vulgaris')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .accession import Accession, check_code, draft
from .errors import DuplicateLot, LotUnavailable, ShortOfSeed, UnknownLot
from .kinds import Clash, Keeping, LotState
from .sieve import Sieve, sieve

#: Grams a lot always keeps back: sending seed never takes a lot below this.
RESERVE_GRAMS = 1.0
TALLY_FIELDS = ("keeping", "state", "genus", "year", "vigour", "site")


@dataclass(frozen=True)
class Consignment:
    """A record of seed sent from the bank to another institution.

    Attributes:
        code: the lot the seed came from.
        recipient: who received it.
        grams: how much was sent.
        year: when.
    """

    code: str
    recipient: str
    grams: float
    year: int


class Ledger:
    """A seed bank's catalogue of lots, keyed by accession code.

    Iterating yields the lots in code order; ``len(ledger)`` is the number of lots and
    ``"SL-0001" in ledger`` tests for a code.

    Args:
        lots: initial lots.
        name: the bank's name, written in the ledger file's header.

    Raises:
        DuplicateLot: two initial lots share a code.
    """

    def __init__(self, lots: Iterable[Accession] = (), *, name: str = "bank"):
        self.name = name
        self._lots: dict[str, Accession] = {}
        self._sent: list[Consignment] = []
        for lot in lots:
            self.shelve(lot)

    def __len__(self) -> int:
        return len(self._lots)

    def __iter__(self) -> Iterator[Accession]:
        return iter(sorted(self._lots.values(), key=lambda lot: lot.code))

    def __contains__(self, code: object) -> bool:
        return code in self._lots

    def __repr__(self) -> str:
        return f"<Ledger {self.name!r}: {len(self)} lots>"

    @property
    def consignments(self) -> list[Consignment]:
        """Every shipment of seed sent out with :meth:`dispatch`, oldest first."""
        return list(self._sent)

    def codes(self) -> list[str]:
        """The accession codes, sorted.

        >>> starter_ledger().codes()[:2]
        ['SL-0001', 'SL-0002']
        """
        return sorted(self._lots)

    def shelve(self, lot: Accession, *, overwrite: bool = False) -> Accession:
        """Add a lot to the ledger.

        Args:
            lot: the lot, e.g. from ``draft(...).seal()``.
            overwrite: replace a lot that has the same code instead of refusing.

        Returns:
            The lot.

        Raises:
            DuplicateLot: the code is taken and ``overwrite`` is false.
        """
        check_code(lot.code)
        if lot.code in self._lots and not overwrite:
            raise DuplicateLot(lot.code)
        self._lots[lot.code] = lot
        return lot

    def pluck(self, code: str) -> Accession:
        """Look a lot up by its accession code.

        Raises:
            UnknownLot: no lot has this code.

        >>> starter_ledger().pluck("SL-0001").genus
        'Allium'
        """
        try:
            return self._lots[code]
        except KeyError:
            raise UnknownLot(code) from None

    def free_code(self, *, prefix: str = "SL") -> str:
        """The next unused accession code: one more than the highest number used with ``prefix``.

        >>> starter_ledger().free_code()
        'SL-0009'
        >>> Ledger().free_code(prefix="KEW")
        'KEW-0001'
        """
        numbers = [int(c.split("-")[1]) for c in self._lots if c.split("-")[0] == prefix]
        return f"{prefix}-{max(numbers, default=0) + 1:04d}"

    def sift(self, query: str | Sieve) -> list[Accession]:
        """The lots a filter expression admits, in code order.

        Args:
            query: a filter in the sieve language (``"year<2018 and tag:heirloom"``), or a
                compiled :class:`~seedloft.sieve.Sieve`.

        Returns:
            The matching lots.

        Raises:
            SieveSyntaxError: the expression does not parse.

        >>> [lot.code for lot in starter_ledger().sift("keep=deep and germ>=80")]
        ['SL-0003', 'SL-0007']
        """
        rule = query if isinstance(query, Sieve) else sieve(query)
        return [lot for lot in self if rule.admits(lot)]

    def tally(self, *, by: str = "keeping") -> dict[str, int]:
        """Count lots per value of a field.

        Args:
            by: one of ``keeping``, ``state``, ``genus``, ``year``, ``vigour``, ``site``. Enum
                fields are counted by their value (``"deep"``); untested lots count under
                ``"untested"`` for ``vigour``.

        Returns:
            Counts keyed by the field's value as a string, sorted by key.

        Raises:
            ValueError: unknown field.

        >>> starter_ledger().tally(by="state")
        {'held': 1, 'shelved': 6, 'withdrawn': 1}
        """
        if by not in TALLY_FIELDS:
            raise ValueError(f"cannot tally by {by!r}: use one of {', '.join(TALLY_FIELDS)}")
        counts: Counter[str] = Counter()
        for lot in self:
            value = getattr(lot, by)
            counts[str(getattr(value, "value", "untested" if value is None else value))] += 1
        return dict(sorted(counts.items()))

    def stock(self, *, where: str | None = None) -> float:
        """Total grams of seed held, optionally only in the lots a filter admits.

        >>> starter_ledger().stock(where="genus=Allium")
        16.5
        """
        lots = self.sift(where) if where else list(self)
        return round(sum(lot.grams for lot in lots), 3)

    def dispatch(self, code: str, *, recipient: str, grams: float, year: int) -> Consignment:
        """Send (lend) seed from a lot to another institution, and record the shipment.

        The lot's weight drops by ``grams``; :data:`RESERVE_GRAMS` always stays behind.

        Args:
            code: the lot to take seed from.
            recipient: who receives it.
            grams: how much to send.
            year: the year of the shipment.

        Returns:
            The :class:`Consignment` record (also kept in :attr:`consignments`).

        Raises:
            UnknownLot: no such lot.
            LotUnavailable: the lot is held or withdrawn.
            ShortOfSeed: fewer than ``grams`` can be spared; ``.available`` says how many.
        """
        lot = self.pluck(code)
        if not lot.usable:
            raise LotUnavailable(code, lot.state)
        spare = round(max(0.0, lot.grams - RESERVE_GRAMS), 3)
        if grams > spare:
            raise ShortOfSeed(code, grams, spare)
        self._lots[code] = lot.but(grams=round(lot.grams - grams, 3))
        sent = Consignment(code, recipient, float(grams), year)
        self._sent.append(sent)
        return sent

    def withdraw(self, code: str, *, reason: str) -> Accession:
        """Retire a lot from the collection for good (state ``WITHDRAWN``, ``note`` = reason).

        Returns:
            The withdrawn lot.
        """
        lot = self.pluck(code).but(state=LotState.WITHDRAWN, note=reason)
        self._lots[code] = lot
        return lot

    def isolate(self, code: str, *, release: bool = False) -> Accession:
        """Quarantine a lot (state ``HELD``), or with ``release=True`` put it back on the shelf.

        Returns:
            The updated lot.
        """
        lot = self.pluck(code)
        lot = lot.but(state=LotState.SHELVED if release else LotState.HELD)
        self._lots[code] = lot
        return lot

    def log_trial(self, code: str, trial: object) -> Accession:
        """Record a germination test's result as the lot's germination rate.

        Args:
            code: the lot tested.
            trial: a :class:`~seedloft.regen.Trial` (anything with a ``rate`` in percent).

        Returns:
            The updated lot.
        """
        lot = self.pluck(code).but(germ_pct=float(trial.rate))  # type: ignore[attr-defined]
        self._lots[code] = lot
        return lot

    def absorb(self, other: Ledger, *, clash: Clash | str = Clash.OURS) -> int:
        """Merge another ledger's lots into this one.

        Args:
            other: the ledger to take lots from (left unchanged).
            clash: what to do with a code both hold, a :class:`~seedloft.kinds.Clash`.

        Returns:
            The number of lots added or replaced.

        Raises:
            DuplicateLot: a code clashes and ``clash`` is ``Clash.REFUSE``.
        """
        policy = Clash.parse(clash)  # type: ignore[arg-type]
        taken = 0
        for lot in other:
            if lot.code in self._lots:
                if policy is Clash.REFUSE:
                    raise DuplicateLot(lot.code)
                if policy is Clash.OURS:
                    continue
            self._lots[lot.code] = lot
            taken += 1
        return taken


def new_ledger(*lots: Accession, name: str = "bank") -> Ledger:
    """Start a ledger (a seed bank catalogue), empty or with the lots given.

    >>> new_ledger(name="north")
    <Ledger 'north': 0 lots>
    """
    return Ledger(lots, name=name)


_STARTER = [
    ("SL-0001", "Allium cepa", 2015, 12.5, "Ljubljana", "chill", 91, "heirloom red", "shelved"),
    ("SL-0002", "Allium porrum", 2019, 4.0, "Gent", "chill", 64, "", "shelved"),
    ("SL-0003", "Phaseolus vulgaris", 2021, 250.0, "Oaxaca", "deep", 97, "heirloom climbing", "shelved"),
    ("SL-0004", "Solanum lycopersicum", 2012, 3.2, "Napoli", "ambient", 38, "red", "shelved"),
    ("SL-0005", "Daucus carota", 2018, 9.0, "Nantes", "chill", None, "", "held"),
    ("SL-0006", "Hordeum vulgare", 2009, 480.0, "Svalbard", "cryo", 76, "landrace", "shelved"),
    ("SL-0007", "Zea mays", 2020, 900.0, "Puebla", "deep", 88, "landrace red", "shelved"),
    ("SL-0008", "Pisum sativum", 2014, 55.0, "Brno", "ambient", 52, "", "withdrawn"),
]


def starter_ledger() -> Ledger:
    """The example seed bank that ships with seedloft: eight lots, ``SL-0001`` to ``SL-0008``.

    A fresh copy each call, so changing it is safe.

    >>> sorted(starter_ledger().tally(by="keeping").items())
    [('ambient', 2), ('chill', 3), ('cryo', 1), ('deep', 2)]
    """
    bank = Ledger(name="starter")
    for code, taxon, year, grams, site, keep, germ, tags, state in _STARTER:
        d = draft(taxon).coded(code).harvested(year).weighing(grams).from_site(site).kept(Keeping(keep))
        if germ is not None:
            d = d.germinating(germ)
        lot = d.tagged(*tags.split()).seal()
        bank.shelve(lot.but(state=LotState(state)))
    return bank
