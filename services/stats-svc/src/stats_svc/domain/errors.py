"""What stats-svc's use cases refuse with; the HTTP entry point maps each kind to a status."""

from wagate_platform.domain_errors import Invalid, NotFound


class UserNotFound(NotFound):
    """Another customer's stats: they do not exist for the caller (no leak)."""

    def __init__(self) -> None:
        super().__init__("user not found")


class SessionNotFound(NotFound):
    """A session no event was seen for."""

    def __init__(self) -> None:
        super().__init__("session not found")


class InvalidDateRange(Invalid, ValueError):
    """A ``from``/``to`` pair the daily series refuses; ``field`` names the query parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, {"errors": [{"loc": ["query", field], "message": message}]})
        self.field = field
