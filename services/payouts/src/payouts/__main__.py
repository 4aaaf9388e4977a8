"""`python -m payouts`: run the payouts service until SIGTERM."""

from payouts.bootstrap import build
from payouts.config import Settings
from stint.kit.main import run_service

if __name__ == "__main__":
    run_service(build, Settings)
