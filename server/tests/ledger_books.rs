//! The ledger's books stay right whatever happens to them: random sequences
//! of payments (a notification, a statement's batch, cash at the desk), hand
//! matches and splits, undos, refunds and voided invoices, with the books
//! checked after every step.

mod support;

use hocphi_app::domain::ids::{PaymentId, SchoolId, StaffId};
use hocphi_app::domain::invoice_code::InvoiceCode;
use hocphi_app::domain::money::Vnd;
use hocphi_app::domain::settlement::Outcome;
use hocphi_app::domain::time::UnixTime;
use hocphi_app::server::bank::{self, BankTransaction, Channel};
use hocphi_app::server::database::begin_write;
use hocphi_app::server::ledger::{self, by_hand, Incoming, NewPayment, Source};
use hocphi_app::server::receipts;
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD};
use proptest::prelude::*;
use serde_json::{json, Value};
use support::*;

const SCHOOL: SchoolId = SchoolId(1);

/// One step of a sequence. Indexes pick among what exists when it runs.
#[derive(Clone, Debug)]
enum Step {
    /// A transfer naming one or two invoices; `kind`: 0 exact, 1 short, 2 over.
    Notify {
        invoices: Vec<usize>,
        kind: u8,
    },
    /// Two lines of a statement recorded in one batch: the second may repeat
    /// the first's reference, or pay the same invoice again.
    Statement {
        a: usize,
        b: usize,
        repeat: bool,
        same: bool,
    },
    /// A longer statement paying many open invoices at once, some lines
    /// twice, recorded in turns as an import does, its receipts owed; issued
    /// (signed in bulk) after this step, or (`later`) after the next one, which
    /// then acts on payments still without them.
    BigStatement {
        from: usize,
        lines: usize,
        later: bool,
    },
    /// Cash at the desk: at most what is due.
    Cash {
        invoice: usize,
    },
    /// A transfer without a code, then split by hand over one or two invoices.
    ByHand {
        invoices: Vec<usize>,
        keep: u8,
    },
    Undo {
        payment: usize,
    },
    Refund {
        payment: usize,
    },
    Void {
        invoice: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let pick = 0usize..1000;
    prop_oneof![
        3 => (proptest::collection::vec(pick.clone(), 1..3), 0u8..3)
            .prop_map(|(invoices, kind)| Step::Notify { invoices, kind }),
        2 => (pick.clone(), pick.clone(), any::<bool>(), any::<bool>())
            .prop_map(|(a, b, repeat, same)| Step::Statement { a, b, repeat, same }),
        1 => (pick.clone(), 17usize..60, any::<bool>())
            .prop_map(|(from, lines, later)| Step::BigStatement { from, lines, later }),
        1 => pick.clone().prop_map(|invoice| Step::Cash { invoice }),
        2 => (proptest::collection::vec(pick.clone(), 1..3), 0u8..3)
            .prop_map(|(invoices, keep)| Step::ByHand { invoices, keep }),
        2 => pick.clone().prop_map(|payment| Step::Undo { payment }),
        1 => pick.clone().prop_map(|payment| Step::Refund { payment }),
        1 => pick.prop_map(|invoice| Step::Void { invoice }),
    ]
}

/// Live invoices of the school with something due: (code, balance).
async fn open(app: &TestApp) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT i.code, i.total - (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) \
         FROM invoice i WHERE i.school_id = $1 AND i.voided_at IS NULL ORDER BY i.id",
    )
    .bind(SCHOOL)
    .fetch_all(&app.db)
    .await
    .unwrap()
    .into_iter()
    .filter(|(_, due): &(String, i64)| *due > 0)
    .collect()
}

async fn payments(app: &TestApp) -> Vec<i64> {
    sqlx::query_as::<_, (i64,)>("SELECT id FROM payment WHERE school_id = $1 ORDER BY id")
        .bind(SCHOOL)
        .fetch_all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.0)
        .collect()
}

fn transfer(reference: &str, amount: i64, memo: String) -> BankTransaction {
    BankTransaction {
        transaction_id: reference.into(),
        account_number: String::new(),
        amount: Vnd::new(amount),
        received_at: 1_795_600_000,
        memo,
        payer_name: None,
    }
}

