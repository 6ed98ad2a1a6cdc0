"""`python -m sender_svc` runs sender-svc on its port."""

from wagate_platform.serve import serve

from sender_svc.app import create_app
from sender_svc.settings import SenderSettings


def main() -> None:
    serve(SenderSettings(), create_app)


if __name__ == "__main__":
    main()
