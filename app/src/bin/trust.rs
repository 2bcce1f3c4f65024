//! The trust app's entry point: the registry of official accounts and the QR
//! checker, apart from the payment journey (the QR reader is not small).

fn main() {
    hocphi_app::ui::mount_trust();
}
