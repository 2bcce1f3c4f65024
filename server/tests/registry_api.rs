//! The registry of official accounts: only accounts the supervising office
//! confirmed are listed, pass the QR check, or appear in a parent's QR.

mod support;

use hocphi_app::api::registry::{AccountCheck, OfficialSchool};
use hocphi_app::error::AppError;
use hocphi_app::model::InvoiceDetail;
use support::*;

async fn check(
    app: &TestApp,
    bin: &str,
    account: &str,
    client: &str,
) -> Result<AccountCheck, AppError> {
    app.rpc_from(
        "registry/check",
        &[("bin", bin), ("account_number", account)],
        client,
    )
    .await
}

#[tokio::test]
async fn the_check_says_official_only_for_confirmed_accounts() {
    let app = start().await;
    // The demo school's account, confirmed by its ward (two tiers since July 2025).
    match check(&app, "970436", "1023456789", "203.0.113.7")
        .await
        .unwrap()
    {
        AccountCheck::Official {
            school,
            office,
            account,
            ..
        } => {
            assert_eq!(school, "Trường Tiểu học Hạ Long");
            assert_eq!(office, "UBND phường Hồng Gai");
            assert_eq!(account.confirmed_by_office, "UBND phường Hồng Gai");
            assert_eq!(account.account_name, "TRUONG TIEU HOC HA LONG");
        }
        other => panic!("{other:?}"),
    }
    // Written with spaces, as people copy it.
    assert!(matches!(
        check(&app, "970436", "1023 4567 89", "203.0.113.7")
            .await
            .unwrap(),
        AccountCheck::Official { .. }
    ));
    // The same number at another bank, and a stranger's account: not official.
    assert_eq!(
        check(&app, "970422", "1023456789", "203.0.113.7")
            .await
            .unwrap(),
        AccountCheck::NotOfficial
    );
    assert_eq!(
        check(&app, "970436", "0987654321", "203.0.113.7")
            .await
            .unwrap(),
        AccountCheck::NotOfficial
    );

    // An account the office has not confirmed is not official either, and is in no QR.
    sqlx::query("UPDATE beneficiary_account SET confirmed_at = NULL, confirmed_by = NULL WHERE account_number = '1023456789'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        check(&app, "970436", "1023456789", "203.0.113.7")
            .await
            .unwrap(),
        AccountCheck::NotOfficial
    );
    let access = app.featured_child().await;
    let o = app.overview(&access).await;
    let detail: InvoiceDetail = app.invoice(&access, o.invoices[0].code.as_str()).await;
    assert!(detail.payee.is_none(), "no QR from an unconfirmed account");
    // The Mobile Money account stays confirmed and usable.
    assert!(detail.mobile_money.is_some());
    let listed: Vec<OfficialSchool> = app
        .rpc("registry", &[("school", "th-ha-long")])
        .await
        .unwrap();
    assert!(listed[0]
        .accounts
        .iter()
        .all(|a| a.account_number != "1023456789"));
}

#[tokio::test]
async fn the_registry_lists_every_school_with_its_confirmed_accounts() {
    let app = start().await;
    let all: Vec<OfficialSchool> = app.rpc("registry", &[]).await.unwrap();
    let schools: i64 = app.count("SELECT COUNT(*) FROM school").await;
    assert_eq!(all.len() as i64, schools);
    assert!(all.iter().all(|s| !s.accounts.is_empty()));
    let one: Vec<OfficialSchool> = app
        .rpc("registry", &[("school", "mn-hoa-hong")])
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].name, "Trường Mầm non Hoa Hồng");
}

#[tokio::test]
async fn checks_are_limited_per_client_and_bad_input_is_named() {
    let app = start().await;
    assert!(matches!(
        check(&app, "97043", "1023456789", "203.0.113.9").await,
        Err(AppError::InvalidInput(_))
    ));
    let mut limited = false;
    for _ in 0..70 {
        if let Err(AppError::TooManyAttempts { .. }) =
            check(&app, "970436", "1", "203.0.113.8").await
        {
            limited = true;
            break;
        }
    }
    assert!(limited, "a crawler is slowed down");
    // Another family is not.
    assert!(check(&app, "970436", "1023456789", "203.0.113.10")
        .await
        .is_ok());
}
