use std::path::Path;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::{TlsAcceptor, TlsConnector};

use super::*;
use crate::config::{ClientTls, Identity, ServerTls};

use super::test_pki as pki;

fn pem(path: &Path) -> Pem {
    Pem { key: "cert_file".into(), path: Some(path.to_path_buf()), text: std::fs::read(path).unwrap() }
}

fn identity(files: &pki::KeyFiles) -> Identity {
    Identity { certificate: pem(&files.cert), key: pem(&files.key) }
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ottl-agent-tls-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A TLS handshake between `client` and `server` over an in-memory pipe, then one byte
/// each way; the client's or the server's error when either fails.
fn handshake(client: &ClientTls, server: &ServerTls) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let connector = TlsConnector::from(Arc::new(client_config(client)?));
    let acceptor = TlsAcceptor::from(server_config(server, &[])?);
    runtime.block_on(async {
        let (client_io, server_io) = tokio::io::duplex(64 << 10);
        let serving = tokio::spawn(async move {
            let mut stream = acceptor.accept(server_io).await.map_err(|e| format!("server: {e}"))?;
            let mut byte = [0u8];
            stream.read_exact(&mut byte).await.map_err(|e| format!("server: {e}"))?;
            stream.write_all(&byte).await.map_err(|e| format!("server: {e}"))?;
            stream.flush().await.map_err(|e| format!("server: {e}"))
        });
        let name = ServerName::try_from(client.server_name_override.clone().unwrap_or_else(|| "localhost".into())).unwrap();
        let talk = async {
            let mut stream = connector.connect(name, client_io).await.map_err(|e| format!("client: {e}"))?;
            stream.write_all(b"x").await.map_err(|e| format!("client: {e}"))?;
            stream.flush().await.map_err(|e| format!("client: {e}"))?;
            let mut byte = [0u8];
            stream.read_exact(&mut byte).await.map_err(|e| format!("client: {e}"))?;
            Ok::<_, String>(())
        };
        let talked = talk.await;
        let served = serving.await.unwrap();
        talked.and(served)
    })
}

#[test]
fn versions_are_those_rustls_has_within_the_bounds() {
    let versions =
        |min, max| protocol_versions(&TlsVersions { min, max }).map(|v| v.iter().map(|v| v.version).collect::<Vec<_>>());
    use TlsVersion::*;
    use rustls::ProtocolVersion::{TLSv1_2, TLSv1_3};
    assert_eq!(versions(None, None), Ok(vec![TLSv1_3, TLSv1_2]), "the collector's default: 1.2 and up");
    assert_eq!(versions(Some(V1_3), None), Ok(vec![TLSv1_3]));
    assert_eq!(versions(None, Some(V1_2)), Ok(vec![TLSv1_2]));
    assert_eq!(versions(Some(V1_0), None), Ok(vec![TLSv1_3, TLSv1_2]), "1.0 allows what rustls has");
    assert!(versions(Some(V1_0), Some(V1_1)).unwrap_err().contains("1.2 and 1.3"));
    assert!(versions(None, Some(V1_1)).unwrap_err().contains("greater"), "the default minimum is 1.2, as in the collector");
    assert!(versions(Some(V1_3), Some(V1_2)).unwrap_err().contains("min_version cannot be greater than max_version"));
}

