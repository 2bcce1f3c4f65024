//! The school's settings page: its details and logo, the bank accounts its
//! QR codes pay into, the payment methods it accepts and the contact people
//! parents see.

use super::shared::Flash;
use crate::api::school_setup::{
    save_account, save_contacts, save_school_details, save_school_logo, set_methods,
};
use crate::domain::banks;
use crate::staff::{cashless_ready, Contact, PaymentMethod, SchoolProfile};
use crate::staff_ui::tr;
use crate::staff_ui::widgets::*;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(super) fn Details(
    profile: SchoolProfile,
    can_edit: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let flash = expect_context::<Flash>();
    let legal_name = RwSignal::new(profile.legal_name.clone());
    let address = RwSignal::new(profile.address.clone());
    let tax_code = RwSignal::new(profile.tax_code.clone());
    let receipt_form = RwSignal::new(profile.receipt_form_number.clone());
    let receipt_series = RwSignal::new(profile.receipt_series.clone());
    let outcome = RwSignal::new(None);
    let id = profile.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Read before the request: the page may be gone when it answers.
        let (name_now, address_now) = (legal_name.get_untracked(), address.get_untracked());
        let (form_now, series_now) = (receipt_form.get_untracked(), receipt_series.get_untracked());
        let numbering = if form_now.trim().is_empty() && series_now.trim().is_empty() {
            tr("biên lai đánh số của hocphi", "receipts numbered by hocphi").to_string()
        } else {
            format!(
                "{} {} · {} {}",
                tr("biên lai mẫu số", "receipt form"),
                form_now.trim().to_uppercase(),
                tr("ký hiệu", "series"),
                series_now.trim().to_uppercase()
            )
        };
        spawn_local(async move {
            match save_school_details(
                id,
                legal_name.get_untracked(),
                address.get_untracked(),
                tax_code.get_untracked(),
                form_now,
                series_now,
            )
            .await
            {
                Ok(()) => {
                    // An earlier attempt's error is not left under the saved message.
                    outcome.set(None);
                    flash.done(format!(
                        "{} {name_now} · {address_now} · {numbering}",
                        tr("Đã lưu thông tin đơn vị:", "Details saved:"),
                    ));
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="details-title">
            <h2 id="details-title" class=H2>{tr("Thông tin đơn vị", "School details")}</h2>
            <form class="mt-2 grid gap-3 sm:grid-cols-2" on:submit=submit>
                <Field id="legal-name" label=tr("Tên đơn vị đầy đủ", "Full legal name") value=legal_name/>
                <Field id="tax-code" label=tr("Mã số thuế", "Tax code") value=tax_code/>
                <div class="sm:col-span-2"><Field id="address" label=tr("Địa chỉ", "Address") value=address/></div>
                // Printed on receipts only when the school registered them: a
                // code that looks like a registration must be one.
                <Field id="receipt-form" label=tr("Mẫu số biên lai đã đăng ký (nếu có)", "Registered receipt form (if any)") value=receipt_form
                    hint=tr("Đúng như thông báo phát hành biên lai với cơ quan thuế, ví dụ 01BLP0-001. Để trống nếu trường chưa đăng ký: biên lai chỉ mang số của hocphi.",
                        "Exactly as in the school's notice to the tax office, e.g. 01BLP0-001. Leave empty if the school registered none: receipts then carry hocphi's number only.")/>
                <Field id="receipt-series" label=tr("Ký hiệu biên lai đã đăng ký (nếu có)", "Registered receipt series (if any)") value=receipt_series
                    hint=tr("Ví dụ AA/26E. Cần điền cùng mẫu số.", "E.g. AA/26E. Goes with the form.")/>
                {can_edit.then(|| view! {
                    <div class="sm:col-span-2">
                        <OutcomeNotice outcome/>
                        <button type="submit" class=format!("{BUTTON} mt-2")>{tr("Lưu", "Save")}</button>
                    </div>
                })}
            </form>
        </section>
    }
}

#[component]
pub(super) fn Logo(
    school_id: i64,
    slug: String,
    has_logo: Signal<bool>,
    can_edit: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let flash = expect_context::<Flash>();
    let outcome = RwSignal::new(None);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let id = school_id;
    // A new logo at the same address: the image is asked for again after a save.
    let version = RwSignal::new(0u32);
    let upload = move |_| {
        let Some(input) = input_ref.get() else { return };
        let input: web_sys::HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(input);
        spawn_local(async move {
            let Some(b64) = crate::staff_ui::import::read_file(&input).await else {
                return;
            };
            match save_school_logo(id, b64).await {
                Ok(()) => {
                    outcome.set(None);
                    flash.done(tr("Đã lưu biểu trưng.", "Logo saved."));
                    version.update(|v| *v += 1);
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="logo-title">
            <h2 id="logo-title" class=H2>{tr("Biểu trưng", "Logo")}</h2>
            {move || if has_logo.get() {
                let src = match version.get() {
                    0 => format!("/logo/{slug}"),
                    v => format!("/logo/{slug}?v={v}"),
                };
                view! { <img src=src alt=tr("Biểu trưng của trường", "The school's logo") class="mt-2 h-20 w-20 object-contain"/> }.into_any()
            } else {
                view! { <p class="text-sm text-gray-600">{tr("Chưa có biểu trưng.", "No logo yet.")}</p> }.into_any()
            }}
            {can_edit.then(|| view! {
                <div class="mt-2 flex flex-wrap items-end gap-3">
                    <div>
                        <label for="logo-file" class="block text-sm font-semibold">{tr("Ảnh PNG, JPEG hoặc WebP, tối đa 200 KB", "PNG, JPEG or WebP, at most 200 KB")}</label>
                        <input id="logo-file" type="file" accept="image/png,image/jpeg,image/webp" node_ref=input_ref class=FILE_INPUT/>
                    </div>
                    <button type="button" class=BUTTON on:click=upload>{tr("Lưu biểu trưng", "Save logo")}</button>
                </div>
                <OutcomeNotice outcome/>
            })}
        </section>
    }
}

#[component]
pub(super) fn Accounts(
    school_id: i64,
    accounts: Signal<Vec<crate::staff::BeneficiaryAccount>>,
    can_edit: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let flash = expect_context::<Flash>();
    let bin = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    // Deliberate: a new account replaces the one on every QR only when ticked
    // (the school's first account is the default anyway).
    let make_default = RwSignal::new(accounts.with_untracked(Vec::is_empty));
    let bank_search = RwSignal::new(String::new());
    let outcome = RwSignal::new(None);
    let pending = OneAtATime::new();
    let id = school_id;
    // The account whose "make it the default" waits for a second, explicit yes.
    let confirming = RwSignal::new(None::<i64>);
    let history = RwSignal::new(0u32);
    let changed = move || {
        history.update(|v| *v += 1);
        refresh();
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pending.run(async move {
            let (chosen_bin, typed_number, holder, as_default) = (
                bin.get_untracked(),
                number.get_untracked(),
                name.get_untracked(),
                make_default.get_untracked(),
            );
            let r = save_account(
                id,
                chosen_bin.clone(),
                typed_number.clone(),
                holder,
                as_default,
            )
            .await;
            match r {
                Ok(()) => {
                    outcome.set(None);
                    // Which account, as saved, and what happens next.
                    let bank = banks::by_bin(&chosen_bin)
                        .map(|b| b.short_name)
                        .unwrap_or_default();
                    let number = crate::domain::validate::account_number(&typed_number)
                        .unwrap_or(typed_number);
                    flash.done(format!(
                        "{} {bank} · {number}{}. {}",
                        tr("Đã lưu tài khoản", "Account saved:"),
                        if as_default {
                            tr(" (mặc định)", " (default)")
                        } else {
                            ""
                        },
                        tr(
                            "Xem trạng thái xác nhận trong danh sách phía trên.",
                            "See its confirmation in the list above."
                        )
                    ));
                    // The next account is another one: it becomes the default only when ticked.
                    make_default.set(false);
                    changed();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    // The same account saved again as the default: its name is unchanged, so
    // its confirmation stands.
    let make_it_default = move |bin: String, number: String, holder: String, label: String| {
        pending.run(async move {
            match save_account(id, bin, number, holder, true).await {
                Ok(()) => {
                    outcome.set(None);
                    flash.done(format!(
                        "{} {label}. {}",
                        tr(
                            "Tài khoản mặc định bây giờ là",
                            "The default account is now"
                        ),
                        tr(
                            "Mã QR trên hoá đơn dùng tài khoản này.",
                            "Invoice QR codes use this account."
                        )
                    ));
                    changed();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="accounts-title">
            <h2 id="accounts-title" class=H2>{tr("Tài khoản nhận tiền", "Receiving accounts")}</h2>
            <p class="text-sm text-gray-600">{tr("Mã QR trên hoá đơn dùng tài khoản mặc định, khi cơ quan quản lý đã xác nhận. Đổi tên tài khoản thì cần xác nhận lại.", "Invoice QR codes use the default account once the supervising office confirmed it. A changed account name needs confirming again.")}</p>
            <ul class="mt-2 divide-y divide-gray-100">
                {move || accounts.get().into_iter().map(|a| view! {
                    <li class="py-2" data-testid="account-row">
                        <span class="font-semibold">{format!("{} · {}", a.bank_short_name, a.account_number)}</span>
                        <span class="ml-2 text-gray-700">{a.account_name.clone()}</span>
                        {a.is_default.then(|| view! { <span class="ml-2 rounded bg-slate-100 px-2 text-sm" data-testid="default-badge">{tr("mặc định", "default")}</span> })}
                        <div class="text-sm" data-testid="account-status">
                            {match (&a.suspended, &a.confirmed) {
                                (Some((s, why)), _) => view! { <span class="font-semibold text-red-800">{format!("{} {} · {}: {why}. {}", tr("Đã tạm ngưng", "Suspended"),
                                    crate::domain::date::Date::moment_label(s.at), s.by, tr("Không dùng cho mã QR; lưu lại tài khoản để xin xác nhận lại.", "Not used in QR codes; save the account again to ask for a new confirmation."))}</span> }.into_any(),
                                (None, Some(c)) => view! { <span class="text-green-800">{format!("✓ {} {} · {}", tr("Cơ quan quản lý đã xác nhận", "Confirmed by the supervising office"),
                                    crate::domain::date::Date::moment_label(c.at), c.by)}</span> }.into_any(),
                                (None, None) => view! { <span class="font-semibold text-amber-800">{tr("Chờ cơ quan quản lý xác nhận: chưa dùng cho mã QR", "Awaiting the supervising office's confirmation: not used in QR codes yet")}</span> }.into_any(),
                            }}
                        </div>
                        {(can_edit && a.suspended.is_none() && !a.is_default).then(|| {
                            let (bin, number, holder) = (a.bin.clone(), a.account_number.clone(), a.account_name.clone());
                            let label = format!("{} · {}", a.bank_short_name, a.account_number);
                            let shown = label.clone();
                            let account = a.id;
                            // Where every parent's money goes: asked once more, in words, before it moves.
                            view! {
                                {move || if confirming.get() == Some(account) {
                                    let (bin, number, holder, label) = (bin.clone(), number.clone(), holder.clone(), label.clone());
                                    view! {
                                        <div class="mt-1 rounded-lg border border-amber-400 bg-amber-50 p-2 text-sm text-amber-950" data-testid="confirm-default">
                                            <p>{format!("{} {shown}. {}", tr("Mã QR trên mọi hoá đơn từ nay sẽ chuyển tiền vào", "From now on every invoice's QR pays into"),
                                                tr("Bạn có chắc muốn đổi tài khoản mặc định?", "Change the default account?"))}</p>
                                            <div class="mt-1 flex flex-wrap gap-2">
                                                <button type="button" class=BUTTON on:click=move |_| {
                                                    confirming.set(None);
                                                    make_it_default(bin.clone(), number.clone(), holder.clone(), label.clone())
                                                }>{tr("Đổi tài khoản mặc định", "Change the default account")}</button>
                                                <button type="button" class=BUTTON_QUIET on:click=move |_| confirming.set(None)>{tr("Không", "No")}</button>
                                            </div>
                                        </div>
                                    }.into_any()
                                } else {
                                    view! {
                                        <button type="button" class="min-h-11 px-1 text-sm underline" on:click=move |_| confirming.set(Some(account))>
                                            {tr("Dùng làm tài khoản mặc định", "Make it the default")}</button>
                                    }.into_any()
                                }}
                            }
                        })}
                        {(can_edit && a.suspended.is_none()).then(|| view! {
                            <crate::staff_ui::account_duties::SuspendAccount
                                account_id=a.id
                                label=format!("{} · {}", a.bank_short_name, a.account_number)
                                pending=a.confirmed.is_none()
                                on_done=changed/>
                        })}
                    </li>
                }).collect_view()}
            </ul>
            <crate::staff_ui::account_duties::AccountHistory school_id=id version=history/>
            {can_edit.then(|| view! {
                <form class="mt-3 grid gap-3 sm:grid-cols-2" on:submit=submit>
                    <BankPicker bin search=bank_search/>
                    <div>
                        <Field id="account-number" label=tr("Số tài khoản", "Account number") value=number/>
                        {move || {
                            let typed = number.get();
                            (!typed.trim().is_empty()).then(|| match crate::domain::validate::account_number(&typed) {
                                Some(n) => view! { <p class="mt-1 text-sm text-gray-800" data-testid="account-number-read">{format!("= {n}")}</p> }.into_any(),
                                None => view! { <p class="mt-1 text-sm font-semibold text-red-800" data-testid="account-number-read">{tr(
                                    "Số tài khoản chỉ gồm chữ số, từ 6 đến 19 số.", "An account number is 6 to 19 digits only.")}</p> }.into_any(),
                            })
                        }}
                    </div>
                    <Field id="account-name" label=tr("Tên tài khoản (đúng như ngân hàng ghi)", "Account name (exactly as the bank holds it)") value=name/>
                    <label class="flex min-h-11 items-center gap-2 self-end">
                        <input type="checkbox" class="h-5 w-5" prop:checked=move || make_default.get()
                            on:change=move |ev| make_default.set(event_target_checked(&ev))/>
                        {tr("Dùng làm tài khoản mặc định (mã QR trên mọi hoá đơn sẽ dùng tài khoản này)",
                            "Make this the default account (every invoice's QR will use it)")}
                    </label>
                    <div class="sm:col-span-2">
                        <OutcomeNotice outcome/>
                        <button type="submit" class=format!("{BUTTON} mt-2") prop:disabled=move || pending.busy()>{tr("Lưu tài khoản", "Save account")}</button>
                    </div>
                </form>
            })}
        </section>
    }
}

/// The bank, found by typing part of its name or BIN: common banks first,
/// wallets and finance companies apart, each institution once, and the chosen
/// bank's full name spelled out before saving.
#[component]
fn BankPicker(bin: RwSignal<String>, search: RwSignal<String>) -> impl IntoView {
    let chosen = move || banks::by_bin(&bin.get());
    view! {
        <div class="sm:col-span-2 grid gap-3 sm:grid-cols-2">
            <div>
                <label for="bank-search" class="block text-sm font-semibold text-gray-900">{tr("Tìm ngân hàng", "Find the bank")}</label>
                <input id="bank-search" type="search" class=INPUT autocomplete="off"
                    placeholder=tr("Tên hoặc mã BIN, ví dụ: ngoại thương", "Name or BIN, e.g. vietcom")
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
            </div>
            <div>
                <label for="bank" class="block text-sm font-semibold">{tr("Ngân hàng", "Bank")}</label>
                <select id="bank" class=INPUT on:change=move |ev| bin.set(event_target_value(&ev)) prop:value=move || bin.get()>
                    <option value="">{tr("Chọn ngân hàng", "Choose a bank")}</option>
                    {move || banks::choices(&search.get()).into_iter().map(|(group, list)| {
                        let (vi, en) = group.label();
                        view! {
                            <optgroup label=tr(vi, en)>
                                {list.into_iter().map(|b| view! {
                                    <option value=b.bin selected=move || bin.get() == b.bin>{format!("{} ({})", b.short_name, b.bin)}</option>
                                }).collect_view()}
                            </optgroup>
                        }
                    }).collect_view()}
                </select>
            </div>
            <p class="text-sm sm:col-span-2" data-testid="bank-chosen" aria-live="polite">
                {move || match chosen() {
                    Some(b) => format!("{} {} — {} · BIN {}", tr("Đã chọn:", "Chosen:"), b.short_name, b.name, b.bin),
                    None => tr("Chưa chọn ngân hàng.", "No bank chosen yet.").to_string(),
                }}
            </p>
        </div>
    }
}

#[component]
pub(super) fn Methods(
    school_id: i64,
    current: Vec<PaymentMethod>,
    readiness: Signal<Vec<crate::staff::MethodReadiness>>,
    can_edit: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let flash = expect_context::<Flash>();
    let chosen = RwSignal::new(current);
    let outcome = RwSignal::new(None);
    let save = move |_| {
        spawn_local(async move {
            let methods = chosen.get_untracked();
            match set_methods(school_id, methods.clone()).await {
                Ok(()) => {
                    outcome.set(None);
                    let names: Vec<_> = PaymentMethod::ALL
                        .into_iter()
                        .filter(|m| methods.contains(m))
                        .map(crate::staff_ui::home::short_method)
                        .collect();
                    flash.done(if names.is_empty() {
                        tr(
                            "Đã lưu: trường chưa nhận phương thức nào.",
                            "Saved: the school accepts no method yet.",
                        )
                        .to_string()
                    } else {
                        format!(
                            "{} {} {}: {}.",
                            tr("Đã lưu", "Saved"),
                            names.len(),
                            tr("phương thức", "methods"),
                            names.join(", ")
                        )
                    });
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="methods-title">
            <h2 id="methods-title" class=H2>{tr("Phương thức thanh toán nhà trường nhận", "Payment methods the school accepts")}</h2>
            <fieldset class="mt-2 space-y-1" prop:disabled=!can_edit>
                <legend class="sr-only">{tr("Phương thức", "Methods")}</legend>
                {PaymentMethod::ALL.into_iter().map(|m| view! {
                    <label class="flex min-h-11 items-center gap-3">
                        <input type="checkbox" class="h-5 w-5" value=m.as_str()
                            prop:checked=move || chosen.read().contains(&m)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| { c.retain(|x| *x != m); if on { c.push(m) } });
                            }/>
                        <span>
                            {method_name(m)}
                            <br/>
                            {move || readiness.with(|all| all.iter().find(|r| r.method == m).map(readiness_text))}
                        </span>
                    </label>
                }).collect_view()}
            </fieldset>
            <p class="mt-2 text-sm" class:text-red-800=move || !cashless_ready(&chosen.read())>
                {move || format!("{} {}/4 · {}", tr("Đã chọn phương thức không dùng tiền mặt:", "Cashless methods chosen:"),
                    chosen.read().iter().filter(|m| m.is_cashless()).count(), tr("kế hoạch yêu cầu ít nhất 3", "the plan requires at least 3"))}
            </p>
            {can_edit.then(|| view! {
                <OutcomeNotice outcome/>
                <button type="button" class=format!("{BUTTON} mt-2") on:click=save>{tr("Lưu phương thức", "Save methods")}</button>
            })}
        </section>
    }
}

fn method_name(m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::QrTransfer => tr(
            "Chuyển khoản bằng mã QR (VietQR)",
            "QR bank transfer (VietQR)",
        ),
        PaymentMethod::Website => tr(
            "Thanh toán qua website (cổng thanh toán)",
            "Website payment (gateway)",
        ),
        PaymentMethod::MobileMoney => tr("Mobile Money / ví điện tử", "Mobile Money / e-wallet"),
        PaymentMethod::CardPos => tr("Thẻ qua máy POS", "Card at a POS terminal"),
        PaymentMethod::Cash => tr(
            "Tiền mặt (không tính là không dùng tiền mặt)",
            "Cash (not counted as cashless)",
        ),
    }
}

/// What a method still needs, or when money last came that way.
fn readiness_text(r: &crate::staff::MethodReadiness) -> impl IntoView {
    use crate::domain::date::Date;
    let (ok, text) = match (r.declared, r.configured, r.last_payment_at) {
        (false, _, _) => (false, tr("chưa nhận", "not accepted").to_string()),
        (true, false, _) => (
            false,
            match r.method {
                PaymentMethod::QrTransfer => tr(
                    "cần tài khoản ngân hàng được cơ quan quản lý xác nhận",
                    "needs a bank account confirmed by the supervising office",
                ),
                PaymentMethod::MobileMoney => tr(
                    "cần tài khoản ví điện tử được cơ quan quản lý xác nhận",
                    "needs an e-wallet account confirmed by the supervising office",
                ),
                PaymentMethod::Website => tr(
                    "cần mã đơn vị tại cổng thanh toán",
                    "needs a merchant account at the gateway",
                ),
                _ => tr("chưa cấu hình", "not set up"),
            }
            .to_string(),
        ),
        (true, true, Some(at)) => (
            true,
            format!(
                "{} · {} {}",
                tr("sẵn sàng", "ready"),
                tr("lần thu gần nhất", "last payment"),
                Date::moment_label(at)
            ),
        ),
        (true, true, None) => (
            true,
            tr("sẵn sàng · chưa có khoản thu nào", "ready · no payment yet").to_string(),
        ),
    };
    view! {
        <span class=if ok { "text-sm text-green-800" } else { "text-sm text-amber-900" } data-testid=format!("readiness-{}", r.method.as_str())>
            {text}
        </span>
    }
}

#[derive(Clone, Copy)]
struct ContactRow {
    key: usize,
    name: RwSignal<String>,
    role: RwSignal<String>,
    phone: RwSignal<String>,
    zalo: RwSignal<String>,
}

impl ContactRow {
    fn new(key: usize, c: Contact) -> Self {
        ContactRow {
            key,
            name: RwSignal::new(c.name),
            role: RwSignal::new(c.role),
            phone: RwSignal::new(c.phone),
            zalo: RwSignal::new(c.zalo.unwrap_or_default()),
        }
    }
}

#[component]
pub(super) fn Contacts(
    school_id: i64,
    current: Vec<Contact>,
    can_edit: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let flash = expect_context::<Flash>();
    let next = StoredValue::new(current.len());
    let rows = RwSignal::new(
        current
            .into_iter()
            .enumerate()
            .map(|(i, c)| ContactRow::new(i, c))
            .collect::<Vec<_>>(),
    );
    let outcome = RwSignal::new(None);
    let add = move |_| {
        let key = next.get_value();
        next.set_value(key + 1);
        rows.update(|r| {
            r.push(ContactRow::new(
                key,
                Contact {
                    name: String::new(),
                    role: String::new(),
                    phone: String::new(),
                    zalo: None,
                },
            ))
        });
    };
    // At most MAX_CONTACTS, as the server keeps: no more rows than a save
    // would take. (Outside `view!`: there a `>=` in an attribute ends the tag.)
    let full = move || rows.with(Vec::len) >= crate::staff::MAX_CONTACTS;
    let save = move |_| {
        let contacts: Vec<Contact> = rows
            .get_untracked()
            .iter()
            .map(|r| Contact {
                name: r.name.get_untracked(),
                role: r.role.get_untracked(),
                phone: r.phone.get_untracked(),
                zalo: Some(r.zalo.get_untracked()).filter(|z| !z.trim().is_empty()),
            })
            .collect();
        let count = contacts.len();
        spawn_local(async move {
            match save_contacts(school_id, contacts).await {
                Ok(()) => {
                    outcome.set(None);
                    flash.done(format!(
                        "{} {count} {}",
                        tr("Đã lưu", "Saved"),
                        tr(
                            "người liên hệ. Phụ huynh sẽ thấy trên trang của trường.",
                            "contacts. Parents see them on the school's pages.",
                        )
                    ));
                    refresh();
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e))),
            }
        });
    };
    view! {
        <section class=CARD aria-labelledby="contacts-title">
            <h2 id="contacts-title" class=H2>{tr("Người liên hệ cho phụ huynh", "Contact people for parents")}</h2>
            <For each=move || rows.get() key=|r| r.key let:row>
                <fieldset class="mt-3 grid gap-2 rounded-lg border border-gray-200 p-3 sm:grid-cols-4" prop:disabled=!can_edit>
                    <legend class="sr-only">{tr("Người liên hệ", "Contact")}</legend>
                    // Each contact's inputs have their own ids, so each label names its own.
                    <Field id=format!("contact-name-{}", row.key) label=tr("Họ tên", "Name") value=row.name/>
                    <Field id=format!("contact-role-{}", row.key) label=tr("Vai trò", "Role") value=row.role/>
                    <Field id=format!("contact-phone-{}", row.key) label=tr("Điện thoại", "Phone") value=row.phone kind="tel"/>
                    <Field id=format!("contact-zalo-{}", row.key) label="Zalo" value=row.zalo kind="tel"/>
                    {can_edit.then(|| view! {
                        <button type="button" class=format!("{BUTTON_QUIET} sm:col-span-4 justify-self-start")
                            on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))>
                            {tr("Bỏ người này", "Remove")}
                        </button>
                    })}
                </fieldset>
            </For>
            {can_edit.then(|| view! {
                <div class="mt-3 flex gap-2">
                    <button type="button" class=BUTTON_QUIET on:click=add prop:disabled=full aria-describedby="contacts-most">
                        {tr("Thêm người liên hệ", "Add a contact")}
                    </button>
                    <button type="button" class=BUTTON on:click=save>{tr("Lưu người liên hệ", "Save contacts")}</button>
                </div>
                <p id="contacts-most" class="mt-1 text-sm text-gray-700">{format!("{} {} {}",
                    tr("Tối đa", "At most"), crate::staff::MAX_CONTACTS,
                    tr("người: phụ huynh cần biết gọi ai trước.", "people: parents need to know whom to call first."))}</p>
                <OutcomeNotice outcome/>
            })}
        </section>
    }
}
