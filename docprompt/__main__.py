"""``python -m docprompt``: the ``docprompt`` command."""

from .cli import main

main()
