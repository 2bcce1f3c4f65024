//! Fees, exemptions and invoice runs: previewed, issued once, reductions as lines.

mod support;

use hocphi_app::error::{AppError, Field};
use hocphi_app::model::{ChildAccess, InvoiceSummary};
use hocphi_app::staff::{FeeItemRow, PolicyRow, RunPreview};
use hocphi_server::demo::{self, DEMO_ACCOUNTANT, DEMO_PASSWORD, DEMO_TEACHER};
use serde_json::{json, Value};
use support::*;

const SCHOOL: i64 = 1;

async fn fee_list(app: &TestApp, session: &str) -> Vec<FeeItemRow> {
    app.staff("fees/list", json!({"school_id": SCHOOL}), Some(session))
        .await
        .answer()
        .unwrap()
}

/// The child's December invoice, as the parent's app lists it.
async fn december_of(app: &TestApp, access: &ChildAccess) -> InvoiceSummary {
    app.overview(access)
        .await
        .invoices
        .into_iter()
        .find(|i| i.period.to_string() == "2026-12")
        .expect("a December invoice")
}

/// The fee form `fee` as a correction of fee `id`.
fn fee_with_id(fee: &Value, id: i64) -> Value {
    let mut fee = fee.clone();
    fee["fee"]["id"] = json!(id);
    fee
}

fn fee_named(fees: &[FeeItemRow], name: &str) -> i64 {
    fees.iter().find(|f| f.name == name).unwrap().id
}

