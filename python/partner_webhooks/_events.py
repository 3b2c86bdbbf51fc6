"""The typed payloads of partner webhook events.

Each known event is its own class (``ChannelLiveEvent``, ...; unknown ones are
``UnknownEvent``), its ``type`` a ``Literal`` and its ``data`` one of the
TypedDicts below, so both ``match event:`` and ``if event.type == ...:`` narrow::

    match verifier.verify(request.headers, body):
        case ChannelLiveEvent(data=data):
            print(data.get("setup_info", {}).get("phone_number"))
        case TemplateStatusChangedEvent(data=data):
            print(data.get("status"), data.get("rejected_reason"))
        case UnknownEvent() as other:
            print(other.event_type, other.raw)

Every field is optional (360dialog documents few of them): read with ``.get``.
Modelled fields of the wrong JSON type are left out of ``data``; ``raw`` keeps
the body exactly as received, and unmodelled fields stay in ``data`` too.

The events are the core's (``for_each_event!`` in the Rust crate); adding one
there means a class in ``_native.pyi`` and, here, its line in ``PartnerEvent``,
``__all__`` and ``KnownEventType`` (a test fails until then).
"""

from typing import Any, Dict, List, Literal, TypedDict, Union

# The event classes (one per known event, and UnknownEvent) live in the native
# module, one per entry of the core's list; they are listed below in
# ``PartnerEvent`` and ``__all__``.
from ._native import *  # noqa: F401,F403
from ._native import UnknownEvent

#: The canonical name of every known event (``Event.type``; ``"unknown"`` otherwise).
KnownEventType = Literal[
    "client_created",
    "channel_created",
    "channel_submitted",
    "channel_ready",
    "channel_running",
    "channel_live",
    "account_violation",
    "account_restriction",
    "template_messaging_enabled",
    "template_messaging_disabled",
    "waba_template_status_changed",
    "cancellation_request",
    "cancellation_revoke",
    "cancellation_processed",
]


class ClientRef(TypedDict, total=False):
    """The client a channel belongs to."""

    id: str
    name: str
    partner_payload: Any
    contact_info: Any


class SetupInfo(TypedDict, total=False):
    """``setup_info`` of a channel."""

    phone_number: str
    phone_name: str


class WabaAccount(TypedDict, total=False):
    """The WABA account of a channel."""

    id: str
    external_id: str
    fb_account_status: str
    status: str
    on_behalf_of_business_info: Any


class Integration(TypedDict, total=False):
    """``integration`` of a channel."""

    enabled: bool
    app_id: str
    state: str


class ChannelData(TypedDict, total=False):
    """``data`` of the channel events (``channel_*``, ``cancellation_*``)."""

    id: str
    client_id: str
    client: ClientRef
    status: str
    account_mode: str
    created_at: str
    modified_at: str
    billing_started_at: str
    terminated_at: str
    setup_info: SetupInfo
    waba_account: WabaAccount
    integration: Integration
    phone_number: str
    phone_name: str


class ClientData(TypedDict, total=False):
    """``data`` of ``client_created``."""

    id: str
    name: str
    status: str
    partner_id: str
    partner_payload: Any
    created_at: str
    modified_at: str


class Restriction(TypedDict, total=False):
    """One restriction of an ``account_restriction`` event."""

    restriction_type: str
    expiration: str


class AccountData(TypedDict, total=False):
    """``data`` of ``account_violation`` and ``account_restriction``."""

    phone_number: str
    violation_type: str
    restrictions: List[Restriction]
    waba_account_id: str
    channel_id: str


class TemplateMessagingData(TypedDict, total=False):
    """``data`` of ``template_messaging_enabled`` / ``_disabled``."""

    channel_id: str
    waba_account_id: str
    phone_number: str


class TemplateStatusData(TypedDict, total=False):
    """``data`` of the template status event: the template object."""

    id: str
    external_id: str
    waba_account_id: str
    partner_id: str
    name: str
    language: str
    category: str
    namespace: str
    status: str
    rejected_reason: str


UnknownData = Dict[str, Any]


#: Any event ``verify`` returns: narrow with ``match`` or on ``event.type``.
PartnerEvent = Union[
    ClientCreatedEvent,
    ChannelCreatedEvent,
    ChannelSubmittedEvent,
    ChannelReadyEvent,
    ChannelRunningEvent,
    ChannelLiveEvent,
    AccountViolationEvent,
    AccountRestrictionEvent,
    TemplateMessagingEnabledEvent,
    TemplateMessagingDisabledEvent,
    TemplateStatusChangedEvent,
    CancellationRequestEvent,
    CancellationRevokeEvent,
    CancellationProcessedEvent,
    UnknownEvent,
]

# The tests check PartnerEvent, KnownEventType and this list against the
# core's list of events (``_native.surface()["events"]``).
__all__ = [
    "PartnerEvent",
    "KnownEventType",
    "ClientCreatedEvent",
    "ChannelCreatedEvent",
    "ChannelSubmittedEvent",
    "ChannelReadyEvent",
    "ChannelRunningEvent",
    "ChannelLiveEvent",
    "AccountViolationEvent",
    "AccountRestrictionEvent",
    "TemplateMessagingEnabledEvent",
    "TemplateMessagingDisabledEvent",
    "TemplateStatusChangedEvent",
    "CancellationRequestEvent",
    "CancellationRevokeEvent",
    "CancellationProcessedEvent",
    "UnknownEvent",
    "ClientRef",
    "SetupInfo",
    "WabaAccount",
    "Integration",
    "ChannelData",
    "ClientData",
    "Restriction",
    "AccountData",
    "TemplateMessagingData",
    "TemplateStatusData",
]
