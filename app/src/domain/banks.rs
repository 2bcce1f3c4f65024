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

/// The bank or wallet with this BIN. Only the row's first column is compared:
/// a statement's receipts look their bank up once a payment.
pub fn by_bin(bin: &str) -> Option<Bank> {
    DIRECTORY
        .lines()
        .find(|line| line.split('\t').next() == Some(bin))
        .and_then(parse_row)
}

/// The picker's groups, in the order shown: schools nearly always bank with
/// the big ones, and a school's account is never at a finance company.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Common,
    OtherBank,
    Wallet,
    Finance,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::Common,
        Group::OtherBank,
        Group::Wallet,
        Group::Finance,
    ];

    /// Vietnamese, English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Group::Common => ("Ngân hàng thường dùng", "Common banks"),
            Group::OtherBank => ("Ngân hàng khác", "Other banks"),
            Group::Wallet => ("Ví điện tử, Mobile Money", "E-wallets, Mobile Money"),
            Group::Finance => ("Công ty tài chính", "Finance companies"),
        }
    }
}

/// The banks most schools and parents use, in the picker's order.
const COMMON: [&str; 12] = [
    "970436", // Vietcombank
    "970415", // VietinBank
    "970418", // BIDV
    "970405", // Agribank
    "970422", // MBBank
    "970407", // Techcombank
    "970416", // ACB
    "970432", // VPBank
    "970403", // Sacombank
    "970423", // TPBank
    "970443", // SHB
    "970449", // LPBank
];

/// BINs the directory holds twice for one institution: one source lists CIMB at
/// 970459 and Mirae Asset at 970468, while vietqr.io (the list banking apps
/// follow) has them at 422589 and 977777. Both still decode; the picker offers
/// one of each, so nobody chooses between two "MAFC".
const NOT_IN_PICKER: [&str; 2] = ["970459", "970468"];

pub fn group(bank: &Bank) -> Group {
    if COMMON.contains(&bank.bin) {
        Group::Common
    } else if bank.kind == BankKind::Wallet {
        Group::Wallet
    } else if bank.name.starts_with("Công ty Tài chính") {
        Group::Finance
    } else {
        Group::OtherBank
    }
}

/// The picker's entries matching what was typed (short name, full name or BIN,
/// with or without diacritics: "ngoại thương", "ngoai thuong", "vietcom", "970436"),
/// grouped, common banks in their usual order, the rest by short name.
pub fn choices(query: &str) -> Vec<(Group, Vec<Bank>)> {
    let needle = super::memo::fold_to_ascii(query.trim()).to_lowercase();
    let matches = |b: &Bank| {
        needle.is_empty()
            || b.bin.starts_with(&needle)
            || [b.short_name, b.name].iter().any(|t| {
                super::memo::fold_to_ascii(t)
                    .to_lowercase()
                    .contains(&needle)
            })
    };
    Group::ALL
        .into_iter()
        .filter_map(|g| {
            let mut banks: Vec<Bank> = all()
                .filter(|b| !NOT_IN_PICKER.contains(&b.bin) && group(b) == g && matches(b))
                .collect();
            match g {
                Group::Common => banks.sort_by_key(|b| COMMON.iter().position(|c| *c == b.bin)),
                _ => banks.sort_by_key(|b| b.short_name.to_lowercase()),
            }
            (!banks.is_empty()).then_some((g, banks))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_lists_common_banks_first_and_each_institution_once() {
        let all = choices("");
        assert_eq!(all[0].0, Group::Common);
        let common: Vec<_> = all[0].1.iter().map(|b| b.short_name).collect();
        assert_eq!(
            &common[..4],
            ["Vietcombank", "VietinBank", "BIDV", "Agribank"]
        );
        let names: Vec<_> = all
            .iter()
            .flat_map(|(_, b)| b.iter().map(|b| b.short_name))
            .collect();
        assert_eq!(names.iter().filter(|n| **n == "MAFC").count(), 1);
        assert_eq!(names.iter().filter(|n| n.starts_with("CIMB")).count(), 1);
        let groups: Vec<_> = all.iter().map(|(g, _)| *g).collect();
        assert_eq!(groups, Group::ALL);
        let finance: Vec<_> = all[3].1.iter().map(|b| b.short_name).collect();
        assert!(
            finance.contains(&"MAFC") && finance.contains(&"MCredit"),
            "{finance:?}"
        );
        let wallets: Vec<_> = all[2].1.iter().map(|b| b.short_name).collect();
        assert!(
            wallets.contains(&"MoMo") && wallets.contains(&"VNPTMoney"),
            "{wallets:?}"
        );
        // Every directory entry but the two duplicates is offered.
        assert_eq!(names.len(), super::all().count() - NOT_IN_PICKER.len());
    }

    #[test]
    fn every_bank_is_found_by_its_bin_and_no_other_text_is() {
        for bank in all() {
            assert_eq!(by_bin(bank.bin), Some(bank));
        }
        // A short name, a prefix of a BIN, an empty string: no row.
        for not_a_bin in ["Vietcombank", "97043", "", "970436\tVietcombank"] {
            assert_eq!(by_bin(not_a_bin), None, "{not_a_bin:?}");
        }
    }

    #[test]
    fn the_picker_finds_a_bank_by_any_of_its_names_or_its_bin() {
        let found = |q: &str| -> Vec<&str> {
            choices(q)
                .into_iter()
                .flat_map(|(_, b)| b.into_iter().map(|b| b.bin))
                .collect()
        };
        assert_eq!(found("970436"), ["970436"]);
        assert!(found("ngoai thuong").contains(&"970436"));
        assert!(found("Ngoại Thương").contains(&"970436"));
        assert!(found("vietcom").contains(&"970436"));
        assert_eq!(found("momo"), ["971025"]);
        assert!(found("zzz").is_empty());
    }

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
