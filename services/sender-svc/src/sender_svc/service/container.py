"""The composition root of sender-svc: every repository, port and use case, built once.

The only module under ``service/`` that touches the ``ServiceRuntime``; ``create_app``
calls :func:`build_container` and hands the result to the entry points.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from wagate_platform.mongo import CollectionIndexes
from wagate_platform.runtime import ServiceRuntime

from sender_svc.adapters.accounts import ACCOUNT_INDEXES, AccountRepository
from sender_svc.adapters.campaign_messages import CampaignMessages
from sender_svc.adapters.campaigns import CAMPAIGN_INDEXES, CampaignRepository
from sender_svc.adapters.dispatch_backlog import DispatchBacklog
from sender_svc.adapters.lost_messages import LostMessages
from sender_svc.adapters.messages import MESSAGE_INDEXES, MessageRepository
from sender_svc.adapters.providers import ProviderAdapter, build_provider
from sender_svc.adapters.recipient_chunks import RECIPIENT_CHUNK_INDEXES, RecipientChunks
from sender_svc.adapters.session_lookup import SessionLookup
from sender_svc.adapters.sessions import SESSION_INDEXES, SessionRepository
from sender_svc.service.accept import AcceptMessage
from sender_svc.service.auth import Authenticator
from sender_svc.service.campaign_cancel import CancelSettler
from sender_svc.service.campaign_prep import CampaignPreparer
from sender_svc.service.campaigns import Campaigns
from sender_svc.service.choice import SessionChooser
from sender_svc.service.direct import DirectSend
from sender_svc.service.dispatch import Dispatcher
from sender_svc.service.lost_dispatch import LostDispatchSweep
from sender_svc.service.outbox import MessageOutbox
from sender_svc.service.pool_check import PoolCheck
from sender_svc.service.pools import PoolResolver
from sender_svc.service.projections import Projections
from sender_svc.service.receipts import FollowReceipts
from sender_svc.service.streamer import CampaignStreamer
from sender_svc.settings import SenderSettings

Hook = Callable[[], Awaitable[None]]
INDEXES = (
    ACCOUNT_INDEXES,
    SESSION_INDEXES,
    MESSAGE_INDEXES,
    CAMPAIGN_INDEXES,
    RECIPIENT_CHUNK_INDEXES,
)


@dataclass(frozen=True)
class Container:
    settings: SenderSettings
    auth: Authenticator
    accounts: AccountRepository
    messages: MessageRepository
    accept: AcceptMessage
    direct: DirectSend
    dispatcher: Dispatcher
    receipts: FollowReceipts
    projections: Projections
    campaigns: Campaigns
    preparer: CampaignPreparer
    streamer: CampaignStreamer
    outbox: MessageOutbox
    lost_dispatch: LostDispatchSweep
    provider: ProviderAdapter

    indexes: Sequence[CollectionIndexes]
    on_start: Sequence[Hook]
    """The background loops, started once the broker is up (stopped in reverse)."""
    on_stop: Sequence[Hook]


def campaign_services(
    runtime: ServiceRuntime,
    settings: SenderSettings,
    campaigns: CampaignRepository,
    outbox: MessageOutbox,
    check: PoolCheck,
) -> dict[str, Any]:
    """The campaign use cases and their two background loops (one lease owner per process)."""
    messages = CampaignMessages(runtime.db)
    chunks = RecipientChunks(runtime.db)
    owner = uuid4().hex
    settler = CancelSettler(campaigns, messages, outbox, settings.campaign_batch)
    return {
        "campaigns": Campaigns(
            campaigns,
            messages,
            chunks,
            check,
            settings.campaign_max_recipients,
            settings.campaign_prepare_chunk,
        ),
        "preparer": CampaignPreparer(campaigns, messages, chunks, settings, owner),
        "streamer": CampaignStreamer(campaigns, messages, settler, outbox, settings, owner),
    }


def build_container(runtime: ServiceRuntime, settings: SenderSettings) -> Container:
    db = runtime.db
    provider = build_provider(settings)
    accounts = AccountRepository(db)
    messages = MessageRepository(db)
    sessions = SessionRepository(db, settings.daily_timezone)
    campaigns = CampaignRepository(db)
    check = PoolCheck(SessionLookup(db))
    outbox = MessageOutbox(
        messages,
        runtime.publisher,
        flush_interval_s=settings.ack_flush_interval_s,
        sweep_interval_s=settings.relay_interval_s,
        grace_s=settings.relay_grace_s,
    )
    chooser = SessionChooser(
        sessions,
        messages,
        settings.daily_timezone,
        settings.pacing_interval_ms,
        settings.pacing_jitter_ratio,
    )
    dispatcher = Dispatcher(
        messages,
        sessions,
        chooser,
        provider,
        runtime.publisher,
        runtime.topology,
        outbox,
        settings,
        PoolResolver(campaigns),
    )
    campaign = campaign_services(runtime, settings, campaigns, outbox, check)
    lost_dispatch = LostDispatchSweep(
        LostMessages(db), DispatchBacklog(runtime.broker, runtime.topology), outbox, settings
    )
    loops = (outbox, campaign["preparer"], campaign["streamer"], lost_dispatch)
    return Container(
        settings=settings,
        auth=Authenticator(accounts),
        accounts=accounts,
        messages=messages,
        accept=AcceptMessage(messages, runtime.publisher, outbox, check),
        direct=DirectSend(messages, dispatcher, check, settings.daily_timezone),
        dispatcher=dispatcher,
        receipts=FollowReceipts(messages, runtime.publisher, runtime.topology, settings),
        projections=Projections(accounts, sessions),
        **campaign,
        outbox=outbox,
        lost_dispatch=lost_dispatch,
        provider=provider,
        indexes=INDEXES,
        on_start=[loop.start for loop in loops],
        on_stop=[loop.stop for loop in reversed(loops)],
    )