#[tokio::test]
async fn an_accountant_sets_fees_and_an_exemption_and_issues_a_month_once() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let call = |endpoint: &'static str, args: Value| {
        let s = s.clone();
        let app = &app;
        async move { app.staff(endpoint, args, Some(&s)).await }
    };
    // A class fund for grade 3 only.
    let fee = json!({"school_id": SCHOOL, "fee": {"id": null, "name": "Quỹ lớp", "amount": 50_000, "unit": "month",
        "mandatory": true, "grades": "3", "active": true}});
    let fund_id: i64 = call("fees/save", fee.clone()).await.answer().unwrap();
    let mut bad = fee.clone();
    bad["fee"]["grades"] = json!("3, 14");
    assert_eq!(
        call("fees/save", bad).await.answer::<Value>(),
        Err(AppError::InvalidInput(Field::Grades))
    );
    // A grade or class the school does not have (a primary school has no grade 9,
    // no class "9Z"; "3b" is not how class 3B is named) would bill no one: refused.
    for scope in ["9", "9Z", "3, 9Z", "3b"] {
        let mut typo = fee.clone();
        typo["fee"]["grades"] = json!(scope);
        assert_eq!(
            call("fees/save", typo).await.answer::<Value>(),
            Err(AppError::InvalidInput(Field::NoSuchClassOrGrade)),
            "{scope}"
        );
    }
    // A fee that already names a class since removed can still be changed or retired.
    sqlx::query("UPDATE fee_item SET grades = '3, 3Z' WHERE id = $1")
        .bind(fund_id)
        .execute(&app.db)
        .await
        .unwrap();
    let mut retire = fee.clone();
    retire["fee"]["id"] = json!(fund_id);
    retire["fee"]["grades"] = json!("3, 3Z");
    retire["fee"]["active"] = json!(false);
    assert_eq!(
        call("fees/save", retire.clone()).await.answer::<i64>(),
        Ok(fund_id)
    );
    retire["fee"]["grades"] = json!("3");
    retire["fee"]["active"] = json!(true);
    call("fees/save", retire).await.answer::<i64>().unwrap();
    let fees = fee_list(&app, &s).await;
    let meals = fee_named(&fees, "Tiền ăn bán trú");
    assert!(fees
        .iter()
        .any(|f| f.id == fund_id && f.scope.grades == vec![3]));
    // A fee for one class only.
    let mut trip = fee.clone();
    trip["fee"]["name"] = json!("Tham quan");
    trip["fee"]["grades"] = json!("3B");
    call("fees/save", trip).await.answer::<i64>().unwrap();

    // Half the meals for poor households; the featured child qualifies.
    assert_eq!(
        call(
            "exemptions/save",
            json!({"school_id": SCHOOL, "name": "Hộ nghèo", "rates": [[meals, 120]]})
        )
        .await
        .answer::<Value>(),
        Err(AppError::InvalidInput(Field::Percent))
    );
    let policy: i64 = call(
        "exemptions/save",
        json!({"school_id": SCHOOL, "name": "Hộ nghèo", "rates": [[meals, 50]]}),
    )
    .await
    .answer()
    .unwrap();
    assert_eq!(
        call("exemptions/grant", json!({"school_id": SCHOOL, "policy_id": policy, "student_code": demo::FEATURED_STUDENT_CODE, "note": " "}))
            .await
            .answer::<Value>(),
        Err(AppError::InvalidInput(Field::Grounds))
    );
    // No policy chosen (the form's first choice left blank): asked for, not
    // "fee not found".
    assert_eq!(
        call("exemptions/grant", json!({"school_id": SCHOOL, "policy_id": 0, "student_code": demo::FEATURED_STUDENT_CODE, "note": "QĐ 1"}))
            .await
            .answer::<Value>(),
        Err(AppError::InvalidInput(Field::Policy))
    );
    // Said back by name: a code typed wrong shows as another child.
    let granted = call("exemptions/grant", json!({"school_id": SCHOOL, "policy_id": policy, "student_code": demo::FEATURED_STUDENT_CODE,
        "note": "Sổ hộ nghèo số 123/2026"})).await.answer::<Value>().unwrap();
    assert_eq!(granted, json!("Nguyễn Minh An"));
    let policies: Vec<PolicyRow> = call("exemptions/list", json!({"school_id": SCHOOL}))
        .await
        .answer()
        .unwrap();
    assert_eq!(policies[0].students[0].full_name, "Nguyễn Minh An");

    // November is already invoiced (demo data): nothing new.
    let nov = json!({"school_id": SCHOOL, "period": "2026-11", "due_on": "20/11/2026", "scope": {"Class": "3A"}});
    let p: RunPreview = call("invoice-runs/preview", nov).await.answer().unwrap();
    assert_eq!(
        (p.students, p.new_invoices, p.already_invoiced),
        (14, 0, 14)
    );

    let dec = json!({"school_id": SCHOOL, "period": "2026-12", "due_on": "20/12/2026", "scope": {"Class": "3A"}});
    let before: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM invoice")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let p: RunPreview = call("invoice-runs/preview", dec.clone())
        .await
        .answer()
        .unwrap();
    assert_eq!((p.students, p.new_invoices), (14, 14));
    let after_preview: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM invoice")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(before, after_preview, "a preview writes nothing");
    // A fee changed after the preview: the run the accountant checked is not
    // the one that would be issued, so nothing is, and the preview is asked for.
    let mut dearer = fee_with_id(&fee, fund_id);
    dearer["fee"]["amount"] = json!(55_000);
    call("fees/save", dearer).await.answer::<i64>().unwrap();
    let mut seen = dec.clone();
    seen["previewed"] = json!(p.total.dong());
    assert_eq!(
        call("invoice-runs/commit", seen).await.answer::<Value>(),
        Err(AppError::InvalidInput(Field::PreviewChanged))
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM invoice").await, before.0);
    call("fees/save", fee_with_id(&fee, fund_id))
        .await
        .answer::<i64>()
        .unwrap();
    let mut seen = dec.clone();
    seen["previewed"] = json!(p.total.dong());
    let done: RunPreview = call("invoice-runs/commit", seen.clone())
        .await
        .answer()
        .unwrap();
    assert_eq!(done.new_invoices, 14);
    // Sent again (its answer lost): nothing new, and not "changed".
    let resent: RunPreview = call("invoice-runs/commit", seen).await.answer().unwrap();
    assert_eq!(resent.new_invoices, 0);
    assert_eq!(done.total, p.total);
    let again: RunPreview = call("invoice-runs/commit", dec.clone())
        .await
        .answer()
        .unwrap();
    assert_eq!(
        (again.new_invoices, again.already_invoiced),
        (0, 14),
        "running a period again creates no duplicates"
    );
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM invoice WHERE period = '2026-12'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 14);

    // The parent sees December with the reduction as its own line, and the total adds up.
    let access = app.featured_child().await;
    let december = december_of(&app, &access).await;
    let detail = app.invoice(&access, december.code.as_str()).await;
    let descriptions: Vec<&str> = detail
        .lines
        .iter()
        .map(|l| l.description.as_str())
        .collect();
    assert!(
        descriptions
            .iter()
            .any(|d| d.starts_with("Miễn giảm 50% Tiền ăn bán trú (Hộ nghèo)")),
        "{descriptions:?}"
    );
    assert!(
        descriptions.iter().any(|d| d.starts_with("Quỹ lớp")),
        "{descriptions:?}"
    );
    let meals_line = detail
        .lines
        .iter()
        .find(|l| l.description.starts_with("Tiền ăn bán trú"))
        .unwrap();
    let reduction = detail
        .lines
        .iter()
        .find(|l| l.description.starts_with("Miễn giảm"))
        .unwrap();
    assert_eq!(reduction.amount.dong(), -meals_line.amount.dong() / 2);
    assert_eq!(
        detail
            .lines
            .iter()
            .map(|l| l.amount)
            .sum::<hocphi_app::domain::money::Vnd>(),
        detail.summary.total
    );
    // December has 23 school days (Monday to Friday).
    assert_eq!(meals_line.quantity, 23);
}

