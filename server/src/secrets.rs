//! Development conveniences: a master key and an admin token generated on
//! first run and kept in the data folder (mode 0600). Production requires
//! both to be configured.

use atout_core::{
    config::Mode,
    crypto::{random_token, MasterKey},
    Config,
};
use secrecy::{ExposeSecret, SecretString};
use std::{io::Write, path::Path};

fn read_or_create(
    path: &Path,
    make: impl FnOnce() -> anyhow::Result<String>,
) -> anyhow::Result<(String, bool)> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((text.trim().to_owned(), false)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                atout_core::store::create_private_dir(parent)?;
            }
            let value = make()?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            match options.open(path) {
                Ok(mut file) => {
                    file.write_all(value.as_bytes())?;
                    file.write_all(b"\n")?;
                    file.sync_all()?;
                    Ok((value, true))
                }
                // Another process created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Ok((std::fs::read_to_string(path)?.trim().to_owned(), false))
                }
                Err(e) => Err(anyhow::anyhow!("cannot create {}: {e}", path.display())),
            }
        }
        Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
    }
}

/// The master key: configured, or (development) read from or created at
/// `data_dir/master.key`.
pub fn master_key(config: &Config) -> anyhow::Result<MasterKey> {
    if let Some(key) = &config.master_key {
        return Ok(MasterKey::from_base64(key.expose_secret())?);
    }
    anyhow::ensure!(
        config.mode == Mode::Development,
        "master_key is required in production"
    );
    let path = config.data_dir.join("master.key");
    let (text, created) = read_or_create(&path, || Ok(MasterKey::generate()?.1.to_string()))?;
    if created {
        tracing::warn!(path = %path.display(), "generated a development master key; configure ATOUT_MASTER_KEY_FILE in production");
    }
    MasterKey::from_base64(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// The admin token: configured, or (development) read from or created at
/// `data_dir/admin.token`.
pub fn admin_token(config: &Config) -> anyhow::Result<SecretString> {
    if let Some(token) = &config.admin_token {
        return Ok(token.clone());
    }
    anyhow::ensure!(
        config.mode == Mode::Development,
        "admin_token is required in production"
    );
    let path = config.data_dir.join("admin.token");
    let (text, _) = read_or_create(&path, || Ok(format!("atout_admin_{}", random_token(32)?)))?;
    anyhow::ensure!(
        text.len() >= 24,
        "{} holds a token shorter than 24 characters",
        path.display()
    );
    Ok(SecretString::from(text))
}
