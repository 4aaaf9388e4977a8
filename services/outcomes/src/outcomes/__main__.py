"""`python -m outcomes`: run the service until SIGTERM."""

from outcomes.bootstrap import build
from outcomes.config import Settings
from stint.kit.main import run_service

if __name__ == "__main__":
    run_service(build, Settings)
