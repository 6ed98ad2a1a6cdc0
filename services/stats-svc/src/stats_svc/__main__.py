"""`python -m stats_svc` runs stats-svc on its port."""

from wagate_platform.serve import serve

from stats_svc.app import create_app
from stats_svc.settings import StatsSettings


def main() -> None:
    serve(StatsSettings(), create_app)


if __name__ == "__main__":
    main()
