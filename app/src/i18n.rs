//! Every text on screen, Vietnamese first and English second. A struct of plain
//! strings costs the bundle nothing beyond the text itself, and the compiler
//! checks that both languages have every entry.

use crate::domain::invoice_status::{InvoiceStatus, PaymentState};
use crate::domain::student_import::{Column, FileProblem};
use crate::error::{AppError, Field};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }
}

pub struct Texts {
    pub lang: Lang,
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub switch_language: &'static str,
    pub loading: &'static str,
    /// A page opened from its link while its code downloads (as the shell says
    /// before the app: `app/index.html`).
    pub opening: &'static str,
    pub opening_slow: &'static str,
    pub opening_late: &'static str,
    pub reload_page: &'static str,
    pub back: &'static str,
    // Lookup
    pub lookup_title: &'static str,
    pub lookup_intro: &'static str,
    pub school: &'static str,
    pub choose_school: &'static str,
    pub change_school: &'static str,
    pub student_code: &'static str,
    pub student_code_hint: &'static str,
    pub birth_date: &'static str,
    pub birth_date_hint: &'static str,
    pub lookup_button: &'static str,
    pub looking_up: &'static str,
    pub privacy_note: &'static str,
    // Remembered children
    pub your_children: &'static str,
    pub remove_child: &'static str,
    pub confirm_remove: &'static str,
    pub forget_phone: &'static str,
    pub confirm_forget_phone: &'static str,
    pub forget_phone_failed: &'static str,
    pub forget_phone_done: &'static str,
    pub add_child: &'static str,
    // Child & invoices
    pub invoices: &'static str,
    pub no_invoices: &'static str,
    pub due_on: &'static str,
    pub class: &'static str,
    pub student: &'static str,
    pub period: &'static str,
    pub total: &'static str,
    pub paid: &'static str,
    pub balance: &'static str,
    pub item: &'static str,
    pub amount: &'static str,
    pub status_unpaid: &'static str,
    pub status_partly_paid: &'static str,
    pub status_paid: &'static str,
    pub status_voided: &'static str,
    pub overdue: &'static str,
    // Payment template and QR
    pub payment_info: &'static str,
    pub payer: &'static str,
    pub payer_value: &'static str,
    pub beneficiary: &'static str,
    pub reason: &'static str,
    pub invoice_code: &'static str,
    pub pay_by_qr: &'static str,
    pub qr_steps: &'static str,
    pub qr_alt: &'static str,
    pub bank: &'static str,
    pub account_number: &'static str,
    pub account_name: &'static str,
    pub memo: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub save_qr: &'static str,
    pub qr_saved: &'static str,
    pub fully_paid: &'static str,
    pub payments_received: &'static str,
    pub check_payee: &'static str,
    pub no_fee_note: &'static str,
    pub fraud_warning: &'static str,
    pub contacts_title: &'static str,
    pub pay_together_title: &'static str,
    pub pay_together_intro: &'static str,
    pub pay_together_link: &'static str,
    pub nothing_to_pay: &'static str,
    pub make_group_qr: &'static str,
    pub class_fees_title: &'static str,
    pub voluntary: &'static str,
    /// A class link whose class the school does not have (the name itself is
    /// not repeated: a link's text is anyone's, and the page is the school's).
    pub unknown_class: &'static str,
    pub take_voluntary: &'static str,
    pub contacts_intro: &'static str,
    pub call: &'static str,
    // Errors
    pub err_no_match: &'static str,
    pub err_too_many: &'static str,
    pub err_missing_school: &'static str,
    pub err_missing_code: &'static str,
    pub err_bad_birth_date: &'static str,
    pub err_bad_invoice_code: &'static str,
    pub err_access_expired: &'static str,
    pub err_not_found: &'static str,
    pub err_cross_site: &'static str,
    pub err_internal: &'static str,
    pub err_busy: &'static str,
    /// `{size}` is replaced with the limit, e.g. "1 MB".
    pub err_too_large: &'static str,
    pub err_network: &'static str,
    pub err_link_invalid: &'static str,
    pub page_not_found: &'static str,
}

impl Texts {
    pub fn status(&self, status: InvoiceStatus) -> &'static str {
        match status.state {
            PaymentState::Unpaid => self.status_unpaid,
            PaymentState::PartlyPaid => self.status_partly_paid,
            PaymentState::Paid => self.status_paid,
            PaymentState::Voided => self.status_voided,
        }
    }

    pub fn error_message(&self, error: &AppError) -> String {
        match error {
            AppError::NoMatch => self.err_no_match.into(),
            AppError::TooManyAttempts { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                self.err_too_many.replace("{minutes}", &minutes.to_string())
            }
            AppError::InvalidInput(Field::School) => self.err_missing_school.into(),
            AppError::InvalidInput(Field::StudentCode) => self.err_missing_code.into(),
            AppError::InvalidInput(Field::BirthDate) => self.err_bad_birth_date.into(),
            AppError::InvalidInput(Field::InvoiceCode) => self.err_bad_invoice_code.into(),
            AppError::InvalidInput(field) => public_field_problem(self.lang, *field)
                .unwrap_or(self.err_internal)
                .into(),
            AppError::LinkInvalid => self.err_link_invalid.into(),
            AppError::AccessExpired => self.err_access_expired.into(),
            AppError::NotFound => self.err_not_found.into(),
            AppError::CrossSite => self.err_cross_site.into(),
            AppError::Internal => self.err_internal.into(),
            AppError::Busy => self.err_busy.into(),
            AppError::TooLarge { limit_bytes } => self
                .err_too_large
                .replace("{size}", &size_text(*limit_bytes)),
            AppError::Network(_) => self.err_network.into(),
            // Only staff screens meet these (`staff_error_message`): the parent's
            // apps leave their texts out of the download.
            _ => self.err_internal.into(),
        }
    }
}

