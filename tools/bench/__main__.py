"""`python -m tools.bench [--levels 1:6,4:16,8:24]`: run, print the table, write the JSON."""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
from pathlib import Path

from tools.bench.load import Level
from tools.bench.report import render
from tools.bench.run import Options, run, say
from tools.bench.stack import ROOT

RESULTS = ROOT / ".stint/bench"


def _options(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__)
    parser.add_argument(
        "--levels",
        default="1:6,4:16,8:24",
        help="CONCURRENCY:COUNT,… lifecycles per level (default %(default)s)",
    )
    parser.add_argument(
        "--level-seconds",
        type=float,
        default=90,
        help="no new lifecycle starts in a level after this (default %(default)s)",
    )
    parser.add_argument("--baseline-samples", type=int, default=200)
    parser.add_argument("--keep-state", action="store_true", help="keep the stack's data and logs")
    args = parser.parse_args(argv)
    levels = [Level.parse(spec, args.level_seconds) for spec in args.levels.split(",")]
    return Options(levels, args.baseline_samples, args.keep_state)


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
    if result.errors:
        print("\nerrors:")
        for error, count in result.errors.items():
            print(f"  {count} x {error}")
    say(f"written to {path} and {path.parent / 'latest.json'}")
    # Figures, not pass/fail: only a bench that measured nothing at all is an error.
    return 0 if any(level.completed for level in result.levels) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
