"""Connection settings for aiokafka, derived from :class:`Settings` in one place."""

from __future__ import annotations

import ssl
from typing import Any

from akhbar.config import Settings
from akhbar.core.errors import BrokerUnreachable


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """A verifying TLS context when the protocol uses SSL, else ``None``."""
    if "SSL" not in settings.security_protocol:
        return None
    context = ssl.create_default_context(
        cafile=str(settings.ssl_cafile) if settings.ssl_cafile else None
    )
    if settings.ssl_certfile:
        context.load_cert_chain(
            str(settings.ssl_certfile),
            str(settings.ssl_keyfile) if settings.ssl_keyfile else None,
        )
    return context


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments shared by every aiokafka producer, consumer and admin client."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers,
        "security_protocol": settings.security_protocol,
    }
    context = ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if settings.security_protocol.startswith("SASL"):
        options["sasl_mechanism"] = settings.sasl_mechanism
        options["sasl_plain_username"] = settings.sasl_username
        options["sasl_plain_password"] = settings.sasl_password.reveal()
    return options


def unreachable(settings: Settings, exc: BaseException) -> BrokerUnreachable:
    """The one-line error for a broker that does not answer at start."""
    return BrokerUnreachable(
        f"no Kafka broker answered at {settings.bootstrap_servers} "
        f"(AKHBAR_BOOTSTRAP_SERVERS): {exc}")