/// Any error, as a staff screen says it: the staff-only ones (sign-in, rights,
/// imports, allocations, every form field), then those a parent also meets.
pub fn staff_error_message(lang: Lang, error: &AppError) -> String {
    match error {
        AppError::NotSignedIn => pick(lang, "Bạn cần đăng nhập để tiếp tục.", "Please sign in to continue."),
        AppError::Forbidden => pick(lang, "Tài khoản của bạn không có quyền làm việc này.", "Your account is not allowed to do this."),
        AppError::BadCredentials => pick(lang, "Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."),
        // Staff sign-ins: the parents' wording ("…or call the school") would
        // send an accountant to themselves. A superior makes a reset link.
        AppError::TooManyAttempts { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60).max(1);
            match lang {
                Lang::Vi => format!(
                    "Đã nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút. Nếu quên mật khẩu, hãy nhờ cấp trên hoặc người quản lý tạo đường dẫn đặt lại mật khẩu."
                ),
                Lang::En => format!(
                    "Too many wrong attempts. Try again in {minutes} minute{}. If you forgot the password, ask your superior or administrator for a reset link.",
                    if minutes == 1 { "" } else { "s" }
                ),
            }
        }
        AppError::UsernameTaken => pick(lang, "Tên đăng nhập này đã có người dùng. Hãy chọn tên khác.", "This user name is taken. Please choose another."),
        AppError::SlugTaken => pick(lang, "Địa chỉ trang này đã thuộc về trường khác.", "This page address belongs to another school."),
        AppError::ImportRejected => pick(lang, "Tệp còn dòng lỗi nên chưa ghi gì. Hãy sửa các dòng được liệt kê rồi tải lại.", "The file still has rows with errors, so nothing was written. Fix the rows listed and upload again."),
        AppError::PaymentAlreadySettled => pick(
            lang,
            "Giao dịch này đã được gạch nợ. Hãy hoàn tác trước khi gạch lại.",
            "This transfer is already allocated. Undo it before allocating again.",
        ),
        AppError::AllocationTooLarge => pick(
            lang,
            "Tổng số tiền gạch vượt quá số tiền chuyển khoản hoặc số còn phải nộp của hoá đơn.",
            "The amounts exceed the transfer or what the invoice still owes.",
        ),
        AppError::CreditAlreadyUsed => pick(
            lang,
            "Số tiền nộp thừa của giao dịch này đã được trừ vào hoá đơn sau, nên không hoàn tác được.",
            "The overpayment from this transfer was already taken off a later invoice, so it cannot be undone.",
        ),
        AppError::CardApprovalUsed => pick(
            lang,
            "Mã chuẩn chi này của máy POS đã được ghi cho một khoản nộp khác. Hãy kiểm tra lại mã trên hoá đơn thẻ.",
            "This terminal's approval code is already recorded for another payment. Check the code on the card slip.",
        ),
        AppError::InvoiceAlreadyPaid => pick(
            lang,
            "Hoá đơn này đã được nộp đủ; không thu thêm.",
            "This invoice is already paid in full; take no more money for it.",
        ),
        AppError::RefundTooLarge => pick(
            lang,
            "Số tiền hoàn lớn hơn số tiền chưa gạch nợ của giao dịch.",
            "The refund is larger than the part of the transfer not allocated to invoices.",
        ),
        AppError::File(problem) => file_problem(lang, problem),
        AppError::SecondPersonNeeded => pick(
            lang,
            "Người đã thêm hoặc sửa tài khoản này không thể tự xác nhận nó. Cần một cán bộ khác xác nhận.",
            "The person who added or changed this account cannot confirm it. Another officer must confirm it.",
        ),
        AppError::ReportAlreadySubmitted { submitted_at } => format!(
            "{} {}{}",
            pick(lang, "Báo cáo kỳ này đã nộp lúc", "This period's report was submitted at"),
            crate::domain::date::Date::moment_label(*submitted_at),
            pick(lang, ". Nếu muốn thay bằng số liệu hiện tại, hãy bấm \"Nộp lại, thay báo cáo đã nộp\".",
                ". To replace it with today's figures, press \"Submit again, replacing it\"."),
        ),
        AppError::Certificate(problem) => certificate_problem(lang, *problem),
        AppError::ImportCutShort { recorded, lines } => match lang {
            Lang::Vi => format!(
                "Máy chủ gặp lỗi khi mới ghi được {recorded}/{lines} dòng của sao kê. Các dòng đã ghi vẫn được giữ. \
                 Hãy nhập lại đúng tệp này để ghi nốt: dòng đã ghi sẽ không bị tính hai lần."
            ),
            Lang::En => format!(
                "The server failed after recording {recorded} of the statement's {lines} lines. The lines recorded are kept. \
                 Import the same file again to finish it: lines already recorded are not counted twice."
            ),
        },
        AppError::InvalidInput(field) if public_field_problem(lang, *field).is_none() => {
            field_problem(lang, *field).into()
        }
        _ => lang.texts().error_message(error),
    }
}

