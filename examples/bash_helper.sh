#!/usr/bin/env bash
# The bash helper on the man pages in ../shared/data (or this machine's, with --corpus linux-man).
#   bash examples/bash_helper.sh            # explain and page need no model; the last step asks one
set -euo pipefail
export DOCPROMPT_HOME="${DOCPROMPT_HOME:-$(mktemp -d)}"
docprompt index list --json | grep -q '"man"' || docprompt index build man --corpus manpages
dp --index man --explain 'tar xzf backup.tgz -C /tmp'     # each flag with the man line behind it
dp --index man --page tar | head -20                      # a tldr-style page from the index
dp --index man --print-only "show the 10 largest files in /var/log"   # just the command; nothing runs
