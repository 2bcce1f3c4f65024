//! The open invoices a batch of payments can settle, read once and then kept
//! in memory as the batch settles them: a statement's 100,000 lines look their
//! invoices up in a few hundred queries, not one each.

use crate::domain::ids::{InvoiceId, SchoolId, StudentId};
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::money::Vnd;
use crate::domain::settlement::Settlement;
use crate::error::AppError;
use crate::server::bulk::{as_json_rows, json_rows, Marks, CHUNK};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// An invoice a payment can settle, with what is still due on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenInvoice {
    pub invoice_id: InvoiceId,
    pub student_id: StudentId,
    pub balance: Vnd,
}

/// The live invoices of one school that some codes name, and their balances.
#[derive(Debug, Default)]
pub struct Books {
    /// Invoice and payment-group codes → their invoices, oldest period first.
    by_code: HashMap<String, Vec<InvoiceId>>,
    /// Invoice → (student, still due).
    invoices: HashMap<InvoiceId, (StudentId, Vnd)>,
}

impl Books {
    /// Reads the school's live invoices that `codes` name (as invoice codes or
    /// payment-group codes), with what is still due on each.
    pub async fn load(
        conn: &mut AnyConnection,
        school_id: SchoolId,
        codes: &[String],
    ) -> Result<Books, AppError> {
        let mut books = Books::default();
        let mut wanted: Vec<&String> = codes.iter().collect();
        wanted.sort();
        wanted.dedup();
        // code, invoice, student, period, total, paid
        type Row = (String, InvoiceId, StudentId, String, Vnd, Vnd);
        const PAID: &str = "(SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id)";
        let mut rows: Vec<Row> = Vec::new();
        let marks = Marks::of(conn);
        let school = marks.one(1);
        for chunk in wanted.chunks(CHUNK) {
            let codes = marks.list(2, chunk.len());
            for (code, from) in [
                ("i.code", "invoice i"),
                (
                    "g.code",
                    "payment_group g JOIN payment_group_invoice gi ON gi.group_id = g.id \
                     JOIN invoice i ON i.id = gi.invoice_id",
                ),
            ] {
                let sql = format!(
                    "SELECT {} FROM {from} WHERE i.school_id = {school} AND i.voided_at IS NULL AND {code} IN ({codes})",
                    as_json_rows(conn, &format!("{code}, i.id, i.student_id, i.period, i.total, {PAID}"), "")
                );
                let mut query = sqlx::query_scalar::<_, Option<String>>(&sql).bind(school_id);
                for code in chunk {
                    query = query.bind(code.as_str());
                }
                rows.extend(json_rows::<Row>(query.fetch_one(&mut *conn).await?)?);
            }
        }
        let mut named: HashMap<String, Vec<(String, InvoiceId)>> = HashMap::new();
        for (code, invoice, student, period, total, paid) in rows {
            books.invoices.insert(invoice, (student, total - paid));
            named.entry(code).or_default().push((period, invoice));
        }
        for (code, mut invoices) in named {
            invoices.sort();
            invoices.dedup();
            books
                .by_code
                .insert(code, invoices.into_iter().map(|(_, id)| id).collect());
        }
        Ok(books)
    }

    /// The invoices `codes` name, in the codes' order and oldest period first
    /// within each, each once, with what is due on them now.
    pub fn open_for(&self, codes: &[InvoiceCode]) -> Vec<OpenInvoice> {
        let mut open: Vec<OpenInvoice> = Vec::new();
        for code in codes {
            for invoice_id in self.by_code.get(code.as_str()).into_iter().flatten() {
                if open.iter().any(|o| o.invoice_id == *invoice_id) {
                    continue;
                }
                if let Some((student_id, balance)) = self.invoices.get(invoice_id) {
                    open.push(OpenInvoice {
                        invoice_id: *invoice_id,
                        student_id: *student_id,
                        balance: *balance,
                    });
                }
            }
        }
        open
    }

    /// Takes a settlement's allocations off the balances, so the next payment
    /// of the batch sees them.
    pub fn take(&mut self, settlement: &Settlement) {
        for (invoice, amount) in &settlement.allocations {
            if let Some((_, balance)) = self.invoices.get_mut(invoice) {
                *balance = *balance - *amount;
            }
        }
    }
}
