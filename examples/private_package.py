"""Index a private package (read from source, never imported) and have the model use it.

    python examples/private_package.py [PACKAGE_DIR] ["request"] [--backend embedded|ollama]

Defaults: the small `acme_private` package in tests/fixtures and a request that needs its
API. Prints the code, whether every `acme_private.*` name it uses exists, and the docs cited.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from docprompt import DocPrompt, build_index
from docprompt.config import BuildSettings
from docprompt.indexers import make_indexer
from docprompt.store.registry import open_index, path_of

HERE = Path(__file__).resolve().parent
DEFAULT_PACKAGE = HERE.parent / "tests" / "fixtures" / "acme_private"
DEFAULT_REQUEST = "load the customer record in c-1042.json without strict checking and export it"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("package", nargs="?", default=str(DEFAULT_PACKAGE))
    ap.add_argument("request", nargs="?", default=DEFAULT_REQUEST)
    ap.add_argument("--backend", default=None, help="auto (default), embedded or ollama")
    ap.add_argument("--embedder", default=None, help="embedding model [all-MiniLM-L6-v2]")
    args = ap.parse_args()

    # 1. Index the package: one Document per public symbol, from the AST (nothing is executed).
    indexer = make_indexer("python", [args.package], {"mode": "ast"}, max_file_bytes=5_000_000)
    settings = BuildSettings(**({"embedder": args.embedder} if args.embedder else {}))
    manifest = build_index(
        path_of("acme"), indexer.iter_documents(), name="acme", indexer="python",
        roots=indexer.roots, skipped=indexer.skipped, settings=settings,
    )  # fmt: skip
    print(f"indexed {manifest.counts['documents']} symbols and examples from {args.package}")

    # 2. Ask: retrieve the API entries, prompt the model, verify every dotted name it uses.
    answer = DocPrompt(open_index("acme"), backend=args.backend, language="python").ask(args.request)
    print("\n" + answer.code + "\n")
    report = answer.verification
    print(("✓ " if report and report.ok else "✗ ") + (report.summary() if report else "not verified"))
    print("docs:", ", ".join(h.chunk.title for h in answer.cited))


if __name__ == "__main__":
    import os

    if "DOCPROMPT_HOME" not in os.environ:  # keep the example's index out of your own home
        os.environ["DOCPROMPT_HOME"] = tempfile.mkdtemp(prefix="docprompt-example-")
    main()
