//! The receivers' side: a rustls server configuration from a protocol's `tls`.

use std::sync::Arc;

use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;

use super::{chain_and_key, not_a_pair, protocol_versions, provider, roots_with};
use crate::config::ServerTls;

/// The server configuration of `settings`, offering the application protocols `alpn`
/// (`h2` for gRPC). With `client_ca_file`, a client must present a certificate that CA
/// signed, as the collector's `RequireAndVerifyClientCert`.
pub fn server_config(settings: &ServerTls, alpn: &[&[u8]]) -> Result<Arc<ServerConfig>, String> {
    let provider = provider();
    let versions = protocol_versions(&settings.versions)?;
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|error| format!("the TLS versions: {error}"))?;
    let builder = match &settings.client_ca {
        Some(ca) => {
            let roots = Arc::new(roots_with(ca, false)?);
            let verifier = WebPkiClientVerifier::builder_with_provider(roots, provider)
                .build()
                .map_err(|error| format!("{} cannot verify clients: {error}", ca.origin()))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let (chain, key) = chain_and_key(&settings.identity)?;
    let mut config = builder.with_single_cert(chain, key).map_err(|error| not_a_pair(&settings.identity, error))?;
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    Ok(Arc::new(config))
}
