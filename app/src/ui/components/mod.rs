pub mod contacts;
pub mod copy;
pub mod notice;
pub mod qr;
pub mod status;
