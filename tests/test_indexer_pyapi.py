from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from docprompt.config import BuildSettings
from docprompt.errors import BadInput
from docprompt.indexers import make_indexer
from docprompt.indexers.pyapi import PythonApiIndexer, docstring_examples, docstring_sections
from docprompt.recipes import load
from docprompt.retrieve import search
from docprompt.sources import build_from_source
from docprompt.store import registry

FIXTURES = Path(__file__).parent / "fixtures"
ACME = FIXTURES / "acme_private"


def documents(paths, **options):
    idx = PythonApiIndexer(paths, **options)
    return idx, list(idx.iter_documents())


def by_symbol(docs, kind="doc"):
    return {d.metadata["symbol"]: d for d in docs if d.kind == kind}


def known_names(docs) -> set[str]:
    """Every dotted name a verifier can look up: symbols and their aliases."""
    return {n for d in docs for n in (d.metadata["symbol"], *d.metadata.get("aliases", ()))}


@pytest.fixture(scope="module")
def acme():
    return documents([ACME])[1]


@pytest.fixture
def forget_modules():
    """Import-mode tests import test packages; drop them again so no other test sees them."""
    yield
    for name in [n for n in sys.modules if n.split(".")[0] in ("acme_private", "flaky_pkg")]:
        del sys.modules[name]


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


# --------------------------------------------------------------------------- the private fixture package


def test_public_symbols_of_the_private_package(acme):
    docs = by_symbol(acme)
    assert {
        "acme_private", "acme_private.VERSION", "acme_private.Customer", "acme_private.RetryPolicy",
        "acme_private.retry", "acme_private.customers", "acme_private.customers.load_customer",
        "acme_private.customers.export", "acme_private.customers.RETENTION_DAYS",
        "acme_private.customers.Tier", "acme_private.billing", "acme_private.billing.Invoice",
        "acme_private.billing.Invoice.total", "acme_private.billing.LineItem",
        "acme_private.billing.parse_amount", "acme_private.billing.DEFAULT_CURRENCY",
        "acme_private.billing.invoice", "acme_private.billing.invoice.TAX_RATE",
        "acme_private.billing.invoice.UNDOCUMENTED", "acme_private.billing.invoice.CreditNote",
    } <= set(docs)  # fmt: skip
    names = known_names(acme)
    for private in ("_helper", "_secret_token", "_internal", "_recalculate", "_Audited", "_core"):
        assert not any(private in n for n in names), private
    # customers.py has no __all__: what it imports from json or a public module is not its API.
    assert not names & {"acme_private.customers.dumps", "acme_private.customers.json",
                        "acme_private.customers.Invoice"}  # fmt: skip
    assert all(d.language == "python" and d.kind in ("doc", "example") for d in acme)
    assert len({d.id for d in acme}) == len(acme), "document ids are unique"
    assert all(d.metadata["module"] and d.metadata["symbol"] for d in acme)


def test_reexports_are_documented_once_under_the_shortest_name(acme):
    docs = by_symbol(acme)
    names = known_names(acme)
    invoice = docs["acme_private.billing.Invoice"]
    assert invoice.metadata["aliases"] == ["acme_private.billing.invoice.Invoice"]
    assert invoice.metadata["defined_in"] == "acme_private.billing.invoice"
    assert "Also importable as: acme_private.billing.invoice.Invoice" in invoice.text
    assert "acme_private.billing.invoice.Invoice" not in docs
    assert (
        "acme_private.billing.invoice.Invoice.total"
        in docs["acme_private.billing.Invoice.total"].metadata["aliases"]
    )
    # Customer is defined in customers.py (no __all__) and re-exported by the package's __all__.
    customer = docs["acme_private.Customer"]
    assert customer.metadata["aliases"] == ["acme_private.customers.Customer"]
    assert {"acme_private.customers.Customer.invoices", "acme_private.Customer.invoices"} <= names
    # RetryPolicy lives in the private _core module: documented under the package, pointing at _core.
    policy = docs["acme_private.RetryPolicy"]
    assert policy.metadata["path"] == "acme_private/_core.py"
    assert policy.source == str(ACME / "_core.py")
    assert policy.uri.startswith((ACME / "_core.py").as_uri() + "#L")
    assert docs["acme_private"].text.endswith("\n\nContents: Customer, RetryPolicy, retry, VERSION")