/// Why a certificate file cannot sign, and what to do about it.
fn certificate_problem(lang: Lang, problem: crate::error::CertificateProblem) -> String {
    use crate::error::CertificateProblem::*;
    let day = |unix: i64| crate::domain::date::Date::in_vietnam(unix).dmy();
    match problem {
        TooLarge => pick(lang, "Tệp quá lớn để là tệp chứng thư số (tối đa 64 KB). Hãy chọn đúng tệp .p12 hoặc .pfx.", "The file is too large for a certificate file (at most 64 KB). Choose the .p12 or .pfx file."),
        Unreadable => pick(lang, "Đây không phải tệp chứng thư số .p12/.pfx, hoặc tệp bị hỏng.", "This is not a .p12/.pfx certificate file, or it is damaged."),
        WrongPassword => pick(lang, "Sai mật khẩu của tệp chứng thư số.", "Wrong password for the certificate file."),
        NoPrivateKey => pick(lang, "Tệp không có khoá bí mật đi kèm chứng thư. Hãy xuất lại chứng thư kèm khoá bí mật (.p12/.pfx), hoặc hỏi nhà cung cấp chữ ký số.", "The file has no private key with the certificate. Export the certificate with its private key (.p12/.pfx), or ask the signature provider."),
        NoCertificate => pick(lang, "Khoá bí mật trong tệp không đi kèm đúng chứng thư của nó.", "The private key in the file does not come with its own certificate."),
        UnsupportedKey => pick(lang, "Loại khoá chưa được hỗ trợ: cần chứng thư RSA (từ 2048 bit) hoặc ECDSA P-256.", "This key type is not supported: an RSA (2048 bits or more) or ECDSA P-256 certificate is needed."),
        NotYetValid { not_before } => format!("{} {}.", pick(lang, "Chứng thư số chỉ có hiệu lực từ ngày", "The certificate is valid only from"), day(not_before)),
        SelfSigned => pick(lang, "Chứng thư này tự ký (không do tổ chức cung cấp dịch vụ chứng thực chữ ký số cấp), nên không phải chữ ký số của nhà trường. Hãy dùng chứng thư do nhà cung cấp chữ ký số cấp.", "This certificate is self-signed (not issued by a certification authority), so it is not the school's digital signature. Use the certificate a signature provider issued."),
        Expired { not_after } => format!("{} {}. {}", pick(lang, "Chứng thư số đã hết hạn ngày", "The certificate expired on"), day(not_after), pick(lang, "Hãy gia hạn với nhà cung cấp chữ ký số.", "Renew it with the signature provider.")),
    }
}

