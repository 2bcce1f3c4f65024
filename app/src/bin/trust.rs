//! The trust app's entry point: the registry of official accounts, the QR
//! checker and complaints, apart from the payment journey. Each page is a split
//! point (`split_page!`): a parent who opens the registry does not download the
//! QR reader, which is not small.

use hocphi_app::split_page;
use hocphi_app::ui::router::{Page, Route};
use hocphi_app::ui::{frame, mount_app, pages};

fn main() {
    mount_app(|| frame(&TRUST_ROUTES));
}

static TRUST_ROUTES: [Route; 6] = [
    Route {
        path: "/kiem-tra-qr",
        title: ("Kiểm tra mã QR", "Check a QR code"),
        page: Page::Later(check_qr_route),
    },
    Route {
        path: "/tai-khoan",
        title: ("Tài khoản chính thức", "Official accounts"),
        page: Page::Later(registry_route),
    },
    Route {
        path: "/tai-khoan/:school",
        title: ("Tài khoản chính thức", "Official accounts"),
        page: Page::Later(registry_route),
    },
    Route {
        path: "/khieu-nai",
        title: ("Khiếu nại của bạn", "Your complaints"),
        page: Page::Later(complaints_route),
    },
    Route {
        path: "/khieu-nai/moi",
        title: ("Báo sai sót, khiếu nại", "Report a problem"),
        page: Page::Later(new_complaint_route),
    },
    Route {
        path: "/khieu-nai/theo-doi",
        title: ("Theo dõi khiếu nại", "Follow a complaint"),
        page: Page::Later(track_complaint_route),
    },
];

split_page!(check_qr_route, check_qr_page, pages::check_qr::CheckQrPage);
split_page!(registry_route, registry_page, pages::registry::RegistryPage);
split_page!(
    complaints_route,
    complaints_page,
    pages::complaint::ComplaintsPage
);
split_page!(
    new_complaint_route,
    new_complaint_page,
    pages::complaint::NewComplaintPage
);
split_page!(
    track_complaint_route,
    track_complaint_page,
    pages::complaint::TrackComplaintPage
);
