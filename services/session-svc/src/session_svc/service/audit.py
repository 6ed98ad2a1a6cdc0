"""Reading the audit log: owners read their own entries, admins anyone's."""

from wagate_platform.identity import Principal
from wagate_platform.mongo import Document

from session_svc.adapters.audit_repository import AuditRepository


class AuditLog:
    def __init__(self, audit: AuditRepository) -> None:
        self._audit = audit

    async def read(
        self, reader: Principal, user_id: str | None, session_id: str | None, limit: int
    ) -> list[Document]:
        """A customer always reads their own log; an admin one user's, or everyone's."""
        owner = user_id if reader.is_admin else reader.user_id
        return await self._audit.find(owner, session_id, limit)
