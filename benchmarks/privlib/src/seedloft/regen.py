"""Germination tests, seed counts, viability forecasts and regeneration (re-sowing) plans.

A lot is regrown when it germinates poorly or has outlived its storage tier; the plan says how
many grams of each lot to sow, and in which season.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .kinds import Season, Vigour


@dataclass(frozen=True)
class Trial:
    """The result of a germination test: ``sown`` seeds, of which ``emerged`` sprouted.

    Attributes:
        sown: seeds sown.
        emerged: seeds that sprouted.
        days: length of the test in days.
    """

    sown: int
    emerged: int
    days: int = 14

    @property
    def rate(self) -> float:
        """Germination rate in percent, rounded to one decimal.

        >>> germ_count(50, emerged=41).rate
        82.0
        """
        return round(100.0 * self.emerged / self.sown, 1)

    @property
    def verdict(self) -> Vigour:
        """The vigour grade of the rate.

        >>> germ_count(50, emerged=41).verdict
        <Vigour.STEADY: 'steady'>
        """
        return Vigour.grade(self.rate)


def germ_count(sown: int, *, emerged: int, days: int = 14) -> Trial:
    """Record a germination test.

    Args:
        sown: number of seeds sown (at least 1).
        emerged: number that sprouted (0..sown).
        days: how long the test ran.

    Returns:
        The :class:`Trial`.

    Raises:
        ValueError: the counts are impossible.

    >>> germ_count(200, emerged=150).rate
    75.0
    """
    if sown < 1 or not 0 <= emerged <= sown:
        raise ValueError(f"cannot have {emerged} of {sown} seeds sprout")
    return Trial(int(sown), int(emerged), int(days))


def seed_count(grams: float, *, per_mille: float) -> int:
    """How many seeds are in a weight of seed.

    Args:
        grams: the weight of seed.
        per_mille: the thousand-seed weight (grams per 1000 seeds) of the species.

    Returns:
        The number of whole seeds (rounded down).

    >>> seed_count(3.2, per_mille=4)
    800
    """
    if per_mille <= 0:
        raise ValueError("the thousand-seed weight must be positive")
    return int(grams * 1000 / per_mille + 1e-9)


def grams_for(seeds: int, *, per_mille: float) -> float:
    """The weight of a number of seeds, in grams, rounded to 3 decimals.

    Args:
        seeds: how many seeds.
        per_mille: the thousand-seed weight in grams.

    >>> grams_for(500, per_mille=2.4)
    1.2
    """
    return round(seeds * per_mille / 1000, 3)


def projected_germ(lot, *, in_year: int) -> float | None:
    """Forecast a lot's germination rate in a future year.

    The rate is assumed measured at harvest and to fall by the storage tier's
    ``annual_loss`` every year after; it never goes below zero.

    Args:
        lot: an :class:`~seedloft.accession.Accession`.
        in_year: the year to forecast for.

    Returns:
        The rate in percent (one decimal), or ``None`` for an untested lot.

    >>> import seedloft
    >>> projected_germ(seedloft.starter_ledger().pluck("SL-0001"), in_year=2026)
    58.0
    """
    if lot.germ_pct is None:
        return None
    years = max(0, in_year - lot.year)
    return round(max(0.0, lot.germ_pct - years * lot.keeping.annual_loss), 1)


@dataclass(frozen=True)
class PlotRow:
    """One lot in a regeneration plan.

    Attributes:
        code: the lot.
        taxon: its taxon.
        sow_grams: grams to sow.
        season: when to sow.
        why: ``"weak"`` (low germination) or ``"overdue"`` (past its shelf life).
    """

    code: str
    taxon: str
    sow_grams: float
    season: Season
    why: str


class SowingPlan:
    """The lots to regrow, from :func:`regrow_plan`. Iterating yields :class:`PlotRow` objects."""

    def __init__(self, rows: list[PlotRow]):
        self.rows = list(rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[PlotRow]:
        return iter(self.rows)

    @property
    def total_grams(self) -> float:
        """Grams to sow over the whole plan."""
        return round(sum(r.sow_grams for r in self.rows), 3)

    def codes(self) -> list[str]:
        """The codes of the lots to regrow, in plan order."""
        return [r.code for r in self.rows]

    def by_season(self) -> dict[Season, list[PlotRow]]:
        """The rows grouped by sowing season."""
        out: dict[Season, list[PlotRow]] = {}
        for row in self.rows:
            out.setdefault(row.season, []).append(row)
        return out


def regrow_plan(
    ledger,
    *,
    threshold: float = 70.0,
    keep_back: float = 5.0,
    season: Season = Season.THAW,
    as_of: int | None = None,
) -> SowingPlan:
    """Plan which lots to regenerate (sow again to renew the seed).

    A shelved lot is chosen when its germination rate is below ``threshold`` (``why="weak"``)
    or, if ``as_of`` is given, when it has outlived its storage tier (``why="overdue"``).
    Half of what the lot holds above ``keep_back`` grams is sown (one decimal); a lot with
    nothing above ``keep_back`` is left out. Held and withdrawn lots are never chosen.

    Args:
        ledger: the :class:`~seedloft.ledger.Ledger`.
        threshold: germination rate (percent) below which a lot is regrown.
        keep_back: grams that stay in store whatever happens.
        season: the sowing season written on every row.
        as_of: the current year, to find overdue lots; ``None`` skips that test.

    Returns:
        The :class:`SowingPlan`, lots in code order.

    >>> import seedloft
    >>> regrow_plan(seedloft.starter_ledger(), threshold=70, keep_back=1).codes()
    ['SL-0002', 'SL-0004']
    """
    rows = []
    for lot in ledger:
        if not lot.usable:
            continue
        if lot.germ_pct is not None and lot.germ_pct < threshold:
            why = "weak"
        elif as_of is not None and lot.overdue(as_of=as_of):
            why = "overdue"
        else:
            continue
        spare = lot.grams - keep_back
        if spare <= 0:
            continue
        rows.append(PlotRow(lot.code, lot.taxon, round(spare / 2, 1), Season.parse(season), why))
    return SowingPlan(rows)
