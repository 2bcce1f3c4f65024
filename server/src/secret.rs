//! A setting that must never be printed: the master key, a database URL (its
//! password), the metrics token. Its `Debug` says `[redacted]`, it has no
//! `Display`, reading it takes an explicit [`Secret::expose`], and its bytes are
//! zeroed when it is dropped, so a log line, a panic message or a `{:?}` of the
//! configuration cannot carry it by accident.

use std::fmt;
use zeroize::Zeroize;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Self {
        Secret(text.into())
    }

    /// The secret itself, for the one place that needs it (a connection, a key).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Self {
        Secret(text)
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Secret(text.to_string())
    }
}

/// For the command line (clap parses arguments and environment variables with it).
impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Secret::from(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_redacted_and_reads_only_when_asked() {
        let secret: Secret = "hunter2-very-secret".parse().unwrap();
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some([redacted])");
        assert_eq!(secret.expose(), "hunter2-very-secret");
    }
}
