//! The staff's entry point (school accountants, teachers, the supervising offices),
//! built separately so that a parent's phone never downloads it.

fn main() {
    hocphi_app::staff_ui::mount();
}