#[tokio::test]
async fn runs_need_a_period_a_due_date_and_an_accountant() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let run = |period: &str, due: &str| json!({"school_id": SCHOOL, "period": period, "due_on": due, "scope": "School"});
    assert_eq!(
        app.staff(
            "invoice-runs/preview",
            run("2026-13", "20/12/2026"),
            Some(&s)
        )
        .await
        .answer::<Value>(),
        Err(AppError::InvalidInput(Field::Period))
    );
    assert_eq!(
        app.staff("invoice-runs/preview", run("2026-12", "someday"), Some(&s))
            .await
            .answer::<Value>(),
        Err(AppError::InvalidInput(Field::DueDate))
    );
    for endpoint in ["invoice-runs/preview", "invoice-runs/commit"] {
        assert_eq!(
            app.staff(endpoint, run("2026-12", "20/12/2026"), Some(&t))
                .await
                .answer::<Value>(),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            app.staff(endpoint, run("2026-12", "20/12/2026"), None)
                .await
                .answer::<Value>(),
            Err(AppError::NotSignedIn)
        );
        let other =
            json!({"school_id": 3, "period": "2026-12", "due_on": "20/12/2026", "scope": "School"});
        assert_eq!(
            app.staff(endpoint, other, Some(&s)).await.answer::<Value>(),
            Err(AppError::Forbidden)
        );
    }
    let p: RunPreview = app
        .staff(
            "invoice-runs/preview",
            run("2026-12", "20/12/2026"),
            Some(&s),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(p.new_invoices, 140, "every student of the primary school");
    // A class or grade the school does not have is named as the problem, not
    // previewed as "0 students, 0 đ"; a class typed in lower case is the class.
    let scoped = |scope: Value| json!({"school_id": SCHOOL, "period": "2026-12", "due_on": "20/12/2026", "scope": scope});
    for scope in [json!({"Class": "3X"}), json!({"Grade": 9})] {
        for endpoint in ["invoice-runs/preview", "invoice-runs/commit"] {
            assert_eq!(
                app.staff(endpoint, scoped(scope.clone()), Some(&s))
                    .await
                    .answer::<Value>(),
                Err(AppError::InvalidInput(Field::NoSuchClassOrGrade)),
                "{endpoint} {scope}"
            );
        }
    }
    let lower: RunPreview = app
        .staff(
            "invoice-runs/commit",
            scoped(json!({"Class": " 3a "})),
            Some(&s),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!((lower.students, lower.new_invoices), (14, 14));
    // The change log names the class as the school names it.
    let logged: (String,) = sqlx::query_as(
        "SELECT after_json FROM audit_log WHERE action = 'issue' AND entity = 'invoice_run' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        logged.0.contains(r#""scope":{"Class":"3A"}"#),
        "{}",
        logged.0
    );
}

/// The same fee twice for one child would be two lines of it on one invoice:
/// refused while both are billed, however the name is spelt; allowed for
/// other students, or once the first one is no longer billed.
#[tokio::test]
async fn a_fee_billed_twice_to_the_same_students_is_refused() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let save = |name: &str, grades: &str, id: Option<i64>, active: bool| {
        json!({"school_id": SCHOOL, "fee": {"id": id, "name": name, "amount": 20_000, "unit": "month",
            "mandatory": true, "grades": grades, "active": active}})
    };
    let call = |args: Value| {
        let s = s.clone();
        let app = &app;
        async move { app.staff("fees/save", args, Some(&s)).await.answer::<i64>() }
    };
    let water = call(save("Nước uống", "3", None, true)).await.unwrap();
    for (name, grades) in [
        ("Nước uống", "3"),
        ("nước  UỐNG", "3"),
        ("Nước uống", "3A"),
        ("Nước uống", ""),
        ("Nước uống", "2, 3"),
    ] {
        assert_eq!(
            call(save(name, grades, None, true)).await,
            Err(AppError::InvalidInput(Field::FeeNameTaken)),
            "{name} for {grades:?}"
        );
    }
    // Other students: another grade, or a class of another grade.
    let grade_4 = call(save("Nước uống", "4", None, true)).await.unwrap();
    call(save("Nước uống", "5A", None, true)).await.unwrap();
    // A correction of the fee itself is not a second fee.
    assert_eq!(
        call(save("Nước uống", "3", Some(water), true)).await,
        Ok(water)
    );
    // Moving grade 4's onto grade 3 would make two.
    assert_eq!(
        call(save("Nước uống", "3, 4", Some(grade_4), true)).await,
        Err(AppError::InvalidInput(Field::FeeNameTaken))
    );
    // Once the first is no longer billed, the name is free for its students;
    // billing it again then would make two, and is refused.
    call(save("Nước uống", "3", Some(water), false))
        .await
        .unwrap();
    let replacement = call(save("Nước uống", "3", None, true)).await.unwrap();
    assert_ne!(replacement, water);
    assert_eq!(
        call(save("Nước uống", "3", Some(water), true)).await,
        Err(AppError::InvalidInput(Field::FeeNameTaken))
    );
    // Two such fees saved before this rule: each can still have its amount
    // corrected (the rule speaks when the name, the students or the billing changes).
    sqlx::query("UPDATE fee_item SET active = 1 WHERE id = $1")
        .bind(water)
        .execute(&app.db)
        .await
        .unwrap();
    let mut corrected = save("Nước uống", "3", Some(water), true);
    corrected["fee"]["amount"] = json!(25_000);
    assert_eq!(call(corrected).await, Ok(water));
    // Another school's fee is not found, whatever its name.
    let foreign: (i64,) = sqlx::query_as("SELECT MIN(id) FROM fee_item WHERE school_id = 2")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        call(save("Nước uống", "3", Some(foreign.0), true)).await,
        Err(AppError::NotFound)
    );
}

