"""AMQP headers sender-svc sets when it puts a delivery back on a delay queue."""

ATTEMPT_HEADER = "x-attempt"
"""How many times the delivery has been put back (0 when absent)."""
TRIED_HEADER = "x-tried"
"""A JSON list of the session ids already tried for the message (dispatch only)."""
