"""Imported once by the forkserver before it forks extraction workers.

Every worker then starts with trafilatura imported, the gazetteer's shared tables built and the
locale cues compiled, instead of paying about a second of CPU each at its first article.
"""

from daemon import analysis, extract  # noqa: F401  (imported for their side effect: loaded modules)
from daemon.process_life import die_with_parent
from daemon.gazetteer import Gazetteer
from daemon.place_locale import locale_votes

Gazetteer.load()
locale_votes("")
die_with_parent()   # the forkserver goes when the daemon goes, and its workers with it
