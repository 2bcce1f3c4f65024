//! Supervising offices since 1 July 2025, when Vietnam's district level ended: a commune/ward
//! People's Committee supervises preschools, primary and lower-secondary schools; the province's
//! Department of Education supervises upper-secondary schools and sees every school of the
//! province. Which office a school belongs to follows from its level; the offices' names are data.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficeLevel {
    /// Sở GD&ĐT: the province's Department of Education and Training.
    Department,
    /// UBND xã/phường/đặc khu: a commune-level People's Committee.
    Commune,
}

impl OfficeLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeLevel::Department => "department",
            OfficeLevel::Commune => "commune",
        }
    }

    pub fn parse(s: &str) -> Option<OfficeLevel> {
        match s {
            "department" => Some(OfficeLevel::Department),
            "commune" => Some(OfficeLevel::Commune),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolLevel {
    Preschool,
    Primary,
    LowerSecondary,
    UpperSecondary,
}

impl SchoolLevel {
    pub const ALL: [SchoolLevel; 4] = [
        SchoolLevel::Preschool,
        SchoolLevel::Primary,
        SchoolLevel::LowerSecondary,
        SchoolLevel::UpperSecondary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SchoolLevel::Preschool => "preschool",
            SchoolLevel::Primary => "primary",
            SchoolLevel::LowerSecondary => "lower_secondary",
            SchoolLevel::UpperSecondary => "upper_secondary",
        }
    }

    pub fn parse(s: &str) -> Option<SchoolLevel> {
        SchoolLevel::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The level of office that supervises a school of this level (MOET's circulars on the
    /// two-tier split: THPT to the Department, the rest to their commune/ward).
    pub fn supervised_by(self) -> OfficeLevel {
        match self {
            SchoolLevel::UpperSecondary => OfficeLevel::Department,
            _ => OfficeLevel::Commune,
        }
    }

    /// Vietnamese and English names, as the forms show them.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            SchoolLevel::Preschool => ("Mầm non", "Preschool"),
            SchoolLevel::Primary => ("Tiểu học", "Primary"),
            SchoolLevel::LowerSecondary => ("Trung học cơ sở", "Lower secondary"),
            SchoolLevel::UpperSecondary => ("Trung học phổ thông", "Upper secondary"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_upper_secondary_schools_belong_to_the_department() {
        for level in SchoolLevel::ALL {
            let expected = if level == SchoolLevel::UpperSecondary {
                OfficeLevel::Department
            } else {
                OfficeLevel::Commune
            };
            assert_eq!(level.supervised_by(), expected, "{level:?}");
            assert_eq!(SchoolLevel::parse(level.as_str()), Some(level));
        }
        assert_eq!(SchoolLevel::parse("district"), None);
        assert_eq!(OfficeLevel::parse("district"), None);
    }
}
