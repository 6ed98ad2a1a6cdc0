"""Contract: requests generated from each service's own OpenAPI document, valid and
invalid, with real credentials, over the real broker and database, never get a 500.

For every operation (the operational routes aside) schemathesis draws cases in its
positive and negative modes, each sent with one of the caller's real credentials; an
operation whose path parameters name resources the platform has (a session, a group,
a message, a campaign, the customer) gets a third round aimed at those. A 5xx fails the
test, except the deliberate 502 ``provider_error`` of a direct send. The runs are
derandomised so CI is stable; ``WAGATE_FUZZ_EXAMPLES`` and ``WAGATE_FUZZ_SEED`` widen
a local search.
"""

import asyncio
import contextlib
import itertools
import os
from collections import Counter
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.generation.overrides import Override

pytestmark = [
    pytest.mark.integration,
    pytest.mark.asyncio,
    pytest.mark.timeout(240),
    # schemathesis' own strategies use `random` (its concern, not this test's)
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

EXAMPLES = int(os.environ.get("WAGATE_FUZZ_EXAMPLES", "8"))
SEED = os.environ.get("WAGATE_FUZZ_SEED")
OPERATIONAL = {"/healthz", "/readyz", "/metrics", "/asyncapi", "/asyncapi.json"}
DELIBERATE_5XX = {(502, "provider_error"), (503, "no_session_available")}
FUZZING = [] if os.environ.get("WAGATE_FUZZ_NO_GENERATE") else [HypothesisTestMode.FUZZING]
# sender-svc first, while the seeded session is connected (session-svc's own run
# disconnects and deletes sessions); billing-svc last, as its generated subscription
# changes can leave the customer inactive and the others would then stop at 403.
SERVICES = ["sender-svc", "webhook-svc", "stats-svc", "session-svc", "billing-svc"]
# Every other case of a message body gets a real recipient, and every fourth one is
# made a text message, so generated requests also get past the business validation a
# random string never passes (and on to sessions, groups, strategies, idempotency).
RECIPIENT = "6281234567890"


def _settings() -> settings:
    return settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def _error_code(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def fuzz(
    spec: dict[str, Any],
    base_url: str,
    identities: dict[str, dict[str, str]],
    known_ids: dict[str, str],
) -> list[str]:
    """Run the generated cases (blocking: call it from a thread); the failures found.

    Uses schemathesis' own test builder (what its pytest plugin runs), so the coverage
    phase (boundary and type-confusion values of every parameter) runs along with the
    schema's examples and hypothesis-driven fuzzing. The caller's credentials rotate
    from case to case.
    """
    schema = schemathesis.openapi.from_dict(spec)
    failures: dict[tuple[str, str], str] = {}
    seen: Counter[tuple[str, int]] = Counter()
    http = requests.Session()
    names = sorted(identities)
    turn = itertools.count()

    def send(case: Any) -> None:
        label = f"{case.method} {case.operation.path}"
        index = next(turn)
        headers = identities[names[index % len(names)]]
        if index % 2 and isinstance(case.body, dict) and "to" in case.body:
            case.body["to"] = RECIPIENT
            if index % 4 == 3:
                text = case.body.get("text")
                case.body.update(type="text", text=text if isinstance(text, str) else "hi")
        try:
            response = case.call(base_url=base_url, session=http, headers=headers, timeout=30)
        except requests.RequestException as exc:
            failures.setdefault((label, type(exc).__name__), f"{label}: {exc!r}")
            return
        status = response.status_code
        seen[(label, status)] += 1
        if status >= 500 and (status, _error_code(response)) not in DELIBERATE_5XX:
            curl = case.as_curl_command(headers=headers)
            failures.setdefault((label, str(status)), f"{status} {label}\n  {curl}")

    everything = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, *FUZZING]
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in OPERATIONAL:
            continue
        rounds = [HypothesisTestConfig(schema.config, everything, settings=_settings())]
        params = {p.name for p in operation.path_parameters}
        if params and params <= known_ids.keys():
            fixed = Override(path_parameters={name: known_ids[name] for name in params})
            modes = [HypothesisTestMode.COVERAGE, *FUZZING]
            rounds.append(HypothesisTestConfig(schema.config, modes, _settings(), override=fixed))
        for config in rounds:
            test = create_test(operation=operation, test_func=send, config=config)
            if SEED is not None:
                test = seed(int(SEED))(test)
            with contextlib.suppress(Unsatisfiable):  # e.g. no invalid input exists
                test()
    for (label, status), count in sorted(seen.items()):
        print(f"{base_url} {label} -> {status} x{count}")  # shown with -s: what was reached
    return list(failures.values())


@pytest.mark.parametrize("service", SERVICES)
async def test_generated_requests_never_get_a_server_error(platform, service):
    app = platform.apps[service]
    failures = await asyncio.to_thread(
        fuzz,
        app.openapi(),
        platform.urls[service],
        platform.identities(service),
        platform.ids,
    )
    assert not failures, f"{len(failures)} server error(s):\n" + "\n".join(failures)