/// Cash taken at the desk for the invoices of `codes`, in that order.
fn cash(key: &str, amount: i64, codes: &[&str], now: UnixTime) -> Incoming {
    Incoming {
        payment: NewPayment {
            source: Source::Office,
            external_id: key.into(),
            amount: Vnd::new(amount),
            received_at: now,
            payer_name: None,
            memo: None,
            method: "cash",
            arrived_via: "office",
            account: None,
            card: None,
            recorded_by: None,
        },
        codes: codes
            .iter()
            .map(|c| InvoiceCode::parse(c).unwrap())
            .collect(),
        credit_reason: "nộp thừa (tiền mặt)".into(),
        collector: Some("Kế toán".into()),
    }
}

async fn run(app: &TestApp, session: &str, n: usize, step: &Step) {
    let account = default_account(app)
        .await
        .expect("the demo school's account");
    let staff = app.staff_id(DEMO_ACCOUNTANT).await;
    let now = app.state.clock.now_time();
    let open = open(app).await;
    let paid = payments(app).await;
    let reference = format!("PROP{n:04}");
    match step {
        Step::Notify { invoices, kind } if !open.is_empty() => {
            let chosen: Vec<&(String, i64)> =
                invoices.iter().map(|i| &open[i % open.len()]).collect();
            let due: i64 = chosen.iter().map(|c| c.1).sum();
            let amount = match kind {
                0 => due,
                1 => (due / 2).max(1),
                _ => due + 50_000,
            };
            let memo = chosen
                .iter()
                .map(|c| format!("HP {}", c.0))
                .collect::<Vec<_>>()
                .join(" ");
            let tx = transfer(&reference, amount, memo);
            bank::record(
                &app.db,
                &app.vault,
                SCHOOL,
                &account,
                &tx,
                Channel::Notification,
                now,
            )
            .await
            .unwrap();
        }
        Step::Statement { a, b, repeat, same } if !open.is_empty() => {
            let first = &open[a % open.len()];
            let second = &open[if *same { *a } else { *b } % open.len()];
            let lines = [
                transfer(&reference, first.1, format!("HP {}", first.0)),
                transfer(
                    &if *repeat {
                        reference.clone()
                    } else {
                        format!("{reference}B")
                    },
                    second.1,
                    format!("IBFT HP {}", second.0),
                ),
            ];
            let batch: Vec<Incoming> = lines
                .iter()
                .map(|l| bank::incoming(&account, l, Channel::Statement))
                .collect();
            let mut tx = begin_write(&app.db).await.unwrap();
            let done = ledger::record(&mut tx, &app.vault, SCHOOL, &batch, now)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(done[1].new, !repeat, "a repeated reference changes nothing");
        }
        Step::BigStatement { from, lines, .. } if !open.is_empty() => {
            let batch: Vec<Incoming> = (0..*lines)
                .map(|k| {
                    // Every seventh line repeats the one before it (same reference).
                    let i = if k % 7 == 6 { k - 1 } else { k };
                    let (code, due) = &open[(from + i) % open.len()];
                    let tx = transfer(&format!("{reference}-{i}"), *due, format!("HP {code}"));
                    bank::incoming(&account, &tx, Channel::Statement)
                })
                .collect();
            let mut done = Vec::new();
            while done.len() < batch.len() {
                let turn = ledger::record_turn(&app.db, SCHOOL, &batch, done.len(), now)
                    .await
                    .unwrap();
                turn.tx.commit().await.unwrap();
                done.extend(turn.recorded);
            }
            let owed = ledger::owed::owed_count(&app.db).await.unwrap();
            let settled = done
                .iter()
                .filter(|d| {
                    d.new && d.outcome != Outcome::Unmatched && d.outcome != Outcome::Duplicate
                })
                .count();
            assert!(
                owed >= settled as i64,
                "each new payment that settled something owes its receipts ({owed} owed, {settled} settled)"
            );
            for (k, d) in done.iter().enumerate() {
                assert_eq!(
                    d.new,
                    k % 7 != 6,
                    "line {k}: only a repeated reference is known"
                );
            }
        }
        Step::Cash { invoice } if !open.is_empty() => {
            let (code, due) = &open[invoice % open.len()];
            let incoming = cash(&format!("CASH:{reference}"), *due, &[code], now);
            let mut tx = begin_write(&app.db).await.unwrap();
            ledger::record(&mut tx, &app.vault, SCHOOL, &[incoming], now)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        Step::ByHand { invoices, keep } if !open.is_empty() => {
            let mut chosen: Vec<&(String, i64)> =
                invoices.iter().map(|i| &open[i % open.len()]).collect();
            chosen.dedup_by_key(|c| c.0.clone());
            let parts: Vec<(String, Vnd)> = chosen
                .iter()
                .map(|(code, due)| {
                    (
                        code.clone(),
                        Vnd::new(if *keep == 1 { (due / 2).max(1) } else { *due }),
                    )
                })
                .collect();
            let total: i64 = parts.iter().map(|p| p.1.dong()).sum();
            let amount = if *keep == 2 { total + 30_000 } else { total };
            let tx_in = transfer(&reference, amount, "chuyen tien hoc phi".into());
            let recorded = bank::record(
                &app.db,
                &app.vault,
                SCHOOL,
                &account,
                &tx_in,
                Channel::Notification,
                now,
            )
            .await
            .unwrap();
            let mut tx = begin_write(&app.db).await.unwrap();
            let result = by_hand::match_by_hand(
                &mut tx,
                &app.vault,
                SCHOOL,
                recorded.payment_id,
                &parts,
                "Kế toán",
                now,
            )
            .await;
            // Parts within what each invoice owes and the transfer holds: always taken.
            result.unwrap();
            tx.commit().await.unwrap();
        }
        Step::Undo { payment } if !paid.is_empty() => {
            let id = paid[payment % paid.len()];
            let mut tx = begin_write(&app.db).await.unwrap();
            // No credit here is ever spent on another invoice, so every undo is taken.
            by_hand::undo(
                &mut tx,
                &app.vault,
                SCHOOL,
                PaymentId(id),
                "thử",
                StaffId(staff),
                now,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        Step::Refund { payment } if !paid.is_empty() => {
            let id = paid[payment % paid.len()];
            let mut tx = begin_write(&app.db).await.unwrap();
            match by_hand::refund(
                &mut tx,
                SCHOOL,
                PaymentId(id),
                Vnd::new(10_000),
                "HT1",
                "2026-11-25",
                StaffId(staff),
                now,
            )
            .await
            {
                Ok(_) => tx.commit().await.unwrap(),
                // Nothing left to send back: the only refusal there may be.
                Err(e) => {
                    assert_eq!(e, hocphi_app::error::AppError::RefundTooLarge);
                    tx.rollback().await.unwrap();
                }
            }
        }
        Step::Void { invoice } if !open.is_empty() => {
            let (code, _) = &open[invoice % open.len()];
            let reply = app
                .staff(
                    "invoices/void",
                    json!({"school_id": SCHOOL, "code": code, "reason": "Lập nhầm"}),
                    Some(session),
                )
                .await;
            reply.answer::<Value>().unwrap();
        }
        _ => {}
    }
}

async fn default_account(app: &TestApp) -> Option<bank::Account> {
    let (number,): (String,) = sqlx::query_as(
        "SELECT account_number FROM beneficiary_account WHERE school_id = $1 ORDER BY is_default DESC, id LIMIT 1",
    )
    .bind(SCHOOL)
    .fetch_one(&app.db)
    .await
    .unwrap();
    bank::account_for(&app.db, SCHOOL, &number).await.unwrap()
}

/// Every invariant of the books, over the whole database.
async fn check_books(app: &TestApp, after: &Step) {
    let broken = |what: &'static str| move |n: i64| assert_eq!(n, 0, "{what}, after {after:?}");
    // Nothing allocates more than was paid (less refunds), or more than was due.
    broken("a payment allocated more than it holds")(
        app.count(
            "SELECT COUNT(*) FROM payment p WHERE \
               (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a WHERE a.payment_id = p.id) \
             + (SELECT COALESCE(SUM(c.amount), 0) FROM credit c WHERE c.payment_id = p.id) > p.amount",
        )
        .await,
    );
    broken("an invoice holds more than its total")(
        app.count(
            "SELECT COUNT(*) FROM invoice i WHERE i.voided_at IS NULL AND \
               (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) > i.total",
        )
        .await,
    );
    // The outcome says what the books hold.
    broken("an outcome disagrees with the allocations")(
        app.count(
            "SELECT COUNT(*) FROM payment p WHERE \
               (p.outcome IN ('matched', 'partly_paid') AND (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a WHERE a.payment_id = p.id) <> p.amount) \
            OR (p.outcome = 'overpaid' AND (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a WHERE a.payment_id = p.id) \
                 + (SELECT COALESCE(SUM(c.amount), 0) FROM credit c WHERE c.payment_id = p.id) <> p.amount) \
            OR (p.outcome IN ('unmatched', 'duplicate', 'not_fee') AND EXISTS (SELECT 1 FROM payment_allocation a WHERE a.payment_id = p.id))",
        )
        .await,
    );
    // Receipts match allocations: one live receipt per allocation, for its
    // amount, and none without one; a statement's payment whose receipts are
    // still owed may have none yet.
    broken("an allocation without exactly one live receipt for its amount")(
        app.count(
            "SELECT COUNT(*) FROM payment_allocation a WHERE (SELECT COUNT(*) FROM receipt r WHERE r.payment_id = a.payment_id \
               AND r.invoice_id = a.invoice_id AND r.cancelled_at IS NULL AND r.total = a.amount) \
               NOT IN (1, CASE WHEN EXISTS (SELECT 1 FROM receipt_owed o WHERE o.payment_id = a.payment_id) THEN 0 ELSE 1 END)",
        )
        .await,
    );
    broken("a live receipt with no allocation")(
        app.count(
            "SELECT COUNT(*) FROM receipt r WHERE r.cancelled_at IS NULL AND NOT EXISTS \
               (SELECT 1 FROM payment_allocation a WHERE a.payment_id = r.payment_id AND a.invoice_id = r.invoice_id)",
        )
        .await,
    );
    // Receipt numbers never skip or repeat within a series and year.
    broken("receipt numbers skip or repeat")(app.count(RECEIPT_NUMBER_GAPS).await);
    broken("a possible double payment kept a credit")(
        app.count(
            "SELECT COUNT(*) FROM payment p WHERE p.outcome = 'duplicate' AND EXISTS (SELECT 1 FROM credit c WHERE c.payment_id = p.id)",
        )
        .await,
    );
    broken("refunds exceed what the transfer did not settle")(
        app.count(
            "SELECT COUNT(*) FROM payment p WHERE (SELECT COALESCE(SUM(r.amount), 0) FROM refund r WHERE r.payment_id = p.id) \
               > p.amount - (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a WHERE a.payment_id = p.id)",
        )
        .await,
    );
    broken("the receipt counter is not at the last number issued")(
        app.count(
            "SELECT COUNT(*) FROM receipt_counter k WHERE k.last <> (SELECT COALESCE(MAX(r.number), 0) FROM receipt r \
               WHERE r.school_id = k.school_id AND r.series = k.series AND r.year = k.year)",
        )
        .await,
    );
    app.assert_month_figures().await;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, max_shrink_iters: 20, ..ProptestConfig::default() })]
    #[test]
    fn the_books_hold_after_every_step(steps in proptest::collection::vec(step(), 10..30)) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async {
            let app = start().await;
            let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
            check_books(&app, &Step::Cash { invoice: 0 }).await;
            for (n, step) in steps.iter().enumerate() {
                run(&app, &session, n, step).await;
                check_books(&app, step).await;
                // What a statement owes is issued after it (or after the step
                // that follows it), as the import's answer or its background
                // task does; then nothing is owed.
                if !matches!(step, Step::BigStatement { later: true, .. }) {
                    ledger::owed::issue_owed(&app.db, &app.vault, app.state.clock.as_ref())
                        .await
                        .unwrap();
                    assert_eq!(ledger::owed::owed_count(&app.db).await.unwrap(), 0);
                    check_books(&app, step).await;
                }
            }
        });
    }
}

