//! Pure domain logic, compiled into both the browser app and the server, with no
//! web or database types: tested by `cargo test` alone.

pub mod banks;
pub mod billing;
pub mod collate;
pub mod crc16;
pub mod date;
pub mod hex;
pub mod ids;
pub mod invoice_code;
pub mod invoice_status;
pub mod memo;
pub mod money;
pub mod notice;
pub mod office;
pub mod pos_settlement;
pub mod qr_check;
pub mod qr_image;
pub mod receipt;
pub mod report;
pub mod route_path;
pub mod school_year;
pub mod search;
pub mod settlement;
pub mod statement;
pub mod student_import;
pub mod suggest;
pub mod time;
pub mod tracking_code;
pub mod typed_amount;
pub mod validate;
pub mod vietqr;
pub mod vnpay;
pub mod webhook;
pub mod words;
pub mod wrap;
