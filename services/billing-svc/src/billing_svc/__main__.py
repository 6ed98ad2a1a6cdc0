"""`python -m billing_svc` runs billing-svc on its port."""

from wagate_platform.serve import serve

from billing_svc.app import create_app
from billing_svc.settings import BillingSettings


def main() -> None:
    serve(BillingSettings(), create_app)


if __name__ == "__main__":
    main()
