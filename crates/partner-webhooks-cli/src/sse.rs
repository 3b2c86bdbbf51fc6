//! Server-sent events as `deliveries --follow` reads them from the sandbox's
//! `GET /_sandbox/stream`: the `id`, `event` and `data` fields of each event
//! (the rest of the format, `retry` and comments, is not used there).

/// One event.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
}

/// Takes every complete event (ended by a blank line) off the front of
/// `buf`; a partial one stays for the next chunk. Keep-alive comments give
/// no event.
pub fn take_events(buf: &mut String) -> Vec<SseEvent> {
    let mut out = Vec::new();
    loop {
        let normalized = buf.replace("\r\n", "\n");
        if normalized.len() != buf.len() {
            *buf = normalized;
        }
        let Some(end) = buf.find("\n\n") else {
            return out;
        };
        let block: String = buf.drain(..end + 2).collect();
        let mut e = SseEvent::default();
        let mut any = false;
        for line in block.lines() {
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "id" => e.id = Some(value.to_string()),
                "event" => e.event = value.to_string(),
                "data" => {
                    if !e.data.is_empty() {
                        e.data.push('\n');
                    }
                    e.data.push_str(value);
                }
                _ => continue,
            }
            any = true;
        }
        if any {
            if e.event.is_empty() {
                e.event = "message".into();
            }
            out.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_and_comments() {
        let mut buf = String::from(": keep-alive\n\nevent: delivery\nid: 7\ndata: {\"a\":");
        assert!(take_events(&mut buf).is_empty());
        buf.push_str("1}\n\nevent: reset\r\nid: 9\r\ndata: 9\r\n\r\ndata: x\n");
        let events = take_events(&mut buf);
        assert_eq!(
            events,
            [
                SseEvent {
                    id: Some("7".into()),
                    event: "delivery".into(),
                    data: "{\"a\":1}".into()
                },
                SseEvent {
                    id: Some("9".into()),
                    event: "reset".into(),
                    data: "9".into()
                },
            ]
        );
        assert_eq!(buf, "data: x\n");
    }
}
