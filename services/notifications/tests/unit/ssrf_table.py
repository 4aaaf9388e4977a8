"""tests/security/ssrf_forms.py, loaded by path: the platform suites' table of SSRF URL forms
is shared with these unit tests, and tests/ is not a package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_ssrf_forms() -> ModuleType:
    """tests/security/ssrf_forms.py, shared with the platform suites (not a package)."""
    if "ssrf_forms" not in sys.modules:
        path = Path(__file__).parents[4] / "tests" / "security" / "ssrf_forms.py"
        spec = importlib.util.spec_from_file_location("ssrf_forms", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["ssrf_forms"] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules["ssrf_forms"]


SSRF = load_ssrf_forms()
