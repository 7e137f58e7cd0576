//! [`Directory`]: who may log in, and where mail for an address goes.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use crate::{AccountId, ErrorKind, Result, Secret, StoreError};

/// Credentials presented by a client.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum Credentials {
    /// A user name and a password (SASL PLAIN and LOGIN, POP3 USER/PASS, IMAP LOGIN).
    Password {
        /// The identity to act as, if different from `username` (SASL authzid).
        authzid: Option<String>,
        /// The login name.
        username: String,
        /// The password.
        password: Secret<String>,
    },
}

impl Credentials {
    /// Plain user name and password.
    pub fn password(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::Password {
            authzid: None,
            username: username.into(),
            password: Secret::new(password.into()),
        }
    }
}

/// Authentication and recipient lookup.
pub trait Directory: Send + Sync + 'static {
    /// Checks credentials and names the account they open.
    ///
    /// # Errors
    /// `AuthFailed` for wrong credentials (the same answer for an unknown user, so that user
    /// names cannot be probed); `TryAgain` when the directory is unreachable.
    fn authenticate(
        &self,
        credentials: &Credentials,
    ) -> impl Future<Output = Result<AccountId>> + Send;

    /// The account that receives mail for `address`, or `None` (SMTP 550 5.1.1).
    ///
    /// # Errors
    /// `TryAgain` when the directory is unreachable.
    fn lookup_recipient(
        &self,
        address: &str,
    ) -> impl Future<Output = Result<Option<AccountId>>> + Send;
}

/// A fixed table of users: each address is its own account and login name; lookups ignore
/// the case of the domain and of the local part.
#[derive(Debug, Clone, Default)]
pub struct Users {
    by_address: Arc<HashMap<String, (AccountId, Secret<String>)>>,
}

impl Users {
    /// A table from `(address, password)` pairs.
    pub fn new<A: Into<String>, P: Into<String>>(users: impl IntoIterator<Item = (A, P)>) -> Self {
        let by_address = users
            .into_iter()
            .map(|(a, p)| {
                let a: String = a.into();
                (
                    a.to_ascii_lowercase(),
                    (AccountId::new(a), Secret::new(p.into())),
                )
            })
            .collect();
        Self {
            by_address: Arc::new(by_address),
        }
    }

    /// Parses lines `address:password`; blank lines and lines starting with `#` are skipped.
    ///
    /// # Errors
    /// `InvalidInput` naming the first line without a `:`.
    pub fn parse(text: &str) -> Result<Self> {
        let mut users = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (address, password) = line.split_once(':').ok_or_else(|| {
                StoreError::invalid(format!("users line {}: expected address:password", n + 1))
            })?;
            users.push((address.trim().to_owned(), password.to_owned()));
        }
        Ok(Self::new(users))
    }

    /// The accounts in the table.
    pub fn accounts(&self) -> impl Iterator<Item = &AccountId> {
        self.by_address.values().map(|(id, _)| id)
    }
}

/// Compares without an early exit, so the time taken does not reveal the matching prefix.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Directory for Users {
    async fn authenticate(&self, credentials: &Credentials) -> Result<AccountId> {
        let Credentials::Password {
            authzid,
            username,
            password,
        } = credentials;
        let failed = || StoreError::new(ErrorKind::AuthFailed, "authentication failed");
        let (id, secret) = self
            .by_address
            .get(&username.to_ascii_lowercase())
            .ok_or_else(failed)?;
        if !constant_time_eq(secret.expose().as_bytes(), password.expose().as_bytes()) {
            return Err(failed());
        }
        if let Some(z) = authzid
            && !z.is_empty()
            && !z.eq_ignore_ascii_case(id.as_str())
        {
            return Err(failed());
        }
        Ok(id.clone())
    }

    async fn lookup_recipient(&self, address: &str) -> Result<Option<AccountId>> {
        let address = address.trim_start_matches('<').trim_end_matches('>');
        Ok(self
            .by_address
            .get(&address.to_ascii_lowercase())
            .map(|(id, _)| id.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_lite::future::block_on;

    #[test]
    fn users_authenticate_and_route() {
        let users = Users::parse("# demo\n\ndemo@localhost:demo\nBob@Example.org:s3:cret\n")
            .expect("valid table");
        let id = block_on(users.authenticate(&Credentials::password("demo@localhost", "demo")))
            .expect("right password");
        assert_eq!(id.as_str(), "demo@localhost");
        let err = block_on(users.authenticate(&Credentials::password("demo@localhost", "demO")))
            .expect_err("wrong password");
        assert_eq!(err.kind(), ErrorKind::AuthFailed);
        let err = block_on(users.authenticate(&Credentials::password("nobody", "demo")))
            .expect_err("unknown user");
        assert_eq!(err.kind(), ErrorKind::AuthFailed);
        let bob = block_on(users.lookup_recipient("<bob@example.ORG>")).expect("lookup");
        assert_eq!(
            bob.map(|a| a.as_str().to_owned()),
            Some("Bob@Example.org".to_owned())
        );
        assert!(
            block_on(users.authenticate(&Credentials::password("bob@example.org", "s3:cret")))
                .is_ok()
        );
        assert_eq!(
            block_on(users.lookup_recipient("x@y")).expect("lookup"),
            None
        );
        assert!(Users::parse("nocolon").is_err());
    }
}
