//! The VietQR decoder (the parent's QR checker reads any QR a stranger sends):
//! never panics, and what it accepts and can re-encode reads back the same.
#![no_main]
use hocphi_app::domain::vietqr::VietQr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(qr) = VietQr::decode(text) {
        if let Ok(payload) = qr.encode() {
            let again = VietQr::decode(&payload).expect("what hocphi encodes, it reads");
            assert_eq!(again, qr);
        }
    }
});
