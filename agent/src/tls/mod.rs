//! TLS for the OTLP exporters and receivers, on rustls with the ring provider, from the
//! collector's `tls` settings ([`crate::config::ClientTls`], [`crate::config::ServerTls`]).
//!
//! rustls speaks TLS 1.2 and 1.3 only: a `min_version` of 1.0 or 1.1 allows what it can
//! (1.2 and up); a `max_version` below 1.2 cannot be met and is refused. Without a CA of its
//! own a client trusts the system's store, read once with rustls-native-certs: the store
//! Go's `x509.SystemCertPool` reads (`SSL_CERT_FILE` and `SSL_CERT_DIR` included), so an
//! organisation's own CA installed there is trusted by the agent as by the collector.

mod client;
mod incoming;
mod server;

use std::sync::{Arc, OnceLock};

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{RootCertStore, SupportedProtocolVersion};

use crate::config::{Identity, Pem, TlsVersion, TlsVersions};

pub use client::{Alpn, client_config, connector};
pub use incoming::TlsIncoming;
pub use server::server_config;

/// tonic's server asks each connection what it knows of its peer; the services here do
/// not use it. (Here rather than in `incoming.rs`, which `ottl-fleet` shares without tonic.)
impl tonic::transport::server::Connected for incoming::TlsConnection {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

/// The one crypto provider: ring. rustls deprecates it for having no post-quantum key
/// exchange (a Go peer that offers X25519MLKEM768 agrees on X25519 instead); its
/// alternative, aws-lc-rs, needs a C and CMake build this project does without.
#[allow(deprecated, reason = "ring is the chosen provider; see above")]
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The protocol versions `versions` allows among those rustls has.
pub fn protocol_versions(versions: &TlsVersions) -> Result<Vec<&'static SupportedProtocolVersion>, String> {
    let min = versions.min.unwrap_or(TlsVersion::V1_2);
    let max = versions.max.unwrap_or(TlsVersion::V1_3);
    if min > max {
        return Err("min_version cannot be greater than max_version".to_string());
    }
    let mut allowed = Vec::new();
    if max >= TlsVersion::V1_3 {
        allowed.push(&rustls::version::TLS13);
    }
    if min <= TlsVersion::V1_2 && max >= TlsVersion::V1_2 {
        allowed.push(&rustls::version::TLS12);
    }
    if allowed.is_empty() {
        return Err("max_version below 1.2 cannot be met: the agent speaks TLS 1.2 and 1.3".to_string());
    }
    Ok(allowed)
}

/// Every certificate of a PEM document; one at least.
fn certificates(pem: &Pem) -> Result<Vec<CertificateDer<'static>>, String> {
    let certificates = CertificateDer::pem_slice_iter(&pem.text)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("{} is not valid PEM: {error}", pem.origin()))?;
    if certificates.is_empty() {
        return Err(format!("{} holds no certificate", pem.origin()));
    }
    Ok(certificates)
}

/// The private key of a PEM document (PKCS#8, PKCS#1 or SEC1).
fn private_key(pem: &Pem) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_slice(&pem.text).map_err(|error| format!("{} holds no private key: {error}", pem.origin()))
}

/// A certificate chain and its private key, as rustls takes them.
fn chain_and_key(identity: &Identity) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    Ok((certificates(&identity.certificate)?, private_key(&identity.key)?))
}

/// Why rustls refused a chain and key: they do not belong together, or the key's kind.
fn not_a_pair(identity: &Identity, error: rustls::Error) -> String {
    format!("{} and {} are no certificate and key pair: {error}", identity.certificate.origin(), identity.key.origin())
}

/// A trust store of the CA certificates in `ca`, on top of the system's when `with_system`.
fn roots_with(ca: &Pem, with_system: bool) -> Result<RootCertStore, String> {
    let mut roots = if with_system { system_roots().clone() } else { RootCertStore::empty() };
    for certificate in certificates(ca)? {
        roots.add(certificate).map_err(|error| format!("{} holds a certificate that is no CA: {error}", ca.origin()))?;
    }
    Ok(roots)
}

/// The system's trust store, read once. Certificates it cannot parse are left out, as Go
/// leaves them out; an empty store makes every server unknown, which each failed
/// export then says.
fn system_roots() -> &'static RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let found = rustls_native_certs::load_native_certs();
        for error in &found.errors {
            tracing::warn!(%error, "reading the system's trusted certificates");
        }
        let mut roots = RootCertStore::empty();
        let (_, ignored) = roots.add_parsable_certificates(found.certs);
        if ignored > 0 {
            tracing::debug!(ignored, "system certificates rustls cannot use");
        }
        roots
    })
}

/// A CA and certificates made at test time; the integration tests use the same file.
#[cfg(test)]
#[path = "../../tests/common/pki.rs"]
pub mod test_pki;

#[cfg(test)]
mod tests;
