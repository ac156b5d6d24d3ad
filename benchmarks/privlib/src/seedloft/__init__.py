"""seedloft: the catalogue of a seed bank.

Lots of seed (accessions) are described with a fluent draft, kept in a ledger, filtered with
the sieve language, tested for germination, sent to other institutions, regrown when they
weaken, and saved to ``.loft`` files or CSV tables.

>>> import seedloft
>>> bank = seedloft.starter_ledger()
>>> [lot.code for lot in bank.sift("tag:heirloom and year>=2018")]
['SL-0003']
"""

from .accession import Accession, AccessionDraft, check_code, draft
from .errors import (
    BadLotCode,
    DraftIncomplete,
    DuplicateLot,
    LoftError,
    LoftFormatError,
    LotUnavailable,
    ShortOfSeed,
    SieveSyntaxError,
    UnknownLot,
)
from .kinds import Clash, Keeping, LotState, Season, Vigour
from .ledger import RESERVE_GRAMS, Consignment, Ledger, new_ledger, starter_ledger
from .loftfile import export_table, import_table, parse_loft, read_loft, render_loft, write_loft
from .regen import PlotRow, SowingPlan, Trial, germ_count, grams_for, projected_germ, regrow_plan, seed_count
from .sieve import Sieve, sieve

__version__ = "0.3.1"

__all__ = [
    "RESERVE_GRAMS", "Accession", "AccessionDraft", "BadLotCode", "Clash", "Consignment",
    "DraftIncomplete", "DuplicateLot", "Keeping", "Ledger", "LoftError", "LoftFormatError",
    "LotState", "LotUnavailable", "PlotRow", "Season", "ShortOfSeed", "Sieve", "SieveSyntaxError",
    "SowingPlan", "Trial", "UnknownLot", "Vigour", "check_code", "draft", "export_table",
    "germ_count", "grams_for", "import_table", "new_ledger", "parse_loft", "projected_germ",
    "read_loft", "regrow_plan", "render_loft", "seed_count", "sieve", "starter_ledger", "write_loft",
]  # fmt: skip
