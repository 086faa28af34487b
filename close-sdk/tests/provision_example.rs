//! The `provision` example end to end: its own code, in process, against the embedded mock Close
//! (no credentials set), with a CSV of valid and invalid rows.

#[allow(dead_code)]
#[path = "../examples/provision.rs"]
mod provision;

use serde_json::Value;

const CSV: &str = "\
email,role
ann.lee@salesteam.com,user
not-an-email,user
bob.khan@salesteam.com,superuser
carla.diaz@salesteam.com,owner
dev.patel@salesteam.com,admin
,user
emma.smith@salesteam.com,role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p
farid.haddad@salesteam.com
";

async fn run_example(args: &[&str]) -> (u8, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let no_env = |_: &str| None;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        provision::run(&args, &no_env, &mut out, &mut err),
    )
    .await
    .expect("the example finished");
    (
        code,
        String::from_utf8_lossy(&out).into(),
        String::from_utf8_lossy(&err).into(),
    )
}

fn csv_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("close-sdk-{name}-{}.csv", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn demo_mode_reports_every_row_as_json_lines() {
    let path = csv_file("mixed", CSV);
    let (code, out, err) = run_example(&[
        "--csv",
        path.to_str().unwrap(),
        "--json",
        "--concurrency",
        "3",
    ])
    .await;
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 1, "invalid rows make the run fail\n{out}\n{err}");
    assert!(err.contains("embedded mock Close"), "{err}");

    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (rows, summary) = lines.split_at(lines.len() - 1);
    assert_eq!(
        summary[0],
        serde_json::json!({"summary": {"total": 8, "ok": 3, "failed": 1, "invalid": 4}})
    );
    let mut by_line: Vec<&Value> = rows.iter().collect();
    by_line.sort_by_key(|v| v["line"].as_u64());
    let statuses: Vec<(u64, &str)> = by_line
        .iter()
        .map(|v| (v["line"].as_u64().unwrap(), v["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            (2, "ok"),
            (3, "invalid"),
            (4, "ok"),
            (5, "invalid"),
            (6, "failed"),
            (7, "invalid"),
            (8, "ok"),
            (9, "invalid")
        ]
    );
    for v in &by_line {
        match v["status"].as_str() {
            Some("ok") => assert!(
                v["membership_id"].as_str().unwrap().starts_with("memb_"),
                "{v}"
            ),
            _ => assert!(!v["error"].as_str().unwrap().is_empty(), "{v}"),
        }
    }
    let reason = |line: u64| {
        by_line.iter().find(|v| v["line"] == line).unwrap()["error"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(reason(3).contains("not-an-email"), "{}", reason(3));
    assert!(reason(5).contains("unknown role"), "{}", reason(5));
    // `admin` is sent; the mock answers 403 as Close's newer spec says, quoted in the reason.
    assert!(
        reason(6).starts_with("403 Forbidden") && reason(6).contains("manage_organization"),
        "{}",
        reason(6)
    );
    assert!(reason(7).contains("missing email"), "{}", reason(7));
    assert!(reason(9).contains("missing role"), "{}", reason(9));
}

#[tokio::test]
async fn the_sample_csv_provisions_cleanly_in_plain_text() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/team.csv");
    let (code, out, _) = run_example(&["--csv", sample]).await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.trim_end()
            .ends_with("8 rows: 8 ok, 0 failed, 0 invalid"),
        "{out}"
    );
}

#[tokio::test]
async fn bad_arguments_and_files_exit_2() {
    assert_eq!(run_example(&[]).await.0, 2);
    assert_eq!(run_example(&["--csv"]).await.0, 2);
    assert_eq!(
        run_example(&["--csv", "x.csv", "--concurrency", "0"])
            .await
            .0,
        2
    );
    assert_eq!(run_example(&["--csv", "/nonexistent/team.csv"]).await.0, 2);
    let path = csv_file("noheader", "name,title\nann,boss\n");
    let (code, _, err) = run_example(&["--csv", path.to_str().unwrap()]).await;
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 2);
    assert!(err.contains("`email` and `role`"), "{err}");
    // A base URL without credentials is refused rather than sent unauthenticated.
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/team.csv");
    assert_eq!(
        run_example(&["--csv", sample, "--base-url", "http://127.0.0.1:9"])
            .await
            .0,
        2
    );
}
