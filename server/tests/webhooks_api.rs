//! Registering where events go: only the school's accountant, only safe
//! addresses; events exist only for schools that listen; a stopped address gets
//! nothing more; a receiver that never answers is given up on after the last
//! retry, and the accountant can send again.

mod support;

use hocphi_app::api::webhooks::{DeliveryRow, NewWebhook, WebhookRow};
use hocphi_app::error::{AppError, Field};
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD, DEMO_TEACHER};
use serde_json::json;
use support::*;

#[tokio::test]
async fn addresses_events_stopping_and_giving_up() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let teacher = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();

    // No listener yet: changes make no events.
    let (code, total, _) = app.unpaid_invoices(2).await.remove(0);
    app.notify(
        &json!({"transaction_id": "FT1", "account_number": "1023456789", "amount": total,
        "received_at": 1_795_000_000, "memo": format!("HP {code}")}),
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM api_event").await, 0);

    // Only safe addresses, only by the school's accountant.
    async fn create(app: &TestApp, url: &str, session: &str) -> Reply {
        app.staff(
            "webhooks/create",
            json!({"school_id": 1, "url": url}),
            Some(session),
        )
        .await
    }
    assert_eq!(
        create(&app, "http://sms.example.com/h", &accountant)
            .await
            .answer::<NewWebhook>(),
        Err(AppError::InvalidInput(Field::WebhookUrl))
    );
    assert_eq!(
        create(&app, "https://192.168.1.20/h", &accountant)
            .await
            .answer::<NewWebhook>(),
        Err(AppError::InvalidInput(Field::WebhookInternal))
    );
    assert_eq!(
        create(&app, "https://sms.example.com/h", &teacher)
            .await
            .answer::<NewWebhook>(),
        Err(AppError::Forbidden)
    );
    // Port 9 on this machine: nothing listens, every attempt fails to connect.
    let hook: NewWebhook = create(&app, "http://127.0.0.1:9/events", &accountant)
        .await
        .answer()
        .unwrap();
    assert!(hook.secret.starts_with("whsec_"));
    // The secret is stored sealed, never as is.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM webhook WHERE sealed_secret LIKE '%{}%'",
            &hook.secret[6..]
        ))
        .await,
        0
    );

    // Now a payment makes its events: settled, and the receipt.
    let (code, total, _) = app.unpaid_invoices(1).await.remove(0);
    app.notify(
        &json!({"transaction_id": "FT2", "account_number": "1023456789", "amount": total,
        "received_at": 1_795_000_100, "memo": format!("HP {code}")}),
    )
    .await;
    let kinds: Vec<(String,)> = sqlx::query_as("SELECT kind FROM api_event ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        kinds.into_iter().map(|k| k.0).collect::<Vec<_>>(),
        vec!["payment.settled", "receipt.issued"]
    );

    // A student's data erased: the events kept for the school's software no
    // longer carry the code either.
    let (student_id, student_code): (i64, String) = sqlx::query_as(
        "SELECT s.id, s.code FROM invoice i JOIN student s ON s.id = i.student_id WHERE i.code = $1",
    )
    .bind(&code)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM api_event WHERE payload LIKE '%{student_code}%'"
        ))
        .await,
        1
    );
    app.staff(
        "privacy/erase",
        json!({"school_id": 1, "student_id": student_id, "reason": "Phụ huynh yêu cầu bằng đơn"}),
        Some(&accountant),
    )
    .await
    .answer::<()>()
    .unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM api_event WHERE payload LIKE '%{student_code}%'"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM api_event WHERE payload LIKE '%\"AN-{student_id}\"%'"
        ))
        .await,
        1
    );

    // Nobody answers: a first try and ten retries over about two days, then it gives up.
    let client = hocphi_server::events::client(true);
    for _ in 0..12 {
        hocphi_server::events::deliver_due(&app.state, &client, PUBLIC_URL)
            .await
            .unwrap();
        app.clock.advance(25 * 3600);
    }
    // Twelve days later: a new session.
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let log: Vec<DeliveryRow> = app
        .staff(
            "webhooks/deliveries",
            json!({"school_id": 1}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(log.len(), 2);
    for d in &log {
        assert_eq!(d.attempts, 11);
        assert!(d.gave_up_at.is_some() && d.delivered_at.is_none());
        assert_eq!(d.last_error.as_deref(), Some("connect"));
    }
    // Sending again puts it back in the queue, same event.
    app.staff(
        "webhooks/redeliver",
        json!({"school_id": 1, "delivery_id": log[0].id}),
        Some(&accountant),
    )
    .await
    .answer::<()>()
    .unwrap();
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM event_delivery WHERE id = {} AND gave_up_at IS NULL AND attempts = 0", log[0].id)).await,
        1
    );
    let hooks: Vec<WebhookRow> = app
        .staff("webhooks/list", json!({"school_id": 1}), Some(&accountant))
        .await
        .answer()
        .unwrap();
    assert_eq!((hooks[0].pending, hooks[0].failed), (1, 1));

    // Stopped: its queue is dropped and new changes make no deliveries for it.
    app.staff(
        "webhooks/disable",
        json!({"school_id": 1, "id": hook.id}),
        Some(&accountant),
    )
    .await
    .answer::<()>()
    .unwrap();
    let (code, total, _) = app.unpaid_invoices(1).await.remove(0);
    app.notify(
        &json!({"transaction_id": "FT3", "account_number": "1023456789", "amount": total,
        "received_at": 1_795_000_200, "memo": format!("HP {code}")}),
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM api_event").await, 2);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM event_delivery WHERE delivered_at IS NULL AND gave_up_at IS NULL"
        )
        .await,
        0
    );
    // Every change to the addresses is in the audit log.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity IN ('webhook', 'event_delivery')")
            .await,
        3
    );
}
