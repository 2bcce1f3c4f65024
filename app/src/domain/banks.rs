//! The directory of banks and wallets that receive NAPAS247 transfers, by BIN.
//! Generated from the merged reference list by `scripts/gen-banks.py`; one row per
//! BIN with the bank's current name (several BINs changed hands after renames).

use serde::{Deserialize, Serialize};

const DIRECTORY: &str = include_str!("../../data/banks.tsv");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BankKind {
    Bank,
    /// A mobile-money or e-wallet provider that takes VietQR transfers.
    Wallet,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bank {
    pub bin: &'static str,
    pub short_name: &'static str,
    pub name: &'static str,
    pub kind: BankKind,
}

fn parse_row(line: &'static str) -> Option<Bank> {
    let mut cols = line.split('\t');
    let bin = cols.next()?;
    let short_name = cols.next()?;
    let name = cols.next()?;
    let kind = match cols.next()? {
        "wallet" => BankKind::Wallet,
        _ => BankKind::Bank,
    };
    Some(Bank {
        bin,
        short_name,
        name,
        kind,
    })
}

/// Every bank and wallet, ordered by BIN.
pub fn all() -> impl Iterator<Item = Bank> {
    DIRECTORY.lines().filter_map(parse_row)
}

pub fn by_bin(bin: &str) -> Option<Bank> {
    all().find(|b| b.bin == bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_big_banks_and_current_names() {
        assert_eq!(by_bin("970436").unwrap().short_name, "Vietcombank");
        assert_eq!(by_bin("970415").unwrap().short_name, "VietinBank");
        assert_eq!(by_bin("970405").unwrap().short_name, "Agribank");
        // Renamed banks show their current name.
        assert_eq!(by_bin("970406").unwrap().short_name, "Vikki");
        assert_eq!(by_bin("970449").unwrap().short_name, "LPBank");
        assert_eq!(by_bin("970414").unwrap().short_name, "MBV");
        assert_eq!(by_bin("971025").unwrap().kind, BankKind::Wallet);
        assert_eq!(by_bin("000000"), None);
    }

    #[test]
    fn one_row_per_six_digit_bin() {
        let bins: Vec<_> = all().map(|b| b.bin).collect();
        assert_eq!(bins.len(), 70);
        assert!(bins.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
        assert!(bins
            .iter()
            .all(|b| b.len() == 6 && b.bytes().all(|c| c.is_ascii_digit())));
    }
}