/// A size as people read it: "10 MB", "200 KB".
fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Why an uploaded spreadsheet was not taken, and what to do about it.
pub fn file_problem(lang: Lang, problem: &FileProblem) -> String {
    use crate::domain::money::grouped_digits;
    let count = |n: &usize| grouped_digits(*n as u64);
    match problem {
        FileProblem::Empty => pick(lang, "Tệp trống.", "The file is empty."),
        FileProblem::NotASpreadsheet => pick(
            lang,
            "Không đọc được tệp: hãy chọn tệp .xlsx hoặc .csv (UTF-8) xuất từ Excel.",
            "The file cannot be read: choose an .xlsx or a .csv (UTF-8) file saved from Excel.",
        ),
        FileProblem::MissingColumns(columns) => format!(
            "{} {}",
            pick(lang, "Thiếu cột:", "Missing columns:"),
            columns
                .iter()
                .map(|c| match c {
                    Column::Code => "Mã học sinh",
                    Column::Name => "Họ và tên",
                    Column::BirthDate => "Ngày sinh",
                    Column::Class => "Lớp",
                    Column::Grade => "Khối",
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        FileProblem::TooManyRows(n) => match lang {
            Lang::Vi => format!("Tệp có quá {} dòng. Hãy tách thành nhiều tệp nhỏ hơn.", count(n)),
            Lang::En => format!("The file has more than {} rows. Split it into smaller files.", count(n)),
        },
        FileProblem::TooLarge(n) => match lang {
            Lang::Vi => format!("Tệp quá lớn (tối đa {}). Hãy tách thành nhiều tệp nhỏ hơn.", size_text(*n as u64)),
            Lang::En => format!("The file is too large (at most {}). Split it into smaller files.", size_text(*n as u64)),
        },
        FileProblem::TooManyColumns(n) => match lang {
            Lang::Vi => format!("Tệp có dữ liệu ở quá {} cột. Hãy xoá các cột không dùng đến rồi tải lại.", count(n)),
            Lang::En => format!("The file has data in more than {} columns. Delete the columns not needed and upload again.", count(n)),
        },
        FileProblem::TooManyCells(n) => match lang {
            Lang::Vi => format!("Tệp có quá {} ô dữ liệu. Hãy tách thành nhiều tệp nhỏ hơn.", count(n)),
            Lang::En => format!("The file has more than {} cells. Split it into smaller files.", count(n)),
        },
        FileProblem::CellTooLong { row, max } => match lang {
            Lang::Vi => format!("Dòng {row}: một ô dài quá {} ký tự.", count(max)),
            Lang::En => format!("Row {row}: a cell is longer than {} characters.", count(max)),
        },
    }
}

fn pick(lang: Lang, vi: &str, en: &str) -> String {
    match lang {
        Lang::Vi => vi.into(),
        Lang::En => en.into(),
    }
}

/// What is wrong with a form field a parent fills in (lookup, complaints, the QR
/// checker): the only field texts the parent's apps carry.
pub fn public_field_problem(lang: Lang, field: Field) -> Option<&'static str> {
    use Field::*;
    match (lang, field) {
        (Lang::Vi, School) => Some("Hãy chọn trường."),
        (Lang::Vi, StudentCode) => Some("Mã học sinh: 1 đến 32 chữ cái hoặc chữ số."),
        (Lang::Vi, BirthDate) => Some("Ngày sinh theo dạng ngày/tháng/năm, ví dụ 05/09/2018."),
        (Lang::Vi, InvoiceCode) => Some("Mã hoá đơn không đúng. Mã gồm 8 ký tự, cả chữ và số, in trên hoá đơn, ví dụ 7K2M9QXP; hãy chép lại đúng từ hoá đơn."),
        (Lang::Vi, Bank) => Some("Hãy chọn ngân hàng trong danh sách."),
        (Lang::Vi, AccountNumber) => {
            Some("Số tài khoản chỉ gồm chữ số, từ 6 đến 19 số, đúng như trên sổ hoặc ứng dụng ngân hàng.")
        }
        (Lang::Vi, ClassName) => Some("Hãy nhập tên lớp."),
        (Lang::Vi, Reference) => Some("Hãy nhập số tham chiếu (mã giao dịch) của ngân hàng."),
        (Lang::Vi, Message) => Some("Hãy viết nội dung (từ 5 đến 2.000 ký tự)."),
        (Lang::Vi, Photo) => Some("Ảnh phải là JPEG, PNG hoặc WebP, không quá 1 MB."),
        (Lang::Vi, TrackingCode) => {
            Some("Mã theo dõi có dạng KN-XXXXX-XXXXX (chữ in hoa và chữ số).")
        }
        (Lang::Vi, BirthDateImpossible) => Some("Ngày sinh này không đúng: không có ngày này trên lịch, hoặc ngày chưa tới. Hãy xem lại ngày, tháng, năm sinh của con."),
        (Lang::En, School) => Some("Please choose a school."),
        (Lang::En, StudentCode) => Some("Student code: 1 to 32 letters or digits."),
        (Lang::En, BirthDate) => Some("Date of birth as day/month/year, e.g. 05/09/2018."),
        (Lang::En, InvoiceCode) => Some("This invoice code is not valid. A code is the 8 letters and digits printed on the invoice, e.g. 7K2M9QXP; copy it exactly from the invoice."),
        (Lang::En, Bank) => Some("Please choose a bank from the list."),
        (Lang::En, AccountNumber) => Some("An account number is 6 to 19 digits only, exactly as the bank shows it."),
        (Lang::En, ClassName) => Some("Please enter the class name."),
        (Lang::En, Reference) => Some("Please enter the bank's reference (transaction id)."),
        (Lang::En, Message) => Some("Please write the text (5 to 2,000 characters)."),
        (Lang::En, Photo) => Some("The photo must be a JPEG, PNG or WebP image of at most 1 MB."),
        (Lang::En, TrackingCode) => {
            Some("A tracking code looks like KN-XXXXX-XXXXX (capital letters and digits).")
        }
        (Lang::En, BirthDateImpossible) => Some("That date of birth cannot be right: the day does not exist, or has not come yet. Check the day, month and year."),
        _ => None,
    }
}

/// What is wrong with a form field, said so that a person can fix it.
pub fn field_problem(lang: Lang, field: Field) -> &'static str {
    if let Some(text) = public_field_problem(lang, field) {
        return text;
    }
    use Field::*;
    match (lang, field) {
        (_, School | StudentCode | BirthDate | BirthDateImpossible | InvoiceCode | Message | Photo | Reference | Bank | AccountNumber | ClassName | TrackingCode) => unreachable!("public_field_problem answers these"),
        (Lang::Vi, Username) => {
            "Tên đăng nhập: 3 đến 32 chữ cái thường, chữ số, dấu chấm, gạch ngang hoặc gạch dưới."
        }
        (Lang::Vi, Password) => "Mật khẩu cần ít nhất 10 ký tự.",
        (Lang::Vi, DisplayName) => "Hãy nhập họ và tên.",
        (Lang::Vi, SchoolName) => "Hãy nhập tên trường.",
        (Lang::Vi, LegalName) => "Hãy nhập tên đơn vị đầy đủ.",
        (Lang::Vi, Address) => "Hãy nhập địa chỉ.",
        (Lang::Vi, TaxCode) => {
            "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số."
        }
        (Lang::Vi, Slug) => {
            "Địa chỉ trang: 3 đến 40 chữ cái thường không dấu, chữ số hoặc gạch ngang."
        }
        (Lang::Vi, AccountName) => {
            "Tên tài khoản viết đúng như ngân hàng ghi: chữ in hoa không dấu."
        }
        (Lang::Vi, ContactName) => "Hãy nhập họ tên người liên hệ.",
        (Lang::Vi, Phone) => "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.",
        (Lang::Vi, Role) => "Vai trò không hợp lệ.",
        (Lang::Vi, FeeName) => "Hãy nhập tên khoản thu.",
        (Lang::Vi, Amount) => "Số tiền là số đồng nguyên, từ 0 trở lên.",
        (Lang::Vi, Grades) => "Khối áp dụng: các số từ 0 đến 12, cách nhau bằng dấu phẩy; để trống nếu áp dụng cả trường.",
        (Lang::Vi, PolicyName) => "Hãy nhập tên diện miễn giảm.",
        (Lang::Vi, Percent) => "Tỷ lệ miễn giảm là số nguyên từ 0 đến 100 (ví dụ: 50 là giảm một nửa).",
        (Lang::Vi, Grounds) => "Hãy ghi căn cứ miễn giảm (ví dụ số quyết định, số sổ hộ nghèo).",
        (Lang::Vi, Period) => "Kỳ thu ghi theo tháng/năm, ví dụ 11/2026.",
        (Lang::Vi, DueDate) => "Hạn nộp phải là một ngày có thật, viết theo dạng ngày/tháng/năm, ví dụ 30/11/2026.",
        (Lang::Vi, Account) => "Hãy chọn tài khoản của trường mà sao kê này thuộc về.",
        (Lang::Vi, Mapping) => "Hãy chọn đủ các cột: ngày, số tiền ghi có, số tham chiếu, nội dung.",
        (Lang::Vi, Reason) => "Hãy ghi lý do (ví dụ: nhầm học sinh, sai tên người nộp).",
        (Lang::Vi, PositiveAmount) => "Số tiền là số đồng nguyên, lớn hơn 0.",
        (Lang::Vi, Terminal) => "Mã máy POS và mã chuẩn chi: chữ cái và chữ số, không có dấu cách.",
        (Lang::Vi, CardLast4) => "Nhập đúng 4 số cuối của thẻ (4 chữ số).",
        (Lang::Vi, MerchantCode) => "Mã đơn vị do cổng thanh toán cấp: 8 chữ cái hoặc chữ số.",
        (Lang::Vi, MerchantCodeTaken) => "Mã đơn vị này đã được một trường khác đăng ký. Hãy kiểm tra lại mã mà cổng thanh toán cấp cho trường mình; nếu đúng là mã của trường, hãy báo cơ quan quản lý.",
        (Lang::Vi, GatewaySecret) => "Khoá bí mật do cổng thanh toán cấp: từ 16 ký tự.",
        (Lang::Vi, RefundDate) => "Ngày hoàn tiền theo dạng ngày/tháng/năm, không sau hôm nay.",
        (Lang::Vi, Logo) => "Biểu trưng phải là ảnh PNG, JPEG hoặc WebP, không quá 200 KB.",
        (Lang::Vi, WebhookUrl) => "Địa chỉ nhận phải bắt đầu bằng https:// (http:// chỉ dùng được với máy này), tối đa 500 ký tự.",
        (Lang::Vi, WebhookInternal) => "Không dùng được địa chỉ trong mạng nội bộ (10.x, 192.168.x, localhost…) với https://: hãy dùng địa chỉ công khai của phần mềm.",
        (Lang::Vi, AccessTokens) => "Danh sách trên máy này quá dài: tối đa 50 con.",
        (Lang::Vi, SearchText) => "Từ cần tìm quá dài: tối đa 100 ký tự.",
        (Lang::Vi, Day) => "Ngày không hợp lệ: chọn ngày trên lịch.",
        (Lang::Vi, ClassTaken) => "Năm học này đã có lớp mang tên đó. Muốn gộp hai lớp, hãy chuyển học sinh sang lớp kia.",
        (Lang::Vi, ClassNotEmpty) => "Lớp còn học sinh nên chưa xoá được: hãy chuyển học sinh sang lớp khác trước, hoặc chỉ sửa tên lớp.",
        (Lang::Vi, ClassBilled) => "Lớp đã có hoá đơn (kể cả hoá đơn đã huỷ) nên được giữ lại để đối chiếu: chỉ sửa được tên lớp.",
        (Lang::Vi, SchoolLevel) => "Trường trung học phổ thông do Sở GD&ĐT quản lý; trường mầm non, tiểu học, trung học cơ sở do UBND xã/phường quản lý. Cơ quan quản lý trường đó tạo trường.",
        (Lang::Vi, FeeNameTaken) => "Đã có khoản thu cùng tên đang thu của một số học sinh trong phạm vi này: phụ huynh sẽ phải nộp hai lần. Hãy sửa khoản đã có, hoặc ngừng thu khoản đó trước.",
        (Lang::Vi, PreviewChanged) => "Các khoản thu hoặc danh sách học sinh đã thay đổi từ lúc xem trước, nên chưa phát hành hoá đơn nào. Hãy bấm lại “Xem trước”, kiểm tra số tiền mới rồi phát hành.",
        (Lang::Vi, TooManyContacts) => "Trang của trường ghi tối đa 10 người liên hệ: phụ huynh cần biết gọi ai trước. Hãy bỏ bớt rồi lưu lại.",
        (Lang::Vi, Policy) => "Hãy chọn diện miễn giảm (nếu chưa có, tạo diện ở trên trước).",
        (Lang::Vi, StudentCodeTaken) => "Trường đã có học sinh mang mã này. Hãy kiểm tra lại mã; nếu đúng là em đó, hãy sửa hồ sơ đã có trong danh sách học sinh.",
        (Lang::Vi, ReportDue) => "Hạn nộp báo cáo theo dạng ngày/tháng/năm, sau ngày cuối của kỳ và trong vòng một năm, ví dụ 05/12/2026.",
        (Lang::Vi, ReceiptNumbering) => "Mẫu số và ký hiệu biên lai: điền cả hai, đúng như đã đăng ký với cơ quan thuế (chữ, chữ số, dấu / - hoặc ., mỗi ô tối đa 20 ký tự), hoặc để trống cả hai.",
        (Lang::Vi, NoInvoicesInPeriod) => "Lớp chưa có hoá đơn nào cho kỳ này: hãy phát hành hoá đơn trước.",
        (Lang::Vi, NoSuchClassOrGrade) => "Trường không có khối hoặc lớp này. Ghi khối bằng số, lớp bằng tên như ở trang Lớp và học sinh, ví dụ: 1, 2, 4A.",
        (Lang::Vi, UnknownStudent) => "Trường không có học sinh nào mang mã này. Hãy xem lại mã ở trang Lớp và học sinh.",
        (Lang::En, Username) => {
            "User name: 3 to 32 lower-case letters, digits, dots, dashes or underscores."
        }
        (Lang::En, Password) => "The password needs at least 10 characters.",
        (Lang::En, DisplayName) => "Please enter the full name.",
        (Lang::En, SchoolName) => "Please enter the school's name.",
        (Lang::En, LegalName) => "Please enter the organisation's full legal name.",
        (Lang::En, Address) => "Please enter the address.",
        (Lang::En, TaxCode) => "A tax code is 10 digits, or 10 digits, a dash and 3 digits.",
        (Lang::En, Slug) => {
            "Page address: 3 to 40 lower-case letters without accents, digits or dashes."
        }
        (Lang::En, AccountName) => {
            "Write the account name exactly as the bank holds it: capitals without accents."
        }
        (Lang::En, ContactName) => "Please enter the contact person's name.",
        (Lang::En, Phone) => "A phone number has 10 digits and starts with 0.",
        (Lang::En, Role) => "This role is not valid.",
        (Lang::En, FeeName) => "Please enter the fee's name.",
        (Lang::En, Amount) => "The amount is a whole number of đồng, 0 or more.",
        (Lang::En, Grades) => "Grades: numbers 0 to 12 separated by commas; empty for the whole school.",
        (Lang::En, PolicyName) => "Please name the exemption policy.",
        (Lang::En, Percent) => "A reduction is a whole number from 0 to 100, without decimals (e.g. 50 for half).",
        (Lang::En, Grounds) => "Please note the grounds (e.g. the decision or certificate number).",
        (Lang::En, Period) => "The period is a month, e.g. 11/2026.",
        (Lang::En, DueDate) => "The due date must be a real day, written day/month/year, e.g. 30/11/2026.",
        (Lang::En, Account) => "Please choose which of the school's accounts this statement is for.",
        (Lang::En, Mapping) => "Please choose every column: date, credit amount, reference, description.",
        (Lang::En, Reason) => "Please give the reason (e.g. the wrong student, the payer's name misspelt).",
        (Lang::En, PositiveAmount) => "The amount is a whole number of đồng, more than 0.",
        (Lang::En, Terminal) => "Terminal id and approval code: letters and digits, no spaces.",
        (Lang::En, CardLast4) => "Enter exactly the card's last 4 digits.",
        (Lang::En, MerchantCode) => "The merchant code the gateway gave you: 8 letters or digits.",
        (Lang::En, MerchantCodeTaken) => "Another school has registered this merchant code. Check the code the gateway gave your school; if it is yours, tell your supervising office.",
        (Lang::En, GatewaySecret) => "The secret the gateway gave you: at least 16 characters.",
        (Lang::En, RefundDate) => "The refund date as day/month/year, not after today.",
        (Lang::En, Logo) => "The logo must be a PNG, JPEG or WebP image of at most 200 KB.",
        (Lang::En, WebhookUrl) => "The address must start with https:// (http:// only to this machine), at most 500 characters.",
        (Lang::En, WebhookInternal) => "Internal network addresses (10.x, 192.168.x, localhost…) cannot be used with https://: use the software's public address.",
        (Lang::En, AccessTokens) => "The list on this device is too long: at most 50 children.",
        (Lang::En, SearchText) => "The search is too long: at most 100 characters.",
        (Lang::En, Day) => "Not a valid day: pick one on the calendar.",
        (Lang::En, ClassTaken) => "This school year already has a class of that name. To merge two classes, move the students across.",
        (Lang::En, ClassNotEmpty) => "The class still has students, so it cannot be removed yet: move them to another class first, or just rename it.",
        (Lang::En, ClassBilled) => "The class has been billed (voided invoices count too), so it is kept for the records: it can only be renamed.",
        (Lang::En, SchoolLevel) => "Upper-secondary schools belong to the Department of Education; preschools, primary and lower-secondary schools to their commune or ward. The school's own office creates it.",
        (Lang::En, FeeNameTaken) => "A fee of that name is already billed to some of these students: their families would pay it twice. Correct the existing fee, or stop billing it first.",
        (Lang::En, PreviewChanged) => "The fees or the students changed since the preview, so no invoice was issued. Preview again, check the new amounts, then issue.",
        (Lang::En, TooManyContacts) => "A school's page lists at most 10 contact people: parents need to know whom to call first. Remove some, then save again.",
        (Lang::En, Policy) => "Choose an exemption policy (if there is none, create one above first).",
        (Lang::En, StudentCodeTaken) => "A student of the school already has this code. Check the code; if it is the same child, correct the existing record in the list of students.",
        (Lang::En, ReportDue) => "The report deadline as day/month/year, after the period's last day and within a year, e.g. 05/12/2026.",
        (Lang::En, ReceiptNumbering) => "Receipt form and series: fill in both, exactly as registered with the tax office (letters, digits, / - or ., at most 20 characters each), or leave both empty.",
        (Lang::En, NoInvoicesInPeriod) => "The class has no invoice for this period yet: issue the invoices first.",
        (Lang::En, NoSuchClassOrGrade) => "The school has no such grade or class. Write grades as numbers and classes by their names on the Classes and students page, e.g. 1, 2, 4A.",
        (Lang::En, UnknownStudent) => "No student of the school has this code. Check it on the Classes and students page.",
    }
}

pub static VI: Texts = Texts {
    lang: Lang::Vi,
    app_name: "hocphi",
    tagline: "Nộp các khoản thu của nhà trường không dùng tiền mặt",
    switch_language: "English",
    loading: "Đang tải…",
    opening: "Đang mở trang…",
    opening_slow: "Khi mạng chậm, việc này có thể mất vài giây.",
    opening_late: "Trang chưa tải xong. Hãy kiểm tra kết nối mạng rồi tải lại trang.",
    reload_page: "Tải lại trang",
    back: "Quay lại",
    lookup_title: "Tra cứu khoản thu",
    lookup_intro: "Nhập mã học sinh và ngày sinh của con để xem các khoản cần nộp.",
    school: "Trường",
    choose_school: "Chọn trường",
    change_school: "Đổi trường",
    student_code: "Mã học sinh",
    student_code_hint: "In trên thông báo của nhà trường",
    birth_date: "Ngày sinh của con",
    birth_date_hint: "ngày/tháng/năm, ví dụ 05/09/2018",
    lookup_button: "Tra cứu",
    looking_up: "Đang tra cứu…",
    privacy_note: "Mã học sinh và ngày sinh chỉ dùng để tìm khoản thu. Danh sách các con được lưu trên chính điện thoại này, bạn có thể xoá bất cứ lúc nào.",
    your_children: "Các con của bạn",
    remove_child: "Xoá khỏi máy này",
    confirm_remove: "Xoá con khỏi danh sách trên máy này? Bạn có thể tra cứu lại sau.",
    forget_phone: "Xoá hết dữ liệu trên máy này",
    confirm_forget_phone: "Xoá mọi con khỏi máy này và huỷ quyền xem của máy này? Nên làm khi máy được cho mượn, dùng chung hoặc bán. Bạn có thể tra cứu lại trên máy của mình.",
    forget_phone_failed: "Chưa xoá được vì không kết nối được. Hãy bật mạng rồi bấm lại.",
    forget_phone_done: "Đã xoá hết dữ liệu trên máy này: danh sách các con và quyền xem của máy.",
    add_child: "Thêm con khác",
    invoices: "Các khoản thu",
    no_invoices: "Chưa có khoản thu nào.",
    due_on: "Hạn nộp",
    class: "Lớp",
    student: "Học sinh",
    period: "Kỳ thu",
    total: "Tổng cộng",
    paid: "Đã nộp",
    balance: "Còn phải nộp",
    item: "Khoản thu",
    amount: "Số tiền",
    status_unpaid: "Chưa nộp",
    status_partly_paid: "Đã nộp một phần",
    status_paid: "Đã nộp đủ",
    status_voided: "Đã huỷ",
    overdue: "Quá hạn",
    payment_info: "Thông tin thanh toán",
    payer: "Họ và tên người trả tiền",
    payer_value: "Tên chủ tài khoản bạn dùng để chuyển (ngân hàng báo cho nhà trường)",
    beneficiary: "Họ và tên người thụ hưởng",
    reason: "Lý do thanh toán",
    invoice_code: "Mã/số hóa đơn thanh toán",
    pay_by_qr: "Nộp bằng mã QR",
    qr_steps: "Mở ứng dụng ngân hàng hoặc ví điện tử, chọn Quét QR rồi quét mã này, hoặc lưu ảnh QR và chọn ảnh từ thư viện. Số tiền và nội dung đã được điền sẵn.",
    qr_alt: "Mã VietQR để chuyển khoản",
    bank: "Ngân hàng",
    account_number: "Số tài khoản",
    account_name: "Tên tài khoản",
    memo: "Nội dung chuyển khoản",
    copy: "Sao chép",
    copied: "Đã chép",
    copy_failed: "Không sao chép được, hãy chọn và sao chép bằng tay",
    save_qr: "Lưu ảnh QR",
    qr_saved: "Đã lưu ảnh QR. Mở ứng dụng ngân hàng và chọn ảnh từ thư viện.",
    fully_paid: "Khoản này đã được nộp đủ. Cảm ơn bạn!",
    payments_received: "Các lần đã nộp",
    check_payee: "Trước khi chuyển, hãy kiểm tra tên người nhận trong ứng dụng ngân hàng là",
    no_fee_note: "Tiền chuyển thẳng vào tài khoản của nhà trường, không qua ai trung gian.",
    fraud_warning: "Nhà trường không bao giờ hỏi mã OTP hay mật khẩu, và không bao giờ yêu cầu chuyển tiền vào tài khoản cá nhân.",
    contacts_title: "Cần giúp đỡ? Liên hệ nhà trường",
    pay_together_title: "Nộp nhiều khoản một lần",
    pay_together_intro: "Chọn các khoản muốn nộp. Mỗi trường có một mã QR riêng; một lần chuyển khoản nộp được tất cả các khoản đã chọn của trường đó.",
    pay_together_link: "Nộp nhiều khoản một lần",
    nothing_to_pay: "Không còn khoản nào cần nộp.",
    make_group_qr: "Tạo mã QR nộp chung",
    class_fees_title: "Các khoản thu của lớp",
    voluntary: "tự nguyện",
    unknown_class: "Không tìm thấy lớp theo đường dẫn này. Bạn vẫn tra cứu được bằng mã học sinh và ngày sinh.",
    take_voluntary: "Đăng ký khoản tự nguyện này (bỏ chọn nếu không tham gia)",
    contacts_intro: "Nhà trường cử các thầy cô dưới đây hướng dẫn nộp tiền và giải đáp thắc mắc của phụ huynh.",
    call: "Gọi",
    err_no_match: "Không tìm thấy học sinh nào khớp với mã và ngày sinh này. Hãy kiểm tra lại thông báo của nhà trường.",
    err_too_many: "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau {minutes} phút, hoặc liên hệ nhà trường.",
    err_missing_school: "Hãy chọn trường của con.",
    err_missing_code: "Hãy nhập mã học sinh.",
    err_bad_birth_date: "Hãy nhập ngày sinh theo dạng ngày/tháng/năm, năm đủ 4 chữ số, ví dụ 05/09/2018 (hoặc gõ liền 05092018).",
    err_bad_invoice_code: "Mã hoá đơn không đúng. Mã gồm 8 ký tự, cả chữ và số, in trên hoá đơn, ví dụ 7K2M9QXP; hãy chép lại đúng từ hoá đơn.",
    err_access_expired: "Phiên xem đã hết hạn. Hãy tra cứu lại bằng mã học sinh và ngày sinh.",
    err_not_found: "Không tìm thấy khoản thu này.",
    err_cross_site: "Yêu cầu bị từ chối vì không đến từ trang hocphi.",
    err_internal: "Máy chủ đang gặp sự cố. Vui lòng thử lại sau ít phút.",
    err_busy: "Máy chủ đang bận. Vui lòng thử lại sau ít phút.",
    err_too_large: "Nội dung gửi lên quá lớn (tối đa {size}). Hãy chọn tệp hoặc ảnh nhỏ hơn.",
    err_network: "Không kết nối được. Hãy kiểm tra mạng và thử lại.",
    err_link_invalid: "Đường dẫn này đã được dùng hoặc đã hết hạn. Hãy xin một đường dẫn mới.",
    page_not_found: "Không tìm thấy trang này.",
};

pub static EN: Texts = Texts {
    lang: Lang::En,
    app_name: "hocphi",
    tagline: "Pay school fees without cash",
    switch_language: "Tiếng Việt",
    loading: "Loading…",
    opening: "Opening the page…",
    opening_slow: "On a slow connection this can take a few seconds.",
    opening_late: "The page has not finished loading. Check your connection, then reload the page.",
    reload_page: "Reload the page",
    back: "Back",
    lookup_title: "Look up fees",
    lookup_intro: "Enter your child's student code and date of birth to see what is due.",
    school: "School",
    choose_school: "Choose a school",
    change_school: "Change school",
    student_code: "Student code",
    student_code_hint: "Printed on the school's notice",
    birth_date: "Child's date of birth",
    birth_date_hint: "day/month/year, e.g. 05/09/2018",
    lookup_button: "Look up",
    looking_up: "Looking up…",
    privacy_note: "The student code and date of birth are used only to find fees. Your children list is stored on this phone only; you can remove it at any time.",
    your_children: "Your children",
    remove_child: "Remove from this device",
    confirm_remove: "Remove this child from the list on this device? You can look them up again later.",
    forget_phone: "Forget this device",
    confirm_forget_phone: "Remove every child from this device and end its access? Do this when the phone is lent, shared or sold. You can look your children up again on your own phone.",
    forget_phone_failed: "This device could not be forgotten: no connection. Turn on data and tap again.",
    forget_phone_done: "This device is forgotten: its list of children and its access are gone.",
    add_child: "Add another child",
    invoices: "Fees",
    no_invoices: "No fees yet.",
    due_on: "Due",
    class: "Class",
    student: "Student",
    period: "Period",
    total: "Total",
    paid: "Paid",
    balance: "Still to pay",
    item: "Item",
    amount: "Amount",
    status_unpaid: "Unpaid",
    status_partly_paid: "Partly paid",
    status_paid: "Paid",
    status_voided: "Voided",
    overdue: "Overdue",
    payment_info: "Payment information",
    payer: "Payer's full name",
    payer_value: "The holder of the account you pay from (the bank tells the school)",
    beneficiary: "Beneficiary's full name",
    reason: "Reason for payment",
    invoice_code: "Payment invoice code/number",
    pay_by_qr: "Pay by QR code",
    qr_steps: "Open your banking or e-wallet app, choose Scan QR and scan this code, or save the QR image and pick it from your gallery. Amount and memo are filled in for you.",
    qr_alt: "VietQR code for the bank transfer",
    bank: "Bank",
    account_number: "Account number",
    account_name: "Account name",
    memo: "Transfer memo",
    copy: "Copy",
    copied: "Copied",
    copy_failed: "Could not copy; select the text and copy it by hand",
    save_qr: "Save QR image",
    qr_saved: "QR image saved. Open your banking app and pick it from the gallery.",
    fully_paid: "This fee is fully paid. Thank you!",
    payments_received: "Payments received",
    check_payee: "Before you transfer, check that your banking app shows the recipient as",
    no_fee_note: "The money goes straight to the school's account, through no one in between.",
    fraud_warning: "The school never asks for OTP codes or passwords, and never asks you to pay into a personal account.",
    contacts_title: "Need help? Contact the school",
    pay_together_title: "Pay several fees at once",
    pay_together_intro: "Choose the fees to pay. Each school gets its own QR code; one transfer pays all the chosen fees of that school.",
    pay_together_link: "Pay several fees at once",
    nothing_to_pay: "Nothing left to pay.",
    make_group_qr: "Make one QR code",
    class_fees_title: "Fees of class",
    voluntary: "voluntary",
    unknown_class: "This link does not name a class of the school. You can still look up by student code and date of birth.",
    take_voluntary: "Take this voluntary item (untick to decline)",
    contacts_intro: "These people guide parents through paying and answer questions.",
    call: "Call",
    err_no_match: "No student matches this code and date of birth. Please check the school's notice.",
    err_too_many: "Too many attempts. Please try again in {minutes} minutes, or contact the school.",
    err_missing_school: "Please choose your child's school.",
    err_missing_code: "Please enter the student code.",
    err_bad_birth_date: "Please enter the date of birth as day/month/year with a 4-digit year, e.g. 05/09/2018 (or 05092018).",
    err_bad_invoice_code: "This invoice code is not valid. A code is the 8 letters and digits printed on the invoice, e.g. 7K2M9QXP; copy it exactly from the invoice.",
    err_access_expired: "Your access has expired. Please look your child up again.",
    err_not_found: "This fee was not found.",
    err_cross_site: "Request refused: it did not come from the hocphi site.",
    err_internal: "The server has a problem. Please try again in a few minutes.",
    err_busy: "The server is busy. Please try again in a few minutes.",
    err_too_large: "What you sent is too large (at most {size}). Choose a smaller file or photo.",
    err_network: "No connection. Please check your network and try again.",
    err_link_invalid: "This link was used already or has expired. Please ask for a new one.",
    page_not_found: "Page not found.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_attempts_rounds_up_to_minutes() {
        let e = AppError::TooManyAttempts {
            retry_after_secs: 61,
        };
        assert!(VI.error_message(&e).contains("2 phút"));
        assert!(EN.error_message(&e).contains("2 minutes"));
        // Staff are not sent to "the school" (they are the school): to a reset link.
        let staff = staff_error_message(Lang::Vi, &e);
        assert!(
            staff.contains("2 phút") && staff.contains("đặt lại mật khẩu"),
            "{staff}"
        );
        assert!(!staff.contains("liên hệ nhà trường"), "{staff}");
    }

    #[test]
    fn the_contacts_limit_said_is_the_one_kept() {
        // The texts are static: the number is written out, so held to the constant here.
        let most = format!(" {} ", crate::staff::MAX_CONTACTS);
        for lang in [Lang::Vi, Lang::En] {
            let said = field_problem(lang, Field::TooManyContacts);
            assert!(said.contains(&most), "{said}");
        }
    }

    #[test]
    fn staff_screens_say_every_error_and_parents_screens_the_public_ones() {
        let percent = AppError::InvalidInput(Field::Percent);
        assert_eq!(
            staff_error_message(Lang::Vi, &percent),
            field_problem(Lang::Vi, Field::Percent)
        );
        assert_eq!(
            VI.error_message(&percent),
            VI.err_internal,
            "no staff texts in the parent's apps"
        );
        let message = AppError::InvalidInput(Field::Message);
        assert_eq!(
            VI.error_message(&message),
            field_problem(Lang::Vi, Field::Message)
        );
        assert_eq!(
            staff_error_message(Lang::En, &message),
            EN.error_message(&message)
        );
        // The lookup's own wording, on either side.
        let school = AppError::InvalidInput(Field::School);
        assert_eq!(
            staff_error_message(Lang::Vi, &school),
            VI.err_missing_school
        );
        assert_eq!(
            staff_error_message(Lang::En, &AppError::NotSignedIn),
            "Please sign in to continue."
        );
        assert_eq!(
            staff_error_message(Lang::Vi, &AppError::NoMatch),
            VI.err_no_match
        );
    }
}
