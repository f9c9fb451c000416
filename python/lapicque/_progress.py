"""A progress bar for runs that take longer than a couple of seconds: on standard error when it
is a terminal, nothing otherwise (logs, pipes, notebooks without a terminal)."""

import sys
import time


class ProgressBar:
    """Called by the core with the fraction done (0 to 1); draws after ``delay`` seconds, at most
    ten times a second, and erases itself at the end."""

    def __init__(self, label, delay=1.0, stream=None):
        self.label = label
        self.delay = delay
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, fraction):
        if not self.enabled:
            return
        now = time.monotonic()
        elapsed = now - self.start
        if fraction >= 1.0:
            self.close()
            return
        if elapsed < self.delay or now - self.last < 0.1:
            return
        self.last = now
        self.drawn = True
        width = 30
        filled = int(fraction * width + 0.5)
        left = elapsed * (1 - fraction) / fraction if fraction > 0.01 else 0.0
        self.stream.write(f"\r\033[2K{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{100 * fraction:3.0f}%  {elapsed:.0f} s, about {left:.0f} s left")
        self.stream.flush()

    def close(self):
        if self.drawn:
            self.stream.write("\r\033[2K")
            self.stream.flush()
            self.drawn = False


def progress_for(label, progress):
    """The callback to hand to the core: ``progress`` True/None gives a bar (shown only on a
    terminal), False none, a callable is used as it is."""
    if progress is False:
        return None
    if progress is None or progress is True:
        return ProgressBar(label)
    return progress
