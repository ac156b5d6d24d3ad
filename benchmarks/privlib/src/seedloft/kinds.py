"""The enumerations of seedloft: storage tiers, vigour grades, lot states, sowing seasons and
clash policies.

Members are compared by identity (``lot.keeping is Keeping.DEEP``); every enum also parses its
value from text with ``parse``.
"""

from __future__ import annotations

import enum


class _Parsable(enum.Enum):
    @classmethod
    def parse(cls, text: str):
        """The member whose value or name is ``text`` (case and surrounding spaces ignored).

        Raises:
            ValueError: no member matches.
        """
        if isinstance(text, cls):
            return text
        key = str(text).strip().lower()
        for member in cls:
            if key in (member.value, member.name.lower()):
                return member
        choices = ", ".join(m.value for m in cls)
        raise ValueError(f"unknown {cls.__name__} {text!r}: use one of {choices}")


class Keeping(_Parsable):
    """Where a lot is stored; decides how fast its seed loses viability.

    ``AMBIENT`` is a room-temperature shelf, ``CHILL`` the 4 °C coldroom, ``DEEP`` the
    -18 °C freezer and ``CRYO`` liquid nitrogen.

    >>> Keeping.parse("deep")
    <Keeping.DEEP: 'deep'>
    >>> Keeping.DEEP.celsius
    -18.0
    """

    AMBIENT = "ambient"
    CHILL = "chill"
    DEEP = "deep"
    CRYO = "cryo"

    @property
    def celsius(self) -> float:
        """Storage temperature in degrees Celsius.

        >>> Keeping.CRYO.celsius
        -196.0
        """
        return {"ambient": 20.0, "chill": 4.0, "deep": -18.0, "cryo": -196.0}[self.value]

    @property
    def shelf_life_years(self) -> int:
        """Years a lot stays usable in this store before it must be regrown.

        >>> Keeping.CHILL.shelf_life_years
        10
        """
        return {"ambient": 3, "chill": 10, "deep": 40, "cryo": 100}[self.value]

    @property
    def annual_loss(self) -> float:
        """Germination percentage points lost per year of storage.

        >>> Keeping.AMBIENT.annual_loss
        8.0
        """
        return {"ambient": 8.0, "chill": 3.0, "deep": 1.0, "cryo": 0.2}[self.value]


class Vigour(_Parsable):
    """How well a lot germinates, graded from its germination rate (percent).

    ``ROBUST`` at 85 % or more, ``STEADY`` from 70 %, ``FLAGGING`` from 50 %, ``SPENT`` below.
    """

    ROBUST = "robust"
    STEADY = "steady"
    FLAGGING = "flagging"
    SPENT = "spent"

    @classmethod
    def grade(cls, pct: float) -> Vigour:
        """The vigour grade of a germination rate.

        Args:
            pct: germination rate in percent, 0 to 100.

        Returns:
            The grade.

        Raises:
            ValueError: ``pct`` is outside 0..100.

        >>> Vigour.grade(72)
        <Vigour.STEADY: 'steady'>
        >>> Vigour.grade(49.9)
        <Vigour.SPENT: 'spent'>
        """
        if not 0 <= pct <= 100:
            raise ValueError(f"germination rate {pct} is not a percentage")
        if pct >= 85:
            return cls.ROBUST
        if pct >= 70:
            return cls.STEADY
        return cls.FLAGGING if pct >= 50 else cls.SPENT


class LotState(_Parsable):
    """The life-cycle state of a lot.

    ``SHELVED`` (in store, usable), ``HELD`` (quarantined, e.g. a suspected pathogen; not sent
    or sown) and ``WITHDRAWN`` (retired from the collection for good).
    """

    SHELVED = "shelved"
    HELD = "held"
    WITHDRAWN = "withdrawn"


class Season(_Parsable):
    """A sowing season: ``THAW`` (spring), ``HIGHSUN`` (summer), ``LEAFFALL`` (autumn) and
    ``FROST`` (winter), in the northern hemisphere.
    """

    THAW = "thaw"
    HIGHSUN = "highsun"
    LEAFFALL = "leaffall"
    FROST = "frost"

    @classmethod
    def of_month(cls, month: int, *, southern: bool = False) -> Season:
        """The season a calendar month falls in.

        Args:
            month: 1 (January) to 12.
            southern: the southern hemisphere, where seasons are shifted by six months.

        Returns:
            The season: March-May is ``THAW``, June-August ``HIGHSUN``, September-November
            ``LEAFFALL``, December-February ``FROST`` (north).

        Raises:
            ValueError: ``month`` is not 1..12.

        >>> Season.of_month(10)
        <Season.LEAFFALL: 'leaffall'>
        >>> Season.of_month(10, southern=True)
        <Season.THAW: 'thaw'>
        """
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is not 1..12")
        if southern:
            month = (month + 5) % 12 + 1
        order = [cls.FROST, cls.THAW, cls.HIGHSUN, cls.LEAFFALL]
        return order[(month % 12) // 3]


class Clash(_Parsable):
    """What merging two ledgers does when both hold a lot with the same code.

    ``OURS`` keeps the receiving ledger's lot, ``THEIRS`` takes the incoming one, and
    ``REFUSE`` raises :class:`~seedloft.errors.DuplicateLot`.
    """

    OURS = "ours"
    THEIRS = "theirs"
    REFUSE = "refuse"