/// Receipts are numbered from the parts actually drafted: a payment named
/// twice gets its receipts once, and the series takes no number it does not use.
#[tokio::test]
async fn a_payment_named_twice_gets_its_receipt_once_and_no_number_is_skipped() {
    let app = start().await;
    let (code, due) = open(&app)
        .await
        .into_iter()
        .next()
        .expect("an open invoice");
    // A transfer put against the invoice without its receipt (as a match by
    // hand leaves it before the receipts are issued).
    let (payment,): (i64,) = sqlx::query_as(
        "INSERT INTO payment (school_id, source, external_id, amount, received_at, outcome, method) \
         VALUES ($1, 'bank_transfer', 'TWICE:1', $2, 1790000000, 'matched', 'bank_transfer') RETURNING id",
    )
    .bind(SCHOOL)
    .bind(due)
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO payment_allocation (payment_id, invoice_id, amount) \
         SELECT $1, id, $2 FROM invoice WHERE code = $3",
    )
    .bind(payment)
    .bind(due)
    .bind(&code)
    .execute(&app.db)
    .await
    .unwrap();
    let paid = receipts::Paid {
        id: PaymentId(payment),
        school_id: SCHOOL,
        method: "bank_transfer".into(),
        external_id: "TWICE:1".into(),
        payer_name: None,
        received_at: UnixTime(1_790_000_000),
        account: None,
        bank_bin: None,
    };
    let twice = vec![(paid.clone(), None), (paid, None)];
    let mut tx = begin_write(&app.db).await.unwrap();
    let issued = receipts::issue_for_paid(&mut tx, &app.vault, twice, UnixTime(1_790_000_100))
        .await
        .expect("issued");
    tx.commit().await.unwrap();
    assert_eq!(issued.len(), 1, "one receipt for the one part");
    check_books(&app, &Step::Cash { invoice: 0 }).await;
}

