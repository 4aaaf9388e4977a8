"""The handlers over an in-memory repository holding one open posting."""

from __future__ import annotations

from dataclasses import replace

import pytest

from applications.handlers import Handlers

from .fakes import POSTING, FakeRepository, build, view


@pytest.fixture
def setup() -> tuple[Handlers, FakeRepository]:
    handlers, repo, _ = build()
    repo.postings[POSTING] = replace(view(), version=1)
    return handlers, repo
