//! Finds an example program of this package for the tests that run one.

use std::path::PathBuf;
use std::process::Command;

/// The example program `name`, built in this target directory.
///
/// `cargo build --example NAME` puts it in `target/debug/examples` under its
/// own name; `cargo test` (the README's test command) builds it there under
/// a hashed name, `NAME-<hash>`, and `cargo test --all-targets` builds a test
/// harness under another such name. The newest of them that is the program
/// (what it prints for `--help` contains `marker`) is taken.
///
/// # Panics
///
/// When none is found, with the command that builds it.
pub fn example(name: &str, features: &str, marker: &str) -> Command {
    let mut path = std::env::current_exe().expect("the test's own path");
    path.pop();
    if path.ends_with("deps") {
        path.pop();
    }
    let examples = path.join("examples");
    let hashed = format!("{name}-");
    let mut candidates: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&examples)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|entry| {
            let file = entry.file_name();
            let file = file.to_string_lossy();
            file == name || (file.starts_with(&hashed) && !file.contains('.'))
        })
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .collect();
    candidates.sort();
    let program = candidates
        .into_iter()
        .rev()
        .map(|(_, path)| path)
        .find(|path| {
            Command::new(path)
                .arg("--help")
                .output()
                .is_ok_and(|output| {
                    let text = [output.stdout, output.stderr].concat();
                    String::from_utf8_lossy(&text).contains(marker)
                })
        });
    let program = program.unwrap_or_else(|| {
        panic!(
            "no {name} program in {}: build it with `cargo build -p ssewire-async --features {features} --example {name}`",
            examples.display()
        )
    });
    Command::new(program)
}
