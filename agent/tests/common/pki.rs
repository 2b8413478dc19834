//! A certificate authority made at test time and the certificates it signs, written as PEM
//! files: a server certificate for `localhost` and 127.0.0.1, and a client certificate. The
//! agent's unit tests include this file too.

#![allow(clippy::unwrap_used, reason = "test helper: a test fails when its certificates cannot be made")]

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};

/// A certificate's PEM file and its private key's.
pub struct KeyFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A CA's certificate and two certificates it signed, as files.
pub struct Pki {
    pub ca: PathBuf,
    pub server: KeyFiles,
    pub client: KeyFiles,
}

impl Pki {
    /// A new CA called `name`, its files in `dir` (`name-ca.pem`, `name-server.pem`, ...).
    pub fn create(dir: &Path, name: &str) -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, format!("{name} test CA"));
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let ca_file = dir.join(format!("{name}-ca.pem"));
        std::fs::write(&ca_file, ca.pem()).unwrap();
        let leaf = |role: &str, names: Vec<String>, usage: ExtendedKeyUsagePurpose| {
            let mut params = CertificateParams::new(names).unwrap();
            params.distinguished_name.push(DnType::CommonName, format!("{name} {role}"));
            params.extended_key_usages = vec![usage];
            let key = KeyPair::generate().unwrap();
            let cert = params.signed_by(&key, &ca).unwrap();
            let files =
                KeyFiles { cert: dir.join(format!("{name}-{role}.pem")), key: dir.join(format!("{name}-{role}-key.pem")) };
            std::fs::write(&files.cert, cert.pem()).unwrap();
            std::fs::write(&files.key, key.serialize_pem()).unwrap();
            files
        };
        let server_names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let server = leaf("server", server_names, ExtendedKeyUsagePurpose::ServerAuth);
        let client = leaf("client", vec!["agent-client".to_string()], ExtendedKeyUsagePurpose::ClientAuth);
        Pki { ca: ca_file, server, client }
    }
}
