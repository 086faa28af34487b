//! Instructions per call (and per listed item), counted by callgrind: the one figure that does
//! not move with the machine's load. Where `valgrind` is on the `PATH`, this binary runs itself
//! under `valgrind --tool=callgrind --separate-threads=yes` with `--calls <side> 1` and
//! `--calls <side> N`; per call = (main-thread instructions of N calls − those of 1 call) / (N − 1),
//! so start-up, the server's thread and the first connection cancel out. Lists the same way, with
//! `--pages <side> M` and `--pages <side> 3M`.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::{round, BoxError, SIDES};

/// Whether `valgrind` can be run.
fn valgrind_present() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The figures for every side, or a note saying why they were skipped.
pub fn measure(calls: usize) -> Value {
    if !valgrind_present() {
        return json!({ "skipped": "valgrind is not on the PATH: instructions per call not measured" });
    }
    match measure_sides(calls) {
        Ok(v) => v,
        Err(e) => json!({ "skipped": format!("callgrind run failed: {e}") }),
    }
}

fn measure_sides(calls: usize) -> Result<Value, BoxError> {
    let dir =
        std::env::temp_dir().join(format!("close-sdk-bench-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = (|| {
        let mut per_call = [[0f64; 3]; 2];
        for (i, extra) in [&[][..], &["--get"][..]].into_iter().enumerate() {
            for side in SIDES {
                let one = main_thread_instructions(&dir, "--calls", side.name(), 1, extra)?;
                let many = main_thread_instructions(&dir, "--calls", side.name(), calls, extra)?;
                per_call[i][side as usize] =
                    many.saturating_sub(one) as f64 / (calls - 1).max(1) as f64;
            }
        }
        Ok::<_, BoxError>(per_call)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    let [[sdk, plain, raw], [get_sdk, get_plain, get_raw]] = result?;
    Ok(json!({
        "source": "callgrind, main thread, (Ir of N calls - Ir of 1 call) / (N - 1)",
        "calls": calls,
        "sdk": round(sdk, 0),
        "plain": round(plain, 0),
        "raw": round(raw, 0),
        "sdk_to_raw": round(sdk / raw.max(1.0), 3),
        "plain_to_raw": round(plain / raw.max(1.0), 3),
        "sdk_to_plain": round(sdk / plain.max(1.0), 3),
        "get": {
            "call": "GET /membership/{id}/pinned_views/, SDK and plain through the generated builder",
            "sdk": round(get_sdk, 0),
            "plain": round(get_plain, 0),
            "raw": round(get_raw, 0),
            "sdk_to_raw": round(get_sdk / get_raw.max(1.0), 3),
            "plain_to_raw": round(get_plain / get_raw.max(1.0), 3),
            "sdk_to_plain": round(get_sdk / get_plain.max(1.0), 3),
        },
    }))
}

/// Instructions per listed item, SDK (`Paginated`) and raw loop, from passes over `items` and
/// `3 × items` objects; or a note saying why they were not counted.
pub fn per_item(items: usize) -> Value {
    if !valgrind_present() {
        return json!({ "skipped": "valgrind is not on the PATH: instructions per item not measured" });
    }
    let dir =
        std::env::temp_dir().join(format!("close-sdk-bench-callgrind-{}", std::process::id()));
    let result = std::fs::create_dir_all(&dir)
        .map_err(BoxError::from)
        .and_then(|()| {
            let mut per_item = [0f64; 2];
            for (i, side) in ["sdk", "raw"].into_iter().enumerate() {
                let few = main_thread_instructions(&dir, "--pages", side, items, &[])?;
                let many = main_thread_instructions(&dir, "--pages", side, 3 * items, &[])?;
                per_item[i] = many.saturating_sub(few) as f64 / (2 * items).max(1) as f64;
            }
            Ok::<_, BoxError>(per_item)
        });
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        Ok([sdk, raw]) => json!({
            "source": "callgrind, main thread, (Ir of 3M items - Ir of M items) / 2M",
            "items": items,
            "sdk": round(sdk, 0),
            "raw": round(raw, 0),
            "sdk_to_raw": round(sdk / raw.max(1.0), 3),
        }),
        Err(e) => json!({ "skipped": format!("callgrind run failed: {e}") }),
    }
}

/// Instructions executed by the main thread of `close-sdk-bench <mode> <side> <n> [extra..]`.
fn main_thread_instructions(
    dir: &Path,
    mode: &str,
    side: &str,
    n: usize,
    extra: &[&str],
) -> Result<u64, BoxError> {
    let out: PathBuf = dir.join(format!(
        "{}{side}{}.{n}",
        mode.trim_start_matches('-'),
        extra.concat()
    ));
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--separate-threads=yes")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(std::env::current_exe()?)
        .args([mode, side, &n.to_string()])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if !status.success() {
        return Err(format!("valgrind exited with {status}").into());
    }
    // With --separate-threads=yes, thread 1 (the main thread) is written to `<file>-01`.
    let text = std::fs::read_to_string(format!("{}-01", out.display()))?;
    summary(&text).ok_or_else(|| "no summary line in callgrind's output".into())
}

/// The `summary:` (or `totals:`) figure of a callgrind output file.
fn summary(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_callgrinds_summary() {
        let text = "version: 1\ncmd: x\nevents: Ir\nsummary: 123456\n\nfn=(1)\n";
        assert_eq!(super::summary(text), Some(123_456));
        assert_eq!(super::summary("totals: 7\n"), Some(7));
        assert_eq!(super::summary("nothing"), None);
    }
}
