//! The command line the CSV examples share (`provision`, `import_leads`): the arguments, the
//! client from the environment (or an embedded mock Close), the CSV file, and the per-row
//! report with its progress bar and summary. Each example declares `mod common;`.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use close_sdk::mock::MockClose;
use close_sdk::prelude::*;
use serde_json::json;

/// The process's arguments, without the program name.
pub fn args() -> Vec<String> {
    std::env::args().skip(1).collect()
}

/// An environment variable; an empty or blank value counts as unset.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The options every CSV example takes.
pub struct Options {
    /// `--csv FILE`.
    pub csv: Option<String>,
    /// `--base-url URL`.
    pub base_url: Option<String>,
    /// `--concurrency N`: rows in flight at once.
    pub concurrency: usize,
    /// `--json`: one JSON object per row and a summary line.
    pub json: bool,
    /// `--demo` (only where the example takes it).
    pub demo: bool,
}

/// What an example accepts beyond the common options.
pub struct Accepts {
    /// `--concurrency` when not given.
    pub default_concurrency: usize,
    /// The largest `--concurrency`.
    pub max_concurrency: usize,
    /// Whether `--demo` is an option.
    pub demo: bool,
}

/// Parses `--csv`, `--base-url`, `--concurrency`, `--json` (and `--demo` where accepted);
/// anything else is an error naming it.
pub fn parse_args(args: &[String], accepts: &Accepts) -> Result<Options, String> {
    let mut opts = Options {
        csv: None,
        base_url: None,
        concurrency: accepts.default_concurrency,
        json: false,
        demo: false,
    };
    let max = accepts.max_concurrency;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--csv" => opts.csv = Some(value("--csv")?),
            "--base-url" => opts.base_url = Some(value("--base-url")?),
            "--concurrency" => {
                let v = value("--concurrency")?;
                opts.concurrency =
                    v.parse()
                        .ok()
                        .filter(|n| (1..=max).contains(n))
                        .ok_or(format!(
                            "--concurrency must be a number from 1 to {max}, not {v:?}"
                        ))?;
            }
            "--json" => opts.json = true,
            "--demo" if accepts.demo => opts.demo = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(opts)
}

/// The text of the CSV file at `path`, or the error to print.
pub fn read_file(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// The client: `CLOSE_API_KEY`, else a bearer token from `CLOSE_ACCESS_TOKEN`, with
/// `--base-url` or `CLOSE_BASE_URL`. With `demo`, or no credentials and no `--base-url`, it
/// starts `mock` and talks to it, after writing `announce(its base URL)` to `err`; keep the
/// returned mock alive as long as the client. Retries with the default policy. `Err` is the
/// message to print (a bad-input exit).
pub async fn client(
    env: &dyn Fn(&str) -> Option<String>,
    base_url: Option<&str>,
    demo: bool,
    mock: impl std::future::Future<Output = MockClose>,
    announce: impl Fn(&str) -> String,
    err: &mut dyn Write,
) -> Result<(Client, Option<MockClose>), String> {
    let key = env("CLOSE_API_KEY");
    let token = env("CLOSE_ACCESS_TOKEN");
    let builder = Client::builder().retry_policy(close_sdk::RetryPolicy::default());
    let (builder, mock) = match (demo, &key, &token, base_url) {
        (false, Some(k), _, _) => (builder.api_key(k), None),
        (false, None, Some(t), _) => (builder.bearer_token(t), None),
        (false, None, None, Some(_)) => {
            return Err("set CLOSE_API_KEY (or CLOSE_ACCESS_TOKEN) to use --base-url".into());
        }
        _ => {
            let mock = mock.await;
            let _ = writeln!(err, "{}", announce(&mock.base_url()));
            let b = builder.api_key("demo").base_url(mock.base_url());
            (b, Some(mock))
        }
    };
    let builder = match (
        &mock,
        base_url.map(str::to_string).or(env("CLOSE_BASE_URL")),
    ) {
        (None, Some(url)) => builder.base_url(url),
        _ => builder,
    };
    let client = builder.build().map_err(|e| e.to_string())?;
    Ok((client, mock))
}

/// `s` on one line: control characters (newlines, escapes, …) and Unicode line separators
/// are written as escapes, so a cell cannot forge or hide lines of plain-text output.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The per-row report: with `--json` one JSON object per row, on a terminal a progress bar
/// (failures printed above it), else one plain line per row; then a summary.
pub struct Report<'o> {
    out: &'o mut dyn Write,
    json: bool,
    bar: Option<indicatif::ProgressBar>,
    /// The JSON key naming a row (`email`, `company`).
    name_key: &'static str,
    /// The JSON key of the created object's id (`membership_id`, `lead_id`).
    id_key: &'static str,
    /// Rows in all, and how each ended.
    total: usize,
    ok: usize,
    failed: usize,
    invalid: usize,
}

