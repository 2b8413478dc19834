//! A listener that hands the OTLP servers TLS connections: it accepts TCP connections and
//! completes each handshake in a task of its own, so that a slow or failing client (no
//! client certificate, a CA it does not trust) never holds up the others. tonic takes the
//! connections as a stream, axum as a [`Listener`]. `ottl-fleet` serves TLS with this very
//! file (it has no tonic: tonic's side of the connection is in `tls/mod.rs`).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::serve::Listener;
use rustls::ServerConfig;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::ReceiverStream;

/// How long a client may take over its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections past their handshake that the server has not taken yet.
const READY_CONNECTIONS: usize = 64;
/// The pause after a failed `accept` (out of file descriptors), before the next.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// TLS connections accepted on a listener, each with the client's address.
pub struct TlsIncoming {
    connections: mpsc::Receiver<(TlsConnection, SocketAddr)>,
    local_addr: SocketAddr,
}

impl TlsIncoming {
    /// Starts accepting on `listener`; accepting ends once this is dropped.
    pub fn new(listener: TcpListener, config: Arc<ServerConfig>) -> io::Result<TlsIncoming> {
        let local_addr = listener.local_addr()?;
        let (sender, connections) = mpsc::channel(READY_CONNECTIONS);
        tokio::spawn(accept(listener, TlsAcceptor::from(config), sender));
        Ok(TlsIncoming { connections, local_addr })
    }

    /// The connections as the stream tonic's server takes.
    pub fn into_stream(self) -> impl tokio_stream::Stream<Item = Result<TlsConnection, io::Error>> {
        tokio_stream::StreamExt::map(ReceiverStream::new(self.connections), |(connection, _)| Ok(connection))
    }
}

impl Listener for TlsIncoming {
    type Io = TlsConnection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TlsConnection, SocketAddr) {
        match self.connections.recv().await {
            Some(connection) => connection,
            // The accepting task is gone only with the runtime: no connection comes.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local_addr)
    }
}

/// Accepts until the server drops its end, handing each handshake to a task.
async fn accept(listener: TcpListener, acceptor: TlsAcceptor, ready: mpsc::Sender<(TlsConnection, SocketAddr)>) {
    loop {
        let (tcp, peer) = tokio::select! {
            () = ready.closed() => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                    continue;
                }
            },
        };
        let (acceptor, ready) = (acceptor.clone(), ready.clone());
        tokio::spawn(async move {
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(stream)) => {
                    // The server may have stopped meanwhile: then the connection just closes.
                    let _ = ready.send((TlsConnection(stream), peer)).await;
                }
                // A connection closed before its hello is a port probe, not a client.
                Ok(Err(error)) if error.kind() == io::ErrorKind::UnexpectedEof => {
                    tracing::debug!(%peer, %error, "connection closed before its TLS handshake")
                }
                Ok(Err(error)) => tracing::info!(%peer, %error, "TLS handshake failed"),
                Err(_) => tracing::info!(%peer, "TLS handshake not done within {HANDSHAKE_TIMEOUT:?}"),
            }
        });
    }
}

/// One client's TLS connection, past its handshake.
pub struct TlsConnection(TlsStream<TcpStream>);

impl AsyncRead for TlsConnection {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsConnection {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
