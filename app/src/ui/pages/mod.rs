pub mod child;
pub mod invoice;
pub mod link;
pub mod lookup;
pub mod paid_online;
pub mod pay_together;
pub mod receipt;
