"""Errors a user can cause. Each message names the thing to fix, in one line."""


class DocpromptError(Exception):
    """Base class: the CLI prints these as one line and exits with status 2."""


class IndexNotFound(DocpromptError):
    pass


class IndexCorrupt(DocpromptError):
    pass


class IndexIncompatible(DocpromptError):
    pass


class BadQuery(DocpromptError):
    pass


class BadInput(DocpromptError):
    pass


class StoreUnavailable(DocpromptError):
    """The server an index lives in cannot be reached (or its database is held by another process)."""