def test_signatures_kinds_and_docstrings(acme):
    docs = by_symbol(acme)

    def head(symbol):
        return docs[symbol].text.splitlines()[0]

    assert head("acme_private.retry") == (
        "acme_private.retry(func: Callable, /, policy: RetryPolicy | None = None, *exc_types: type, "
        "sleep=time.sleep, **kwargs)"
    )
    assert head("acme_private.billing.Invoice") == (
        "class acme_private.billing.Invoice(customer: str, currency: str = 'EUR', *, "
        "items: list[LineItem] | None = None)"
    )
    # The class text carries its docstring and __init__'s.
    assert "A customer invoice." in docs["acme_private.billing.Invoice"].text
    assert "Create an empty invoice" in docs["acme_private.billing.Invoice"].text
    assert (
        head("acme_private.RetryPolicy")
        == "class acme_private.RetryPolicy(attempts: int = 3, backoff: float = 1.0)"
    )
    assert head("acme_private.billing.LineItem") == (
        "class acme_private.billing.LineItem(sku: str, quantity: int, unit_price: Decimal = Decimal('0'))"
    )
    inv = "acme_private.billing.Invoice"
    assert head(f"{inv}.total") == f"{inv}.total(*, tax: Decimal = TAX_RATE) -> Decimal"
    assert head(f"{inv}.is_empty") == f"property {inv}.is_empty: bool"
    assert head(f"{inv}.from_dict") == f"classmethod {inv}.from_dict(data: dict) -> Invoice"
    assert head(f"{inv}.validate_sku") == f"staticmethod {inv}.validate_sku(sku: str) -> bool"
    assert head(f"{inv}.submit") == f"async {inv}.submit(client, retries: int = 3) -> str"
    assert docs[f"{inv}.submit"].metadata["kind_of_symbol"] == "method"
    # The implementation's signature, not the @overload stubs'.
    assert (
        head("acme_private.billing.parse_amount") == "acme_private.billing.parse_amount(text, default=None)"
    )
    assert head("acme_private.VERSION") == "acme_private.VERSION = '4.2.0'"
    assert "bumped by the release pipeline" in docs["acme_private.VERSION"].text
    assert docs["acme_private.VERSION"].metadata["kind_of_symbol"] == "constant"
    assert head("acme_private.customers.Tier.GOLD") == "attribute acme_private.customers.Tier.GOLD = 'gold'"
    assert head("acme_private.Customer.id") == "attribute acme_private.Customer.id: str"
    assert (
        docs["acme_private.customers.load_customer"].metadata["signature"]
        == "(path, *, strict=True, **overrides)"
    )


def test_parameter_descriptions_and_return_types(acme):
    docs = by_symbol(acme)
    invoice = docs["acme_private.billing.Invoice"].metadata
    assert invoice["params"] == {
        "customer": 'the customer\'s account id, e.g. ``"C-1042"``.',
        "currency": "ISO 4217 code.",
    }  # Google style
    assert "returns" not in invoice
    total = docs["acme_private.billing.Invoice.total"].metadata  # NumPy style
    assert total["params"] == {"tax": "The tax rate, ``0.19`` by default."} and total["returns"] == "Decimal"
    assert docs["acme_private.billing.Invoice.is_empty"].metadata["returns"] == "bool"
    assert not {"params", "returns"} & set(docs["acme_private.VERSION"].metadata)
    sphinx = """Send it.

    :param str to: the address
    :param retries: how often to try; one line
        and another
    :param ghost: not in the signature
    :returns: the receipt
    :rtype: dict[str, int]
    """
    import inspect

    assert docstring_sections(inspect.cleandoc(sphinx), ["to", "*retries"]) == (
        {"to": "the address", "retries": "how often to try; one line and another"}, "dict[str, int]"
    )  # fmt: skip
    google = "Go.\n\nArgs:\n    - prog -- a name (default: x)\n\nReturns:\n    The amount: in euros."
    assert docstring_sections(google, []) == ({}, "")  # not a name; "The amount" is not a type
    assert docstring_sections("No sections.", ["x"]) == ({}, "")


