"""Root conftest: every test in the workspace gets the kit's real-infrastructure fixtures."""

pytest_plugins = ["stint.kit.testing.pytest_plugin"]
