"""`make bench`: drive whole micro-internships through the gateway of a private platform stack,
measure bare baselines on the same machine in the same run, and print one table.

Run it with `make bench` (or `uv run python -m tools.bench --help`). Figures, not pass/fail.
"""
