#!/usr/bin/env bash
# Install docprompt as users do (the built wheel, not the editable checkout) and run every command
# from a folder outside the checkout: a module or data file missing from the wheel fails here.
# The dependencies come from the CI venv ($VENV, default .venv) through a .pth file, after the
# wheel's own site-packages, so the wheel's docprompt is the one imported. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
VENV=${VENV:-$REPO/.venv}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/docprompt-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
unset PYTHONPATH
export HF_HUB_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 DOCPROMPT_HOME="$WORK/home"
step() { printf '\n== %s\n' "$*"; }

step "build the wheel from a clean copy of the checkout (a stale build/ would leak old modules)"
mkdir "$WORK/src"
git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null \
    | tar -xf - -C "$WORK/src"
(cd "$WORK/src" && "$VENV/bin/pip" wheel -q --no-deps --no-build-isolation . -w "$WORK/dist")
WHEEL=$(ls "$WORK"/dist/docprompt-*.whl)
echo "$WHEEL"

step "a fresh venv with only the wheel; the CI venv's packages after it"
"$VENV/bin/python" -m venv --without-pip "$WORK/venv"
"$VENV/bin/pip" -q --python "$WORK/venv/bin/python" install --no-deps "$WHEEL"
SITE=$("$WORK/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
DEPS=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# Path lines of a .pth are appended to sys.path after $SITE, and the CI venv's own .pth files (its
# editable finder for the checkout) are not run: the wheel's docprompt wins.
echo "$DEPS" > "$SITE/zz_ci_dependencies.pth"
BIN=$WORK/venv/bin
mkdir "$WORK/run" "$WORK/home"
cd "$WORK/run"

step "every module of the wheel imports from the wheel"
"$BIN/python" - "$SITE" <<'EOF'
import importlib, pkgutil, sys
site = sys.argv[1]
import docprompt
for name in ("docprompt", "docprompt.indexers", "docprompt.corpora", "docprompt.train", "docprompt.store"):
    file = importlib.import_module(name).__file__
    assert file and file.startswith(site), f"{name} imported from {file}, not the wheel in {site}"
names = [m.name for m in pkgutil.walk_packages(docprompt.__path__, "docprompt.")]
for name in names:
    if name.endswith("__main__"):
        continue
    mod = importlib.import_module(name)
    assert (mod.__file__ or "").startswith(site), f"{name} imported from {mod.__file__}"
from importlib import resources
assert (resources.files("docprompt") / "templates" / "bash.toml").is_file(), "templates missing"
assert any(f.name.endswith(".toml") for f in resources.files("docprompt.corpora").iterdir()), "recipes missing"
print(f"{len(names)} modules from {site}")
EOF

step "--help of every command and subcommand (walked from the click groups)"
"$BIN/python" -c '
import click
from docprompt.cli import main
def walk(cmd, path):
    yield path
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            yield from walk(cmd.commands[name], [*path, name])
for path in walk(main, []):
    print(" ".join(path))
' > commands.txt
while read -r cmd; do
    # shellcheck disable=SC2086
    "$BIN/docprompt" $cmd --help > /dev/null || { echo "FAILED: docprompt $cmd --help"; exit 1; }
done < commands.txt
"$BIN/dp" --help > /dev/null
echo "$(wc -l < commands.txt) docprompt commands and dp: --help ok"

step "real calls"
mkdir docs
printf '# Alpha\n\nThe alpha tool frobnicates widgets with --frob.\n' > docs/alpha.md
printf '# Beta\n\nBeta lists the widgets; use -l for a long listing.\n' > docs/beta.md
set -x
"$BIN/docprompt" index build t docs --indexer docs --embedder hash:64
"$BIN/docprompt" search t "frobnicate widgets" | grep -i alpha > /dev/null
"$BIN/docprompt" index info t > /dev/null
"$BIN/docprompt" index list | grep '\bt\b' > /dev/null
"$BIN/docprompt" doctor > /dev/null
"$BIN/dp" --explain 'ls -l' | grep -- '-l' > /dev/null
"$BIN/docprompt" train --help > /dev/null
"$BIN/python" -m docprompt --version
set +x
echo "wheel smoke test passed"
