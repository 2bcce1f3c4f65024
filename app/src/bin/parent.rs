//! The parent's entry point, compiled to wasm by Trunk.

fn main() {
    console_error_panic_hook::set_once();
    hocphi_app::ui::mount();
}
