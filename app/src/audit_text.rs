//! The change log read as sentences: "Huỷ và lập lại biên lai HP26E-0000205 —
//! lý do: Sai tên người nộp" rather than `replace receipt {"reason":…}`. Pure,
//! from the row the server sends, so each kind of change is tested here.

use crate::staff::AuditRow;
use serde_json::Value;

/// Picks the Vietnamese or the English text (the app's `tr`).
pub type Tr = fn(&'static str, &'static str) -> &'static str;

/// Who made the change as the log should name them: an accepted invitation is
/// the new colleague's doing, not the inviter's.
pub fn actor(row: &AuditRow) -> Option<String> {
    if row.action == "accept_invite" {
        if let Some(name) = json(&row.after).get("display_name").and_then(Value::as_str) {
            return Some(name.to_string());
        }
    }
    row.who.clone()
}

fn json(text: &Option<String>) -> Value {
    let value: Value = text
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null);
    // An officer's change for a school without an accountant wraps the change.
    match value.get("change") {
        Some(inner) if value.get("acting_for_school_without_accountant").is_some() => inner.clone(),
        _ => value,
    }
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn money(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_i64)
        .map(|d| crate::domain::money::Vnd::new(d).to_string())
        .unwrap_or_default()
}

/// " — …" when there is something to add.
fn dash(value: String) -> String {
    if value.trim().is_empty() {
        String::new()
    } else {
        format!(" — {}", value.trim())
    }
}

/// " — lý do: …" when there is a reason.
fn because(t: Tr, v: &Value, key: &str) -> String {
    let reason = text(v, key);
    if reason.trim().is_empty() {
        String::new()
    } else {
        format!(" — {}: {}", t("lý do", "reason"), reason.trim())
    }
}

fn unit(t: Tr, code: &str) -> &'static str {
    match code {
        "month" => t("tháng", "month"),
        "semester" => t("học kỳ", "semester"),
        "year" => t("năm", "year"),
        "once" => t("một lần", "once"),
        "meal_day" => t("ngày ăn", "meal day"),
        _ => "",
    }
}

/// An officer made the change for a school that has no accountant.
pub fn by_office_for_school(row: &AuditRow) -> bool {
    row.after
        .as_deref()
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
        .is_some_and(|v| v.get("acting_for_school_without_accountant").is_some())
}

