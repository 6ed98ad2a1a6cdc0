"""How many ``message.requested`` deliveries wait, ready, in the dispatch queue.

The lost-dispatch sweep asks before it looks for lost messages: while the queue holds a
backlog (dispatch paused, or slower than the intake), a queued message with no recent
dispatch may simply be waiting its turn there, and dispatching it again would only add a
duplicate behind it. One queue declaration (same arguments: idempotent) per ask.
"""

from faststream.rabbit import RabbitBroker
from wagate_contracts.names import Queue, RoutingKey
from wagate_platform.topology import Topology


class DispatchBacklog:
    def __init__(self, broker: RabbitBroker, topology: Topology) -> None:
        self._broker = broker
        self._topology = topology

    async def ready(self) -> int:
        spec = self._topology.queue(Queue.SENDER_DISPATCH, RoutingKey.MESSAGE_REQUESTED)
        queue = await self._broker.declare_queue(spec)
        declared = await queue.declare()  # the cached queue object: a fresh count each time
        return int(declared.message_count or 0)
