"""Helper processes die with the daemon, however it ends.

Extraction runs in a forkserver's children. They ignore SIGTERM (the daemon decides when they
stop) and wait on their queue, and the forkserver waits for requests: when the daemon was killed
outright (kill -9, a crash, a SIGTERM before its handlers were set), both lived on for ever, a few
hundred MB each, holding the daemon's stdout and stderr open. The kernel can kill a process when
its parent goes: the forkserver asks for it (its parent is the daemon), and so does each worker
(its parent is the forkserver). The kernel means the parent *thread*: the forkserver must be
started from a thread that lives as long as the daemon (runtime.pipeline_for starts it from the
event loop's thread), or it dies with that thread.
"""

from __future__ import annotations

import signal

PR_SET_PDEATHSIG = 1   # linux/prctl.h


def die_with_parent() -> None:
    """Ask the kernel for SIGKILL when this process's parent ends. Linux only; elsewhere a no-op."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
