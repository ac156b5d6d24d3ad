# ruff: noqa: E501  (the task table: one request per line reads better than wrapped strings)
"""Write tasks.jsonl: the seedloft tasks, each with a deterministic tune/report split.

Run ``python benchmarks/privlib/make_tasks.py`` after editing a task; the split is stratified by
difficulty and seeded, so unchanged tasks keep their split. Fixture files are made from the
library itself (``src`` on sys.path), so they always match its format.
"""

from __future__ import annotations

import json
import random
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "src"))

import seedloft  # noqa: E402

BANK = "import seedloft\nbank = seedloft.starter_ledger()"
OTHER = BANK + (
    "\nother = seedloft.new_ledger(name='field')"
    "\nother.shelve(seedloft.draft('Allium cepa').coded('SL-0001').harvested(2024).weighing(30).seal())"
    "\nother.shelve(seedloft.draft('Vicia faba').coded('KW-0001').harvested(2023).weighing(200).seal())"
)
LOFT = seedloft.render_loft(seedloft.starter_ledger())
LOTS_CSV = (
    "code,taxon,year,grams,site,tags\nGT-0001,Lactuca sativa,2022,6.5,Gent,salad\n"
    "GT-0002,Spinacia oleracea,2021,14,Gent,\nGT-0003,Beta vulgaris,2023,22.5,Leuven,red;beet\n"
)
HARVEST_CSV = (
    "code;taxon;year;grams;keep\nHV-0001;Beta vulgaris;2024;30;\nHV-0002;Allium sativum;2024;120;deep\n"
    "HV-0003;Linum usitatissimum;2023;45;\n"
)
BROKEN = "\n".join(LOFT.splitlines()[:3]) + "\nSL-0003 | Phaseolus vulgaris | 2021 | 250 g | Oaxaca | deep\n"

