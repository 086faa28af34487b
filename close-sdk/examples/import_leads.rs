//! Import leads with contacts from a CSV file: one lead per row, custom fields by name.
//!
//! ```text
//! cargo run -p close-sdk --example import_leads -- --demo
//! cargo run -p close-sdk --example import_leads -- --csv FILE [--base-url URL] [--concurrency N] [--json]
//! ```
//!
//! - The CSV has a header row. `company` (the lead's name) is required; `url`, `description`,
//!   `contact_name`, `contact_title`, `contact_email` and `contact_phone` are optional, and a
//!   column `custom.<Field name>` sets the lead custom field of that name (e.g. `custom.Industry`).
//!   Any other column, or a column named twice, makes the file bad input (a typo must not drop
//!   data silently).
//! - Every row is checked before anything is sent: as many cells as the header, a company, a
//!   valid email (`close_sdk::EmailAddress`), phone (`close_sdk::PhoneNumber`) and http(s) URL
//!   (`close_sdk::WebUrl`), and each custom value against its field's type and choices
//!   (`close_sdk::custom_fields::CustomFieldCatalog`, loaded from Close once; several values
//!   split on `;`). Invalid rows are reported with their line number and never sent; the
//!   others still run. A row Close refuses is reported as failed with its answer.
//! - Authenticates with `CLOSE_API_KEY` (or a bearer token from `CLOSE_ACCESS_TOKEN`). `--demo`,
//!   or no credentials and no `--base-url`, runs against an embedded mock Close with the fields
//!   `Industry`, `Seats` and `Renewal date` (and, with `--demo` and no `--csv`, the bundled
//!   `examples/leads.csv`).
//! - Shows a progress bar on a terminal, plain lines otherwise; `--json` prints one JSON object
//!   per row and a final `{"summary": …}` line.
//!   Plain lines escape control characters in what they echo: one line per row.
//! - Exits 0 when every row is ok, 1 when some row is invalid or failed or when the lead custom
//!   fields cannot be loaded (e.g. Close answers 5xx; then no row is sent), 2 on bad arguments
//!   or a bad input file, 3 when Close refuses the credentials.

mod common;

use std::io::Write;

use close_sdk::custom_fields::{CustomFieldCatalog, CustomFieldChanges, CustomFieldObject};
use close_sdk::mock::MockClose;
use close_sdk::types::{CreateContact, CreateLead};
use common::{one_line, Accepts, Report};
use futures_util::StreamExt;
use serde_json::{json, Map, Value};

const USAGE: &str =
    "usage: import_leads (--demo | --csv FILE) [--base-url URL] [--concurrency N] [--json]";
/// What `--help` prints after the usage line.
const HELP: &str = "\
Creates one lead (with its contact) per CSV row. Columns: company (required), url, description,
contact_name, contact_title, contact_email, contact_phone, custom.<Field name>; any other
column, or one named twice, is bad input. Invalid rows are reported by line and never sent.

exit status:
  0  every row ok
  1  some row invalid or failed, or the lead custom fields could not be loaded (e.g. Close
     answered 5xx after retries; then no row is sent)
  2  bad arguments or a bad input file (nothing is sent)
  3  Close refused the credentials";
/// The bundled sample, used by `--demo` without `--csv`.
const SAMPLE_CSV: &str = include_str!("leads.csv");
/// Rows in flight at once.
const DEFAULT_CONCURRENCY: usize = 4;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr());
    let code = run(&common::args(), &common::env, &mut out, &mut err).await;
    std::process::ExitCode::from(code)
}

/// Exit codes.
const EXIT_ROWS_FAILED: u8 = 1;
const EXIT_BAD_INPUT: u8 = 2;
const EXIT_AUTH: u8 = 3;

fn parse_args(args: &[String]) -> Result<common::Options, String> {
    let accepts = Accepts {
        default_concurrency: DEFAULT_CONCURRENCY,
        max_concurrency: 64,
        demo: true,
    };
    let opts = common::parse_args(args, &accepts)?;
    if opts.csv.is_none() && !opts.demo {
        return Err("--csv FILE (or --demo) is required".into());
    }
    if opts.demo && opts.base_url.is_some() {
        return Err("--demo runs against an embedded mock; it takes no --base-url".into());
    }
    Ok(opts)
}

/// The columns the example understands, besides `custom.<Field name>`.
const COLUMNS: [&str; 7] = [
    "company",
    "url",
    "description",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
];

/// The CSV, split into header and records, before the custom fields are known.
struct Table {
    headers: Vec<String>,
    records: Vec<(u64, Vec<String>)>,
}

