//! A minimal LSP client over an in-memory pipe, speaking the real wire format
//! (Content-Length framing, JSON-RPC) to the server running in the same process. Shared by
//! the protocol tests and the diagnostics benchmark.

use std::fmt;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};

/// What went wrong talking to the server. The tests unwrap it; the benchmark reports it.
#[derive(Debug)]
pub enum ClientError {
    /// The pipe to the server failed.
    Io(std::io::Error),
    /// A message body that is not JSON.
    Json(serde_json::Error),
    /// The server broke the protocol or answered a request with an error.
    Protocol(String),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Io(error) => write!(f, "the pipe to the server failed: {error}"),
            ClientError::Json(error) => write!(f, "the server sent a body that is not JSON: {error}"),
            ClientError::Protocol(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<std::io::Error> for ClientError {
    fn from(error: std::io::Error) -> Self {
        ClientError::Io(error)
    }
}

impl From<serde_json::Error> for ClientError {
    fn from(error: serde_json::Error) -> Self {
        ClientError::Json(error)
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;

pub struct Client {
    writer: WriteHalf<DuplexStream>,
    reader: BufReader<ReadHalf<DuplexStream>>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    pub notifications: Vec<Value>,
}

impl Client {
    pub async fn start(initialization_options: Value) -> Result<Client> {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let (service, socket) = ottl_lsp::service();
        tokio::spawn(tower_lsp_server::Server::new(server_read, server_write, socket).serve(service));
        let (read, writer) = tokio::io::split(client_end);
        let mut client = Client { writer, reader: BufReader::new(read), next_id: 0, notifications: Vec::new() };
        let capabilities = json!({
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}
        });
        let result = client
            .request("initialize", json!({"capabilities": capabilities, "initializationOptions": initialization_options}))
            .await?;
        let encoding = &result["capabilities"]["positionEncoding"];
        if encoding != "utf-16" {
            return Err(ClientError::Protocol(format!("the server chose the position encoding {encoding}, not utf-16")));
        }
        client.notify("initialized", json!({})).await?;
        Ok(client)
    }

    pub async fn send(&mut self, message: Value) -> Result<()> {
        let body = message.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        Ok(self.writer.write_all(framed.as_bytes()).await?)
    }

    pub async fn receive(&mut self) -> Result<Value> {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).await? == 0 {
                return Err(ClientError::Protocol("the server closed the pipe".to_string()));
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value
                    .parse()
                    .map_err(|_| ClientError::Protocol(format!("a Content-Length that is not a number: {value}")))?;
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).await?;
        Ok(serde_json::from_slice(&body)?)
    }

    pub async fn notify(&mut self, method: &str, params: Value) -> Result<()> {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params})).await
    }

    /// Sends a request and waits for its response: the result, or the error response as an
    /// error.
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await?;
        loop {
            let message = self.receive().await?;
            if message.get("id") == Some(&json!(id)) {
                if message.get("error").is_some() {
                    return Err(ClientError::Protocol(format!("{method} failed: {message}")));
                }
                return Ok(message["result"].clone());
            }
            self.notifications.push(message);
        }
    }

    /// The next diagnostics published for `uri`.
    pub async fn diagnostics(&mut self, uri: &str) -> Result<Vec<Value>> {
        let is_wanted = |n: &Value| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri;
        let notification = match self.notifications.iter().position(is_wanted) {
            Some(i) => self.notifications.remove(i),
            None => loop {
                let message = self.receive().await?;
                if is_wanted(&message) {
                    break message;
                }
            },
        };
        match &notification["params"]["diagnostics"] {
            Value::Array(diagnostics) => Ok(diagnostics.clone()),
            _ => Err(ClientError::Protocol(format!("diagnostics without a list: {notification}"))),
        }
    }

    pub async fn open(&mut self, uri: &str, language: &str, text: &str) -> Result<Vec<Value>> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        )
        .await?;
        self.diagnostics(uri).await
    }

    pub async fn at(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Result<Value> {
        self.request(method, json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})).await
    }
}
