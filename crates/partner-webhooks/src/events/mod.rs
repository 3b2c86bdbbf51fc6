//! Typed partner webhook events.
//!
//! 360dialog publishes event names but no official payload samples (see the
//! domain notes), so everything here is tolerant: every payload field is
//! optional, a field of an unexpected type reads as `None` instead of failing,
//! unknown fields stay in `extra`, status values are open enums, events the
//! SDK does not know parse as [`PartnerEvent::Unknown`], and the raw JSON is
//! kept on every variant.
//!
//! ```
//! use partner_webhooks::events::{parse_event, PartnerEvent, ChannelStatus};
//! let body = br#"{"event":"channel_created","data":{"id":"exampleCH","status":"created",
//!                 "setup_info":{"phone_number":"+4915123456789"}}}"#;
//! let event = parse_event(body).unwrap();
//! assert_eq!(event.event_type(), "channel_created");
//! assert_eq!(event.phone_number(), Some("+4915123456789"));
//! match &event {
//!     PartnerEvent::ChannelCreated(e) => assert_eq!(e.data.status, Some(ChannelStatus::Created)),
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```
//!
//! The module is split by concern: `model.rs` holds the payload types and
//! [`PartnerEvent`], `parse.rs` the one-pass parser, `accessors.rs` the
//! field accessors that read the typed payload.

mod accessors;
mod model;
mod parse;

pub use model::*;
pub use parse::{ParseError, parse_event};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use serde_json::json;

    fn parse(v: Value) -> PartnerEvent {
        parse_event(v.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn every_known_event_has_its_variant_and_canonical_name() {
        for name in KNOWN_EVENTS {
            let e = parse(json!({"event": name, "data": {}}));
            assert_eq!(e.known_type(), Some(*name), "{name}");
            assert_eq!(e.event_type(), *name);
        }
    }

    #[test]
    fn spellings_are_normalized_but_kept() {
        for spelling in [
            "channelCreated",
            "CHANNEL_CREATED",
            "Channel-Created",
            " channel_created ",
        ] {
            let e = parse(json!({"event": spelling}));
            assert_eq!(e.known_type(), Some("channel_created"), "{spelling}");
            assert_eq!(e.event_type(), spelling);
        }
        for spelling in [
            "wabaTemplateStatusChanged",
            "template_status_changed",
            "message_template_status_update",
        ] {
            assert_eq!(
                parse(json!({"event": spelling})).known_type(),
                Some("waba_template_status_changed")
            );
        }
    }

    #[test]
    fn unknown_events_keep_everything() {
        let body = json!({"event": "partner_change_requested", "data": {"x": [1, 2]}, "id": 7});
        let e = parse(body.clone());
        assert!(e.is_unknown());
        assert_eq!(e.event_type(), "partner_change_requested");
        assert_eq!(e.raw().value(), &body);
        assert_eq!(e.data()["x"], json!([1, 2]));
    }

    #[test]
    fn fields_of_the_wrong_type_read_as_none_without_losing_the_rest() {
        let e = parse(json!({"event": "channel_live", "data": {
            "id": "exampleCH", "status": 5, "account_mode": "turbo",
            "setup_info": {"phone_number": ["not", "a", "string"], "phone_name": "Shop"},
            "waba_account": {"fb_account_status": "brand_new_status"}}}));
        let PartnerEvent::ChannelLive(ev) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(ev.data.id.as_deref(), Some("exampleCH"));
        assert_eq!(ev.data.status, None);
        assert_eq!(
            ev.data.account_mode,
            Some(AccountMode::Unknown("turbo".into()))
        );
        let setup = ev.data.setup_info.as_ref().unwrap();
        assert_eq!(setup.phone_number, None);
        assert_eq!(setup.phone_name.as_deref(), Some("Shop"));
        assert_eq!(
            ev.data.waba_account.as_ref().unwrap().fb_account_status,
            Some(FbAccountStatus::Unknown("brand_new_status".into()))
        );
        assert_eq!(e.phone_number(), None);
        assert_eq!(e.phone_name(), Some("Shop"));
    }

    #[test]
    fn accessors_look_at_the_top_and_under_setup_info() {
        let top = parse(
            json!({"event": "account_violation", "data": {"phone_number": "+1", "violation_type": "SPAM"}}),
        );
        assert_eq!(top.phone_number(), Some("+1"));
        let nested = parse(
            json!({"event": "channel_ready", "data": {"id": "c", "client": {"id": "cl"},
            "setup_info": {"phone_number": "+2", "phone_name": "N"}}}),
        );
        assert_eq!(
            (nested.phone_number(), nested.phone_name()),
            (Some("+2"), Some("N"))
        );
        assert_eq!(
            (nested.channel_id(), nested.client_id()),
            (Some("c"), Some("cl"))
        );
        // No data wrapper: the top level is the payload.
        let flat =
            parse(json!({"event": "client_created", "id": "x", "name": "Co", "status": "active"}));
        let PartnerEvent::ClientCreated(ev) = &flat else {
            panic!()
        };
        assert_eq!(ev.data.name.as_deref(), Some("Co"));
        assert_eq!(flat.client_id(), Some("x"));
        assert_eq!(flat.status(), Some("active"));
    }

    #[test]
    fn data_before_event_and_repeated_event_still_type_the_payload() {
        let late =
            parse_event(br#"{"data":{"id":"c9","status":"live"},"event":"channel_live"}"#).unwrap();
        let PartnerEvent::ChannelLive(ev) = &late else {
            panic!("{late:?}")
        };
        assert_eq!(
            (ev.data.id.as_deref(), ev.data.status.clone()),
            (Some("c9"), Some(ChannelStatus::Live))
        );
        let twice = parse_event(
            br#"{"event":"channel_live","data":{"phone_number":"+1"},"event":"account_violation"}"#,
        )
        .unwrap();
        let PartnerEvent::AccountViolation(ev) = &twice else {
            panic!("{twice:?}")
        };
        assert_eq!(ev.data.phone_number.as_deref(), Some("+1"));
        let not_object =
            parse_event(br#"{"event":"channel_ready","data":[1],"id":3,"status":"ready"}"#)
                .unwrap();
        let PartnerEvent::ChannelReady(ev) = &not_object else {
            panic!()
        };
        assert_eq!(
            (ev.id.as_deref(), ev.data.status.clone()),
            (Some("3"), Some(ChannelStatus::Ready))
        );
    }

    #[test]
    fn raw_is_the_body_byte_for_byte() {
        let body = "{ \"event\" : \"x\",\n \"data\": {\"ü\": 1.50} }";
        let e = parse_event(body.as_bytes()).unwrap();
        assert_eq!(e.raw().as_str(), body);
        assert_eq!(e.data()["ü"], json!(1.5));
    }

    #[test]
    fn parse_errors() {
        assert!(matches!(
            parse_event(b"{"),
            Err(ParseError::MalformedJson(_))
        ));
        assert_eq!(parse_event(b"[1]"), Err(ParseError::NotAnObject));
        assert_eq!(
            parse_event(b"{\"data\":{}}"),
            Err(ParseError::MissingEventField)
        );
        assert_eq!(
            parse_event(b"{\"event\":5}"),
            Err(ParseError::MissingEventField)
        );
    }

    #[test]
    fn dedup_key_prefers_the_id() {
        assert_eq!(
            parse(json!({"event": "channel_live", "id": "e1"})).dedup_key(),
            "channel_live:e1"
        );
        assert_eq!(
            parse(json!({"event": "channel_live", "data": {"id": "c1", "status": "live"}}))
                .dedup_key(),
            "channel_live:c1:live"
        );
    }
}