#[tokio::test]
async fn a_credit_for_absent_meal_days_comes_off_the_next_invoice() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let credit = |amount: i64, reason: &str| json!({"school_id": SCHOOL, "student_code": demo::FEATURED_STUDENT_CODE, "amount": amount, "reason": reason});
    assert_eq!(
        app.staff("credits/add", credit(0, "x"), Some(&s))
            .await
            .answer::<Value>(),
        Err(AppError::InvalidInput(Field::PositiveAmount))
    );
    app.staff(
        "credits/add",
        credit(90_000, "3 ngày nghỉ ốm tháng 11"),
        Some(&s),
    )
    .await
    .answer::<Value>()
    .unwrap();
    let dec = json!({"school_id": SCHOOL, "period": "2026-12", "due_on": "20/12/2026", "scope": {"Class": "3A"}});
    app.staff("invoice-runs/commit", dec, Some(&s))
        .await
        .answer::<RunPreview>()
        .unwrap();
    let access = app.featured_child().await;
    let december = december_of(&app, &access).await;
    let detail = app.invoice(&access, december.code.as_str()).await;
    let line = detail
        .lines
        .iter()
        .find(|l| l.description.contains("3 ngày nghỉ ốm"))
        .unwrap();
    assert_eq!(line.amount.dong(), -90_000);

    // December's invoice voided (billed wrong): the deduction is given back,
    // and the invoice billed again takes it off once more.
    let credits = || async {
        app.staff("credits/list", json!({"school_id": SCHOOL}), Some(&s))
            .await
            .answer::<Vec<hocphi_app::staff::CreditRow>>()
            .unwrap()
            .into_iter()
            .filter(|c| c.reason == "3 ngày nghỉ ốm tháng 11")
            .map(|c| c.remaining.dong())
            .collect::<Vec<_>>()
    };
    // (The list shows credits with something left.)
    assert_eq!(credits().await, Vec::<i64>::new());
    app.staff(
        "invoices/void",
        json!({"school_id": SCHOOL, "code": december.code.as_str(), "reason": "Lập nhầm tiền ăn"}),
        Some(&s),
    )
    .await
    .answer::<Value>()
    .unwrap();
    assert_eq!(credits().await, vec![90_000]);
    let dec = json!({"school_id": SCHOOL, "period": "2026-12", "due_on": "20/12/2026", "scope": {"Class": "3A"}});
    app.staff("invoice-runs/commit", dec, Some(&s))
        .await
        .answer::<RunPreview>()
        .unwrap();
    let again = december_of(&app, &access).await;
    assert_ne!(again.code, december.code);
    let detail = app.invoice(&access, again.code.as_str()).await;
    assert!(detail
        .lines
        .iter()
        .any(|l| l.description.contains("3 ngày nghỉ ốm") && l.amount.dong() == -90_000));
    assert_eq!(credits().await, Vec::<i64>::new());
}