impl<'o> Report<'o> {
    /// A report over `total` rows of which `to_send` are sent; the bar counts `unit`s.
    pub fn new(
        out: &'o mut dyn Write,
        json: bool,
        (name_key, id_key): (&'static str, &'static str),
        (total, to_send, unit): (usize, usize, &str),
    ) -> Self {
        let bar = (!json && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(to_send as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(&format!(
                    "{{bar:40}} {{pos}}/{{len}} {unit}, {{per_sec}}, ETA {{eta}}"
                ))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Report {
            out,
            json,
            bar,
            name_key,
            id_key,
            total,
            ok: 0,
            failed: 0,
            invalid: 0,
        }
    }

    /// A row that was not sent, with the reason (before the bar starts moving).
    pub fn invalid(&mut self, line: u64, name: &str, reason: &str) {
        self.invalid += 1;
        self.line(line, name, "invalid", Err(reason));
    }

    /// A row sent and created; `id` is the new object's id, if the answer had one.
    pub fn ok(&mut self, line: u64, name: &str, id: Option<&str>) {
        self.ok += 1;
        match &self.bar {
            Some(bar) => bar.inc(1),
            None => self.line(line, name, "ok", Ok(id.unwrap_or("(no id in the answer)"))),
        }
    }

    /// A row sent and refused (or not answered).
    pub fn failed(&mut self, line: u64, name: &str, error: &str) {
        self.failed += 1;
        match &self.bar {
            Some(bar) => {
                bar.println(format!(
                    "line {line}: {}: failed: {}",
                    one_line(name),
                    one_line(error)
                ));
                bar.inc(1);
            }
            None => self.line(line, name, "failed", Err(error)),
        }
    }

    /// Ends the bar and writes the summary; whether every row was ok.
    pub fn finish(self) -> bool {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
        let (total, ok, failed, invalid) = (self.total, self.ok, self.failed, self.invalid);
        if self.json {
            let summary = json!({"summary": {"total": total, "ok": ok, "failed": failed, "invalid": invalid}});
            let _ = writeln!(self.out, "{summary}");
        } else {
            let _ = writeln!(
                self.out,
                "{total} rows: {ok} ok, {failed} failed, {invalid} invalid"
            );
        }
        let _ = self.out.flush();
        ok == total
    }

    /// One row's outcome: a JSON object with `--json`, else one plain line.
    fn line(&mut self, line: u64, name: &str, status: &str, detail: Result<&str, &str>) {
        let text = if self.json {
            let mut v = json!({"line": line, self.name_key: name, "status": status});
            match detail {
                Ok(id) => v[self.id_key] = json!(id),
                Err(e) => v["error"] = json!(e),
            }
            v.to_string()
        } else {
            let name = one_line(name);
            match detail {
                Ok(id) => format!("line {line}: {name}: {status} {}", one_line(id)),
                Err(e) => format!("line {line}: {name}: {status}: {}", one_line(e)),
            }
        };
        let _ = writeln!(self.out, "{text}");
    }
}
