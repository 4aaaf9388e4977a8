"""`python -m tools.bench [--levels 1:10,4:40,16:120] [--history 2000]`: run, print the table,
write the JSON."""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
from pathlib import Path

from tools.bench.load import Level
from tools.bench.run import Options, run, say
from tools.bench.stack import ROOT
from tools.bench.table import render

RESULTS = ROOT / ".stint/bench"


def _options(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__)
    parser.add_argument(
        "--levels",
        default="1:10,4:40,16:120",
        help="CONCURRENCY:COUNT,… lifecycles per level (default %(default)s)",
    )
    parser.add_argument(
        "--level-seconds",
        type=float,
        default=60,
        help="no new lifecycle starts in a level after this (default %(default)s)",
    )
    parser.add_argument(
        "--history",
        type=int,
        default=2000,
        help="lifecycles of history to seed, then measure the middle level and idle again; "
        "0 skips it (default %(default)s)",
    )
    parser.add_argument(
        "--history-concurrency",
        type=int,
        default=32,
        help="lifecycles in flight while seeding history (default %(default)s)",
    )
    parser.add_argument(
        "--idle-seconds",
        type=float,
        default=10,
        help="each idle window: after start, after the load, with history (default %(default)s)",
    )
    parser.add_argument("--baseline-samples", type=int, default=200)
    parser.add_argument("--keep-state", action="store_true", help="keep the stack's data and logs")
    args = parser.parse_args(argv)
    levels = [Level.parse(spec, args.level_seconds) for spec in args.levels.split(",")]
    if args.history < 0 or args.history_concurrency < 1 or args.idle_seconds <= 0:
        parser.error("--history >= 0, --history-concurrency >= 1 and --idle-seconds > 0")
    return Options(
        levels,
        args.baseline_samples,
        args.keep_state,
        args.history,
        args.history_concurrency,
        args.idle_seconds,
    )


def save(result_json: str, stamp: str, folder: Path = RESULTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stamp}.json"
    path.write_text(result_json)
    (folder / "latest.json").write_text(result_json)
    return path


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so that a SIGTERM, too, stops the platform on the way out


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    options = _options(argv)
    try:
        result = run(options)
    except KeyboardInterrupt:
        say("interrupted (the platform was stopped)")
        return 130
    document = json.dumps(dataclasses.asdict(result), indent=2, ensure_ascii=False)
    path = save(document, result.stamp)
    print(render(result))
    if result.warnings:
        print()
    for warning in result.warnings:
        print(f"warning: {warning}")
    if result.errors:
        print("\nerrors:")
        for error, count in result.errors.items():
            print(f"  {count} x {error}")
    say(f"written to {path} and {path.parent / 'latest.json'}")
    # Figures, not pass/fail: only a bench that measured nothing at all is an error.
    return 0 if any(level.completed for level in result.levels) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
