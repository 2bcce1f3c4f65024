//! The settings file (`--config FILE` or `HOCPHI_CONFIG`): `NAME=value` lines with
//! the environment variables' names, as in a systemd `EnvironmentFile`, read with
//! `dotenvy` (`#` comments, also after a value, `export `, single or double
//! quotes). The real environment and the command line win over the file.
//!
//! As in a shell, `$NAME` in an unquoted or double-quoted value is replaced by that
//! variable: a value holding a `$` (a password) goes in single quotes.

/// Why a configuration file was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigFileError {
    #[error("cannot read {0}: {1}")]
    Unreadable(String, String),
    #[error("line {0}: expected NAME=value")]
    NotASetting(usize),
    #[error("line {0}: {1} is not a hocphi setting (HOCPHI_…, DATABASE_URL or RUST_LOG)")]
    UnknownName(usize, String),
}

/// Sets, as environment variables, the settings of the file that `--config FILE`
/// (or `--config=FILE`) on the command line or `HOCPHI_CONFIG` names, for the
/// command line parser to read; a variable already set keeps its value. Runs
/// first, before any thread exists.
pub fn apply(args: &[String]) -> Result<(), ConfigFileError> {
    let from_args = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--config=").map(str::to_string).or_else(|| {
            (a == "--config")
                .then(|| args.get(i + 1).cloned())
                .flatten()
        })
    });
    let Some(path) = from_args.or_else(|| std::env::var("HOCPHI_CONFIG").ok()) else {
        return Ok(());
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| ConfigFileError::Unreadable(path.clone(), e.to_string()))?;
    for (name, value) in parse(&text)? {
        if std::env::var_os(&name).is_none() {
            std::env::set_var(name, value);
        }
    }
    Ok(())
}

/// The settings of a configuration file, in order. Each line is read on its own,
/// so an error names its line, and never quotes it: the line may hold a password.
pub fn parse(text: &str) -> Result<Vec<(String, String)>, ConfigFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut settings = Vec::new();
    for (i, line) in text.lines().enumerate() {
        // With its newline back: without one, dotenvy refuses a line ending in a space.
        let line = std::io::Read::chain(line.as_bytes(), &b"\n"[..]);
        let setting = match dotenvy::from_read_iter(line).next() {
            None => continue,
            Some(Ok(setting)) => setting,
            Some(Err(_)) => return Err(ConfigFileError::NotASetting(i + 1)),
        };
        let name = &setting.0;
        if !(name.starts_with("HOCPHI_") || name == "DATABASE_URL" || name == "RUST_LOG") {
            return Err(ConfigFileError::UnknownName(i + 1, name.clone()));
        }
        settings.push(setting);
    }
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_is_environment_lines_and_says_which_line_is_wrong() {
        let text = "# hocphi\nHOCPHI_ADDR=0.0.0.0:3000\nexport DATABASE_URL=\"sqlite:///var/lib/hocphi/hocphi.db\"\n\nHOCPHI_PUBLIC_URL='https://hocphi.pgd.edu.vn'\n";
        assert_eq!(
            parse(text).unwrap(),
            vec![
                ("HOCPHI_ADDR".into(), "0.0.0.0:3000".into()),
                (
                    "DATABASE_URL".into(),
                    "sqlite:///var/lib/hocphi/hocphi.db".into()
                ),
                (
                    "HOCPHI_PUBLIC_URL".into(),
                    "https://hocphi.pgd.edu.vn".into()
                ),
            ]
        );
        assert_eq!(
            parse("HOCPHI_ADDR=1\nPATH=/bin"),
            Err(ConfigFileError::UnknownName(2, "PATH".into()))
        );
        assert_eq!(parse("just words"), Err(ConfigFileError::NotASetting(1)));
    }

    #[test]
    fn comments_after_values_and_spaces_around_names_as_docs_deploy_shows() {
        let text = "\u{feff}DATABASE_URL=sqlite:///var/lib/hocphi/hocphi.db   # or postgres://…\n\
                    HOCPHI_TRUST_PROXY=127.0.0.1     # the proxy in front\n\
                    HOCPHI_DIST=/opt/hocphi/dist  \n\
                    # HOCPHI_METRICS_TOKEN=…      only if Prometheus scrapes from elsewhere\n\
                    HOCPHI_GATEWAY_URL = https://pay.vnpay.vn\n\
                    HOCPHI_MASTER_KEY='a#b c'\n";
        assert_eq!(
            parse(text).unwrap(),
            vec![
                (
                    "DATABASE_URL".into(),
                    "sqlite:///var/lib/hocphi/hocphi.db".into()
                ),
                ("HOCPHI_TRUST_PROXY".into(), "127.0.0.1".into()),
                ("HOCPHI_DIST".into(), "/opt/hocphi/dist".into()),
                ("HOCPHI_GATEWAY_URL".into(), "https://pay.vnpay.vn".into()),
                ("HOCPHI_MASTER_KEY".into(), "a#b c".into()),
            ]
        );
        // An unclosed quote is refused, without repeating the line.
        let refused = parse("HOCPHI_ADDR=1\nDATABASE_URL='postgres://u:pw@h/db").unwrap_err();
        assert_eq!(refused, ConfigFileError::NotASetting(2));
        assert!(!refused.to_string().contains("pw"));
    }
}
