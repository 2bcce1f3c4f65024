//! `hocphi vietqr encode|decode`: the codec from the command line, e.g. to check a
//! QR code a parent forwarded, or to make one for a poster.

use hocphi_app::domain::banks;
use hocphi_app::domain::money::Vnd;
use hocphi_app::domain::vietqr::{Initiation, Service, VietQr};

pub struct EncodeArgs {
    pub bin: String,
    pub account: String,
    pub amount: Option<Vnd>,
    pub bill: Option<String>,
    pub purpose: Option<String>,
    pub card: bool,
}

pub fn encode(args: EncodeArgs) -> Result<String, String> {
    let qr = VietQr {
        initiation: if args.amount.is_some() {
            Initiation::Dynamic
        } else {
            Initiation::Static
        },
        bin: args.bin,
        account: args.account,
        service: if args.card {
            Service::ToCard
        } else {
            Service::ToAccount
        },
        amount: args.amount,
        bill_number: args.bill,
        purpose: args.purpose,
    };
    qr.encode().map_err(|e| e.to_string())
}

/// The decoded fields as JSON, with the bank's name from the BIN directory.
pub fn decode(payload: &str) -> Result<String, String> {
    let qr = VietQr::decode(payload).map_err(|e| e.to_string())?;
    let bank = banks::by_bin(&qr.bin);
    let mut json = serde_json::to_value(&qr).expect("serializable");
    json["bank_short_name"] = bank.map(|b| b.short_name).into();
    json["bank_name"] = bank.map(|b| b.name).into();
    Ok(serde_json::to_string_pretty(&json).expect("serializable"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_decode_names_the_bank() {
        let payload = encode(EncodeArgs {
            bin: "970436".into(),
            account: "1023456789".into(),
            amount: Some(Vnd::new(733_710)),
            bill: Some("K7Q2M9XA".into()),
            purpose: Some("HP K7Q2M9XA T11 2026".into()),
            card: false,
        })
        .unwrap();
        let json: serde_json::Value = serde_json::from_str(&decode(&payload).unwrap()).unwrap();
        assert_eq!(json["bank_short_name"], "Vietcombank");
        assert_eq!(json["amount"], 733_710);
        assert_eq!(json["bill_number"], "K7Q2M9XA");
        assert!(decode("000201").unwrap_err().contains("checksum"));
    }
}
