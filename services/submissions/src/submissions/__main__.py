"""`python -m submissions`: run the service until SIGTERM."""

from stint.kit.main import run_service
from submissions.bootstrap import build
from submissions.config import Settings

if __name__ == "__main__":
    run_service(build, Settings)
