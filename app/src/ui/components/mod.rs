pub mod contacts;
pub mod copy;
pub mod notice;
pub mod picture;
pub mod qr;
pub mod receipt_list;
pub mod share;
pub mod status;