def test_inherited_members(acme):
    docs = by_symbol(acme)
    note = "acme_private.billing.invoice.CreditNote"
    # From a private base: copied under the public subclass.
    history = docs[f"{note}.history"]
    assert "Inherited from acme_private.billing.invoice._Audited" in history.text
    assert "audit trail" in history.text
    # From a documented base: an alias of the base's entry, not a second copy.
    assert f"{note}.total" not in docs
    assert f"{note}.total" in docs["acme_private.billing.Invoice.total"].metadata["aliases"]


def test_members_inherited_through_a_documented_class(tmp_path):
    """C(B(A)): A.m is also C.m, though B, the nearest documented base, does not define m."""
    write(
        tmp_path / "chain.py",
        'class A:\n    def m(self):\n        """M."""\n\n'
        'class B(A):\n    """B."""\n\nclass C(B):\n    """C."""\n',
    )
    docs = by_symbol(documents([tmp_path / "chain.py"])[1])
    assert docs["chain.A.m"].metadata["aliases"] == ["chain.B.m", "chain.C.m"]
    assert "chain.C.m" not in docs


def test_method_aliases_in_a_class_body(tmp_path):
    """``config = configure`` (tkinter) is a second name of the method, here and in subclasses."""
    write(
        tmp_path / "widgets.py",
        'class W:\n    def configure(self, **kw):\n        """Set options."""\n\n    config = configure\n\n'
        'class V(W):\n    """V."""\n',
    )
    docs = by_symbol(documents([tmp_path / "widgets.py"])[1])
    aliases = docs["widgets.W.configure"].metadata["aliases"]
    assert set(aliases) == {"widgets.W.config", "widgets.V.configure", "widgets.V.config"}
    assert "widgets.W.config" not in docs


def test_docstring_examples_become_example_documents(acme):
    examples = {d.metadata["symbol"]: d for d in acme if d.kind == "example"}
    assert set(examples) == {
        "acme_private.RetryPolicy",  # Google "Example:" with doctest
        "acme_private.retry",  # .. code-block:: python
        "acme_private.customers.load_customer",  # "Usage:"
        "acme_private.billing.Invoice",  # Google "Examples:"
        "acme_private.billing.Invoice.total",  # NumPy "Examples\n--------"
        "acme_private.billing.parse_amount",  # a bare doctest
    }
    ex = examples["acme_private.billing.Invoice.total"]
    assert ex.id == "py/acme_private.billing.Invoice.total/example/0"
    assert ex.metadata["parent"] == "py/acme_private.billing.Invoice.total"
    assert (
        ex.text == '>>> Invoice("C-7", items=[LineItem("a", 1, Decimal("10"))]).total()\nDecimal(\'11.90\')'
    )
    assert examples["acme_private.retry"].text.startswith("from acme_private import retry\n")
    assert examples["acme_private.customers.load_customer"].text == (
        'record = load_customer("c-1042.json", strict=False, tier="gold")'
    )
    assert not [d for d in documents([ACME], examples=False)[1] if d.kind == "example"]


def test_docstring_examples_sections():
    doc = """Do things.

    >>> loose()
    1

    Examples
    --------
    >>> numpy_style()

    Returns
    -------
    int

    .. code-block:: python
       :linenos:

       block()
    """
    import inspect

    assert docstring_examples(inspect.cleandoc(doc)) == [">>> loose()\n1", ">>> numpy_style()", "block()"]
    assert docstring_examples("No examples here.") == []


def test_docstring_examples_fenced_and_malformed_doctests():
    doc = """Fenced code, as mkdocs-style docstrings write it.

    ```py title="usage"
    from acme import thing
    thing()
    ```

    ```text
    not python
    ```

    Example:
        ```python
        shown()
        ```

    >>>broken(prompt)
    >>> fine()
    ok
    >>>
    """
    import inspect

    assert docstring_examples(inspect.cleandoc(doc)) == [
        "from acme import thing\nthing()", "shown()", ">>> fine()\nok\n>>>"
    ]  # fmt: skip