#[tokio::test]
async fn a_credit_withdrawn_gets_nothing_back_when_its_invoice_is_voided() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let call = |endpoint: &'static str, args: Value| {
        let s = s.clone();
        let app = &app;
        async move { app.staff(endpoint, args, Some(&s)).await }
    };
    call("credits/add", json!({"school_id": SCHOOL, "student_code": demo::FEATURED_STUDENT_CODE, "amount": 5_000_000, "reason": "Nhập thừa số 0"}))
        .await
        .answer::<Value>()
        .unwrap();
    let credit_id = app
        .count("SELECT id FROM credit WHERE reason = 'Nhập thừa số 0'")
        .await;
    let dec = json!({"school_id": SCHOOL, "period": "2026-12", "due_on": "20/12/2026", "scope": {"Class": "3A"}});
    call("invoice-runs/commit", dec.clone())
        .await
        .answer::<RunPreview>()
        .unwrap();
    // Partly used by December, then withdrawn as a mistake.
    call(
        "credits/cancel",
        json!({"school_id": SCHOOL, "credit_id": credit_id, "reason": "Sai số tiền"}),
    )
    .await
    .answer::<Value>()
    .unwrap();
    let access = app.featured_child().await;
    let december = december_of(&app, &access).await;
    call(
        "invoices/void",
        json!({"school_id": SCHOOL, "code": december.code.as_str(), "reason": "Lập lại"}),
    )
    .await
    .answer::<Value>()
    .unwrap();
    // Nothing of the withdrawn credit came back, and the month billed again
    // takes none of it off.
    let left = format!("SELECT remaining FROM credit WHERE id = {credit_id}");
    assert_eq!(app.count(&left).await, 0);
    call("invoice-runs/commit", dec)
        .await
        .answer::<RunPreview>()
        .unwrap();
    let again = december_of(&app, &access).await;
    let detail = app.invoice(&access, again.code.as_str()).await;
    assert!(detail
        .lines
        .iter()
        .all(|l| !l.description.contains("Nhập thừa số 0")));
    app.assert_month_figures().await;
}

