//! The parent's entry point, compiled to wasm by Trunk. (No panic hook: the web
//! build aborts on panic without formatting a message; see scripts/build-web.sh.)

fn main() {
    hocphi_app::ui::mount();
}