def test_include_private(acme):
    docs = by_symbol(documents([ACME], include_private=True)[1])
    assert {
        "acme_private._internal.rotate_keys", "acme_private._core._helper",
        "acme_private.billing.Invoice._recalculate",
    } <= set(docs)  # fmt: skip
    assert len(docs) > len(by_symbol(acme))


# --------------------------------------------------------------------------- modes and module names


def test_import_mode_finds_the_same_symbols(acme, forget_modules):
    idx, imported = documents([ACME], mode="import")
    assert not idx.skipped
    assert {d.id for d in imported} == {d.id for d in acme}
    docs = by_symbol(imported)
    assert docs["acme_private.billing.Invoice"].metadata["aliases"] == [
        "acme_private.billing.invoice.Invoice"
    ]
    assert docs["acme_private.RetryPolicy"].text.startswith(
        "class acme_private.RetryPolicy(attempts: int = 3, backoff: float = 1.0)"
    )
    assert docs["acme_private.billing.invoice.TAX_RATE"].text.startswith(
        "acme_private.billing.invoice.TAX_RATE: Decimal = Decimal('0.19')\n\nGerman VAT"
    )


def test_import_mode_on_a_compiled_module():
    idx, docs = documents(["math"])  # a module name defaults to import mode
    assert idx.roots == ["math"] and idx.mode is None
    math_docs = by_symbol(docs)
    assert "math.sqrt" in math_docs and "math.pi" in math_docs
    assert math_docs["math.sqrt"].metadata["kind_of_symbol"] == "function"
    assert math_docs["math.pi"].text.startswith("math.pi = 3.14159")
    assert "square root" in math_docs["math.sqrt"].text
    with pytest.raises(BadInput, match="no Python source"):
        PythonApiIndexer(["math"], mode="ast")


def test_import_mode_on_an_installed_package():
    pytest.importorskip("numpy")
    idx, docs = documents(["numpy.linalg"], mode="import")
    symbols = by_symbol(docs)
    assert symbols["numpy.linalg.norm"].text.startswith("numpy.linalg.norm(x, ord=None, axis=None")
    assert symbols["numpy.linalg.LinAlgError"].metadata["kind_of_symbol"] == "class"
    assert any(d.kind == "example" and d.metadata["symbol"] == "numpy.linalg.norm" for d in docs)
    assert not any(" at 0x" in d.text for d in docs), "no object addresses in the text"


def test_import_mode_counts_modules_that_fail_to_import(tmp_path, capsys, forget_modules):
    pkg = tmp_path / "src" / "flaky_pkg"
    write(pkg / "__init__.py", '"""A package with bad apples."""\n')
    write(pkg / "good.py", 'def ok():\n    """Fine."""\n')
    write(pkg / "boom.py", 'raise RuntimeError("no config")\n')
    write(pkg / "bye.py", "import sys\nsys.exit(3)\n")
    write(
        pkg / "noisy.py",
        'import warnings\nprint("hello")\nwarnings.warn("careful")\n\ndef f():\n    """F."""\n',
    )
    write(pkg / "__main__.py", 'open(__file__ + ".ran", "w")\n')
    idx, docs = documents([tmp_path / "src"], mode="import")
    assert idx.skipped == {"import failed": 2}
    assert {"flaky_pkg.good.ok", "flaky_pkg.noisy.f"} <= set(by_symbol(docs))
    assert capsys.readouterr() == ("", "")
    assert not list(pkg.glob("*.ran")), "__main__ is never imported"
    assert str(tmp_path / "src") not in sys.path


def test_ast_mode_does_not_run_the_code(tmp_path):
    marker = tmp_path / "ran.txt"
    pkg = tmp_path / "trap_pkg"
    write(
        pkg / "__init__.py",
        f'"""Looks harmless."""\nopen({str(marker)!r}, "w").write("ran")\nraise SystemExit(1)\n\n'
        'def api(x: int = 1) -> int:\n    """Still documented."""\n',
    )
    idx, docs = documents([pkg])
    assert "trap_pkg.api" in by_symbol(docs)
    assert not marker.exists() and "trap_pkg" not in sys.modules
    assert idx.mode is None and idx.roots == [str(pkg)]


