//! Sends the outbox's events (written by database triggers in the transaction
//! that made each change) to the addresses schools registered, signed, retried
//! with backoff until the receiver answers 2xx.
//!
//! Any number of hocphi processes may run this against one database: a
//! delivery is claimed with a lease in the database before it is sent, so two
//! processes never send it at once, and a process that dies mid-send leaves a
//! lease that simply expires.

use hmac::Mac;
use hocphi_app::domain::webhook::{check_address, is_public_ip, retry_after, DeliveryProblem};
use hocphi_app::server::state::AppState;
use serde_json::Value;
use std::time::Duration;

/// How long a sender may hold a delivery: longer than its request can take.
const LEASE_SECS: i64 = 60;
/// The receiver's whole answer must come within this.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries per round.
const BATCH: i64 = 50;

/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver
/// recomputes it with the secret it was shown, and refuses old timestamps so a
/// captured request cannot be replayed later.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let hex = hocphi_app::domain::hex::encode(
        &crate::signing::timestamped_mac(secret, &timestamp.to_string(), body)
            .finalize()
            .into_bytes(),
    );
    format!("t={timestamp},v1={hex}")
}

/// The body receivers get. `sequence` grows with every event of the deployment,
/// so a receiver that gets two states of one invoice out of order keeps the
/// later one; `id` is what it de-duplicates on.
pub fn envelope(
    sequence: i64,
    event_id: &str,
    kind: &str,
    created_at: i64,
    school: &str,
    payload: &str,
    public_url: &str,
) -> Vec<u8> {
    let mut data: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
    if let Some(receipt) = data.get_mut("receipt").and_then(Value::as_object_mut) {
        if let Some(path) = receipt
            .get("verification_path")
            .and_then(Value::as_str)
            .map(str::to_string)
        {
            receipt.remove("verification_path");
            receipt.insert(
                "verification_url".into(),
                format!("{}{path}", public_url.trim_end_matches('/')).into(),
            );
        }
    }
    serde_json::to_vec(&serde_json::json!({
        "id": event_id,
        "type": kind,
        "sequence": sequence,
        "created_at": created_at,
        "school": school,
        "data": data,
    }))
    .expect("JSON values serialise")
}

