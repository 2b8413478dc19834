//! TLS on the fleet's port (`tls:` with `cert_file` and `key_file`): rustls on the ring
//! provider, as the agent's receivers (agent/src/tls). The listener that completes each
//! handshake in a task of its own is the agent's very file, so both servers accept TLS
//! the same way.

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

#[path = "../../agent/src/tls/incoming.rs"]
mod incoming;

pub use incoming::TlsIncoming;

/// The server configuration for the certificate chain in `cert_file` and its key in
/// `key_file` (PEM), speaking HTTP/1.1 (plain-HTTP OpAMP and the WebSocket upgrade).
pub fn server_config(cert_file: &Path, key_file: &Path) -> Result<Arc<ServerConfig>, String> {
    let chain = CertificateDer::pem_file_iter(cert_file)
        .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
        .map_err(|error| format!("tls cert_file {}: {error}", cert_file.display()))?;
    if chain.is_empty() {
        return Err(format!("tls cert_file {} holds no certificate", cert_file.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key_file).map_err(|error| format!("tls key_file {}: {error}", key_file.display()))?;
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("tls: {error}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|error| format!("tls cert_file and key_file are no certificate and key pair: {error}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// ring, the agent's provider: aws-lc-rs needs a C and CMake build this project does without.
#[allow(deprecated, reason = "ring is the chosen provider; see above")]
pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}
