//! What a scanned QR is, before asking whether it pays an official account: a
//! VietQR (any conformant one, made by hocphi or by any other app), or
//! something else, said specifically so a parent knows what they are holding.

use super::vietqr::{DecodeError, VietQr};

/// A QR that is not a VietQR transfer, and what it is instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotVietQr {
    /// A web address: it opens a site, it does not pay anyone.
    WebLink { host: String },
    /// A payment code of another scheme (tag 38 is not NAPAS's).
    OtherScheme(String),
    /// It looks like a VietQR but is broken (misread, or altered by hand).
    Broken(DecodeError),
    /// Plain text or an unknown format.
    Other,
}

/// Reads the text of a scanned QR.
pub fn classify(text: &str) -> Result<VietQr, NotVietQr> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("").to_string();
        return Err(NotVietQr::WebLink { host });
    }
    // EMVCo payloads start with field 00 ("000201").
    if !text.starts_with("0002") {
        return Err(NotVietQr::Other);
    }
    VietQr::decode(text).map_err(|e| match e {
        DecodeError::NotNapas(guid) => NotVietQr::OtherScheme(guid),
        other => NotVietQr::Broken(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Vnd;

    fn tlv(id: &str, value: &str) -> String {
        format!("{id}{:02}{value}", value.len())
    }

    /// A payload with its checksum, from fields.
    fn emv(fields: &[(&str, String)]) -> String {
        let mut body: String = fields.iter().map(|(id, v)| tlv(id, v)).collect();
        body.push_str("6304");
        let crc = crate::domain::crc16::crc16_ccitt_false(body.as_bytes());
        format!("{body}{crc:04X}")
    }

    fn account_info(guid: &str) -> String {
        let beneficiary = tlv("00", "970422") + &tlv("01", "0123456789");
        tlv("00", guid) + &tlv("01", &beneficiary) + &tlv("02", "QRIBFTTA")
    }

    #[test]
    fn a_vietqr_from_any_app_is_read() {
        let payload =
            VietQr::transfer("970436", "1023456789", Vnd::new(980_000), "", "HP Z6DENJ8H")
                .encode()
                .unwrap();
        let qr = classify(&format!("  {payload}\n")).unwrap();
        assert_eq!(
            (qr.bin.as_str(), qr.account.as_str()),
            ("970436", "1023456789")
        );
        // A static QR (no amount), as another bank's app makes it for a personal account.
        let static_qr = emv(&[
            ("00", "01".into()),
            ("01", "11".into()),
            ("38", account_info("A000000727")),
            ("53", "704".into()),
            ("58", "VN".into()),
        ]);
        let qr = classify(&static_qr).unwrap();
        assert_eq!(
            (qr.bin.as_str(), qr.account.as_str(), qr.amount),
            ("970422", "0123456789", None)
        );
    }

    #[test]
    fn other_codes_are_named() {
        assert_eq!(
            classify("https://hocphi-thanh-toan.example.com/pay?id=1"),
            Err(NotVietQr::WebLink {
                host: "hocphi-thanh-toan.example.com".into()
            })
        );
        assert_eq!(classify("Chuyển 500k vào STK 0123"), Err(NotVietQr::Other));
        let payload = VietQr::transfer("970436", "1023456789", Vnd::new(980_000), "", "HP")
            .encode()
            .unwrap();
        // One digit of the amount changed by hand: the checksum catches it.
        let altered = payload.replacen("980000", "990000", 1);
        assert!(matches!(
            classify(&altered),
            Err(NotVietQr::Broken(DecodeError::CrcMismatch { .. }))
        ));
        let other_scheme = emv(&[
            ("00", "01".into()),
            ("01", "11".into()),
            ("38", account_info("A000000775")),
            ("53", "704".into()),
            ("58", "VN".into()),
        ]);
        assert_eq!(
            classify(&other_scheme),
            Err(NotVietQr::OtherScheme("A000000775".into()))
        );
    }
}
