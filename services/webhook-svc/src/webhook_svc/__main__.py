"""`python -m webhook_svc` runs webhook-svc on its port."""

from wagate_platform.serve import serve

from webhook_svc.app import create_app
from webhook_svc.settings import WebhookSettings


def main() -> None:
    serve(WebhookSettings(), create_app)


if __name__ == "__main__":
    main()
