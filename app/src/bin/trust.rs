//! The trust app's entry point: the registry of official accounts, the QR
//! checker and complaints, apart from the payment journey. Each page is a split
//! point (`split_page!`): a parent who opens the registry does not download the
//! QR reader, which is not small.

use hocphi_app::split_page;
use hocphi_app::ui::{frame, mount_app, not_found, pages};
use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::{path, Lazy};

fn main() {
    mount_app(|| frame(trust_routes));
}

fn trust_routes() -> AnyView {
    view! {
        <Routes fallback=not_found>
            <Route path=path!("/kiem-tra-qr") view={Lazy::<CheckQrRoute>::new()}/>
            <Route path=path!("/tai-khoan") view={Lazy::<RegistryRoute>::new()}/>
            <Route path=path!("/tai-khoan/:school") view={Lazy::<RegistryRoute>::new()}/>
            <Route path=path!("/khieu-nai") view={Lazy::<ComplaintsRoute>::new()}/>
            <Route path=path!("/khieu-nai/moi") view={Lazy::<NewComplaintRoute>::new()}/>
            <Route path=path!("/khieu-nai/theo-doi") view={Lazy::<TrackComplaintRoute>::new()}/>
        </Routes>
    }
    .into_any()
}

split_page!(CheckQrRoute, check_qr_page, pages::check_qr::CheckQrPage);
split_page!(RegistryRoute, registry_page, pages::registry::RegistryPage);
split_page!(
    ComplaintsRoute,
    complaints_page,
    pages::complaint::ComplaintsPage
);
split_page!(
    NewComplaintRoute,
    new_complaint_page,
    pages::complaint::NewComplaintPage
);
split_page!(
    TrackComplaintRoute,
    track_complaint_page,
    pages::complaint::TrackComplaintPage
);
