//! What `ottl-fleet status` reads a running fleet's `/status` with: HTTP or HTTPS (rustls
//! on ring, as the server; trusting `--ca-file`, else the system's CAs) and the fleet's
//! bearer token when it has one.

use std::path::Path;
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, HeaderValue};
use hyper::{Request, StatusCode, Uri};
use hyper_rustls::HttpsConnectorBuilder;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::ClientConfig;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::tls::provider;

/// How long connecting and reading the status may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The body of `GET {url}/status`.
pub async fn fetch(url: &str, token: Option<&str>, ca_file: Option<&Path>) -> Result<Bytes, String> {
    let uri: Uri = format!("{}/status", url.trim_end_matches('/')).parse().map_err(|e| format!("bad --url `{url}`: {e}"))?;
    let mut tcp = HttpConnector::new();
    // The TLS connector decides the scheme; the TCP connector under it must take `https` too.
    tcp.enforce_http(false);
    tcp.set_connect_timeout(Some(TIMEOUT));
    let connector =
        HttpsConnectorBuilder::new().with_tls_config(client_config(ca_file)?).https_or_http().enable_http1().wrap_connector(tcp);
    let client = Client::builder(TokioExecutor::new()).build::<_, Empty<Bytes>>(connector);
    let mut request = Request::get(uri.clone()).body(Empty::new()).map_err(|e| e.to_string())?;
    if let Some(token) = token {
        let value =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| "the token is not a valid header value".to_string())?;
        request.headers_mut().insert(AUTHORIZATION, value);
    }
    let exchange = async {
        let response = client.request(request).await.map_err(|e| format!("cannot reach {uri}: {}", error_chain(&e)))?;
        match response.status() {
            StatusCode::OK => {}
            StatusCode::UNAUTHORIZED => {
                return Err(format!(
                    "{uri} answered 401: it wants the fleet's bearer token (--token, or OTTL_FLEET_TOKEN){}",
                    if token.is_some() { "; the one given is not it" } else { "" }
                ));
            }
            status => return Err(format!("{uri} answered {status}")),
        }
        response.into_body().collect().await.map(|body| body.to_bytes()).map_err(|e| format!("reading {uri}: {e}"))
    };
    tokio::time::timeout(TIMEOUT, exchange).await.map_err(|_| format!("{uri} did not answer within {TIMEOUT:?}"))?
}

/// Trusts the CA certificates in `ca_file` (PEM), or the system's without one.
fn client_config(ca_file: Option<&Path>) -> Result<ClientConfig, String> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let certificates = CertificateDer::pem_file_iter(path)
                .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
            let (added, _) = roots.add_parsable_certificates(certificates);
            if added == 0 {
                return Err(format!("--ca-file {} holds no usable certificate", path.display()));
            }
        }
        None => {
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        }
    }
    Ok(ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// An error with its causes: hyper's own message for a failed connection is only "client error (Connect)".
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