# (difficulty, request, variables, setup, files, solution, check)
T: list[tuple[str, str, list[str], str, dict[str, str], str, str]] = [
    # -- easy: one call --------------------------------------------------------------------
    ("easy", "With seedloft, load the example seed bank that ships with the library and store it in `bank`.",
     ["bank"], "", {}, "import seedloft\nbank = seedloft.starter_ledger()",
     "assert isinstance(bank, seedloft.Ledger) and len(bank) == 8 and 'SL-0008' in bank"),
    ("easy", "Using seedloft, how many seeds are in 3.2 g of seed whose thousand-seed weight is 4 g? "
     "Store the count in `n`.", ["n"], "", {},
     "import seedloft\nn = seedloft.seed_count(3.2, per_mille=4)", "assert n == 800 and isinstance(n, int)"),
    ("easy", "With seedloft, how many grams do 500 seeds weigh when 1000 of them weigh 2.4 g? Store it in `g`.",
     ["g"], "", {}, "import seedloft\ng = seedloft.grams_for(500, per_mille=2.4)", "assert abs(g - 1.2) < 1e-9"),
    ("easy", "A form field says the storage is \"deep\": turn that text into seedloft's storage tier "
     "value and store it in `tier`.", ["tier"], "", {},
     "import seedloft\ntier = seedloft.Keeping.parse('deep')", "assert tier is seedloft.Keeping.DEEP"),
    ("easy", "With seedloft, what quality rating does a germination rate of 72 % get? Store the rating in `rating`.",
     ["rating"], "", {}, "import seedloft\nrating = seedloft.Vigour.grade(72)",
     "assert rating is seedloft.Vigour.STEADY"),
    ("easy", "Using seedloft, which sowing season does October (month 10) fall in? Store it in `sowing`.",
     ["sowing"], "", {}, "import seedloft\nsowing = seedloft.Season.of_month(10)",
     "assert sowing is seedloft.Season.LEAFFALL"),
    ("easy", "With seedloft, record a germination test where 50 seeds were sown and 41 of them sprouted; "
     "store the test result in `test`.", ["test"], "", {},
     "import seedloft\ntest = seedloft.germ_count(50, emerged=41)",
     "assert isinstance(test, seedloft.Trial) and test.rate == 82.0 and test.sown == 50"),
    ("easy", "Start an empty seed bank catalogue named 'north' with seedloft and store it in `north`.",
     ["north"], "", {}, "import seedloft\nnorth = seedloft.new_ledger(name='north')",
     "assert isinstance(north, seedloft.Ledger) and len(north) == 0 and north.name == 'north'"),
    ("easy", "What is the next unused lot code in the seed bank `bank`? Store it in `code`.",
     ["code"], BANK, {}, "code = bank.free_code()", "assert code == 'SL-0009'"),
    ("easy", "Get the lot with code SL-0003 from `bank` and store it in `lot`.", ["lot"], BANK, {},
     "lot = bank.pluck('SL-0003')",
     "assert isinstance(lot, seedloft.Accession) and lot.taxon == 'Phaseolus vulgaris'"),
    ("easy", "Count the lots in `bank` per storage tier and store the counts in `counts`.", ["counts"], BANK,
     {}, "counts = bank.tally(by='keeping')",
     "assert dict(counts) == {'ambient': 2, 'chill': 3, 'cryo': 1, 'deep': 2}"),
    ("easy", "What is the total weight of seed, in grams, stored in `bank`? Store it in `total`.", ["total"],
     BANK, {}, "total = bank.stock()", "assert abs(total - 1713.7) < 1e-6"),
    ("easy", "With seedloft, for how many years does seed stored in liquid nitrogen stay good before it must "
     "be regrown? Store the number in `years`.", ["years"], "", {},
     "import seedloft\nyears = seedloft.Keeping.CRYO.shelf_life_years", "assert years == 100"),
    ("easy", "With seedloft, what temperature in °C does the coldroom storage tier run at? Store it in `temp`.",
     ["temp"], "", {}, "import seedloft\ntemp = seedloft.Keeping.CHILL.celsius", "assert temp == 4.0"),
    ("easy", "Load the seed catalogue saved in the file `bank.loft` with seedloft and store it in `bank`.",
     ["bank"], "", {"bank.loft": LOFT}, "import seedloft\nbank = seedloft.read_loft('bank.loft')",
     "assert isinstance(bank, seedloft.Ledger) and len(bank) == 8 and bank.name == 'starter'"),
    ("easy", "Load the lots listed in the CSV file `lots.csv` into a seedloft catalogue and store it in `bank`.",
     ["bank"], "", {"lots.csv": LOTS_CSV}, "import seedloft\nbank = seedloft.import_table('lots.csv')",
     "assert isinstance(bank, seedloft.Ledger) and bank.codes() == ['GT-0001', 'GT-0002', 'GT-0003']\n"
     "assert bank.pluck('GT-0003').tags == {'red', 'beet'}"),
    ("easy", "Turn the seed bank `bank` into the text of its catalogue file format (.loft) and store the "
     "string in `text`.", ["text"], BANK, {}, "text = seedloft.render_loft(bank)",
     "assert isinstance(text, str) and text.startswith('%loft 1') and len(text.splitlines()) == 9\n"
     "assert seedloft.parse_loft(text).codes() == bank.codes()"),
    ("easy", "With seedloft, compile the filter query `year<2018 and tag:heirloom` once so it can be reused, "
     "and store it in `rule`.", ["rule"], "", {},
     "import seedloft\nrule = seedloft.sieve('year<2018 and tag:heirloom')",
     "bank = seedloft.starter_ledger()\nassert isinstance(rule, seedloft.Sieve)\n"
     "assert rule.admits(bank.pluck('SL-0001')) and not rule.admits(bank.pluck('SL-0003'))"),
    ("easy", "Find the lots in `bank` that are stored in the freezer; store the list of lots in `frozen`.",
     ["frozen"], BANK, {}, "frozen = bank.sift('keep=deep')",
     "assert [lot.code for lot in frozen] == ['SL-0003', 'SL-0007']"),
    ("easy", "Retire lot SL-0004 of `bank` from the collection because it is mouldy, and store the retired lot "
     "in `lot`.", ["lot"], BANK, {}, "lot = bank.withdraw('SL-0004', reason='mouldy')",
     "assert lot.state is seedloft.LotState.WITHDRAWN and 'mould' in lot.note.lower()\n"
     "assert bank.pluck('SL-0004').state is seedloft.LotState.WITHDRAWN"),
    ("easy", "With seedloft, how many germination percentage points does seed lose per year on a "
     "room-temperature shelf? Store the number in `loss`.", ["loss"], "", {},
     "import seedloft\nloss = seedloft.Keeping.AMBIENT.annual_loss", "assert loss == 8.0"),
    # -- medium: 2-3 calls, an enum, a keyword argument -----------------------------------
    ("medium", "How old is lot SL-0006 of `bank` in 2025, in years since harvest? Store it in `n_years`.", ["n_years"],
     BANK, {}, "n_years = bank.pluck('SL-0006').age(as_of=2025)", "assert n_years == 16"),
    ("medium", "Count the lots in `bank` per genus and store the counts in `by_genus`.", ["by_genus"], BANK,
     {}, "by_genus = bank.tally(by='genus')",
     "assert dict(by_genus) == {'Allium': 2, 'Daucus': 1, 'Hordeum': 1, 'Phaseolus': 1, 'Pisum': 1, "
     "'Solanum': 1, 'Zea': 1}"),
    ("medium", "Send 20 g of seed from lot SL-0003 of `bank` to Kew in 2024 and store the shipment record in "
     "`shipment`.", ["shipment"], BANK, {},
     "shipment = bank.dispatch('SL-0003', recipient='Kew', grams=20, year=2024)",
     "assert isinstance(shipment, seedloft.Consignment) and shipment.recipient == 'Kew'\n"
     "assert shipment.grams == 20 and shipment.year == 2024 and bank.pluck('SL-0003').grams == 230.0\n"
     "assert len(bank.consignments) == 1"),
    ("medium", "Put lot SL-0002 of `bank` in quarantine and store the updated lot in `lot`.", ["lot"], BANK,
     {}, "lot = bank.isolate('SL-0002')",
     "assert lot.state is seedloft.LotState.HELD and bank.pluck('SL-0002').state is seedloft.LotState.HELD"),
    ("medium", "Lot SL-0005 of `bank` is out of quarantine: put it back on the shelf and store the updated lot "
     "in `lot`.", ["lot"], BANK, {}, "lot = bank.isolate('SL-0005', release=True)",
     "assert lot.state is seedloft.LotState.SHELVED\n"
     "assert bank.pluck('SL-0005').state is seedloft.LotState.SHELVED"),
    ("medium", "Lot SL-0005 of `bank` had a germination test: 100 seeds sown, 64 sprouted. Record the result on "
     "the lot and store the updated lot in `lot`.", ["lot"], BANK, {},
     "lot = bank.log_trial('SL-0005', seedloft.germ_count(100, emerged=64))",
     "assert lot.germ_pct == 64.0 and bank.pluck('SL-0005').germ_pct == 64.0"),
    ("medium", "What quality rating does lot SL-0006 of `bank` have, from its germination rate? Store it in "
     "`rating`.", ["rating"], BANK, {}, "rating = bank.pluck('SL-0006').vigour",
     "assert rating is seedloft.Vigour.STEADY"),
    ("medium", "Forecast the germination rate of lot SL-0001 of `bank` for the year 2026 and store it in "
     "`pct`.", ["pct"], BANK, {}, "pct = seedloft.projected_germ(bank.pluck('SL-0001'), in_year=2026)",
     "assert pct == 58.0"),
    ("medium", "What is the total weight in grams of the seed in `bank` that is stored in the freezer? Store it "
     "in `frozen_grams`.", ["frozen_grams"], BANK, {}, "frozen_grams = bank.stock(where='keep=deep')",
     "assert abs(frozen_grams - 1150.0) < 1e-6"),
    ("medium", "List the codes of the lots in `bank` whose taxon contains 'vulg' (in any case); store "
     "the list in `codes`.", ["codes"], BANK, {}, "codes = [lot.code for lot in bank.sift('taxon~vulg')]",
     "assert list(codes) == ['SL-0003', 'SL-0006']"),
    ("medium", "Which lots of `bank` have never had a germination test? Store their lot codes in a list "
     "`untested`.", ["untested"], BANK, {}, "untested = [lot.code for lot in bank.sift('not germ>=0')]",
     "assert list(untested) == ['SL-0005']"),
    ("medium", "With seedloft, which sowing season is April in the southern hemisphere? Store it in `sowing`.",
     ["sowing"], "", {}, "import seedloft\nsowing = seedloft.Season.of_month(4, southern=True)",
     "assert sowing is seedloft.Season.LEAFFALL"),
    ("medium", "With seedloft: a germination test sowed 200 seeds and 150 sprouted. Store the quality rating of "
     "that result in `rating`.", ["rating"], "", {},
     "import seedloft\nrating = seedloft.germ_count(200, emerged=150).verdict",
     "assert rating is seedloft.Vigour.STEADY"),
    ("medium", "Save the lots of `bank` as a CSV file `lots.csv` with only the columns code, taxon and grams; "
     "store the number of rows written in `n`.", ["n"], BANK, {},
     "n = seedloft.export_table(bank, 'lots.csv', fields=('code', 'taxon', 'grams'))",
     "assert n == 8\nlines = open('lots.csv').read().splitlines()\n"
     "assert lines[0] == 'code,taxon,grams' and len(lines) == 9 and lines[1] == 'SL-0001,Allium cepa,12.5'"),
    ("medium", "Save `bank` to the catalogue file `bank.loft` and store the path it was written to in `path`.",
     ["path"], BANK, {}, "path = seedloft.write_loft(bank, 'bank.loft')",
     "import os\nassert os.path.samefile(path, 'bank.loft')\n"
     "assert seedloft.read_loft('bank.loft').codes() == bank.codes()"),
    ("medium", "Load the semicolon-separated CSV file `harvest.csv` into a seedloft catalogue; lots without a "
     "storage tier go in the freezer. Store the catalogue in `bank`.", ["bank"], "",
     {"harvest.csv": HARVEST_CSV},
     "import seedloft\nbank = seedloft.import_table('harvest.csv', keeping=seedloft.Keeping.DEEP, sep=';')",
     "assert bank.codes() == ['HV-0001', 'HV-0002', 'HV-0003']\n"
     "assert {lot.keeping for lot in bank} == {seedloft.Keeping.DEEP} and bank.pluck('HV-0002').grams == 120"),
    ("medium", "Count the lots of `bank` per life-cycle state (on the shelf, quarantined, retired) and store the "
     "counts in `states`.", ["states"], BANK, {}, "states = bank.tally(by='state')",
     "assert dict(states) == {'held': 1, 'shelved': 6, 'withdrawn': 1}"),
    ("medium", "How many seeds does lot SL-0001 of `bank` hold, given that 1000 of its seeds weigh 4 g? Store "
     "the count in `seeds`.", ["seeds"], BANK, {},
     "seeds = seedloft.seed_count(bank.pluck('SL-0001').grams, per_mille=4)", "assert seeds == 3125"),
    ("medium", "Lot SL-0007 of `bank` was reweighed at 850 g: update it in the bank and store the updated lot "
     "in `lot`.", ["lot"], BANK, {},
     "lot = bank.shelve(bank.pluck('SL-0007').but(grams=850), overwrite=True)",
     "assert lot.grams == 850 and bank.pluck('SL-0007').grams == 850 and len(bank) == 8\n"
     "assert bank.pluck('SL-0007').taxon == 'Zea mays'"),
    ("medium", "What is the storage temperature in °C of lot SL-0006 of `bank`? Store it in `temp`.", ["temp"],
     BANK, {}, "temp = bank.pluck('SL-0006').keeping.celsius", "assert temp == -196.0"),
    ("medium", "List the codes of the lots in `bank` that will have outlived their storage's shelf "
     "life in 2030; store the list in `due`.", ["due"], BANK, {},
     "due = [lot.code for lot in bank if lot.overdue(as_of=2030)]",
     "assert list(due) == ['SL-0001', 'SL-0002', 'SL-0004', 'SL-0005', 'SL-0008']"),
    ("medium", "Find the lots in `bank` collected before 2015 or labelled 'landrace'; store the list of lots in "
     "`found`.", ["found"], BANK, {}, "found = bank.sift('year<2015 or tag:landrace')",
     "assert [lot.code for lot in found] == ['SL-0004', 'SL-0006', 'SL-0007', 'SL-0008']"),
    ("medium", "Write the lots of `bank` stored in the freezer to the CSV file `frozen.csv` with the default "
     "columns; store the number of lots written in `n`.", ["n"], BANK, {},
     "n = seedloft.export_table(bank, 'frozen.csv', where='keep=deep')",
     "assert n == 2\nlines = open('frozen.csv').read().splitlines()\n"
     "assert lines[0] == 'code,taxon,year,grams' and [l.split(',')[0] for l in lines[1:]] == "
     "['SL-0003', 'SL-0007']"),
    ("medium", "With seedloft, describe a new lot of Cucurbita pepo with code SL-0100, from the 2023 harvest, "
     "35 g of seed, and store it in `lot`.", ["lot"], "", {},
     "import seedloft\n"
     "lot = seedloft.draft('Cucurbita pepo').coded('SL-0100').harvested(2023).weighing(35).seal()",
     "assert isinstance(lot, seedloft.Accession) and lot.code == 'SL-0100' and lot.year == 2023\n"
     "assert lot.grams == 35 and lot.taxon == 'Cucurbita pepo' and lot.keeping is seedloft.Keeping.CHILL"),
    ("medium", "Merge the catalogue `other` into `bank`, preserving `bank`'s own version of any lot both hold; "
     "store the number of lots taken from `other` in `n`.", ["n"], OTHER, {}, "n = bank.absorb(other)",
     "assert n == 1 and 'KW-0001' in bank and bank.pluck('SL-0001').grams == 12.5 and len(bank) == 9"),
    # -- hard: builder chains, the query language, exceptions, I/O round trips ------------
    ("hard", "With seedloft, describe a new lot of Phaseolus vulgaris: code SL-0100, from the 2022 harvest, "
     "40 g, collected in Oaxaca, stored in the freezer, 93 % germination, with the labels heirloom and "
     "climbing. Store it in `lot`.", ["lot"], "", {},
     "import seedloft\nlot = (seedloft.draft('Phaseolus vulgaris').coded('SL-0100').harvested(2022)"
     ".weighing(40)\n       .from_site('Oaxaca').kept(seedloft.Keeping.DEEP).germinating(93)"
     ".tagged('heirloom', 'climbing').seal())",
     "assert isinstance(lot, seedloft.Accession) and lot.code == 'SL-0100' and lot.year == 2022\n"
     "assert lot.grams == 40 and lot.site == 'Oaxaca' and lot.keeping is seedloft.Keeping.DEEP\n"
     "assert lot.germ_pct == 93 and lot.tags == {'heirloom', 'climbing'}"),
    ("hard", "Add a new lot to `bank`: Beta vulgaris from the 2024 harvest at Ghent, 18 g, stored in the "
     "coldroom, numbered with the bank's next free lot code. Store the new lot in `lot`.", ["lot"], BANK, {},
     "lot = bank.shelve(seedloft.draft('Beta vulgaris').coded(bank.free_code()).harvested(2024)"
     ".weighing(18)\n                  .from_site('Ghent').kept(seedloft.Keeping.CHILL).seal())",
     "assert lot.code == 'SL-0009' and bank.pluck('SL-0009') == lot and len(bank) == 9\n"
     "assert lot.taxon == 'Beta vulgaris' and lot.year == 2024 and lot.grams == 18 and lot.site == 'Ghent'\n"
     "assert lot.keeping is seedloft.Keeping.CHILL"),
    ("hard", "Try to send 50 g of lot SL-0001 of `bank` to Wakehurst in 2025; if the lot cannot spare that "
     "much, send as much as it can spare instead. Store the shipment record in `shipment`.", ["shipment"],
     BANK, {},
     "try:\n    shipment = bank.dispatch('SL-0001', recipient='Wakehurst', grams=50, year=2025)\n"
     "except seedloft.ShortOfSeed as err:\n"
     "    shipment = bank.dispatch('SL-0001', recipient='Wakehurst', grams=err.available, year=2025)",
     "assert isinstance(shipment, seedloft.Consignment) and shipment.grams == 11.5\n"
     "assert shipment.recipient == 'Wakehurst' and bank.pluck('SL-0001').grams == 1.0"),
    ("hard", "A user typed the filter `year<<2018` to search `bank`. Run it; if it is not a valid query, store "
     "the character position of the error in `pos` (store None if it ran).", ["pos"], BANK, {},
     "pos = None\ntry:\n    bank.sift('year<<2018')\nexcept seedloft.SieveSyntaxError as err:\n"
     "    pos = err.position", "assert pos == 5"),
    ("hard", "Load the catalogue file `broken.loft` with seedloft; if the file is malformed, store the number "
     "of the bad line in `line` (None if it loads).", ["line"], "", {"broken.loft": BROKEN},
     "import seedloft\nline = None\ntry:\n    seedloft.read_loft('broken.loft')\n"
     "except seedloft.LoftFormatError as err:\n    line = err.line", "assert line == 4"),
    ("hard", "Plan the regeneration of the lots in `bank` for autumn sowing: regrow lots with a germination rate "
     "below 65 %, always keep 1 g of each in store, and also regrow lots that have outlived their shelf life as of "
     "2026. Store the plan in `plan`.", ["plan"], BANK, {},
     "plan = seedloft.regrow_plan(bank, threshold=65, keep_back=1, season=seedloft.Season.LEAFFALL, "
     "as_of=2026)",
     "assert isinstance(plan, seedloft.SowingPlan) and plan.codes() == ['SL-0001', 'SL-0002', 'SL-0004']\n"
     "assert {row.season for row in plan} == {seedloft.Season.LEAFFALL}\n"
     "assert abs(plan.total_grams - 8.4) < 1e-6"),
    ("hard", "Retire every lot of the genus Allium in `bank`, giving the reason 'onion smut', then save the "
     "bank to the catalogue file `retired.loft`. Store the number of lots retired in `n`.", ["n"], BANK, {},
     "lots = bank.sift('genus=allium')\nfor lot in lots:\n    bank.withdraw(lot.code, reason='onion smut')\n"
     "n = len(lots)\nseedloft.write_loft(bank, 'retired.loft')",
     "assert n == 2\nsaved = seedloft.read_loft('retired.loft')\n"
     "assert [l.code for l in saved.sift('state=withdrawn')] == ['SL-0001', 'SL-0002', 'SL-0008']\n"
     "assert saved.pluck('SL-0002').note == 'onion smut'"),
    ("hard", "Load the catalogue file `bank.loft`, send 5 g of lot SL-0003 to Kew in 2024, and save the "
     "catalogue back to the same file. Keep the catalogue in `bank`.", ["bank"], "", {"bank.loft": LOFT},
     "import seedloft\nbank = seedloft.read_loft('bank.loft')\n"
     "bank.dispatch('SL-0003', recipient='Kew', grams=5, year=2024)\nseedloft.write_loft(bank, 'bank.loft')",
     "saved = seedloft.read_loft('bank.loft')\nassert saved.pluck('SL-0003').grams == 245.0\n"
     "assert [(c.code, c.recipient, c.grams, c.year) for c in saved.consignments] == "
     "[('SL-0003', 'Kew', 5.0, 2024)]\nassert bank.pluck('SL-0003').grams == 245.0"),
    ("hard", "Build one reusable filter for lots harvested before 2016 that carry the label red, and use it on "
     "`bank`. Store the filter in `rule` and the codes of the matching lots in `codes`.",
     ["rule", "codes"], BANK, {},
     "rule = seedloft.sieve('year<2016 and tag:red')\ncodes = [lot.code for lot in bank.sift(rule)]",
     "assert isinstance(rule, seedloft.Sieve) and list(codes) == ['SL-0001', 'SL-0004']\n"
     "assert [l.code for l in rule.select(bank)] == ['SL-0001', 'SL-0004']"),
    ("hard", "With seedloft, store in `norm` the normalised form of the filter query "
     "`TAXON~Allium AND NOT keep=deep`.", ["norm"], "", {},
     "import seedloft\nnorm = seedloft.sieve('TAXON~Allium AND NOT keep=deep').canonical",
     "assert norm == '(taxon ~ allium and not keep = deep)'"),
    ("hard", "With seedloft, try to finish describing a lot of Allium cepa of which only the code "
     "SL-0101 is known; catch the error and store the list of missing fields in `missing`.", ["missing"],
     "", {},
     "import seedloft\ntry:\n    seedloft.draft('Allium cepa').coded('SL-0101').seal()\n"
     "except seedloft.DraftIncomplete as err:\n    missing = err.missing",
     "assert list(missing) == ['year', 'grams']"),
    ("hard", "Merge the catalogue `other` into `bank`, letting `other`'s lots replace `bank`'s when both hold "
     "the same code; store the number of lots added or replaced in `n`.", ["n"], OTHER, {},
     "n = bank.absorb(other, clash=seedloft.Clash.THEIRS)",
     "assert n == 2 and bank.pluck('SL-0001').grams == 30 and 'KW-0001' in bank and len(bank) == 9"),
    ("hard", "Merge the catalogue `other` into `bank`, but abort if both hold a lot with the same code; "
     "in that case store the clashing code in `clash_code` (None if the merge went through).",
     ["clash_code"], OTHER, {},
     "clash_code = None\ntry:\n    bank.absorb(other, clash=seedloft.Clash.REFUSE)\n"
     "except seedloft.DuplicateLot as err:\n    clash_code = err.code", "assert clash_code == 'SL-0001'"),
    ("hard", "Load the lots from the semicolon-separated `harvest.csv` (lots without a storage tier are stored "
     "in the coldroom), add them all to `bank`, and store the combined bank's total seed weight in grams in "
     "`total`.", ["total"], BANK, {"harvest.csv": HARVEST_CSV},
     "bank.absorb(seedloft.import_table('harvest.csv', sep=';'))\ntotal = bank.stock()",
     "assert abs(total - 1908.7) < 1e-6 and len(bank) == 11\n"
     "assert bank.pluck('HV-0001').keeping is seedloft.Keeping.CHILL"),
    ("hard", "Round-trip `bank` through its catalogue text format without touching the disk: turn it into text, "
     "then read that text back into a new catalogue stored in `copy`.", ["copy"], BANK, {},
     "copy = seedloft.parse_loft(seedloft.render_loft(bank))",
     "assert isinstance(copy, seedloft.Ledger) and copy is not bank and copy.codes() == bank.codes()\n"
     "assert copy.pluck('SL-0005').state is seedloft.LotState.HELD and copy.pluck('SL-0003').tags == "
     "{'heirloom', 'climbing'}"),
    ("hard", "Send 10 g of lot SL-0005 of `bank` to Kew in 2024. If the lot cannot be used in its current "
     "state, store that state in `state` instead (store None if the seed was sent).", ["state"], BANK, {},
     "state = None\ntry:\n    bank.dispatch('SL-0005', recipient='Kew', grams=10, year=2024)\n"
     "except seedloft.LotUnavailable as err:\n    state = err.state",
     "assert state is seedloft.LotState.HELD and bank.pluck('SL-0005').grams == 9.0"),
    ("hard", "Export the lots of `bank` that are on the shelf (not quarantined or retired) and germinate at "
     "70 % or better to `good.csv`, tab-separated, with the columns code, genus, germ and tags; store the "
     "number of rows written in `n`.", ["n"], BANK, {},
     "n = seedloft.export_table(bank, 'good.csv', fields=('code', 'genus', 'germ', 'tags'), sep='\\t',\n"
     "                          where='state=shelved and germ>=70')",
     "assert n == 4\nlines = open('good.csv').read().splitlines()\n"
     "assert lines[0] == 'code\\tgenus\\tgerm\\ttags' and lines[1] == 'SL-0001\\tAllium\\t91\\theirloom;red'\n"
     "assert [l.split('\\t')[0] for l in lines[1:]] == ['SL-0001', 'SL-0003', 'SL-0006', 'SL-0007']"),
    ("hard", "Record germination tests on two lots of `bank`: SL-0002 (50 seeds sown, 20 sprouted) and SL-0004 "
     "(40 sown, 36 sprouted). Then store the codes of the lots whose quality rating is now the lowest "
     "possible one in a list `worst`.", ["worst"], BANK, {},
     "bank.log_trial('SL-0002', seedloft.germ_count(50, emerged=20))\n"
     "bank.log_trial('SL-0004', seedloft.germ_count(40, emerged=36))\n"
     "worst = [lot.code for lot in bank.sift('vigour=spent')]",
     "assert list(worst) == ['SL-0002']\nassert bank.pluck('SL-0004').germ_pct == 90.0 and "
     "bank.pluck('SL-0002').germ_pct == 40.0"),
]