/// What the change was, as one sentence.
pub fn sentence(t: Tr, row: &AuditRow) -> String {
    let after = json(&row.after);
    let before = json(&row.before);
    let id = row.entity_id.clone().unwrap_or_default();
    let subject = row.subject.clone().unwrap_or_else(|| id.clone());
    let quoted = |name: String| {
        if name.is_empty() {
            subject.clone()
        } else {
            format!("«{name}»")
        }
    };
    match (row.action.as_str(), row.entity.as_str()) {
        (action @ ("create" | "update"), "fee_item") => {
            let active = |v: &Value| v.get("active").and_then(Value::as_bool);
            let verb = match (action, active(&before), active(&after)) {
                ("create", _, _) => t("Thêm khoản thu", "Added fee"),
                // A correction of a fee already retired: still retired, corrected.
                (_, Some(false), Some(false)) => {
                    t("Sửa khoản thu (đã ngừng thu)", "Changed retired fee")
                }
                (_, _, Some(false)) => t("Ngừng thu khoản", "Retired fee"),
                (_, Some(false), Some(true)) => t("Thu lại khoản", "Restored fee"),
                _ => t("Sửa khoản thu", "Changed fee"),
            };
            let voluntary = if after.get("mandatory").and_then(Value::as_bool) == Some(false) {
                format!(" ({})", t("tự nguyện", "voluntary"))
            } else {
                String::new()
            };
            let price = |v: &Value| format!("{}/{}", money(v, "amount"), unit(t, &text(v, "unit")));
            let was = if before.get("amount").is_some() && price(&before) != price(&after) {
                format!("{} → ", price(&before))
            } else {
                String::new()
            };
            format!(
                "{verb} {}: {was}{}{voluntary}",
                quoted(text(&after, "name")),
                price(&after)
            )
        }
        ("save", "exemption_policy") => format!(
            "{} {}",
            t("Lưu chính sách miễn giảm", "Saved exemption policy"),
            quoted(text(&after, "name"))
        ),
        ("grant", "student_exemption") => format!(
            "{} {subject}{}",
            t("Cho miễn giảm học sinh", "Granted an exemption to"),
            dash(text(&after, "note"))
        ),
        ("revoke", "student_exemption") => format!(
            "{} {} {} {subject}{}",
            t("Bỏ miễn giảm", "Ended exemption"),
            quoted(text(&before, "name")),
            t("của học sinh", "of"),
            because(t, &after, "reason")
        ),
        ("cancel", "credit") => format!(
            "{} {} {} {subject}{}",
            t("Huỷ khoản trừ", "Cancelled a credit of"),
            money(&after, "cancelled"),
            t("của học sinh", "for"),
            because(t, &after, "reason")
        ),
        ("issue", "invoice_run") => format!(
            "{} {}{}: {} {}, {} {}",
            t("Lập hoá đơn tháng", "Billed month"),
            crate::domain::date::Month::parse(&id)
                .map(|m| m.label())
                .unwrap_or_else(|_| id.clone()),
            // The scope as the run was asked for (a row without one reads as before).
            after
                .get("scope")
                .and_then(|s| serde_json::from_value::<crate::staff::RunScope>(s.clone()).ok())
                .map(|s| format!(" ({})", s.label(t)))
                .unwrap_or_default(),
            text(&after, "invoices"),
            t("hoá đơn", "invoices"),
            t("tổng", "total"),
            money(&after, "total")
        ),
        ("create", "credit") => format!(
            "{} {} {} {subject}{}",
            t("Ghi khoản trừ", "Recorded a credit of"),
            money(&after, "amount"),
            t("cho học sinh", "for"),
            because(t, &after, "reason")
        ),
        ("void", "invoice") => format!(
            "{} {id}{}",
            t("Huỷ hoá đơn", "Voided invoice"),
            because(t, &after, "reason")
        ),
        ("replace", "receipt") => {
            let fresh = text(&after, "replacement_number");
            let fresh = if fresh.is_empty() {
                String::new()
            } else {
                format!(" {} {fresh}", t("bằng", "with"))
            };
            format!(
                "{} {subject}{fresh}{}",
                t("Huỷ và lập lại biên lai", "Cancelled and reissued receipt"),
                because(t, &after, "reason")
            )
        }
        ("record", "payment") => format!(
            "{} {} {}",
            t(
                "Ghi nhận khoản nộp tại trường",
                "Recorded a payment at the school"
            ),
            money(&after, "amount"),
            text(&after, "invoice")
        )
        .trim_end()
        .to_string(),
        (action @ ("match" | "not_fee" | "undo" | "refund" | "split"), "payment") => {
            let verb = match action {
                "match" => t("Gạch nợ bằng giao dịch", "Matched transfer"),
                "not_fee" => t(
                    "Đánh dấu giao dịch không phải tiền học",
                    "Marked a transfer as not a fee",
                ),
                "undo" => t("Hoàn tác ghép giao dịch", "Undid a transfer's match"),
                "refund" => t("Ghi nhận đã trả lại tiền", "Recorded a refund"),
                _ => t("Chia giao dịch cho nhiều hoá đơn", "Split a transfer"),
            };
            if action == "match" {
                // What went where ("HP X: 780.000 đ; tiền dư: 220.000 đ"), not a reason.
                // Older entries wrote the credit in English and amounts without "đ".
                let detail = text(&after, "detail")
                    .replace("credit:", t("tiền dư:", "credit:"))
                    .replace("tiền dư:", t("tiền dư:", "credit:"));
                format!("{verb} #{id} — {}", detail.trim())
                    .trim_end_matches([':', ' ', '—'])
                    .to_string()
            } else {
                format!("{verb} #{id}{}", because(t, &after, "detail"))
            }
        }
        ("import", "bank_statement") => format!(
            "{} {id}",
            t("Nhập sao kê tài khoản", "Imported a statement of account")
        ),
        ("update", "school") => format!(
            "{}: {}",
            t("Sửa thông tin trường", "Changed the school's details"),
            text(&after, "legal_name")
        ),
        (action @ ("update" | "confirm" | "reject" | "suspend"), "beneficiary_account") => {
            let verb = match action {
                "update" => t(
                    "Thêm hoặc sửa tài khoản nhận tiền",
                    "Added or changed receiving account",
                ),
                "confirm" => t(
                    "Xác nhận tài khoản nhận tiền",
                    "Confirmed receiving account",
                ),
                "reject" => t("Từ chối tài khoản nhận tiền", "Rejected receiving account"),
                _ => t(
                    "Tạm dừng tài khoản nhận tiền",
                    "Suspended receiving account",
                ),
            };
            // A suspension carries the account inside `account`.
            let account = after.get("account").unwrap_or(&after);
            let bank = crate::domain::banks::by_bin(&text(account, "bin"))
                .map(|b| b.short_name.to_string())
                .unwrap_or_else(|| text(account, "bin"));
            let default = if after.get("default").and_then(Value::as_bool) == Some(true) {
                format!(
                    ", {}",
                    t(
                        "đặt làm tài khoản mặc định (mã QR dùng tài khoản này)",
                        "made the default (QR codes use it)"
                    )
                )
            } else {
                String::new()
            };
            format!(
                "{verb} {} {} ({}){default}{}",
                bank,
                text(account, "account_number"),
                text(account, "account_name"),
                because(t, &after, "reason")
            )
        }
        ("update", "payment_methods") => t(
            "Sửa các cách nộp tiền của trường",
            "Changed the school's payment methods",
        )
        .to_string(),
        ("update", "contacts") => {
            t("Sửa danh sách người liên hệ", "Changed the contacts").to_string()
        }
        ("update", "logo") => t("Đổi logo của trường", "Changed the school's logo").to_string(),
        ("update", "gateway") => t(
            "Sửa kết nối cổng thanh toán trực tuyến",
            "Changed the online payment gateway",
        )
        .to_string(),
        ("update", "retention") => format!(
            "{} {} → {} {}",
            t(
                "Đổi thời gian giữ dữ liệu học sinh đã nghỉ:",
                "Changed data retention:"
            ),
            text(&before, "days"),
            text(&after, "days"),
            t("ngày", "days")
        ),
        ("assign", "class_teacher") => format!(
            "{} {} {}",
            t(
                "Phân công chủ nhiệm lớp",
                "Assigned the homeroom teacher of class"
            ),
            text(&after, "class"),
            subject_after(t, &subject)
        )
        .trim_end()
        .to_string(),
        ("start", "school_year") => format!(
            "{} {}",
            t(
                "Bắt đầu năm học mới, kết thúc năm",
                "Started a new school year after"
            ),
            text(&before, "year")
        ),
        ("submit", "school_report") => format!(
            "{} {}",
            t("Nộp báo cáo", "Submitted the report for"),
            crate::domain::date::period_words(&text(&after, "from"), &text(&after, "to"), t)
        ),
        ("remove", "report_deadline") => format!(
            "{} {}",
            t("Bỏ khỏi lịch báo cáo", "Took off the reporting calendar"),
            crate::domain::date::period_words(&text(&before, "from"), &text(&before, "to"), t)
        ),
        (action @ ("create" | "update"), "report_deadline") => format!(
            "{} {}: {} {}{}",
            if action == "create" {
                t("Đặt lịch báo cáo", "Set the reporting calendar")
            } else {
                t("Dời hạn báo cáo", "Moved the report deadline")
            },
            crate::domain::date::period_words(&text(&after, "from"), &text(&after, "to"), t),
            t("hạn", "due"),
            crate::domain::date::Date::parse_iso(&text(&after, "due_on"))
                .map(|d| d.dmy())
                .unwrap_or_default(),
            crate::domain::date::Date::parse_iso(&text(&before, "due_on"))
                .map(|d| format!(" ({} {})", t("trước là", "was"), d.dmy()))
                .unwrap_or_default()
        ),
        ("return", "school_report") => format!(
            "{}{}",
            t("Trả lại báo cáo để sửa", "Sent a report back"),
            dash(text(&after, "comment"))
        ),
        (action @ ("file" | "reply" | "answer"), "complaint") => {
            let verb = match action {
                "file" => t("Ghi nhận khiếu nại", "Complaint filed"),
                "reply" => t("Trả lời khiếu nại", "Replied to complaint"),
                _ => t("Xử lý khiếu nại", "Resolved complaint"),
            };
            format!("{verb} {subject}")
        }
        (action, "student") => {
            let verb = match action {
                "create" | "import_add" => t("Thêm học sinh", "Added student"),
                "update" | "import_change" => t("Sửa thông tin học sinh", "Changed student"),
                "mark_left" => t("Ghi học sinh đã nghỉ học", "Marked as left:"),
                "mark_returned" => t("Ghi học sinh đi học lại", "Marked as back:"),
                "export" => t("Xuất dữ liệu của học sinh", "Exported the data of"),
                "erase" => t("Xoá dữ liệu của học sinh", "Erased the data of"),
                "anonymise" => t("Ẩn danh học sinh", "Anonymised student"),
                _ => t("Thay đổi học sinh", "Changed student"),
            };
            let (was, class) = (text(&before, "class"), text(&after, "class"));
            let class = if class.is_empty() {
                class
            } else if !was.is_empty() && was != class {
                // A move between classes says from where to where.
                format!(" ({} {was} → {class})", t("lớp", "class"))
            } else {
                format!(" ({} {class})", t("lớp", "class"))
            };
            format!("{verb} {subject}{class}{}", because(t, &after, "reason"))
        }
        ("rename", "class") => {
            let fees = after["fees"].as_array().map_or(0, Vec::len);
            format!(
                "{} {} → {}{}",
                t("Sửa tên lớp", "Renamed class"),
                text(&before, "name"),
                text(&after, "name"),
                if fees > 0 {
                    format!(
                        " ({fees} {})",
                        t("khoản thu riêng của lớp đổi theo", "class fees follow")
                    )
                } else {
                    String::new()
                }
            )
        }
        ("remove", "class") => format!(
            "{} {}",
            t("Xoá lớp", "Removed class"),
            text(&before, "name")
        ),
        ("accept_invite", "staff") => format!(
            "{} {} ({}){}",
            t("Nhận lời mời, tạo tài khoản", "Accepted an invitation as"),
            text(&after, "username"),
            role(t, &text(&after, "role")),
            row.who
                .as_ref()
                .map(|w| format!(" — {} {w}", t("người mời:", "invited by")))
                .unwrap_or_default()
        ),
        ("create", "staff") => format!(
            "{} {} ({})",
            t("Tạo tài khoản", "Created account"),
            text(&after, "username"),
            role(t, &text(&after, "role"))
        ),
        ("deactivate", "staff") => format!("{} {subject}", t("Khoá tài khoản", "Deactivated")),
        ("create", "school") => format!(
            "{} {}",
            t("Thêm trường", "Added school"),
            text(&after, "legal_name")
        ),
        ("create", "office") => format!(
            "{} {}",
            t("Thêm cơ quan quản lý", "Added supervising office"),
            text(&after, "name")
        ),
        ("rename", "office") => format!(
            "{} {} → {}",
            t("Đổi tên cơ quan quản lý", "Renamed supervising office"),
            text(&before, "name"),
            text(&after, "name")
        ),
        ("move", "school") => format!(
            "{} {} → {}",
            t(
                "Chuyển trường sang cơ quan quản lý khác",
                "Moved the school to another office"
            ),
            text(&before, "office"),
            text(&after, "office")
        ),
        (purpose, "one_time_link") => format!(
            "{} ({purpose})",
            t("Tạo đường dẫn dùng một lần", "Created a one-time link")
        ),
        ("create", "student_link") => format!(
            "{} {subject}",
            t(
                "Tạo đường dẫn riêng cho gia đình học sinh",
                "Created a private family link for"
            )
        ),
        ("revoke", "student_link") => format!(
            "{} {subject} ({} {})",
            t(
                "Thu hồi đường dẫn riêng và quyền xem của các điện thoại đã mở: học sinh",
                "Revoked the private links and access from every phone for"
            ),
            text(&after, "links"),
            t("đường dẫn còn hạn", "live links")
        ),
        ("create", "api_key") => format!(
            "{} {}",
            t("Tạo khoá API", "Created API key"),
            quoted(text(&after, "name"))
        ),
        ("revoke", "api_key") => format!("{} #{id}", t("Thu hồi khoá API", "Revoked API key")),
        ("create", "webhook") => format!(
            "{} {}",
            t("Thêm địa chỉ nhận sự kiện", "Added webhook"),
            text(&after, "url")
        ),
        ("disable", "webhook") => format!(
            "{} #{id}",
            t("Tắt địa chỉ nhận sự kiện", "Disabled webhook")
        ),
        ("redeliver", "event_delivery") => {
            format!("{} #{id}", t("Gửi lại sự kiện", "Redelivered event"))
        }
        (action, entity) => format!("{action} {entity} {subject}")
            .trim_end()
            .to_string(),
    }
}