/// A payment's receipts are numbered in the order of the months they pay,
/// whatever order the payment named its invoices in (as when the receipts
/// were drafted from the allocations read back).
#[tokio::test]
async fn a_payments_receipts_follow_the_months_not_the_order_it_named_them() {
    let app = start().await;
    let by_month: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT i.code, i.period, i.total FROM invoice i WHERE i.school_id = $1 AND i.voided_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = i.id) ORDER BY i.period, i.id",
    )
    .bind(SCHOOL)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let older = by_month.first().expect("an unpaid invoice");
    let newer = by_month
        .iter()
        .rev()
        .find(|i| i.1 > older.1)
        .expect("an unpaid invoice of a later month");
    let now = app.state.clock.now_time();
    // The later month first.
    let incoming = cash("CASH:MONTHS", older.2 + newer.2, &[&newer.0, &older.0], now);
    let mut tx = begin_write(&app.db).await.unwrap();
    ledger::record(&mut tx, &app.vault, SCHOOL, &[incoming], now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let numbered: Vec<(String,)> = sqlx::query_as(
        "SELECT i.code FROM receipt r JOIN invoice i ON i.id = r.invoice_id JOIN payment p ON p.id = r.payment_id \
         WHERE p.external_id = 'CASH:MONTHS' ORDER BY r.number",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        numbered,
        [(older.0.clone(),), (newer.0.clone(),)],
        "receipts by number"
    );
    // Each invoice paid in full: its receipt lists what it billed, line by line.
    for (code, _, _) in [older, newer] {
        let (content,): (String,) = sqlx::query_as(
            "SELECT r.content FROM receipt r JOIN invoice i ON i.id = r.invoice_id WHERE i.code = $1",
        )
        .bind(code)
        .fetch_one(&app.db)
        .await
        .unwrap();
        let content: Value = serde_json::from_str(&content).unwrap();
        let items: Vec<(String, i64)> = content["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["label"].as_str().unwrap().to_string(),
                    i["amount"].as_i64().unwrap(),
                )
            })
            .collect();
        let billed: Vec<(String, i64)> = sqlx::query_as(
            "SELECT l.description, l.amount FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id \
             WHERE i.code = $1 AND l.declined = 0 ORDER BY l.position",
        )
        .bind(code)
        .fetch_all(&app.db)
        .await
        .unwrap();
        assert!(!billed.is_empty());
        assert_eq!(items, billed, "receipt of {code}");
    }
    check_books(&app, &Step::Cash { invoice: 0 }).await;
}