@pytest.mark.parametrize("module", ["json", "pathlib", "tomllib"])
def test_stdlib_modules_by_name_in_ast_mode(module):
    idx, docs = documents([module], mode="ast")
    assert not idx.skipped
    assert Path(idx.roots[0]).name in (module, f"{module}.py")
    names = known_names(docs)
    expected = {
        "json": {"json.dumps", "json.loads", "json.JSONDecoder", "json.decoder.JSONDecoder",
                 "json.JSONDecoder.raw_decode", "json.JSONDecodeError", "json.tool.main"},
        "pathlib": {"pathlib.Path", "pathlib.Path.read_text", "pathlib.Path.with_suffix",
                    "pathlib.PurePath.with_suffix", "pathlib.Path.exists", "pathlib.PurePath.drive"},
        "tomllib": {"tomllib.load", "tomllib.loads", "tomllib.TOMLDecodeError"},
    }[module]  # fmt: skip
    assert expected <= names
    docs_ = by_symbol(docs)
    if module == "tomllib":
        assert docs_["tomllib.loads"].text.startswith(
            "tomllib.loads(s: str, /, *, parse_float: ParseFloat = float) -> dict[str, Any]"
        )
        assert not any("_parser" in n for n in names)
    if module == "json":
        assert docs_["json.dumps"].metadata["path"] == "json/__init__.py"
        assert any(d.kind == "example" and d.metadata["symbol"] == "json" for d in docs)
    if module == "pathlib":  # Path inherits with_suffix from PurePath: one entry, two names
        assert "pathlib.Path.with_suffix" in docs_["pathlib.PurePath.with_suffix"].metadata["aliases"]


def test_stdlib_module_aliases_and_listed_names(tmp_path):
    lib = Path(os.__file__).parent
    _, docs = documents([lib / "os.py", lib / "posixpath.py", lib / "string.py", lib / "random.py"])
    names = known_names(docs)
    assert {"os.path.join", "posixpath.join", "os.environ", "string.ascii_letters", "random.choice"} <= names
    # random.choice = _inst.choice: documented with Random.choice's signature and docstring.
    assert by_symbol(docs)["random.choice"].text.startswith("random.choice(seq)\n\nChoose a random element")


@pytest.mark.slow
def test_whole_stdlib_in_ast_mode():
    recipe = load("python-stdlib")
    idx = make_indexer("python", recipe.expanded_paths(), recipe.options, max_file_bytes=5_000_000)
    docs = list(idx.iter_documents())
    names = known_names(docs)
    assert len(by_symbol(docs)) > 8000
    assert {"subprocess.run", "collections.OrderedDict", "argparse.ArgumentParser.add_argument",
            "asyncio.run", "re.IGNORECASE", "logging.INFO", "dataclasses.dataclass"} <= names  # fmt: skip
    assert not any(".test." in n or n.startswith("test.") for n in names)
    assert set(idx.skipped) <= {"not a module name", "syntax error", "not UTF-8"}


# --------------------------------------------------------------------------- broken input


def test_broken_files_are_skipped_and_counted(tmp_path):
    pkg = tmp_path / "root" / "shaky"
    write(pkg / "__init__.py", "")  # empty: a fine package with nothing to say
    write(pkg / "good.py", 'def fine(a, b=2):\n    """Works."""\n')
    write(pkg / "broken.py", "def oops(:\n    pass\n")
    write(pkg / "latin.py", b'"""Caf\xe9."""\n\ndef bad_bytes():\n    """\xff\xfe"""\n')
    write(
        pkg / "legacy.py", b'# -*- coding: latin-1 -*-\n"""Caf\xe9 module."""\n\ndef old():\n    """Old."""\n'
    )
    write(pkg / "huge.py", "X = " + "1" * 10_000_000 + "\n")  # one 10 MB line
    write(pkg / "deep.py", "Z = " + "-" * 100_000 + "1\n")
    outside = write(tmp_path / "outside.py", 'def secret():\n    """Outside the root."""\n')
    (pkg / "linked.py").symlink_to(outside)
    idx, docs = documents([tmp_path / "root"])
    assert idx.skipped == {
        "syntax error": 1, "not UTF-8": 1, "too large": 1, "symlink out of root": 1, "too deeply nested": 1,
    }  # fmt: skip
    symbols = by_symbol(docs)
    assert {"shaky.good.fine", "shaky.legacy.old"} <= set(symbols)
    assert "Café module." in symbols["shaky.legacy"].text
    assert not any("secret" in n for n in symbols)