/// Checks the header row: `company` present, every column known, none named twice (names are
/// compared case-insensitively, as cells are looked up).
fn check_headers(headers: &[String]) -> Result<(), String> {
    if !headers.iter().any(|h| h.eq_ignore_ascii_case("company")) {
        return Err(format!(
            "the header row must name the column `company` (found: {})",
            one_line(&headers.join(","))
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for h in headers {
        let known = h.starts_with("custom.") || COLUMNS.iter().any(|c| h.eq_ignore_ascii_case(c));
        if !known {
            return Err(format!(
                "unknown column {:?}; the columns are {} and custom.<Field name>",
                h,
                COLUMNS.join(", ")
            ));
        }
        if !seen.insert(h.to_lowercase()) {
            return Err(format!("the column {h:?} is named twice in the header row"));
        }
    }
    Ok(())
}

/// The 1-based line on which the record at byte offset `byte` of `text` starts. The csv
/// crate's own line count is one too low after a CRLF line end; the byte offset is exact,
/// and line ends (`\r`, `\n`) before the record's first cell are skipped.
fn line_at(text: &[u8], byte: u64) -> u64 {
    let mut start = usize::try_from(byte).map_or(text.len(), |b| b.min(text.len()));
    while text.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
        start += 1;
    }
    let newlines = text[..start].iter().filter(|b| **b == b'\n').count();
    u64::try_from(newlines).map_or(u64::MAX, |n| n.saturating_add(1))
}

fn read_table(text: &str) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .iter()
        .map(str::to_string)
        .collect();
    check_headers(&headers)?;
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("cannot read the CSV: {e}"))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = record
            .position()
            .map_or(0, |p| line_at(text.as_bytes(), p.byte()));
        records.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(Table { headers, records })
}

/// One row ready to send.
struct Row {
    line: u64,
    company: String,
    lead: CreateLead,
}

/// One row that is not sent, or did not succeed.
struct Problem {
    line: u64,
    company: String,
    reason: String,
}

/// Checks every row; a custom column naming no field makes the whole file bad input.
fn validate(
    table: &Table,
    catalog: &CustomFieldCatalog,
) -> Result<(Vec<Row>, Vec<Problem>), String> {
    let col = |name: &str| {
        table
            .headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    };
    let mut custom = Vec::new();
    for (i, h) in table.headers.iter().enumerate() {
        if let Some(name) = h.strip_prefix("custom.") {
            catalog
                .definition(name)
                .map_err(|e| format!("column `{h}`: {e}"))?;
            custom.push((i, name.to_string()));
        }
    }
    let (mut rows, mut invalid) = (Vec::new(), Vec::new());
    for (line, record) in &table.records {
        if record.len() != table.headers.len() {
            // An unquoted comma shifts every later cell: the row is not sent.
            invalid.push(Problem {
                line: *line,
                company: record.first().cloned().unwrap_or_default(),
                reason: format!(
                    "expected {} cells, found {} (quote a cell that contains a comma)",
                    table.headers.len(),
                    record.len()
                ),
            });
            continue;
        }
        let cell = |name: &str| {
            col(name)
                .and_then(|i| record.get(i))
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        };
        let company = cell("company").unwrap_or_default().to_string();
        match build_lead(&cell, &custom, record, catalog) {
            Ok(lead) if !company.is_empty() => rows.push(Row {
                line: *line,
                company,
                lead,
            }),
            Ok(_) => invalid.push(Problem {
                line: *line,
                company,
                reason: "missing company".into(),
            }),
            Err(reason) => invalid.push(Problem {
                line: *line,
                company,
                reason,
            }),
        }
    }
    Ok((rows, invalid))
}

