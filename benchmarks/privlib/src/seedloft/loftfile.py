"""Reading and writing ledgers: the ``.loft`` text format, and CSV lot tables.

A ``.loft`` file starts with a header line ``%loft 1 name=<bank name>``; then one line per lot,
nine fields separated by ``|``::

    SL-0001 | Allium cepa | 2015 | 12.5 g | Ljubljana | chill | 91 | heirloom,red | shelved

(code, taxon, harvest year, weight with its ``g``, site, storage tier, germination rate or
``-``, tags or ``-``, state; an optional tenth field is the note). Lines starting with ``>``
record seed sent out: ``> SL-0003 | Kew | 2 g | 2024``. Blank lines and ``#`` comments are
ignored.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .accession import Accession
from .errors import BadLotCode, DuplicateLot, LoftFormatError
from .kinds import Keeping, LotState
from .ledger import Consignment, Ledger

HEADER = "%loft 1"
TABLE_FIELDS = ("code", "taxon", "year", "grams", "site", "keep", "germ", "tags", "state")


def _grams(text: str) -> float:
    text = text.strip()
    if not text.endswith("g"):
        raise ValueError(f"weight {text!r} lacks its unit 'g'")
    return float(text[:-1])


def render_loft(ledger: Ledger) -> str:
    """The ledger as ``.loft`` text (lots in code order, then the seed sent out).

    >>> import seedloft
    >>> print(render_loft(seedloft.starter_ledger()).splitlines()[1])
    SL-0001 | Allium cepa | 2015 | 12.5 g | Ljubljana | chill | 91 | heirloom,red | shelved
    """
    lines = [f"{HEADER} name={ledger.name}"]
    for lot in ledger:
        germ = "-" if lot.germ_pct is None else f"{lot.germ_pct:g}"
        tags = ",".join(sorted(lot.tags)) or "-"
        fields = [lot.code, lot.taxon, str(lot.year), f"{lot.grams:g} g", lot.site or "-",
                  lot.keeping.value, germ, tags, lot.state.value]  # fmt: skip
        if lot.note:
            fields.append(lot.note.replace("|", "/").replace("\n", " "))
        lines.append(" | ".join(fields))
    for sent in ledger.consignments:
        lines.append(f"> {sent.code} | {sent.recipient} | {sent.grams:g} g | {sent.year}")
    return "\n".join(lines) + "\n"


def parse_loft(text: str, *, source: str = "<text>") -> Ledger:
    """Read ``.loft`` text into a ledger.

    Args:
        text: the file's contents.
        source: a name for error messages.

    Returns:
        The :class:`~seedloft.ledger.Ledger`, with its recorded shipments.

    Raises:
        LoftFormatError: a line is malformed; ``.line`` is its number.

    >>> text = "%loft 1 name=mini\\nAB-0001 | Beta vulgaris | 2020 | 8 g | - | deep | - | - | shelved\\n"
    >>> bank = parse_loft(text)
    >>> bank.name, bank.pluck("AB-0001").keeping
    ('mini', <Keeping.DEEP: 'deep'>)
    """
    lines = text.splitlines()
    if not lines or not lines[0].startswith(HEADER):
        raise LoftFormatError(f"the first line must be '{HEADER} name=...'", line=1, source=source)
    name = lines[0].partition("name=")[2].strip() or "bank"
    ledger = Ledger(name=name)
    sent: list[Consignment] = []
    for number, line in enumerate(lines[1:], start=2):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if line.startswith(">"):
                code, recipient, grams, year = (f.strip() for f in line[1:].split("|"))
                sent.append(Consignment(code, recipient, _grams(grams), int(year)))
                continue
            fields = [f.strip() for f in line.split("|")]
            if len(fields) not in (9, 10):
                raise ValueError(f"expected 9 fields separated by '|', found {len(fields)}")
            code, taxon, year, grams, site, keep, germ, tags, state = fields[:9]
            lot = Accession(
                code=code, taxon=taxon, year=int(year), grams=_grams(grams),
                site="" if site == "-" else site, keeping=Keeping.parse(keep),
                germ_pct=None if germ == "-" else float(germ),
                tags=frozenset() if tags == "-" else frozenset(t.strip().lower() for t in tags.split(",")),
                state=LotState.parse(state), note=fields[9] if len(fields) == 10 else "",
            )  # fmt: skip
            ledger.shelve(lot)
        except (ValueError, BadLotCode, DuplicateLot) as exc:
            raise LoftFormatError(str(exc), line=number, source=source) from None
    ledger._sent.extend(sent)
    return ledger


def write_loft(ledger: Ledger, path: str | Path) -> Path:
    """Save a ledger to a ``.loft`` file (UTF-8), replacing it.

    Returns:
        The path written.
    """
    path = Path(path)
    path.write_text(render_loft(ledger), encoding="utf-8")
    return path


def read_loft(path: str | Path) -> Ledger:
    """Load a ledger from a ``.loft`` file.

    Raises:
        FileNotFoundError: no such file.
        LoftFormatError: the file is malformed (``.line`` says where).
    """
    path = Path(path)
    return parse_loft(path.read_text(encoding="utf-8"), source=path.name)


def _cell(lot: Accession, field: str) -> str:
    value = {"keep": lot.keeping.value, "germ": lot.germ_pct, "state": lot.state.value,
             "tags": ";".join(sorted(lot.tags))}.get(field, getattr(lot, field, None))  # fmt: skip
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def export_table(
    ledger: Ledger,
    path: str | Path,
    *,
    fields: tuple[str, ...] | list[str] = ("code", "taxon", "year", "grams"),
    sep: str = ",",
    where: str | None = None,
) -> int:
    """Write lots to a CSV file with a header row.

    Args:
        ledger: the ledger.
        path: the CSV file to write.
        fields: the columns, from ``code, taxon, year, grams, site, keep, germ, tags, state,
            genus``; tags are joined with ``;``.
        sep: the column separator.
        where: a sieve filter; only the lots it admits are written.

    Returns:
        The number of lots written.

    Raises:
        ValueError: an unknown column.
    """
    unknown = [f for f in fields if f not in (*TABLE_FIELDS, "genus")]
    if unknown:
        raise ValueError(f"unknown column {unknown[0]!r}")
    lots = ledger.sift(where) if where else list(ledger)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(fields)
    writer.writerows([_cell(lot, f) for f in fields] for lot in lots)
    Path(path).write_text(buffer.getvalue(), encoding="utf-8")
    return len(lots)


def import_table(path: str | Path, *, keeping: Keeping | str = Keeping.CHILL, sep: str = ",") -> Ledger:
    """Read lots from a CSV file with a header row.

    The columns ``code``, ``taxon``, ``year`` and ``grams`` are required; ``site``, ``keep``,
    ``germ``, ``tags`` (separated by ``;``) and ``state`` are optional, in any order.

    Args:
        path: the CSV file.
        keeping: storage tier for rows without a ``keep`` value.
        sep: the column separator.

    Returns:
        A new ledger named after the file (without its suffix).

    Raises:
        LoftFormatError: a required column is missing or a row is malformed (``.line``).
    """
    path = Path(path)
    default_keep = Keeping.parse(keeping)  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=sep))
    if not rows:
        raise LoftFormatError("empty table", line=1, source=path.name)
    header = [h.strip().lower() for h in rows[0]]
    missing = [f for f in ("code", "taxon", "year", "grams") if f not in header]
    if missing:
        raise LoftFormatError(f"missing column {missing[0]!r}", line=1, source=path.name)
    ledger = Ledger(name=path.stem)
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = dict(zip(header, (c.strip() for c in row)))
        try:
            ledger.shelve(Accession(
                code=cell["code"], taxon=cell["taxon"], year=int(cell["year"]),
                grams=float(cell["grams"]), site=cell.get("site", ""),
                keeping=Keeping.parse(cell["keep"]) if cell.get("keep") else default_keep,
                germ_pct=float(cell["germ"]) if cell.get("germ") else None,
                tags=frozenset(t.strip().lower() for t in cell.get("tags", "").split(";") if t.strip()),
                state=LotState.parse(cell["state"]) if cell.get("state") else LotState.SHELVED,
            ))  # fmt: skip
        except (KeyError, ValueError, BadLotCode, DuplicateLot) as exc:
            raise LoftFormatError(str(exc), line=number, source=path.name) from None
    return ledger
