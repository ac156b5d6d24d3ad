"""``docprompt shell-init bash|zsh``: a key binding that turns the text on the prompt line into a
shell command written by ``dp --print-only``. The command replaces the line, so you read it
before Enter runs it, and it lands in your history like anything you typed."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import click

BASH = r"""# docprompt: {label} turns the text on the prompt line into a shell command (dp).
# Review the command it writes; Enter runs it. Added by: eval "$(docprompt shell-init bash)"
__docprompt_widget() {{
    local request=$READLINE_LINE out
    [[ -n ${{request//[[:space:]]/}} ]] || return 0
    printf '\r\033[K\033[2mdp: writing a command...\033[0m' >&2
    out=$({dp} --print-only -- "$request")
    local rc=$?
    printf '\r\033[K' >&2
    if (( rc == 0 )) && [[ -n $out ]]; then
        READLINE_LINE=$out
        READLINE_POINT=${{#READLINE_LINE}}
    fi
}}
bind -m emacs -x '"{bash_key}": __docprompt_widget'
bind -m vi-insert -x '"{bash_key}": __docprompt_widget'
"""

ZSH = r"""# docprompt: {label} turns the text on the prompt line into a shell command (dp).
# Review the command it writes; Enter runs it. Added by: eval "$(docprompt shell-init zsh)"
__docprompt_widget() {{
    emulate -L zsh
    [[ -n ${{BUFFER//[[:space:]]/}} ]] || return 0
    local out err rc
    err=$(mktemp "${{TMPDIR:-/tmp}}/docprompt.XXXXXX") || return 1
    zle -M "dp: writing a command..."
    zle -R
    out=$({dp} --print-only -- "$BUFFER" 2>"$err")
    rc=$?
    if (( rc == 0 )) && [[ -n $out ]]; then
        BUFFER=$out
        CURSOR=${{#BUFFER}}
    fi
    zle -M "$(<"$err")"
    command rm -f -- "$err"
    zle -R
}}
zle -N __docprompt_widget
bindkey -M emacs '{zsh_key}' __docprompt_widget
bindkey -M viins '{zsh_key}' __docprompt_widget
"""

_KEY = re.compile(r"^(?:(ctrl|control|c|\^)[-+]?|(alt|meta|m)[-+])([a-z])$", re.IGNORECASE)


def parse_key(key: str) -> tuple[str, str, str]:
    """``ctrl-g``, ``C-g``, ``^G``, ``alt-g`` or ``M-g`` as (label, bash keyseq, zsh keyseq)."""
    m = _KEY.match(key.strip().replace("\\", ""))
    if not m:
        raise click.BadParameter(f"{key!r}: give ctrl-LETTER or alt-LETTER, e.g. ctrl-g", param_hint="--key")
    letter = m.group(3).lower()
    if m.group(1):
        if letter in "ijm":  # Tab, Enter: rebinding them would break the shell
            raise click.BadParameter(
                f"ctrl-{letter} is Tab or Enter; pick another letter", param_hint="--key"
            )
        return f"Ctrl-{letter.upper()}", f"\\C-{letter}", f"^{letter.upper()}"
    return f"Alt-{letter.upper()}", f"\\e{letter}", f"^[{letter}"


def dp_command() -> str:
    """How the widget runs dp: the ``dp`` script beside this Python, else ``python -m``."""
    script = Path(sys.executable).parent / "dp"
    if script.is_file():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m docprompt.cli.dp"


def script(shell: str, key: str = "ctrl-g", dp: str | None = None) -> str:
    label, bash_key, zsh_key = parse_key(key)
    template = BASH if shell == "bash" else ZSH
    return template.format(label=label, bash_key=bash_key, zsh_key=zsh_key, dp=dp or dp_command())


@click.command("shell-init", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("shell", type=click.Choice(["bash", "zsh"]))
@click.option("--key", default="ctrl-g", show_default=True, help="ctrl-LETTER or alt-LETTER")
def shell_init(shell: str, key: str) -> None:
    """Print a key binding for SHELL to `eval` in its rc file.

    \b
      echo 'eval "$(docprompt shell-init bash)"' >> ~/.bashrc
      echo 'eval "$(docprompt shell-init zsh)"' >> ~/.zshrc

    Type what you want on the prompt line ("find files larger than 1G") and press the key: the
    line becomes the command. Read it, then Enter runs it. A dangerous one arrives commented out.
    """
    click.echo(script(shell, key), nl=False)
