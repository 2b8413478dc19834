//! Just enough HTTP/1.1 for the bench's two ends, the load generator and the sink, over
//! keep-alive connections on loopback: a message's head and its body, sized by
//! `Content-Length`. Hand-written so that neither end costs more CPU than
//! reading and writing bytes: they share the machine with the process under test.

use std::io::{self, BufRead, Read};

/// A request's or a response's first line and headers.
pub struct Head {
    pub start_line: String,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A response's status code.
    pub fn status(&self) -> Option<u16> {
        self.start_line.split(' ').nth(1)?.parse().ok()
    }

    /// A request's path.
    pub fn path(&self) -> Option<&str> {
        self.start_line.split(' ').nth(1)
    }
}

/// Reads the next message from `reader` into `body` (cleared first); `None` when the peer
/// closed the connection before the message began.
pub fn read_message(reader: &mut impl BufRead, body: &mut Vec<u8>) -> io::Result<Option<Head>> {
    let mut start_line = String::new();
    if reader.read_line(&mut start_line)? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(invalid("the connection closed inside a message head"));
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| invalid(&format!("not a header: {line:?}")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let head = Head { start_line: start_line.trim_end().to_string(), headers };
    body.clear();
    // Both peers size what they send (the Go and hyper clients a body read from memory, the
    // Go and hyper servers a short answer), so chunked messages are refused, not read.
    let length = head.header("content-length").ok_or_else(|| invalid(&format!("no Content-Length: {}", head.start_line)))?;
    let length: u64 = length.parse().map_err(|_| invalid(&format!("bad Content-Length {length:?}")))?;
    reader.take(length).read_to_end(body)?;
    if body.len() as u64 != length {
        return Err(invalid("the connection closed inside a message body"));
    }
    Ok(Some(head))
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}
