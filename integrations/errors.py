"""Domain errors of integrations (webhooks)."""

from core.errors import AtelierError, Conflict, NotAllowed


class EndpointNotAllowed(NotAllowed):
    code = "webhook_not_allowed"


class UnsafeEndpointUrl(AtelierError):
    code = "webhook_url_refused"


class EndpointPaused(Conflict):
    code = "webhook_paused"