/// The `CreateLead` for one row, or why the row is invalid.
fn build_lead<'a>(
    cell: &dyn Fn(&str) -> Option<&'a str>,
    custom: &[(usize, String)],
    record: &'a [String],
    catalog: &CustomFieldCatalog,
) -> Result<CreateLead, String> {
    let mut lead = CreateLead {
        addresses: Vec::new(),
        contacts: Vec::new(),
        description: cell("description").map(str::to_string),
        name: cell("company").map(str::to_string),
        status_id: None,
        url: None,
        extra: Default::default(),
    };
    if let Some(url) = cell("url") {
        let url: close_sdk::WebUrl = url
            .parse()
            .map_err(|e| format!("{e} (an http(s) URL is needed)"))?;
        lead.url = Some(url.as_str().to_string());
    }
    let (name, title, email, phone) = (
        cell("contact_name"),
        cell("contact_title"),
        cell("contact_email"),
        cell("contact_phone"),
    );
    if name.is_some() || email.is_some() || phone.is_some() {
        let mut contact = Map::new();
        if let Some(name) = name {
            contact.insert("name".into(), json!(name));
        }
        if let Some(title) = title {
            contact.insert("title".into(), json!(title));
        }
        if let Some(email) = email {
            email.parse::<close_sdk::EmailAddress>()?;
            contact.insert("emails".into(), json!([{"email": email, "type": "office"}]));
        }
        if let Some(phone) = phone {
            phone.parse::<close_sdk::PhoneNumber>()?;
            contact.insert("phones".into(), json!([{"phone": phone, "type": "office"}]));
        }
        let contact: CreateContact =
            serde_json::from_value(Value::Object(contact)).map_err(|e| e.to_string())?;
        lead.contacts.push(contact);
    }
    let mut changes = CustomFieldChanges::new();
    for (i, name) in custom {
        if let Some(text) = record.get(*i).filter(|t| !t.is_empty()) {
            let (id, value) = catalog.parse(name, text).map_err(|e| e.to_string())?;
            changes.set(id, value).map_err(|e| e.to_string())?;
        }
    }
    changes.apply_to(&mut lead.extra);
    Ok(lead)
}

/// Runs the tool; returns the exit code. `env` reads environment variables.
pub async fn run(
    args: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        let _ = writeln!(out, "{USAGE}\n\n{HELP}");
        return 0;
    }
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(err, "error: {e}\n{USAGE}");
            return EXIT_BAD_INPUT;
        }
    };
    let (source, text) = match &opts.csv {
        Some(path) => match common::read_file(path) {
            Ok(t) => (path.clone(), t),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return EXIT_BAD_INPUT;
            }
        },
        None => ("examples/leads.csv".to_string(), SAMPLE_CSV.to_string()),
    };
    let table = match read_table(&text) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: {source}: {}", one_line(&e));
            return EXIT_BAD_INPUT;
        }
    };

    // Credentials, or the embedded mock for --demo or when there are none and no server named.
    let announce = |url: &str| {
        format!("Demo mode: importing into an embedded mock Close at {url} (no API key used).")
    };
    let base_url = opts.base_url.as_deref();
    let (client, _mock) =
        match common::client(env, base_url, opts.demo, demo_close(), announce, err).await {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return EXIT_BAD_INPUT;
            }
        };

    let catalog = match CustomFieldCatalog::load(&client, CustomFieldObject::Lead).await {
        Ok(c) => c,
        Err(e) => {
            let auth = matches!(e.status().map(|s| s.as_u16()), Some(401 | 403));
            // Exit 3 when Close refuses the credentials; otherwise (a 5xx, a timeout, …) 1,
            // like a failed row: the file may be fine, and nothing was sent.
            let _ = writeln!(
                err,
                "error: cannot load the lead custom fields, so no row was sent: {e}"
            );
            return if auth { EXIT_AUTH } else { EXIT_ROWS_FAILED };
        }
    };
    let (rows, invalid) = match validate(&table, &catalog) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: {source}: {}", one_line(&e));
            return EXIT_BAD_INPUT;
        }
    };

    let total = rows.len() + invalid.len();
    let mut report = Report::new(
        out,
        opts.json,
        ("company", "lead_id"),
        (total, rows.len(), "leads"),
    );
    for bad in &invalid {
        report.invalid(bad.line, &bad.company, &bad.reason);
    }
    let client = &client;
    let mut outcomes = futures_util::stream::iter(rows)
        .map(|row| async move {
            let sent = client.leads().create(row.lead).await;
            (row.line, row.company, sent.map(|lead| lead.id))
        })
        .buffer_unordered(opts.concurrency);
    while let Some((line, company, result)) = outcomes.next().await {
        match result {
            Ok(id) => report.ok(line, &company, id.as_deref()),
            Err(e) => report.failed(line, &company, &e.to_string()),
        }
    }
    if report.finish() {
        0
    } else {
        EXIT_ROWS_FAILED
    }
}

/// The embedded mock Close of demo mode, with the custom fields the sample CSV uses.
async fn demo_close() -> MockClose {
    MockClose::builder()
        .lead_custom_field(
            "Industry",
            "choices",
            &["SaaS", "Retail", "Manufacturing", "Healthcare"],
        )
        .lead_custom_field("Seats", "number", &[])
        .lead_custom_field("Renewal date", "date", &[])
        .start()
        .await
}
