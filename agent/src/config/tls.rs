//! `tls` settings with the collector's keys (configtls): a client's, under an OTLP
//! exporter, and a server's, under a receiver protocol.
//!
//! Certificate and key files are read when the config loads, relative to the config file,
//! and the TLS configuration is built then too, so that a missing file, a PEM that holds no
//! certificate or a key that does not match is an error of `validate` at its YAML position
//! rather than a failed start or a failing exporter.

use std::path::{Path, PathBuf};

use ottl_grammar::Code;
use rustls::pki_types::ServerName;

use ottl_pipeline::settings::{At, Reader};

/// A client's keys. Not here: `cipher_suites`, `curve_preferences` and
/// `include_insecure_cipher_suites` (rustls chooses its own), `reload_interval` and `tpm`.
const CLIENT_KEYS: &[&str] = &[
    "insecure",
    "insecure_skip_verify",
    "server_name_override",
    "ca_file",
    "ca_pem",
    "include_system_ca_certs_pool",
    "cert_file",
    "cert_pem",
    "key_file",
    "key_pem",
    "min_version",
    "max_version",
];

/// A server's keys: its certificate, the client CA that turns on mutual TLS, versions.
const SERVER_KEYS: &[&str] = &["cert_file", "cert_pem", "key_file", "key_pem", "client_ca_file", "min_version", "max_version"];

/// The versions `min_version` and `max_version` name.
const VERSIONS: &[&str] = &["1.0", "1.1", "1.2", "1.3"];

/// PEM text from a file (`ca_file`) or inline (`ca_pem`), read when the config loads.
#[derive(Clone, Debug)]
pub struct Pem {
    /// The key that gave it: `ca_file`, `ca_pem`.
    pub key: String,
    /// The file of a `*_file` key.
    pub path: Option<PathBuf>,
    pub text: Vec<u8>,
}

impl Pem {
    /// Where it came from, for messages: `ca_file /etc/ca.pem`, `ca_pem`.
    pub fn origin(&self) -> String {
        match &self.path {
            Some(path) => format!("`{}` {}", self.key, path.display()),
            None => format!("`{}`", self.key),
        }
    }
}

/// A certificate chain and its private key.
#[derive(Clone, Debug)]
pub struct Identity {
    pub certificate: Pem,
    pub key: Pem,
}

/// A TLS protocol version as configtls names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsVersion {
    V1_0,
    V1_1,
    V1_2,
    V1_3,
}

impl TlsVersion {
    fn parse(text: &str) -> Option<TlsVersion> {
        match text {
            "1.0" => Some(TlsVersion::V1_0),
            "1.1" => Some(TlsVersion::V1_1),
            "1.2" => Some(TlsVersion::V1_2),
            "1.3" => Some(TlsVersion::V1_3),
            _ => None,
        }
    }
}

/// `min_version` (the collector's default is 1.2) and `max_version` (none: the newest).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TlsVersions {
    pub min: Option<TlsVersion>,
    pub max: Option<TlsVersion>,
}

/// An OTLP exporter's `tls`, with the collector's defaults: TLS, verified against the
/// system's trust store.
#[derive(Clone, Debug, Default)]
pub struct ClientTls {
    pub insecure: bool,
    pub insecure_skip_verify: bool,
    pub server_name_override: Option<String>,
    pub ca: Option<Pem>,
    /// With a CA: trust the system's roots too.
    pub include_system_ca_certs_pool: bool,
    /// A client certificate, for servers that require one.
    pub identity: Option<Identity>,
    pub versions: TlsVersions,
}

impl ClientTls {
    /// Whether these settings make a TLS configuration of their own, as configtls's
    /// `LoadTLSConfig` decides: all but `insecure: true` without a CA. The protocol then
    /// decides whether the connection uses it (an `https://` URL uses TLS in any case).
    pub fn configures_tls(&self) -> bool {
        !self.insecure || self.ca.is_some()
    }
}

/// A receiver protocol's `tls`: present means the protocol is served over TLS only.
#[derive(Clone, Debug)]
pub struct ServerTls {
    pub identity: Identity,
    /// `client_ca_file`: clients must present a certificate it signed (mutual TLS).
    pub client_ca: Option<Pem>,
    pub versions: TlsVersions,
}

/// What the keys both sides share gathered while reading.
#[derive(Default)]
struct Shared {
    certificate: Option<Pem>,
    key: Option<Pem>,
    versions: TlsVersions,
}

impl Shared {
    /// Reads `key` if it is one of the shared keys; false when it is not.
    fn read(&mut self, reader: &mut Reader<'_>, key: &str, at: At, base_dir: &Path) -> Option<bool> {
        match key {
            "cert_file" | "cert_pem" => read_once(reader, &mut self.certificate, key, at, base_dir)?,
            "key_file" | "key_pem" => read_once(reader, &mut self.key, key, at, base_dir)?,
            "min_version" => self.versions.min = Some(version(reader, key, at)?),
            "max_version" => self.versions.max = Some(version(reader, key, at)?),
            _ => return Some(false),
        }
        Some(true)
    }

    /// The certificate and key, both or neither, as configtls requires.
    fn identity(self, reader: &mut Reader<'_>, at: At, what: &str) -> Option<Option<Identity>> {
        match (self.certificate, self.key) {
            (Some(certificate), Some(key)) => Some(Some(Identity { certificate, key })),
            (None, None) => Some(None),
            (certificate, _) => {
                let missing = if certificate.is_some() { "key_file" } else { "cert_file" };
                reader.error(
                    Code::InvalidComponentSetting,
                    at.key_of(),
                    format!("`{what}` has a certificate or a key without the other"),
                    format!("add `{missing}` (or its `_pem` form): TLS needs both, or neither"),
                );
                None
            }
        }
    }
}

