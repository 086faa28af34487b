//! Provision a team from a CSV file: one membership per row, at Close's allowed rate.
//!
//! ```text
//! cargo run --release -p close-sdk --example provision -- --csv FILE [--base-url URL] [--concurrency N] [--json]
//! ```
//!
//! - The CSV has a header row `email,role`; `role` is admin, superuser, user, restricteduser or a
//!   custom role id `role_…`. Invalid rows are reported with their line number and never sent;
//!   the others still run. A row Close refuses (e.g. a role it does not allow on create) is
//!   reported as failed with Close's answer.
//! - Authenticates with `CLOSE_API_KEY` (or a bearer token from `CLOSE_ACCESS_TOKEN`). With
//!   neither and no `--base-url`, it starts an embedded mock Close and provisions against it.
//! - Shows a progress bar on a terminal, plain lines otherwise; `--json` prints one JSON object
//!   per row and a final `{"summary": …}` line.
//! - Exits 0 when every row is ok, 1 otherwise, 2 on bad arguments or an unreadable file.

mod common;

use std::io::Write;

use close_sdk::mock::MockClose;
use close_sdk::prelude::*;
use close_sdk::provisioning::DEFAULT_CONCURRENCY;
use common::{Accepts, Report};
use futures_util::StreamExt;

const USAGE: &str = "usage: provision --csv FILE [--base-url URL] [--concurrency N] [--json]";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr());
    let code = run(&common::args(), &common::env, &mut out, &mut err).await;
    std::process::ExitCode::from(code)
}

/// Parsed command line.
struct Options {
    csv: String,
    common: common::Options,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let accepts = Accepts {
        default_concurrency: DEFAULT_CONCURRENCY,
        max_concurrency: 256,
        demo: false,
    };
    let common = common::parse_args(args, &accepts)?;
    let Some(csv) = common.csv.clone() else {
        return Err("--csv FILE is required".into());
    };
    Ok(Options { csv, common })
}

/// One CSV row that can be sent.
struct Row {
    line: u64,
    email: String,
    role: Role,
}

/// One CSV row that cannot.
struct Invalid {
    line: u64,
    email: String,
    reason: String,
}

/// Reads the CSV: valid rows to send, invalid rows with their reason.
fn read_rows(text: &str) -> Result<(Vec<Row>, Vec<Invalid>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header row: {e}"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(email_col), Some(role_col)) = (column("email"), column("role")) else {
        return Err(format!(
            "the header row must name the columns `email` and `role` (found: {})",
            headers.iter().collect::<Vec<_>>().join(",")
        ));
    };
    let (mut rows, mut invalid) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record.map_err(|e| format!("cannot read the CSV: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let email = record.get(email_col).unwrap_or_default().to_string();
        let role = record.get(role_col).unwrap_or_default();
        let checked = if record.iter().all(str::is_empty) {
            continue;
        } else if email.is_empty() {
            Err("missing email".to_string())
        } else if role.is_empty() {
            Err("missing role".to_string())
        } else {
            email
                .parse::<close_sdk::EmailAddress>()
                .and_then(|_| role.to_ascii_lowercase().parse::<Role>())
        };
        match checked {
            Ok(role) => rows.push(Row { line, email, role }),
            Err(reason) => invalid.push(Invalid {
                line,
                email,
                reason,
            }),
        }
    }
    Ok((rows, invalid))
}

/// Runs the tool; returns the exit code. `env` reads environment variables.
pub async fn run(
    args: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(err, "error: {e}\n{USAGE}");
            return 2;
        }
    };
    let text = match common::read_file(&opts.csv) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    let (rows, invalid) = match read_rows(&text) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", opts.csv);
            return 2;
        }
    };

    // Credentials, and the embedded mock when there are none and no server was named.
    let announce = |url: &str| {
        format!("No CLOSE_API_KEY or CLOSE_ACCESS_TOKEN: provisioning against an embedded mock Close at {url} (demo mode).")
    };
    let base_url = opts.common.base_url.as_deref();
    let (client, _mock) =
        match common::client(env, base_url, false, MockClose::start(), announce, err).await {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return 2;
            }
        };

    let total = rows.len() + invalid.len();
    let mut report = Report::new(
        out,
        opts.common.json,
        ("email", "membership_id"),
        (total, rows.len(), "rows"),
    );
    for bad in &invalid {
        report.invalid(bad.line, &bad.email, &bad.reason);
    }
    let lines: Vec<(u64, String)> = rows.iter().map(|r| (r.line, r.email.clone())).collect();
    let mut outcomes = client.provision_memberships(
        rows.into_iter().map(|r| (r.email, r.role)),
        opts.common.concurrency,
    );
    while let Some(outcome) = outcomes.next().await {
        let (line, email) = &lines[outcome.index];
        match &outcome.result {
            Ok(m) => report.ok(*line, email, m.id.as_deref()),
            Err(e) => report.failed(*line, email, &e.to_string()),
        }
    }
    if report.finish() {
        0
    } else {
        1
    }
}
