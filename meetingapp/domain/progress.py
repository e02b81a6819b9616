"""How a long task reports how far it got."""

from collections.abc import Callable

#: Called by a stage with its fraction done (0..1).
ProgressFn = Callable[[float], None]