def test_bad_options_and_inputs(tmp_path):
    with pytest.raises(BadInput, match="takes no option 'colour'"):
        make_indexer("python", [str(ACME)], {"colour": "red"}, max_file_bytes=1000)
    idx = make_indexer("python", [str(ACME)], {"mode": "ast", "include_private": True}, max_file_bytes=10**6)
    assert isinstance(idx, PythonApiIndexer) and idx.include_private
    with pytest.raises(BadInput, match="unknown mode"):
        PythonApiIndexer([ACME], mode="exec")
    with pytest.raises(BadInput, match="no module is named"):
        PythonApiIndexer(["no_such_module_xyz"])
    with pytest.raises(BadInput, match="does not exist"):
        PythonApiIndexer([tmp_path / "missing"])


def test_exclude_option(tmp_path):
    pkg = tmp_path / "exo"
    write(pkg / "__init__.py", "")
    write(pkg / "api.py", 'def a():\n    """A."""\n')
    write(pkg / "tests" / "test_api.py", 'def test_a():\n    """T."""\n')
    write(pkg / "vendor" / "__init__.py", "")
    write(pkg / "vendor" / "lib.py", 'def v():\n    """V."""\n')
    write(pkg / "scripts" / "tool.py", 'def t():\n    """A script in a data folder, not importable."""\n')
    idx, docs = documents([pkg])
    assert set(by_symbol(docs)) >= {"exo.api.a", "exo.vendor.lib.v"}
    assert not any("test" in s or "tool" in s for s in by_symbol(docs))
    assert idx.skipped == {"not in a package": 1}
    assert not any("vendor" in s for s in by_symbol(documents([pkg], exclude=["vendor", "tests"])[1]))


def test_reexports_without_all(tmp_path):
    """click's style (``from .core import Command as Command``) and requests' (a package
    __init__ importing from its own submodules) are the package's API; a plain module's
    imports are not, unless imported as themselves (PEP 484)."""
    pkg = tmp_path / "reexp"
    write(
        pkg / "__init__.py",
        "from .core import Command as Command\nfrom .api import get\nfrom json import loads\n",
    )
    write(pkg / "core.py", 'class Command:\n    """A command."""\n\n    def run(self):\n        """Run."""\n')
    write(pkg / "api.py", 'def get(url):\n    """Fetch."""\n')
    write(pkg / "util.py", "from .api import get\nfrom json import dumps as dumps\nmain = get\n")
    docs = by_symbol(documents([pkg])[1])
    assert {"reexp.Command", "reexp.Command.run", "reexp.get"} <= set(docs)
    assert docs["reexp.Command"].metadata["aliases"] == ["reexp.core.Command"]
    assert docs["reexp.get"].metadata["aliases"] == ["reexp.api.get"]
    assert "reexp.loads" not in docs and "reexp.util.get" not in known_names(docs.values())
    assert docs["reexp.util.dumps"].metadata["kind_of_symbol"] == "name"
    assert "Imported from json" in docs["reexp.util.dumps"].text


# --------------------------------------------------------------------------- end to end


def test_build_an_index_and_find_a_fixture_symbol():
    manifest = build_from_source(
        registry.path_of("acme"),
        "python",
        [str(ACME)],
        options={"mode": "ast"},
        settings=BuildSettings(embedder="hash:64"),
    )
    assert manifest.indexer == "python" and manifest.counts["documents"] > 30
    idx = registry.open_index("acme")
    hits = search(idx, "retry a flaky call to the ledger service with backoff", k=3)
    assert "acme_private.RetryPolicy" in {h.chunk.metadata["symbol"] for h in hits}
    hits = search(idx, "invoice amount due tax included", k=5, filters={"kind": "doc"})
    assert "acme_private.billing.Invoice.total" in {h.chunk.metadata["symbol"] for h in hits}
