"""`python -m applications`: run the service until SIGTERM."""

from applications.bootstrap import build
from applications.config import Settings
from stint.kit.main import run_service

if __name__ == "__main__":
    run_service(build, Settings)
