"""django-tables2 works out a render method's signature again for every cell it renders:
about a third of a 50-row history page (29 ms to 21 ms on a million syncs when it is not).
A method's signature never changes, so it is worked out once per function here.
"""

from types import MethodType

from django_tables2 import utils

_inspect = utils.signature
_known: dict = {}


def signature(fn) -> tuple[tuple[str, ...], str | None]:
    # Only methods are remembered, keyed by their function: classes bound how many there
    # are, whereas closures made per request would grow the cache without end.
    if not isinstance(fn, MethodType):
        return _inspect(fn)
    try:
        return _known[fn.__func__]
    except KeyError:
        return _known.setdefault(fn.__func__, _inspect(fn))


def install() -> None:
    utils.signature = signature
