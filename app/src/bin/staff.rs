//! The staff's entry point (school accountants, teachers, the district office),
//! built separately so that a parent's phone never downloads it.

fn main() {
    console_error_panic_hook::set_once();
    hocphi_app::staff_ui::mount();
}