/// A statement's receipts still owed come before a change to what they
/// describe: voiding the invoice issues them first, and erasing the child
/// issues them under the name the invoice was paid under.
#[tokio::test]
async fn owed_receipts_come_before_a_void_and_an_erasure() {
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let account = default_account(&app).await.expect("an account");
    let now = app.state.clock.now_time();
    // Two unpaid invoices of two children: (code, total, student, name).
    let unpaid: Vec<(String, i64, i64, String)> = sqlx::query_as(
        "SELECT i.code, i.total, s.id, s.full_name FROM invoice i JOIN student s ON s.id = i.student_id \
         WHERE i.school_id = $1 AND i.voided_at IS NULL AND i.total > 0 \
         AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = i.id) ORDER BY i.id",
    )
    .bind(SCHOOL)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let voided = unpaid[0].clone();
    let erased = unpaid
        .iter()
        .find(|u| u.2 != voided.2)
        .expect("another child's")
        .clone();
    let batch: Vec<Incoming> = [&voided, &erased]
        .iter()
        .enumerate()
        .map(|(k, (code, total, _, _))| {
            let tx = transfer(&format!("OWEDFIRST{k}"), *total, format!("HP {code}"));
            bank::incoming(&account, &tx, Channel::Statement)
        })
        .collect();
    let turn = ledger::record_turn(&app.db, SCHOOL, &batch, 0, now)
        .await
        .unwrap();
    turn.tx.commit().await.unwrap();
    let [paid_voided, paid_erased] = [turn.recorded[0].payment_id, turn.recorded[1].payment_id];
    assert_eq!(ledger::owed::owed_count(&app.db).await.unwrap(), 2);
    let receipts_of = |payment: PaymentId| {
        let db = app.db.clone();
        async move {
            sqlx::query_as::<_, (String,)>(
                "SELECT content FROM receipt WHERE payment_id = $1 AND cancelled_at IS NULL",
            )
            .bind(payment)
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    assert!(receipts_of(paid_voided).await.is_empty());

    app.staff(
        "invoices/void",
        json!({"school_id": SCHOOL, "code": voided.0, "reason": "Lập nhầm"}),
        Some(&session),
    )
    .await
    .answer::<Value>()
    .unwrap();
    assert_eq!(
        receipts_of(paid_voided).await.len(),
        1,
        "issued before the void"
    );
    assert!(
        receipts_of(paid_erased).await.is_empty(),
        "only the voided invoice's"
    );
    assert_eq!(ledger::owed::owed_count(&app.db).await.unwrap(), 1);

    app.staff(
        "privacy/erase",
        json!({"school_id": SCHOOL, "student_id": erased.2, "reason": "Phụ huynh yêu cầu xoá dữ liệu"}),
        Some(&session),
    )
    .await
    .answer::<Value>()
    .unwrap();
    let issued = receipts_of(paid_erased).await;
    assert_eq!(issued.len(), 1, "issued before the erasure");
    let content: Value = serde_json::from_str(&issued[0].0).unwrap();
    assert_eq!(
        content["student"],
        erased.3.as_str(),
        "under the name it was paid under"
    );
    assert_eq!(ledger::owed::owed_count(&app.db).await.unwrap(), 0);
    check_books(&app, &Step::Cash { invoice: 0 }).await;
}

/// Each school's owed receipts are issued apart: one school's that cannot be
/// (its signing key will not open) hold up no other's, and stay owed.
#[tokio::test]
async fn one_schools_trouble_holds_up_no_other_schools_receipts() {
    let app = start().await;
    let now = app.state.clock.now_time();
    // One unpaid invoice of each school that has an account: (school, account, code, total).
    let firsts: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT i.school_id, (SELECT b.account_number FROM beneficiary_account b WHERE b.school_id = i.school_id \
            ORDER BY b.is_default DESC, b.id LIMIT 1), i.code, i.total \
         FROM invoice i WHERE i.voided_at IS NULL AND i.total > 0 \
         AND EXISTS (SELECT 1 FROM beneficiary_account b WHERE b.school_id = i.school_id) \
         AND i.id = (SELECT MIN(j.id) FROM invoice j WHERE j.school_id = i.school_id AND j.voided_at IS NULL AND j.total > 0 \
            AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = j.id)) \
         ORDER BY i.school_id LIMIT 2",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        firsts.len(),
        2,
        "two schools with an account and an unpaid invoice"
    );
    for (k, (school, number, code, total)) in firsts.iter().enumerate() {
        let account = bank::account_for(&app.db, SchoolId(*school), number)
            .await
            .unwrap()
            .expect("the school's account");
        let tx = transfer(&format!("APART{k}"), *total, format!("HP {code}"));
        let batch = [bank::incoming(&account, &tx, Channel::Statement)];
        let turn = ledger::record_turn(&app.db, SchoolId(*school), &batch, 0, now)
            .await
            .unwrap();
        turn.tx.commit().await.unwrap();
    }
    let (troubled, fine) = (firsts[0].0, firsts[1].0);
    // The first school's key, as a wrong master key would leave it.
    let mut tx = begin_write(&app.db).await.unwrap();
    receipts::current_key(&mut tx, &app.vault, SchoolId(troubled), now)
        .await
        .unwrap();
    sqlx::query("UPDATE signing_key SET sealed_private_key = 'AAAA' WHERE school_id = $1 AND retired_at IS NULL")
        .bind(troubled)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let issued = ledger::owed::issue_owed(&app.db, &app.vault, app.state.clock.as_ref()).await;
    assert!(issued.is_err(), "the troubled school's failure is reported");
    let owed_at =
        |school: i64| format!("SELECT COUNT(*) FROM receipt_owed WHERE school_id = {school}");
    assert_eq!(
        app.count(&owed_at(troubled)).await,
        1,
        "still owed, for the next try"
    );
    assert_eq!(
        app.count(&owed_at(fine)).await,
        0,
        "the other school's issued"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM receipt r JOIN payment p ON p.id = r.payment_id \
             WHERE p.school_id = {fine} AND p.external_id LIKE '%APART%'"
        ))
        .await,
        1
    );
}