/// Resolves receivers' names, keeping only public addresses: a name that
/// points into the server's own network (or is made to, later) is never called.
struct PublicOnly {
    allow_loopback: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<std::net::SocketAddr> = found
                .filter(|a| is_public_ip(a.ip()) || (allow_loopback && a.ip().is_loopback()))
                .collect();
            if public.is_empty() {
                return Err("the name resolves only to internal addresses".into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The HTTP client events go out with: public addresses only (unless the
/// operator allows this machine's), no redirects followed (a receiver must
/// answer at the address it registered), short timeouts.
pub fn client(allow_loopback: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .dns_resolver(std::sync::Arc::new(PublicOnly { allow_loopback }))
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("hocphi-events/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client's settings are valid")
}

struct Due {
    delivery: i64,
    attempts: i64,
    sequence: i64,
    event_id: String,
    kind: String,
    payload: String,
    created_at: i64,
    url: String,
    sealed_secret: String,
    school_id: i64,
    school: String,
}

/// What one attempt came to.
enum Attempt {
    Delivered(u16),
    Refused(u16),
    Failed(DeliveryProblem),
}

/// Sends every delivery that is due, at most one round of `BATCH`; returns how
/// many were attempted. The server calls it every few seconds; tests call it
/// with their own clock.
pub async fn deliver_due(
    state: &AppState,
    client: &reqwest::Client,
    public_url: &str,
) -> Result<usize, sqlx::Error> {
    let now = state.clock.now();
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, i64, i64, String, String, String, i64, String, String, i64, String)> =
        sqlx::query_as(
            "SELECT d.id, d.attempts, e.id, e.event_id, e.kind, e.payload, e.created_at, w.url, w.sealed_secret, w.school_id, sc.slug \
             FROM event_delivery d JOIN api_event e ON e.id = d.event_id JOIN webhook w ON w.id = d.webhook_id \
             JOIN school sc ON sc.id = w.school_id \
             WHERE d.delivered_at IS NULL AND d.gave_up_at IS NULL AND d.next_attempt_at <= $1 AND d.lease_until <= $1 \
               AND w.disabled_at IS NULL \
             ORDER BY d.next_attempt_at, d.id LIMIT $2",
        )
        .bind(now)
        .bind(BATCH)
        .fetch_all(&state.db)
        .await?;
    let mut claimed = Vec::new();
    for row in rows {
        // Another process may have taken it since the SELECT: the UPDATE decides.
        let won = sqlx::query(
            "UPDATE event_delivery SET lease_until = $1 WHERE id = $2 AND lease_until <= $3 \
             AND delivered_at IS NULL AND gave_up_at IS NULL",
        )
        .bind(now + LEASE_SECS)
        .bind(row.0)
        .bind(now)
        .execute(&state.db)
        .await?
        .rows_affected()
            == 1;
        if won {
            claimed.push(Due {
                delivery: row.0,
                attempts: row.1,
                sequence: row.2,
                event_id: row.3,
                kind: row.4,
                payload: row.5,
                created_at: row.6,
                url: row.7,
                sealed_secret: row.8,
                school_id: row.9,
                school: row.10,
            });
        }
    }
    let count = claimed.len();
    let mut sends = tokio::task::JoinSet::new();
    for due in claimed {
        let (client, vault, public_url) =
            (client.clone(), state.vault.clone(), public_url.to_string());
        let allow_loopback = state.webhooks_to_loopback;
        sends.spawn(async move {
            let attempt = send(&client, &vault, &due, now, &public_url, allow_loopback).await;
            (due, attempt)
        });
    }
    // Every finished send is recorded, even if recording another failed: a
    // delivery left unrecorded would be sent again when its lease expires.
    while let Some(done) = sends.join_next().await {
        let Ok((due, attempt)) = done else { continue };
        if let Err(e) = record(state, &due, attempt, now).await {
            tracing::warn!(event = %due.event_id, "recording a delivery: {e}");
        }
    }
    Ok(count)
}

async fn send(
    client: &reqwest::Client,
    vault: &hocphi_app::server::vault::Vault,
    due: &Due,
    now: i64,
    public_url: &str,
    allow_loopback: bool,
) -> Attempt {
    // Checked again at each send: the rules may have tightened since it was registered.
    if check_address(&due.url, allow_loopback).is_err() {
        return Attempt::Failed(DeliveryProblem::NotAllowed);
    }
    let context = hocphi_app::api::webhooks::secret_context(due.school_id, &due.url);
    let Ok(secret) = vault.open(&due.sealed_secret, &context) else {
        return Attempt::Failed(DeliveryProblem::Secret);
    };
    let body = envelope(
        due.sequence,
        &due.event_id,
        &due.kind,
        due.created_at,
        &due.school,
        &due.payload,
        public_url,
    );
    let sent = client
        .post(&due.url)
        .header("content-type", "application/json")
        .header("hocphi-event-id", &due.event_id)
        .header("hocphi-event-type", &due.kind)
        .header("hocphi-signature", signature(&secret, now, &body))
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Attempt::Delivered(r.status().as_u16()),
        Ok(r) => Attempt::Refused(r.status().as_u16()),
        Err(e) if e.is_timeout() => Attempt::Failed(DeliveryProblem::Timeout),
        Err(e) if format!("{e:?}").contains("internal addresses") => {
            Attempt::Failed(DeliveryProblem::InternalName)
        }
        Err(e) if e.is_connect() => Attempt::Failed(DeliveryProblem::Connect),
        Err(_) => Attempt::Failed(DeliveryProblem::Request),
    }
}

async fn record(
    state: &AppState,
    due: &Due,
    attempt: Attempt,
    now: i64,
) -> Result<(), sqlx::Error> {
    let attempts = due.attempts + 1;
    let (status, error) = match &attempt {
        Attempt::Delivered(s) => (Some(*s as i64), None),
        Attempt::Refused(s) => (Some(*s as i64), Some(DeliveryProblem::Refused.code())),
        Attempt::Failed(p) => (None, Some(p.code())),
    };
    let (delivered_at, next, gave_up_at) = match attempt {
        Attempt::Delivered(_) => (Some(now), 0, None),
        _ => match retry_after(attempts as u32) {
            Some(wait) => (None, now + wait, None),
            None => (None, 0, Some(now)),
        },
    };
    if let Some(e) = &error {
        tracing::info!(event = %due.event_id, attempts, "event delivery failed: {e}");
    }
    sqlx::query(
        "UPDATE event_delivery SET attempts = $1, last_attempt_at = $2, last_status = $3, last_error = $4, \
            delivered_at = $5, next_attempt_at = $6, gave_up_at = $7, lease_until = 0 \
         WHERE id = $8 AND delivered_at IS NULL AND gave_up_at IS NULL",
    )
    .bind(attempts)
    .bind(now)
    .bind(status)
    .bind(error)
    .bind(delivered_at)
    .bind(next)
    .bind(gave_up_at)
    .bind(due.delivery)
    .execute(&state.db)
    .await?;
    Ok(())
}

/// Forgets what is no longer needed: events delivered (or given up on) more
/// than 30 days ago, and Idempotency-Keys older than 7 days (a client retries
/// within minutes, not weeks). Run daily.
pub async fn sweep(db: &hocphi_app::server::state::Db, now: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let old_events = "SELECT e.id FROM api_event e WHERE e.created_at <= $1 AND NOT EXISTS \
        (SELECT 1 FROM event_delivery d WHERE d.event_id = e.id AND d.delivered_at IS NULL AND d.gave_up_at IS NULL)";
    sqlx::query(&format!(
        "DELETE FROM event_delivery WHERE event_id IN ({old_events})"
    ))
    .bind(now - 30 * 86_400)
    .execute(&mut *tx)
    .await?;
    let events = sqlx::query(&format!("DELETE FROM api_event WHERE id IN ({old_events})"))
        .bind(now - 30 * 86_400)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let keys = sqlx::query("DELETE FROM api_idempotency WHERE created_at <= $1")
        .bind(now - 7 * 86_400)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(events + keys)
}

/// Runs for the server's life: a round every two seconds, straight away again
/// while there is a backlog.
pub async fn run(state: AppState, public_url: String) {
    let client = client(state.webhooks_to_loopback);
    loop {
        match deliver_due(&state, &client, &public_url).await {
            Ok(n) if n as i64 == BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!("event delivery: {e}"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Expected value from Python's hmac module, not from this code:
        // hmac.new(b"Jefe", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
        assert_eq!(
            signature(b"Jefe", 1_700_000_000, b"{\"a\":1}"),
            "t=1700000000,v1=fa5f6481efc59da48b19c9dc10196c9953e5651f8304b3a318b6b87d70272e0a"
        );
    }

    #[test]
    fn receipts_carry_an_absolute_verification_link() {
        let body = envelope(
            7,
            "evt_1",
            "receipt.issued",
            100,
            "th-ha-long",
            r#"{"receipt":{"code":"abc","verification_path":"/r/abc#k.d.s"}}"#,
            "https://hocphi.example/",
        );
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v["data"]["receipt"]["verification_url"],
            "https://hocphi.example/r/abc#k.d.s"
        );
        assert!(v["data"]["receipt"].get("verification_path").is_none());
        assert_eq!(v["sequence"], 7);
        assert_eq!(v["type"], "receipt.issued");
    }
}

/// What a receiver gets, as documented in the OpenAPI document's schemas
/// (`Event`). The school-software test reads every event it receives into
/// these types, refusing unknown fields, so the document and the triggers
/// that write the payloads cannot drift apart.
pub mod schema {
    use hocphi_app::domain::money::Vnd;
    use serde::Deserialize;
    use utoipa::ToSchema;

    /// One event, POSTed to the school's address with `Hocphi-Signature`.
    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    pub struct Event {
        /// Unique: de-duplicate on it (a delivery may come twice).
        pub id: String,
        /// `invoice.issued`, `invoice.voided`, `payment.settled`, `payment.reversed`,
        /// `receipt.issued` or `receipt.cancelled`.
        #[serde(rename = "type")]
        pub kind: String,
        /// Grows with every event: of two states of one thing, keep the higher.
        pub sequence: i64,
        /// Unix seconds.
        pub created_at: i64,
        /// The school's slug.
        pub school: String,
        pub data: EventData,
    }

    /// The event's subject.
    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(untagged)]
    #[allow(dead_code)]
    pub enum EventData {
        Invoice { invoice: InvoiceEvent },
        Receipt { receipt: ReceiptEvent },
        Payment(PaymentEvent),
    }

    /// `invoice.issued` and `invoice.voided`.
    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    pub struct InvoiceEvent {
        pub code: String,
        pub student_code: String,
        /// `YYYY-MM`.
        pub period: String,
        /// Whole đồng.
        #[schema(value_type = i64)]
        pub total: Vnd,
        /// Issued only.
        #[serde(default)]
        pub title: Option<String>,
        /// Issued only: `YYYY-MM-DD`.
        #[serde(default)]
        pub due_on: Option<String>,
        /// Voided only: why.
        #[serde(default)]
        pub reason: Option<String>,
    }

    /// `payment.settled` and `payment.reversed`: one per invoice the payment
    /// was put towards (or taken back from).
    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    pub struct PaymentEvent {
        pub invoice_code: String,
        pub student_code: String,
        /// Whole đồng put towards (or taken back from) this invoice.
        #[schema(value_type = i64)]
        pub amount: Vnd,
        #[schema(value_type = i64)]
        pub invoice_total: Vnd,
        /// Whole đồng paid on the invoice after this event.
        #[schema(value_type = i64)]
        pub invoice_paid: Vnd,
        pub payment: PaymentRef,
    }

    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    pub struct PaymentRef {
        pub id: i64,
        /// `bank_transfer`, `gateway`, `mobile_money`, `card` or `cash`.
        pub method: String,
        /// The bank's or gateway's transaction reference.
        pub reference: String,
        /// Whole đồng of the whole payment.
        #[schema(value_type = i64)]
        pub amount: Vnd,
        /// Unix seconds.
        pub received_at: i64,
    }

    /// `receipt.issued` and `receipt.cancelled`.
    #[derive(Debug, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    pub struct ReceiptEvent {
        pub code: String,
        pub series: String,
        pub year: i64,
        pub number: i64,
        pub invoice_code: String,
        /// Issued only.
        #[serde(default)]
        pub payment_id: Option<i64>,
        #[serde(default)]
        #[schema(value_type = Option<i64>)]
        pub total: Option<Vnd>,
        #[serde(default)]
        pub issued_at: Option<i64>,
        #[serde(default)]
        pub key_id: Option<String>,
        #[serde(default)]
        pub digest: Option<String>,
        #[serde(default)]
        pub signature: Option<String>,
        /// Issued only: where anyone can check the signature.
        #[serde(default)]
        pub verification_url: Option<String>,
        /// Cancelled only.
        #[serde(default)]
        pub cancelled_at: Option<i64>,
        /// Cancelled only.
        #[serde(default)]
        pub reason: Option<String>,
    }
}
