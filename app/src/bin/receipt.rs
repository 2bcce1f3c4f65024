//! The receipt app's entry point (`/r/<code>`): a receipt and its signature check,
//! apart from the payment journey so that first visits stay small.

fn main() {
    hocphi_app::ui::mount_receipt();
}
