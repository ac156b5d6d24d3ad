"""The wheel holds every package folder and data file: pyproject.toml lists packages by hand (for
the indexers/ -> docprompt.indexers mapping), so a new folder or data file must be listed there.
.ci/wheel_smoke.sh builds and installs the wheel for real; this is the fast static check."""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SKIP = {"__pycache__"}


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def _folders() -> dict[str, Path]:
    """Each installed top-level package name -> its folder in the checkout."""
    cfg = _config()
    return {name: ROOT / folder for name, folder in cfg["package-dir"].items()}


def _on_disk() -> dict[str, Path]:
    """Every package the checkout has (a folder with .py files), by its installed name."""
    found: dict[str, Path] = {}
    for name, folder in _folders().items():
        for d in [folder, *sorted(p for p in folder.rglob("*") if p.is_dir())]:
            rel = d.relative_to(folder)
            if SKIP & set(rel.parts) or not any(d.glob("*.py")):
                continue
            dotted = ".".join([name, *rel.parts])
            # A folder mapped elsewhere (docprompt/indexers would be shadowed) is not this one's.
            if dotted in _folders() and dotted != name:
                continue
            found[dotted] = d
    return found


def test_every_package_folder_is_listed():
    listed = set(_config()["packages"])
    missing = sorted(set(_on_disk()) - listed)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
    stale = sorted(listed - set(_on_disk()))
    assert not stale, f"listed in pyproject.toml but not in the checkout: {stale}"


def test_every_package_has_an_init():
    """Regular packages, not namespace ones: a stray folder of the same name elsewhere on sys.path
    cannot merge into them."""
    lacking = sorted(name for name, d in _on_disk().items() if not (d / "__init__.py").exists())
    assert not lacking, f"add an __init__.py to {lacking}"


def test_every_data_file_is_package_data():
    data = _config().get("package-data", {})
    on_disk = _on_disk()
    by_folder = {d: name for name, d in on_disk.items()}
    uncovered = []
    for name, d in on_disk.items():
        for f in d.rglob("*"):
            rel = f.relative_to(d)
            if not f.is_file() or f.suffix in {".py", ".pyc"} or SKIP & set(rel.parts):
                continue
            owner = next(p for p in f.parents if p in by_folder)  # setuptools' owning package
            if owner != d:
                continue  # checked under its own package
            if not any(fnmatch.fnmatch(rel.as_posix(), g) for g in data.get(name, [])):
                uncovered.append(f"{name}: {rel.as_posix()}")
    assert not uncovered, f"add to [tool.setuptools.package-data] in pyproject.toml: {uncovered}"
