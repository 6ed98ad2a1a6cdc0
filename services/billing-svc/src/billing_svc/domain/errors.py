"""billing-svc's domain errors; the HTTP entry point maps each to a status."""

from wagate_platform.domain_errors import Invalid


class UnknownPlan(Invalid):
    """A subscription names a plan that does not exist."""

    code = "unknown_plan"

    def __init__(self, plan_id: str) -> None:
        super().__init__(f"there is no plan {plan_id!r}", {"plan_id": plan_id})
        self.plan_id = plan_id