#[tokio::test]
async fn a_credit_typed_wrong_is_cancelled_and_an_exemption_ended_issued_invoices_kept() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let call = |endpoint: &'static str, args: Value| {
        let s = s.clone();
        let app = &app;
        async move { app.staff(endpoint, args, Some(&s)).await }
    };
    let credits = || async {
        call("credits/list", json!({"school_id": SCHOOL}))
            .await
            .answer::<Vec<hocphi_app::staff::CreditRow>>()
            .unwrap()
    };
    let add = |amount: i64, reason: &'static str| {
        call(
            "credits/add",
            json!({"school_id": SCHOOL, "student_code": demo::FEATURED_STUDENT_CODE, "amount": amount, "reason": reason}),
        )
    };
    let cancel = |id: i64, reason: &'static str| {
        call(
            "credits/cancel",
            json!({"school_id": SCHOOL, "credit_id": id, "reason": reason}),
        )
    };
    // Typed for the wrong child, not used yet: removed, with a reason, once.
    add(45_000, "Nhập nhầm").await.answer::<Value>().unwrap();
    let wrong = credits()
        .await
        .into_iter()
        .find(|c| c.reason == "Nhập nhầm")
        .unwrap();
    assert_eq!(
        cancel(wrong.id, " ").await.answer::<Value>(),
        Err(AppError::InvalidInput(Field::Reason))
    );
    cancel(wrong.id, "Nhầm học sinh")
        .await
        .answer::<Value>()
        .unwrap();
    assert!(credits().await.iter().all(|c| c.id != wrong.id));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM credit WHERE id = {}",
            wrong.id
        ))
        .await,
        0
    );

    // Larger than December's invoice: partly used by it, then cancelled. What it
    // took off stays on the invoice; the rest is gone; a second click changes nothing.
    add(5_000_000, "Nhập thừa số 0")
        .await
        .answer::<Value>()
        .unwrap();
    let big = credits()
        .await
        .into_iter()
        .find(|c| c.reason == "Nhập thừa số 0")
        .unwrap();
    let dec = json!({"school_id": SCHOOL, "period": "2026-12", "due_on": "20/12/2026", "scope": {"Class": "3A"}});
    call("invoice-runs/commit", dec)
        .await
        .answer::<RunPreview>()
        .unwrap();
    let used = credits()
        .await
        .into_iter()
        .find(|c| c.id == big.id)
        .unwrap();
    assert!(
        used.remaining.dong() > 0 && used.remaining < used.amount,
        "{used:?}"
    );
    let taken = used.amount - used.remaining;
    let access = app.featured_child().await;
    let before = december_of(&app, &access).await;
    cancel(big.id, "Sai số tiền")
        .await
        .answer::<Value>()
        .unwrap();
    assert!(
        credits().await.iter().all(|c| c.id != big.id),
        "nothing left to take off"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT remaining FROM credit WHERE id = {}",
            big.id
        ))
        .await,
        0,
        "kept, stopped at what it took"
    );
    let after = december_of(&app, &access).await;
    assert_eq!(
        after.total, before.total,
        "the invoice keeps the {taken} it took off"
    );
    cancel(big.id, "Sai số tiền")
        .await
        .answer::<Value>()
        .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'cancel' AND entity = 'credit'")
            .await,
        2,
        "each cancel in the change log once"
    );

    // An exemption granted by mistake is ended with a reason: invoices already
    // issued are not touched; the next run has no reduction.
    let fees = fee_list(&app, &s).await;
    let meals = fee_named(&fees, "Tiền ăn bán trú");
    let policy: i64 = call(
        "exemptions/save",
        json!({"school_id": SCHOOL, "name": "Hộ nghèo", "rates": [[meals, 50]]}),
    )
    .await
    .answer()
    .unwrap();
    call("exemptions/grant", json!({"school_id": SCHOOL, "policy_id": policy, "student_code": demo::FEATURED_STUDENT_CODE, "note": "QĐ 12/2026"}))
        .await
        .answer::<Value>()
        .unwrap();
    let revoke = |reason: &'static str| {
        call(
            "exemptions/revoke",
            json!({"school_id": SCHOOL, "policy_id": policy, "student_code": demo::FEATURED_STUDENT_CODE, "reason": reason}),
        )
    };
    assert_eq!(
        revoke("").await.answer::<Value>(),
        Err(AppError::InvalidInput(Field::Reason))
    );
    revoke("Đã hết diện").await.answer::<Value>().unwrap();
    let policies: Vec<PolicyRow> = call("exemptions/list", json!({"school_id": SCHOOL}))
        .await
        .answer()
        .unwrap();
    assert!(policies
        .iter()
        .find(|p| p.id == policy)
        .unwrap()
        .students
        .is_empty());
    revoke("Đã hết diện").await.answer::<Value>().unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'revoke' AND entity = 'student_exemption'").await,
        1,
        "a second click changes nothing"
    );
    let jan = json!({"school_id": SCHOOL, "period": "2027-01", "due_on": "20/01/2027", "scope": {"Class": "3A"}});
    call("invoice-runs/commit", jan)
        .await
        .answer::<RunPreview>()
        .unwrap();
    let overview = app.overview(&access).await;
    let january = overview
        .invoices
        .iter()
        .find(|i| i.period.to_string() == "2027-01")
        .unwrap();
    let detail = app.invoice(&access, january.code.as_str()).await;
    assert!(
        detail
            .lines
            .iter()
            .all(|l| !l.description.contains("Hộ nghèo")),
        "no reduction after the exemption ended"
    );
}
