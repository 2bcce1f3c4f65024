//! The invoice-code finders on a transfer's memo (written by anyone who sends
//! money): never panic, and every code found parses and is in the memo.
#![no_main]
use hocphi_app::domain::invoice_code::InvoiceCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let memo = String::from_utf8_lossy(data);
    for code in InvoiceCode::find_in_memo(&memo)
        .into_iter()
        .chain(InvoiceCode::find_bare_in_memo(&memo))
    {
        assert!(InvoiceCode::parse(code.as_str()).is_ok());
    }
    let _ = hocphi_app::domain::memo::safe_memo(&memo);
});
