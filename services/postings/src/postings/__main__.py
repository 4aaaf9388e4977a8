"""`python -m postings`: run the service until SIGTERM."""

from postings.bootstrap import build
from postings.config import Settings
from stint.kit.main import run_service

if __name__ == "__main__":
    run_service(build, Settings)
