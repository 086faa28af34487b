//! The `import_leads` example end to end (issue 12): its own code, in process, against a
//! `MockClose` with lead custom fields. Good rows, invalid rows (never sent: the mock's request
//! log proves it), a row Close refuses with a 400, and a 429 burst on the writes, with exactly
//! one outcome per row.

#[allow(dead_code)]
#[path = "../../../close-sdk/examples/import_leads.rs"]
mod example;

use std::collections::BTreeMap;
use std::time::Duration;

use close_sdk::mock::{MockClose, MockServerExt};
use serde_json::Value;

async fn run_example(args: &[&str], key: Option<&str>) -> (u8, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let key = key.map(str::to_string);
    let env = move |k: &str| (k == "CLOSE_API_KEY").then(|| key.clone()).flatten();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = tokio::time::timeout(
        Duration::from_secs(60),
        example::run(&args, &env, &mut out, &mut err),
    )
    .await
    .expect("the example finished within 60 s");
    (
        code,
        String::from_utf8_lossy(&out).into(),
        String::from_utf8_lossy(&err).into(),
    )
}

fn csv_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "close-sdk-import-{name}-{}.csv",
        std::process::id()
    ));
    std::fs::write(&path, text).expect("temp file");
    path
}

async fn crm(burst_after: usize, burst: usize) -> MockClose {
    MockClose::builder()
        .lead_custom_field("Industry", "choices", &["SaaS", "Retail"])
        .lead_custom_field("Seats", "number", &[])
        .rate_limit_burst_after(burst_after, burst)
        .start()
        .await
}

const MIXED: &str = "\
company,url,contact_name,contact_email,contact_phone,custom.Industry,custom.Seats
Bluth Company,https://bluth.example.com/,Gob Bluth,gob@bluth.example.com,+1 800 444 5555,Retail,12
Sitwell Enterprises,,Lucille Austero,lucille@sitwell.example.com,(415) 555-0134,SaaS,
Vandelay Industries,,Art Vandelay,art-at-vandelay.example.com,,Retail,3
Acme Corporation,,Wile E. Coyote,wile@acme.example.com,,Mining,1
,https://nameless.example.com/,Nobody,nobody@nameless.example.com,,,
Wayne Enterprises,,Lucius Fox,lucius@wayne.example.com,12345678,SaaS,5000
Hooli,https://hooli.example.com/,Gavin Belson,gavin@hooli.example.com,,saas,1200
Initech,,Bill Lumbergh,bill@initech.example.com,,,
Globex,ftp://globex.example.com/,Hank Scorpio,hank@globex.example.com,,,
";

