//! Uploaded files (`.xlsx`, `.xls`, `.csv`) as the school's staff send them:
//! never a panic or an allocation past the limits, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = hocphi_app::server::spreadsheet::read(data);
});
