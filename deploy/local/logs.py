"""Follow every process's log file and print each new line prefixed with its name.

Usage: ``python deploy/local/logs.py LOG_DIR`` (what ``platform.sh run`` streams). Each
``<name>.log`` in LOG_DIR is followed from its current end (files that appear later too, and
files that are truncated or replaced start again from their beginning). The services' JSON
lines are shown as ``[name] HH:MM:SS level message key=value…``; other lines as they are.

SIGINT is ignored: on Ctrl-C, platform.sh stops the services first (their shutdown lines
still stream here) and then ends this process with SIGTERM, after which it prints what the
files still hold (the last lines a service wrote as it stopped) and exits: a stop never loses
the end of the story to the polling interval.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, TextIO

CORE = ("time", "level", "service", "logger", "message")


def render(name: str, width: int, line: str) -> str:
    """One display line for one log line."""
    text = line.rstrip("\n")
    try:
        entry: Any = json.loads(text)
    except ValueError:
        entry = None
    if isinstance(entry, dict) and "message" in entry:
        stamp = str(entry.get("time", ""))[11:19]
        extras = " ".join(f"{k}={v}" for k, v in entry.items() if k not in CORE)
        text = f"{stamp} {entry.get('level', ''):<7} {entry['message']} {extras}".rstrip()
    return f"[{name}]".ljust(width + 2) + " " + text


class Follower:
    """The unread tail of one file."""

    def __init__(self, path: Path, from_end: bool) -> None:
        self.path = path
        self.handle, self.inode = self._open(from_end)
        self.partial = ""

    def _open(self, from_end: bool) -> tuple[TextIO, int]:
        handle = self.path.open(encoding="utf-8", errors="replace")
        if from_end:
            handle.seek(0, os.SEEK_END)
        return handle, os.fstat(handle.fileno()).st_ino

    def lines(self) -> list[str]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return []
        if stat.st_ino != self.inode or stat.st_size < self.handle.tell():
            # Replaced or truncated (a restart, a rotation): read the new content from the start.
            self.handle.close()
            self.handle, self.inode = self._open(from_end=False)
            self.partial = ""
        chunk = self.partial + self.handle.read()
        *complete, self.partial = chunk.split("\n")
        return complete


class Stop:
    """Set by SIGTERM; `follow` then makes one last pass and returns."""

    requested = False

    @classmethod
    def request(cls, *_: object) -> None:
        cls.requested = True


def follow(directory: Path, out: TextIO) -> None:
    followers: dict[str, Follower] = {
        p.stem: Follower(p, from_end=True) for p in sorted(directory.glob("*.log"))
    }
    while True:
        last_pass = Stop.requested  # read before the pass: lines written until now are printed
        for path in sorted(directory.glob("*.log")):
            if path.stem not in followers:
                followers[path.stem] = Follower(path, from_end=False)
        width = max(len(n) for n in followers) if followers else 8
        printed = False
        for name, follower in followers.items():
            for line in follower.lines():
                out.write(render(name, width, line) + "\n")
                printed = True
        if printed:
            out.flush()
        if last_pass:
            return
        if not printed:
            time.sleep(0.2)  # nothing new: look again shortly (tail -F polls the same way)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, Stop.request)
    if len(sys.argv) != 2:
        print("usage: logs.py LOG_DIR", file=sys.stderr)
        sys.exit(2)
    with contextlib.suppress(BrokenPipeError):
        follow(Path(sys.argv[1]), sys.stdout)


if __name__ == "__main__":
    main()