def split_of(tasks: list[dict], seed: int = 13) -> dict[str, str]:
    """Half of each difficulty for tuning, half for the report (seeded; odd counts alternate)."""
    rng, out, extra = random.Random(seed), {}, 0
    for level in ("easy", "medium", "hard"):
        ids = sorted(t["id"] for t in tasks if t["difficulty"] == level)
        rng.shuffle(ids)
        for i, tid in enumerate(ids):
            out[tid] = "tune" if (i + extra) % 2 == 0 else "report"
        extra += len(ids) % 2
    return out


def main() -> None:
    tasks = []
    for n, (level, request, variables, setup, files, solution, check) in enumerate(T, start=1):
        task: dict = {"id": f"t{n:02d}", "split": "", "difficulty": level, "request": request,
                      "variables": variables}  # fmt: skip
        if setup:
            task["setup"] = setup
        if files:
            task["files"] = files
        task["check"] = "import seedloft\n" + textwrap.dedent(check)
        task["solution"] = solution
        tasks.append(task)
    splits = split_of(tasks)
    for task in tasks:
        task["split"] = splits[task["id"]]
    out = HERE / "tasks.jsonl"
    out.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), encoding="utf-8")
    counts: dict[str, int] = {}
    for t in tasks:
        key = f"{t['split']}/{t['difficulty']}"
        counts[key] = counts.get(key, 0) + 1
    print(f"{len(tasks)} tasks -> {out}: {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
