pub mod child;
pub mod invoice;
pub mod lookup;