/// The daily sweep leaves a child who left with a statement's receipts still
/// owed as they are, and anonymises them once the receipts carry their name.
#[tokio::test]
async fn the_sweep_waits_for_a_leavers_owed_receipts() {
    let app = start().await;
    let account = default_account(&app).await.expect("an account");
    let now = app.state.clock.now_time();
    let (code, total, student, name): (String, i64, i64, String) = sqlx::query_as(
        "SELECT i.code, i.total, s.id, s.full_name FROM invoice i JOIN student s ON s.id = i.student_id \
         WHERE i.school_id = $1 AND i.voided_at IS NULL AND i.total > 0 \
         AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = i.id) ORDER BY i.id LIMIT 1",
    )
    .bind(SCHOOL)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let tx = transfer("LEAVER1", total, format!("HP {code}"));
    let batch = [bank::incoming(&account, &tx, Channel::Statement)];
    let turn = ledger::record_turn(&app.db, SCHOOL, &batch, 0, now)
        .await
        .unwrap();
    turn.tx.commit().await.unwrap();
    sqlx::query("UPDATE student SET left_on = '2020-01-31' WHERE id = $1")
        .bind(student)
        .execute(&app.db)
        .await
        .unwrap();
    let erased =
        format!("SELECT COUNT(*) FROM student WHERE id = {student} AND erased_at IS NOT NULL");
    hocphi_app::server::privacy::sweep(&app.db, now, "2026-11-28")
        .await
        .unwrap();
    assert_eq!(
        app.count(&erased).await,
        0,
        "kept while its receipt is owed"
    );
    ledger::owed::issue_owed(&app.db, &app.vault, app.state.clock.as_ref())
        .await
        .unwrap();
    hocphi_app::server::privacy::sweep(&app.db, now, "2026-11-29")
        .await
        .unwrap();
    assert_eq!(app.count(&erased).await, 1, "anonymised once it is issued");
    let (content,): (String,) = sqlx::query_as(
        "SELECT r.content FROM receipt r JOIN payment p ON p.id = r.payment_id WHERE p.external_id LIKE '%LEAVER1'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let content: Value = serde_json::from_str(&content).unwrap();
    assert_eq!(content["student"], name.as_str());
}
