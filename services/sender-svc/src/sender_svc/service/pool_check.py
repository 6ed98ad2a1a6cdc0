"""A request that names sessions or a group must name the caller's own: checked at once.

A message pinned to a session sender-svc does not know for this user (another user's, a
deleted one, a typo) could never be sent: it used to wait its whole ``MAX_WAIT_S`` and fail
``no_session_available``. It is now refused before anything is stored, with one read
(only when the request names a session or a group):

- 422 ``unknown_session``: a named session is not one of the caller's (``data.session_ids``
  lists which); another user's session is reported exactly like a missing one;
- 422 ``unknown_group``: no session of the caller is in the group (sender-svc knows groups
  through their sessions), or, with sessions named too, none of them is in it.

A disconnected session of the caller is accepted: the message waits for it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sender_svc.adapters.session_lookup import SessionLookup
from sender_svc.domain.errors import UnknownGroup, UnknownSession


@dataclass
class PoolCheck:
    lookup: SessionLookup

    async def __call__(
        self,
        user_id: str,
        session_ids: Sequence[str],
        group_id: str | None,
        *,
        field: str = "session_id",
    ) -> None:
        if session_ids:
            known = await self.lookup.groups_of(user_id, session_ids)
            missing = [s for s in dict.fromkeys(session_ids) if s not in known]
            if missing:
                raise UnknownSession(
                    f"not one of your sessions: {', '.join(missing)[:200]}",
                    {"field": field, "session_ids": missing},
                )
            if group_id and not any(group_id in groups for groups in known.values()):
                raise UnknownGroup(
                    f"none of the given sessions is in group {group_id}",
                    {"field": "group_id", "group_id": group_id},
                )
        elif group_id and not await self.lookup.has_group(user_id, group_id):
            raise UnknownGroup(
                f"no session of yours is in group {group_id}",
                {"field": "group_id", "group_id": group_id},
            )
