//! Creates (or re-activates) one membership.
//!
//! ```text
//! CLOSE_API_KEY=api_… cargo run -p close-sdk --example create_membership -- john@salesteam.com user
//! ```
//!
//! Reads `CLOSE_API_KEY` (or `CLOSE_ACCESS_TOKEN`) and, if set, `CLOSE_BASE_URL`. Prints the
//! membership as JSON; exits 1 with the error on failure, 2 on bad arguments.

use std::process::ExitCode;

use close_sdk::prelude::*;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (email, role) = match args.as_slice() {
        [email] => (email.as_str(), Ok(Role::User)),
        [email, role] => (email.as_str(), role.parse::<Role>()),
        _ => {
            eprintln!("usage: create_membership EMAIL [ROLE]   (ROLE: superuser, user, restricteduser or role_…)");
            return ExitCode::from(2);
        }
    };
    let role = match role {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let client = match Client::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match client.create_membership(email, role).await {
        Ok(m) => {
            println!("{}", serde_json::to_string_pretty(&m).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
