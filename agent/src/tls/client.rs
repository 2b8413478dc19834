//! The exporters' side: a rustls client configuration from an exporter's `tls`, and the
//! connector that opens TLS connections with it for tonic (gRPC) and hyper (HTTP) alike.

use std::sync::Arc;

use hyper_rustls::{FixedServerNameResolver, HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

use super::{chain_and_key, not_a_pair, protocol_versions, provider, roots_with, system_roots};
use crate::config::ClientTls;

/// The client configuration of `settings`: its versions, the servers it trusts (its CA,
/// else the system's; none checked with `insecure_skip_verify`) and its client certificate.
pub fn client_config(settings: &ClientTls) -> Result<ClientConfig, String> {
    let provider = provider();
    let versions = protocol_versions(&settings.versions)?;
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|error| format!("the TLS versions: {error}"))?;
    let builder = if settings.insecure_skip_verify {
        builder.dangerous().with_custom_certificate_verifier(Arc::new(AnyServerCertificate(provider)))
    } else {
        let roots = match &settings.ca {
            Some(ca) => roots_with(ca, settings.include_system_ca_certs_pool)?,
            None => system_roots().clone(),
        };
        builder.with_root_certificates(roots)
    };
    match &settings.identity {
        Some(identity) => {
            let (chain, key) = chain_and_key(identity)?;
            builder.with_client_auth_cert(chain, key).map_err(|error| not_a_pair(identity, error))
        }
        None => Ok(builder.with_no_client_auth()),
    }
}

/// The HTTP versions a connection offers (its ALPN): gRPC needs HTTP/2, which the
/// collector's gRPC server requires to be negotiated; the OTLP/HTTP exporter speaks HTTP/1.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alpn {
    Http2,
    Http1,
}

/// A connector that speaks TLS to `https` URLs (and plain TCP to `http` ones), over `tcp`,
/// with the client configuration of `settings`. Settings that configure no TLS of their own
/// (`insecure: true` without a CA) take the defaults for an `https` URL, as Go's do.
pub fn connector(settings: &ClientTls, alpn: Alpn, mut tcp: HttpConnector) -> Result<HttpsConnector<HttpConnector>, String> {
    let defaults = ClientTls::default();
    let settings = if settings.configures_tls() { settings } else { &defaults };
    // The TLS connector decides the scheme; the TCP connector below must take `https` too.
    tcp.enforce_http(false);
    let mut builder = HttpsConnectorBuilder::new().with_tls_config(client_config(settings)?).https_or_http();
    if let Some(name) = &settings.server_name_override {
        let name = ServerName::try_from(name.clone())
            .map_err(|_| format!("`server_name_override: {name}` is no host name or IP address"))?;
        builder = builder.with_server_name_resolver(FixedServerNameResolver::new(name));
    }
    Ok(match alpn {
        Alpn::Http2 => builder.enable_http2().wrap_connector(tcp),
        Alpn::Http1 => builder.enable_http1().wrap_connector(tcp),
    })
}

/// `insecure_skip_verify`: any server certificate is accepted, as Go's `InsecureSkipVerify`
/// accepts it; the handshake's signatures are still checked, so the connection is
/// encrypted to whoever holds the certificate's key.
#[derive(Debug)]
struct AnyServerCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyServerCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, certificate, signature, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, certificate, signature, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