#[tokio::test]
async fn good_invalid_refused_and_rate_limited_rows_each_get_one_outcome() {
    // The catalog read goes through; the next three requests (lead creates) answer 429.
    let close = crm(1, 3).await;
    let path = csv_file("mixed", MIXED);
    let (code, out, err) = run_example(
        &[
            "--csv",
            path.to_str().unwrap(),
            "--base-url",
            &close.base_url(),
            "--json",
            "--concurrency",
            "3",
        ],
        Some("test-key"),
    )
    .await;
    std::fs::remove_file(&path).ok();
    assert_eq!(
        code, 1,
        "invalid and failed rows make the run fail\n{out}\n{err}"
    );

    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let (rows, summary) = lines.split_at(lines.len() - 1);
    assert_eq!(
        summary[0],
        serde_json::json!({"summary": {"total": 9, "ok": 4, "failed": 1, "invalid": 4}})
    );
    // Exactly one outcome per CSV line.
    let mut by_line: BTreeMap<u64, &Value> = BTreeMap::new();
    for row in rows {
        let line = row["line"].as_u64().expect("a line number");
        assert!(
            by_line.insert(line, row).is_none(),
            "two outcomes for line {line}"
        );
    }
    let statuses: Vec<(u64, &str)> = by_line
        .iter()
        .map(|(l, v)| (*l, v["status"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        statuses,
        [
            (2, "ok"),
            (3, "ok"),
            (4, "invalid"),
            (5, "invalid"),
            (6, "invalid"),
            (7, "failed"),
            (8, "ok"),
            (9, "ok"),
            (10, "invalid"),
        ]
    );
    let error = |line: u64| {
        by_line[&line]["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        error(4).contains("art-at-vandelay.example.com"),
        "{}",
        error(4)
    );
    assert!(
        error(5).contains("Mining") && error(5).contains("SaaS, Retail"),
        "{}",
        error(5)
    );
    assert!(error(6).contains("missing company"), "{}", error(6));
    assert!(
        error(7).starts_with("400 Bad Request") && error(7).contains("phones"),
        "{}",
        error(7)
    );
    assert!(error(10).contains("http(s)"), "{}", error(10));

    // Invalid rows were never sent: one catalog read, five lead creates, three 429 retries.
    assert_eq!(
        close.request_count("GET /custom_field/lead/"),
        1,
        "{:?}",
        close.requests()
    );
    assert_eq!(
        close.request_count("POST /lead/"),
        5 + 3,
        "{:?}",
        close.requests()
    );
    assert_eq!(close.requests().len(), 1 + 5 + 3, "{:?}", close.requests());

    // What was stored is what the rows said, custom fields under their ids.
    let leads = close.leads();
    let mut names: Vec<&str> = leads.iter().filter_map(|l| l["name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["Bluth Company", "Hooli", "Initech", "Sitwell Enterprises"]
    );
    for lead in &leads {
        let ok = by_line.values().find(|v| v["lead_id"] == lead["id"]);
        assert!(ok.is_some(), "every stored lead was reported: {lead}");
    }
    let bluth = leads.iter().find(|l| l["name"] == "Bluth Company").unwrap();
    let custom: BTreeMap<&str, &Value> = bluth
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("custom.cf_"))
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    let mut values: Vec<String> = custom.values().map(|v| v.to_string()).collect();
    values.sort();
    assert_eq!(values, ["\"Retail\"", "12"]);
    assert_eq!(
        bluth["contacts"][0]["emails"][0]["email"],
        "gob@bluth.example.com"
    );
    assert_eq!(bluth["contacts"][0]["phones"][0]["phone"], "+18004445555");
    // A choice is sent as Close spells it, whatever the CSV's case.
    let hooli = leads.iter().find(|l| l["name"] == "Hooli").unwrap();
    assert!(
        hooli.as_object().unwrap().values().any(|v| v == "SaaS"),
        "{hooli}"
    );
}

#[tokio::test]
async fn demo_mode_imports_the_bundled_sample_with_no_key() {
    let (code, out, err) = run_example(&["--demo"], None).await;
    assert_eq!(
        code, 1,
        "the sample has invalid rows on purpose\n{out}\n{err}"
    );
    assert!(err.contains("embedded mock Close"), "{err}");
    assert!(
        out.trim_end()
            .ends_with("11 rows: 6 ok, 1 failed, 4 invalid"),
        "{out}"
    );
    assert_eq!(
        out.lines().count(),
        12,
        "one line per row and a summary\n{out}"
    );
}

#[tokio::test]
async fn a_clean_file_exits_0() {
    let close = crm(0, 0).await;
    let path = csv_file(
        "clean",
        "company,contact_email,custom.Industry\nBluth Company,gob@bluth.example.com,Retail\nHooli,,SaaS\n",
    );
    let (code, out, err) = run_example(
        &[
            "--csv",
            path.to_str().unwrap(),
            "--base-url",
            &close.base_url(),
        ],
        Some("test-key"),
    )
    .await;
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.trim_end()
            .ends_with("2 rows: 2 ok, 0 failed, 0 invalid"),
        "{out}"
    );
    assert_eq!(close.leads().len(), 2);
}

#[tokio::test]
async fn bad_arguments_files_and_columns_exit_2_and_nothing_is_sent() {
    assert_eq!(run_example(&[], None).await.0, 2);
    assert_eq!(run_example(&["--csv"], None).await.0, 2);
    assert_eq!(
        run_example(&["--demo", "--concurrency", "0"], None).await.0,
        2
    );
    assert_eq!(
        run_example(&["--csv", "/nonexistent/leads.csv"], None)
            .await
            .0,
        2
    );

    let close = crm(0, 0).await;
    let url = close.base_url();
    let no_company = csv_file("nocompany", "name,email\nann,ann@example.com\n");
    let (code, _, err) = run_example(
        &["--csv", no_company.to_str().unwrap(), "--base-url", &url],
        Some("k"),
    )
    .await;
    std::fs::remove_file(&no_company).ok();
    assert_eq!(code, 2);
    assert!(err.contains("`company`"), "{err}");

    // A custom column naming no field is the file's fault, found before any row is sent.
    let unknown = csv_file("unknown", "company,custom.Region\nBluth Company,West\n");
    let (code, _, err) = run_example(
        &["--csv", unknown.to_str().unwrap(), "--base-url", &url],
        Some("k"),
    )
    .await;
    std::fs::remove_file(&unknown).ok();
    assert_eq!(code, 2);
    assert!(
        err.contains("custom.Region") && err.contains("no such field"),
        "{err}"
    );
    assert_eq!(
        close.request_count("POST /lead/"),
        0,
        "{:?}",
        close.requests()
    );

    // A base URL without credentials is refused rather than sent unauthenticated.
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../close-sdk/examples/leads.csv"
    );
    assert_eq!(
        run_example(&["--csv", sample, "--base-url", &url], None)
            .await
            .0,
        2
    );
    assert!(close
        .requests()
        .iter()
        .all(|r| r == "GET /custom_field/lead/"));
}

#[tokio::test]
async fn refused_credentials_exit_3_before_any_row_is_sent() {
    let server = httpmock::MockServer::start_async().await;
    let fields = server.custom_fields_lead_list(|_, then| {
        then.unauthorized(
            &serde_json::from_value(serde_json::json!({"error": "Unauthorized"})).unwrap(),
        );
    });
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../close-sdk/examples/leads.csv"
    );
    let (code, out, err) = run_example(
        &["--csv", sample, "--base-url", &server.base_url()],
        Some("wrong-key"),
    )
    .await;
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(err.contains("401"), "{err}");
    assert!(!err.contains("wrong-key") && !out.contains("wrong-key"));
    fields.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_catalog_that_cannot_load_exits_1_and_sends_no_row() {
    // A 5xx on the custom-field list (after the retries) is not the file's fault: exit 1, said
    // clearly, and no lead is created.
    let server = httpmock::MockServer::start_async().await;
    let fields = server
        .mock_async(|when, then| {
            when.method("GET").path("/custom_field/lead/");
            then.status(503)
                .header("content-type", "application/json")
                .body(r#"{"error": "down for maintenance"}"#);
        })
        .await;
    let leads = server
        .mock_async(|when, then| {
            when.method("POST").path("/lead/");
            then.status(200);
        })
        .await;
    let path = csv_file("catalog-down", "company\nBluth Company\n");
    let (code, out, err) = run_example(
        &[
            "--csv",
            path.to_str().unwrap(),
            "--base-url",
            &server.base_url(),
        ],
        Some("test-key"),
    )
    .await;
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        err.contains("cannot load the lead custom fields") && err.contains("no row was sent"),
        "{err}"
    );
    assert!(fields.calls_async().await >= 1);
    assert_eq!(leads.calls_async().await, 0, "{out}\n{err}");
}

#[tokio::test]
async fn header_and_row_shape_problems_are_reported_not_guessed() {
    let close = crm(0, 0).await;
    let url = close.base_url();
    let run = |name: &'static str, text: &'static str| {
        let url = url.clone();
        async move {
            let path = csv_file(name, text);
            let got = run_example(
                &[
                    "--csv",
                    path.to_str().unwrap(),
                    "--base-url",
                    &url,
                    "--json",
                ],
                Some("k"),
            )
            .await;
            std::fs::remove_file(&path).ok();
            got
        }
    };

    // Names are compared case-insensitively, as cells are looked up: `Company` twice is bad input.
    let (code, _, err) = run("dup-case", "Company,company\nBluth Company,Hooli\n").await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("named twice"), "{err}");

    // An unknown column lists the columns the example understands.
    let (code, _, err) = run("typo", "company,contact_emial\nBluth Company,x@y.example\n").await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("contact_emial") && err.contains("contact_email") && err.contains("custom."),
        "{err}"
    );
    assert_eq!(
        close.request_count("POST /lead/"),
        0,
        "{:?}",
        close.requests()
    );

    // A short row is invalid with its line and cell counts; the next row still goes.
    let (code, out, err) = run("short", "company,description\nAcme\nInitech,Printers\n").await;
    assert_eq!(code, 1, "{out}\n{err}");
    let outcomes: Vec<Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(outcomes[0]["line"], 2, "{out}");
    assert_eq!(outcomes[0]["status"], "invalid", "{out}");
    assert!(
        outcomes[0]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("expected 2 cells, found 1"),
        "{out}"
    );
    let names: Vec<Value> = close.leads().iter().map(|l| l["name"].clone()).collect();
    assert_eq!(names, [serde_json::json!("Initech")]);
}

#[tokio::test]
async fn help_lists_the_columns_and_exit_codes() {
    let (code, out, _) = run_example(&["--help"], None).await;
    assert_eq!(code, 0);
    for needle in ["usage: import_leads", "contact_phone", "5xx", "  3  "] {
        assert!(out.contains(needle), "{needle:?} missing:\n{out}");
    }
}