fn subject_after(t: Tr, subject: &str) -> String {
    if subject.is_empty() || subject.chars().all(|c| c.is_ascii_digit()) {
        String::new()
    } else {
        format!("{} {subject}", t("cho", "to"))
    }
}

fn role(t: Tr, code: &str) -> &'static str {
    match code {
        "accountant" => t("kế toán", "accountant"),
        "teacher" => t("giáo viên", "teacher"),
        // Rows written before offices replaced districts (migration 0027) keep the old
        // name: the log is append-only.
        "officer" | "district_officer" => t("cán bộ quản lý", "officer"),
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vi(v: &'static str, _: &'static str) -> &'static str {
        v
    }

    fn row(action: &str, entity: &str, id: &str, subject: Option<&str>, after: &str) -> AuditRow {
        AuditRow {
            id: 1,
            at: 0,
            who: Some("Kế toán Hạ Long".into()),
            school: None,
            action: action.into(),
            entity: entity.into(),
            entity_id: Some(id.into()),
            subject: subject.map(str::to_string),
            before: None,
            after: Some(after.into()),
        }
    }

    #[test]
    fn a_month_billed_names_the_class_grade_or_school_it_covered() {
        let billed = |scope: &str| {
            sentence(
                vi,
                &row(
                    "issue",
                    "invoice_run",
                    "2026-12",
                    None,
                    &format!(r#"{{"scope":{scope},"invoices":14,"total":15050000}}"#),
                ),
            )
        };
        assert_eq!(
            billed(r#"{"Class":"3A"}"#),
            "Lập hoá đơn tháng 12/2026 (lớp 3A): 14 hoá đơn, tổng 15.050.000 đ"
        );
        assert_eq!(
            billed(r#"{"Grade":4}"#),
            "Lập hoá đơn tháng 12/2026 (khối 4): 14 hoá đơn, tổng 15.050.000 đ"
        );
        assert_eq!(
            billed(r#""School""#),
            "Lập hoá đơn tháng 12/2026 (cả trường): 14 hoá đơn, tổng 15.050.000 đ"
        );
        assert_eq!(
            billed("null"),
            "Lập hoá đơn tháng 12/2026: 14 hoá đơn, tổng 15.050.000 đ"
        );
    }

    #[test]
    fn a_move_between_classes_says_from_where_to_where() {
        let mut moved = row(
            "update",
            "student",
            "7",
            Some("Trần Minh Anh"),
            r#"{"code":"2201000105","full_name":"Trần Minh Anh","class":"1C"}"#,
        );
        moved.before =
            Some(r#"{"code":"2201000105","full_name":"Trần Minh Anh","class":"1A"}"#.into());
        assert_eq!(
            sentence(vi, &moved),
            "Sửa thông tin học sinh Trần Minh Anh (lớp 1A → 1C)"
        );
        moved.before =
            Some(r#"{"code":"2201000105","full_name":"Tran Minh Anh","class":"1C"}"#.into());
        assert_eq!(
            sentence(vi, &moved),
            "Sửa thông tin học sinh Trần Minh Anh (lớp 1C)"
        );
    }

    #[test]
    fn the_reporting_calendar_reads_as_sentences() {
        let mut moved = row(
            "update",
            "report_deadline",
            "1",
            None,
            r#"{"from":"2026-11","to":"2026-11","due_on":"2026-12-07"}"#,
        );
        moved.before = Some(r#"{"from":"2026-11","to":"2026-11","due_on":"2026-12-05"}"#.into());
        assert_eq!(
            sentence(vi, &moved),
            "Dời hạn báo cáo tháng 11/2026: hạn 07/12/2026 (trước là 05/12/2026)"
        );
        let submitted = row(
            "submit",
            "school_report",
            "3",
            None,
            r#"{"from":"2026-09","to":"2026-11"}"#,
        );
        assert_eq!(
            sentence(vi, &submitted),
            "Nộp báo cáo tháng 09/2026 – tháng 11/2026"
        );
    }

    #[test]
    fn a_hand_match_says_what_went_where_in_vietnamese() {
        let said = |detail: &str| {
            sentence(
                vi,
                &row(
                    "match",
                    "payment",
                    "430",
                    None,
                    &format!(r#"{{"detail":"{detail}"}}"#),
                ),
            )
        };
        assert_eq!(
            said("HP 5XB8M8A4: 780.000 đ; tiền dư: 220.000 đ"),
            "Gạch nợ bằng giao dịch #430 — HP 5XB8M8A4: 780.000 đ; tiền dư: 220.000 đ"
        );
        // Entries written before: the credit in English, no "lý do".
        let old = said("HP 5XB8M8A4: 780.000; credit: 220.000");
        assert!(!old.contains("credit") && !old.contains("lý do"), "{old}");
    }

    #[test]
    fn a_replaced_receipt_reads_as_the_issue_asks() {
        let r = row(
            "replace",
            "receipt",
            "205",
            Some("HP26E-0000205"),
            r#"{"reason":"Sai tên người nộp","replacement":206,"replacement_number":"HP26E-0000206"}"#,
        );
        assert_eq!(
            sentence(vi, &r),
            "Huỷ và lập lại biên lai HP26E-0000205 bằng HP26E-0000206 — lý do: Sai tên người nộp"
        );
    }

    #[test]
    fn no_raw_json_and_no_code_words_in_known_changes() {
        let rows = [
            row(
                "create",
                "fee_item",
                "3",
                None,
                r#"{"name":"Tiền ăn","amount":30000,"unit":"meal_day","mandatory":true,"active":true}"#,
            ),
            row(
                "update",
                "fee_item",
                "3",
                None,
                r#"{"name":"Tiền ăn","amount":30000,"unit":"meal_day","mandatory":true,"active":false}"#,
            ),
            row(
                "confirm",
                "beneficiary_account",
                "4",
                None,
                r#"{"bin":"970436","account_number":"0011001234567","account_name":"TRUONG TH HA LONG"}"#,
            ),
            row(
                "void",
                "invoice",
                "K7Q2M9XA",
                None,
                r#"{"voided":true,"reason":"Trùng","credit":0}"#,
            ),
            row(
                "mark_left",
                "student",
                "9",
                Some("Nguyễn Minh An"),
                r#"{"left_on":"2026-11-30"}"#,
            ),
            row(
                "cancel",
                "credit",
                "9",
                Some("Nguyễn Minh An"),
                r#"{"cancelled":50000,"reason":"Nhập nhầm"}"#,
            ),
        ];
        let texts: Vec<String> = rows.iter().map(|r| sentence(vi, r)).collect();
        assert_eq!(texts[0], "Thêm khoản thu «Tiền ăn»: 30.000 đ/ngày ăn");
        assert_eq!(texts[1], "Ngừng thu khoản «Tiền ăn»: 30.000 đ/ngày ăn");
        let mut changed = row(
            "update",
            "fee_item",
            "3",
            None,
            r#"{"name":"Quỹ lớp","amount":60000,"unit":"month","mandatory":true,"active":true}"#,
        );
        changed.before =
            Some(r#"{"name":"Quỹ lớp","amount":50000,"unit":"month","active":true}"#.into());
        assert_eq!(
            sentence(vi, &changed),
            "Sửa khoản thu «Quỹ lớp»: 50.000 đ/tháng → 60.000 đ/tháng"
        );
        changed.before =
            Some(r#"{"name":"Quỹ lớp","amount":60000,"unit":"month","active":false}"#.into());
        assert_eq!(
            sentence(vi, &changed),
            "Thu lại khoản «Quỹ lớp»: 60.000 đ/tháng"
        );
        // A fee already retired, corrected: still retired, and read as a correction.
        changed.after = Some(
            r#"{"name":"Quỹ lớp","amount":60000,"unit":"month","mandatory":true,"active":false}"#
                .into(),
        );
        changed.before =
            Some(r#"{"name":"Quỹ lớp","amount":50000,"unit":"month","active":false}"#.into());
        assert_eq!(
            sentence(vi, &changed),
            "Sửa khoản thu (đã ngừng thu) «Quỹ lớp»: 50.000 đ/tháng → 60.000 đ/tháng"
        );
        assert_eq!(
            texts[2],
            "Xác nhận tài khoản nhận tiền Vietcombank 0011001234567 (TRUONG TH HA LONG)"
        );
        assert_eq!(texts[3], "Huỷ hoá đơn K7Q2M9XA — lý do: Trùng");
        assert_eq!(texts[4], "Ghi học sinh đã nghỉ học Nguyễn Minh An");
        assert_eq!(
            texts[5],
            "Huỷ khoản trừ 50.000 đ của học sinh Nguyễn Minh An — lý do: Nhập nhầm"
        );
        for t in &texts {
            assert!(!t.contains('{') && !t.contains('_'), "{t}");
        }
    }

    #[test]
    fn an_accepted_invitation_is_the_new_colleagues_doing() {
        let r = row(
            "accept_invite",
            "staff",
            "12",
            None,
            r#"{"username":"gv.lan","display_name":"Cô Lan","role":"teacher"}"#,
        );
        assert_eq!(actor(&r).as_deref(), Some("Cô Lan"));
        assert_eq!(
            sentence(vi, &r),
            "Nhận lời mời, tạo tài khoản gv.lan (giáo viên) — người mời: Kế toán Hạ Long"
        );
    }

    #[test]
    fn an_officers_change_for_a_school_without_an_accountant_is_unwrapped() {
        let r = row(
            "create",
            "fee_item",
            "3",
            None,
            r#"{"acting_for_school_without_accountant":true,"change":{"name":"Học phí","amount":100000,"unit":"month","mandatory":true,"active":true}}"#,
        );
        assert_eq!(
            sentence(vi, &r),
            "Thêm khoản thu «Học phí»: 100.000 đ/tháng"
        );
    }
}
