pub mod child;
pub mod invoice;
pub mod link;
pub mod lookup;
pub mod pay_together;
pub mod receipt;
