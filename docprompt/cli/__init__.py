"""The ``docprompt`` command. Each command group lives in its own module and imports
what it needs inside the command, so ``docprompt --help`` stays fast."""

from __future__ import annotations

import sys

import click

from ..errors import DocpromptError


class Group(click.Group):
    """Turns user errors into one line on stderr (exit 2), Ctrl-C into exit 130."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DocpromptError as e:
            click.secho(f"error: {e}", fg="red", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.secho("interrupted; nothing already indexed was changed", fg="yellow", err=True)
            sys.exit(130)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="docprompt", prog_name="docprompt")
def main() -> None:
    """Grounded code from documentation a model has never seen.

    \b
    Quick start:
      docprompt corpora fetch tldr          # or a tldr client's cache, or --source tldr:PATH
      docprompt index build tldr --corpus tldr
      docprompt search tldr "extract a gzipped archive"
    """


def _register() -> None:
    from .ask import ask
    from .cache import cache
    from .corpora import corpora
    from .doctor import doctor
    from .dp import cmd
    from .eval import eval_
    from .index import index
    from .search import search
    from .shell_init import shell_init
    from .train import train

    main.add_command(ask)
    main.add_command(cache)
    main.add_command(cmd)
    main.add_command(corpora)
    main.add_command(doctor)
    main.add_command(eval_)
    main.add_command(index)
    main.add_command(search)
    main.add_command(shell_init)
    main.add_command(train)


_register()
