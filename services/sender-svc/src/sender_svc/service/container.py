"""The use cases of one sender-svc process, wired together (built by ``create_app``)."""

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from wagate_platform.runtime import ServiceRuntime

from sender_svc.adapters.accounts import AccountRepository
from sender_svc.adapters.campaign_messages import CampaignMessages
from sender_svc.adapters.campaigns import CampaignRepository
from sender_svc.adapters.dispatch_backlog import DispatchBacklog
from sender_svc.adapters.lost_messages import LostMessages
from sender_svc.adapters.messages import MessageRepository
from sender_svc.adapters.providers import ProviderAdapter
from sender_svc.adapters.recipient_chunks import RecipientChunks
from sender_svc.adapters.session_lookup import SessionLookup
from sender_svc.adapters.sessions import SessionRepository
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


@dataclass
class Services:
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


def build_services(
    runtime: ServiceRuntime, settings: SenderSettings, provider: ProviderAdapter
) -> Services:
    db = runtime.db
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
    return Services(
        settings=settings,
        auth=Authenticator(accounts, settings.auth_jwt_secret.get_secret_value()),
        accounts=accounts,
        messages=messages,
        accept=AcceptMessage(messages, runtime.publisher, outbox, check),
        direct=DirectSend(messages, dispatcher, check),
        dispatcher=dispatcher,
        receipts=FollowReceipts(messages, runtime.publisher, runtime.topology, settings),
        projections=Projections(accounts, sessions),
        **campaign_services(runtime, settings, campaigns, outbox, check),
        outbox=outbox,
        lost_dispatch=LostDispatchSweep(
            LostMessages(db), DispatchBacklog(runtime.broker, runtime.topology), outbox, settings
        ),
        provider=provider,
    )