#[test]
fn a_server_is_trusted_through_its_ca_only_unless_verification_is_skipped() {
    let dir = scratch("trust");
    let (ours, theirs) = (pki::Pki::create(&dir, "ours"), pki::Pki::create(&dir, "theirs"));
    let server = ServerTls { identity: identity(&ours.server), client_ca: None, versions: TlsVersions::default() };
    let trusting = ClientTls { ca: Some(pem(&ours.ca)), ..ClientTls::default() };
    assert_eq!(handshake(&trusting, &server), Ok(()));
    let by_address = ClientTls { server_name_override: Some("127.0.0.1".into()), ..trusting.clone() };
    assert_eq!(handshake(&by_address, &server), Ok(()), "the certificate names the address too");
    let wrong_name = ClientTls { server_name_override: Some("elsewhere.example".into()), ..trusting };
    let error = handshake(&wrong_name, &server).unwrap_err();
    assert!(error.contains("certificate not valid for name \"elsewhere.example\""), "{error}");

    let other_ca = ClientTls { ca: Some(pem(&theirs.ca)), ..ClientTls::default() };
    let error = handshake(&other_ca, &server).unwrap_err();
    assert!(error.starts_with("client: invalid peer certificate: UnknownIssuer"), "{error}");
    let skipping = ClientTls { insecure_skip_verify: true, ..other_ca };
    assert_eq!(handshake(&skipping, &server), Ok(()));
}

#[test]
fn with_a_client_ca_the_server_requires_a_certificate_it_signed() {
    let dir = scratch("mutual");
    let (ours, theirs) = (pki::Pki::create(&dir, "ours"), pki::Pki::create(&dir, "theirs"));
    let server = ServerTls { identity: identity(&ours.server), client_ca: Some(pem(&ours.ca)), versions: TlsVersions::default() };
    let anonymous = ClientTls { ca: Some(pem(&ours.ca)), ..ClientTls::default() };
    let error = handshake(&anonymous, &server).unwrap_err();
    assert!(error.contains("CertificateRequired") || error.contains("NoCertificatesPresented"), "{error}");
    let signed = ClientTls { identity: Some(identity(&ours.client)), ..anonymous.clone() };
    assert_eq!(handshake(&signed, &server), Ok(()));
    let stranger = ClientTls { identity: Some(identity(&theirs.client)), ..anonymous };
    assert!(handshake(&stranger, &server).is_err(), "a client certificate of another CA is refused");
}

#[test]
fn versions_the_two_sides_do_not_share_fail_the_handshake() {
    let dir = scratch("versions");
    let ours = pki::Pki::create(&dir, "ours");
    let only_1_3 = TlsVersions { min: Some(TlsVersion::V1_3), max: None };
    let server = ServerTls { identity: identity(&ours.server), client_ca: None, versions: only_1_3 };
    let only_1_2 = TlsVersions { min: None, max: Some(TlsVersion::V1_2) };
    let client = ClientTls { ca: Some(pem(&ours.ca)), versions: only_1_2, ..ClientTls::default() };
    assert!(handshake(&client, &server).is_err());
    assert_eq!(handshake(&ClientTls { versions: TlsVersions::default(), ..client }, &server), Ok(()));
}

#[test]
fn bad_pem_and_mismatched_keys_are_errors_that_name_their_key() {
    let dir = scratch("bad");
    let (ours, theirs) = (pki::Pki::create(&dir, "ours"), pki::Pki::create(&dir, "theirs"));
    let not_pem = Pem { key: "ca_pem".into(), path: None, text: b"hello".to_vec() };
    let error = client_config(&ClientTls { ca: Some(not_pem), ..ClientTls::default() }).unwrap_err();
    assert_eq!(error, "`ca_pem` holds no certificate");
    let key_as_ca = Pem { key: "ca_file".into(), ..pem(&ours.server.key) };
    assert!(client_config(&ClientTls { ca: Some(key_as_ca), ..ClientTls::default() }).unwrap_err().contains("no certificate"));
    let mismatched = Identity { certificate: pem(&ours.server.cert), key: pem(&theirs.server.key) };
    let server = ServerTls { identity: mismatched, client_ca: None, versions: TlsVersions::default() };
    let error = server_config(&server, &[]).unwrap_err();
    assert!(error.contains("are no certificate and key pair"), "{error}");
    let no_key = Identity { certificate: pem(&ours.server.cert), key: pem(&ours.server.cert) };
    let server = ServerTls { identity: no_key, ..server };
    assert!(server_config(&server, &[]).unwrap_err().contains("holds no private key"));
}
