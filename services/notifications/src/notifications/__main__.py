"""`python -m notifications`: run the service until SIGTERM."""

from notifications.bootstrap import build
from notifications.config import Settings
from stint.kit.main import run_service

if __name__ == "__main__":
    run_service(build, Settings)