/// An OTLP exporter's `tls` (`what` names it in messages: `otlp/backend::tls`).
pub(super) fn client(reader: &mut Reader<'_>, at: At, what: &str, base_dir: &Path) -> Option<ClientTls> {
    let mut tls = ClientTls::default();
    let mut shared = Shared::default();
    for (key, at) in reader.settings(at, what, CLIENT_KEYS) {
        if shared.read(reader, &key, at, base_dir)? {
            continue;
        }
        match key.as_str() {
            "insecure" => tls.insecure = reader.bool(at, "`insecure`")?,
            "insecure_skip_verify" => tls.insecure_skip_verify = reader.bool(at, "`insecure_skip_verify`")?,
            "include_system_ca_certs_pool" => {
                tls.include_system_ca_certs_pool = reader.bool(at, "`include_system_ca_certs_pool`")?
            }
            "server_name_override" => tls.server_name_override = Some(server_name(reader, at)?),
            _ => read_once(reader, &mut tls.ca, &key, at, base_dir)?,
        }
    }
    tls.versions = versions(reader, at, what, shared.versions)?;
    tls.identity = shared.identity(reader, at, what)?;
    if tls.configures_tls() {
        let built = crate::tls::client_config(&tls);
        check(reader, at, what, built.map(drop))?;
    }
    Some(tls)
}

/// A receiver protocol's `tls`.
pub(super) fn server(reader: &mut Reader<'_>, at: At, what: &str, base_dir: &Path) -> Option<ServerTls> {
    let mut shared = Shared::default();
    let mut client_ca = None;
    for (key, at) in reader.settings(at, what, SERVER_KEYS) {
        if !shared.read(reader, &key, at, base_dir)? {
            read_once(reader, &mut client_ca, &key, at, base_dir)?;
        }
    }
    let versions = versions(reader, at, what, shared.versions)?;
    let Some(identity) = shared.identity(reader, at, what)? else {
        reader.error(
            Code::InvalidComponentSetting,
            at.key_of(),
            format!("`{what}` needs a certificate and its key"),
            "add `cert_file` and `key_file`: a server's TLS needs both",
        );
        return None;
    };
    let tls = ServerTls { identity, client_ca, versions };
    check(reader, at, what, crate::tls::server_config(&tls, &[]).map(drop))?;
    Some(tls)
}

/// `min_version` and `max_version` together: a range that holds a version the agent speaks.
fn versions(reader: &mut Reader<'_>, at: At, what: &str, versions: TlsVersions) -> Option<TlsVersions> {
    if let Err(message) = crate::tls::protocol_versions(&versions) {
        reader.error(
            Code::InvalidComponentSetting,
            at.key_of(),
            format!("`{what}`: {message}"),
            "the agent speaks TLS 1.2 and 1.3; min_version defaults to 1.2",
        );
        return None;
    }
    Some(versions)
}

/// Reports a TLS configuration that cannot be built (its certificates and keys), at the
/// `tls` key.
fn check(reader: &mut Reader<'_>, at: At, what: &str, built: Result<(), String>) -> Option<()> {
    built
        .map_err(|message| {
            reader.error(
                Code::InvalidComponentSetting,
                at.key_of(),
                format!("`{what}`: {message}"),
                "give PEM files: certificates (`BEGIN CERTIFICATE`) and the certificate's own private key",
            );
        })
        .ok()
}

/// Reads a `*_file` or `*_pem` key into `slot`; the other form of the same key given too
/// is an error, as in the collector (`ca_file` and `ca_pem` cannot both be the CA).
fn read_once(reader: &mut Reader<'_>, slot: &mut Option<Pem>, key: &str, at: At, base_dir: &Path) -> Option<()> {
    if let Some(first) = slot {
        reader.error(
            Code::InvalidComponentSetting,
            at.key_of(),
            format!("`{key}` and `{}` give the same thing twice", first.key),
            "keep one of them: a file or the PEM text",
        );
        return None;
    }
    *slot = Some(pem(reader, key, at, base_dir)?);
    Some(())
}

/// A `*_file` key's file, read relative to the config, or a `*_pem` key's text.
fn pem(reader: &mut Reader<'_>, key: &str, at: At, base_dir: &Path) -> Option<Pem> {
    let value = reader.scalar(at, &format!("`{key}`"))?;
    if key.ends_with("_pem") {
        return Some(Pem { key: key.to_string(), path: None, text: value.into_bytes() });
    }
    let path = base_dir.join(&value);
    match std::fs::read(&path) {
        Ok(text) => Some(Pem { key: key.to_string(), path: Some(path), text }),
        Err(error) => {
            reader.error(
                Code::InvalidComponentSetting,
                at,
                format!("cannot read `{key}` {}: {error}", path.display()),
                "give a PEM file's path, relative to the config file",
            );
            None
        }
    }
}

fn version(reader: &mut Reader<'_>, key: &str, at: At) -> Option<TlsVersion> {
    TlsVersion::parse(&reader.one_of(at, &format!("`{key}`"), VERSIONS)?)
}

/// `server_name_override`: a DNS name or an IP address, as certificates name servers.
fn server_name(reader: &mut Reader<'_>, at: At) -> Option<String> {
    let name = reader.scalar(at, "`server_name_override`")?;
    if ServerName::try_from(name.as_str()).is_ok() {
        return Some(name);
    }
    reader.error(
        Code::InvalidComponentSetting,
        at,
        format!("`server_name_override` must be a host name or an IP address, not `{name}`"),
        "write the name the server's certificate holds, such as backend.example.com",
    );
    None
}
