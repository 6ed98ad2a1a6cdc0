"""`python -m session_svc` runs session-svc on its port."""

from wagate_platform.serve import serve

from session_svc.app import create_app
from session_svc.settings import SessionSettings


def main() -> None:
    serve(SessionSettings(), create_app)


if __name__ == "__main__":
    main()
