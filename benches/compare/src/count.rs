//! Instruction-count mode (`--count`): every selected row × workload ×
//! chunking is run once in its own process under
//! `valgrind --tool=callgrind`, collecting only inside [`measured_parse`]
//! (`--collect-atstart=no --toggle-collect=...measured_parse...`), so the
//! count covers exactly one full parse (decoder construction, every
//! `decode` call, the events, their drop) and none of the setup. Counts do
//! not move with machine load: the same binary and inputs give the same
//! count on every run, which the wall-clock table cannot promise on a shared
//! machine.
//!
//! One process per cell keeps each cell's count independent of which other
//! cells were selected (heap state, lazy initialisation), so a run of
//! `--rows ssewire --chunks 4096,64` reproduces those cells of a full run.
//! The child's environment is cleared for the same reason (the environment
//! sits on the initial stack and can shift its alignment).
//!
//! The encoder rows' cells (`enc`) reuse this machinery: [`stage_binary`],
//! [`run_pool`], [`layout_runs`] and [`run_child`] with their own collected
//! function and toggle pattern.

pub mod enc;

use crate::parsers::{self, Counts, Kind as PKind, SseParser};
use crate::workloads::{self, Chunking, Kind as WKind};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

/// The function callgrind collects in; its name is the `--toggle-collect`
/// pattern, so keep the two in step.
#[inline(never)]
pub fn measured_parse(p: &dyn SseParser, chunks: &[&[u8]]) -> Counts {
    p.parse(std::hint::black_box(chunks))
}

const TOGGLE: &str = "*measured_parse*";

/// Bytes of the warm-up parse run (uncollected) before the counted one, so
/// one-off work (memchr's CPU feature detection, lazy symbol binding, the
/// allocator's first arena) stays out of every row's count.
const WARM_UP_BYTES: usize = 16 << 10;

/// What a child prints on stdout: the row's counts, then the workload's
/// ground truth (events, blocks, data bytes, input bytes).
pub fn run_cell(row: &str, workload: &str, chunking: &str, bytes: usize) {
    let p = parsers::all()
        .into_iter()
        .find(|p| p.name() == row)
        .unwrap_or_else(|| panic!("no row named {row:?}"));
    let kind = WKind::from_name(workload).unwrap_or_else(|| panic!("no workload {workload:?}"));
    let ch = Chunking::from_name(chunking).unwrap_or_else(|| panic!("no chunking {chunking:?}"));
    let w = workloads::generate(kind, bytes);
    let chunks = ch.split(&w.bytes);
    {
        let warm = workloads::generate(kind, WARM_UP_BYTES);
        let warm_chunks = ch.split(&warm.bytes);
        std::hint::black_box(p.parse(&warm_chunks));
    }
    let c = measured_parse(p.as_ref(), &chunks);
    println!(
        "{} {} {} {} {} {}",
        c.events,
        c.data_bytes,
        w.events,
        w.blocks,
        w.data_bytes,
        w.bytes.len()
    );
}

pub struct CountConfig {
    pub bytes: usize,
    pub jobs: usize,
    /// Cells whose estimated time under callgrind exceeds this are skipped.
    pub cell_budget: f64,
    pub out: Option<String>,
    pub command_line: String,
    /// Runs per cell, each with a padding argument longer by [`STACK_STEP`]
    /// bytes; the table gives the median and the spread.
    pub align_runs: usize,
}

/// Growth of the padding argument between layout runs. The argument sits on
/// the initial stack and is copied into the first heap allocations, so a
/// longer one moves both stack and heap addresses: how much a cell's count
/// depends on alignment shows in the spread over runs. 16 bytes is the
/// stack's own alignment and the allocator's size step.
pub const STACK_STEP: usize = 16;

enum CellResult {
    /// `ir` is the median of `runs` (the lower one for an even count).
    Counted {
        ir: u64,
        runs: Vec<u64>,
        input: u64,
        events: u64,
        ok: bool,
        detail: String,
        secs: f64,
    },
    Skipped(String),
    Failed(String),
}

/// A generous guess of how many times slower callgrind runs these parse
/// loops than native code (memcpy-heavy quadratic rows are the slowest);
/// used only to decide which super-linear cells to skip.
const CALLGRIND_SLOWDOWN: f64 = 200.0;

/// Probe scaling exponents from here up mark a cell as super-linear, when its
/// estimated native run is also longer than `SUPER_LINEAR_MIN_S`: below that
/// the probe's sub-millisecond timings are too noisy to tell (a linear cell
/// was seen to probe at n^2.6 on a loaded machine).
const SUPER_LINEAR: f64 = 1.7;
const SUPER_LINEAR_MIN_S: f64 = 0.05;

/// How many times a cell is probed before it is skipped as super-linear.
const PROBE_TRIES: usize = 3;

/// Whether a probe's `(native seconds, exponent)` marks its cell super-linear.
fn looks_super_linear((native, exponent): (f64, f64)) -> bool {
    exponent >= SUPER_LINEAR && native > SUPER_LINEAR_MIN_S
}

/// The scaling probe, repeated while it says super-linear, up to
/// [`PROBE_TRIES`] times; returns the probe with the lowest exponent. The
/// probe is timed, and load on a shared machine once made a linear row
/// (`ssewire (owned)`, `tokens`, whole) probe as super-linear: a cell is now
/// skipped only when every probe says so.
fn lowest_probe(mut probe: impl FnMut() -> (f64, f64)) -> (f64, f64) {
    let mut lowest = probe();
    for _ in 1..PROBE_TRIES {
        if !looks_super_linear(lowest) {
            break;
        }
        let next = probe();
        if next.1 < lowest.1 {
            lowest = next;
        }
    }
    lowest
}

/// A cell still running after this many times its budget is killed and
/// reported as failed, so one bad estimate cannot stall the run.
const TIMEOUT_FACTOR: f64 = 3.0;

pub fn run(
    cfg: &CountConfig,
    rows: &[Box<dyn SseParser>],
    kinds: &[WKind],
    chunkings: &[Chunking],
) {
    let started = Instant::now();
    let (scratch, exe) = stage_binary();
    let mut cells: Vec<(usize, usize, usize)> = Vec::new();
    for ki in 0..kinds.len() {
        for ri in 0..rows.len() {
            for ci in 0..chunkings.len() {
                cells.push((ki, ri, ci));
            }
        }
    }
    let names: Vec<&'static str> = rows.iter().map(|r| r.name()).collect();
    eprintln!(
        "== count: {} cells x {} layout run(s), {} job(s), {} bytes per workload",
        cells.len(),
        cfg.align_runs,
        cfg.jobs,
        cfg.bytes
    );
    let results = run_pool(
        cfg.jobs,
        cells.len(),
        // Rows are not `Sync`: each worker drives its own instances.
        || -> Vec<Box<dyn SseParser>> {
            names
                .iter()
                .map(|n| {
                    parsers::all()
                        .into_iter()
                        .find(|p| p.name() == *n)
                        .expect("row")
                })
                .collect()
        },
        |own, i| {
            let (ki, ri, ci) = cells[i];
            let (kind, row, ch) = (kinds[ki], own[ri].as_ref(), chunkings[ci]);
            let r = count_cell(&exe, &scratch.join(format!("cell-{i}")), row, kind, ch, cfg);
            let line = match &r {
                CellResult::Counted {
                    ir,
                    input,
                    ok,
                    secs,
                    ..
                } => format!(
                    "{:.3} Ir/B ({ir} Ir){} in {secs:.1} s",
                    *ir as f64 / *input as f64,
                    if *ok { "" } else { " MISMATCH" }
                ),
                CellResult::Skipped(why) => format!("skipped: {why}"),
                CellResult::Failed(why) => format!("FAILED: {why}"),
            };
            eprintln!(
                "  {:<10} {:<26} {:<9} {line}",
                kind.name(),
                row.name(),
                ch.label()
            );
            r
        },
    );
    let _ = std::fs::remove_dir_all(&scratch);
    let md = render(
        cfg,
        rows,
        kinds,
        chunkings,
        &cells,
        &results,
        started.elapsed().as_secs_f64(),
    );
    print!("{md}");
    if let Some(path) = &cfg.out {
        std::fs::write(path, &md).expect("write markdown");
        eprintln!("wrote {path}");
    }
}

/// Copies the harness binary to a path of fixed length and returns (scratch
/// directory, binary). The child runs from a path of the same length on every
/// run and machine: its path is copied onto the initial stack (argv[0] and the
/// aux vector) and into the first heap allocations, so another length moves
/// stack and heap addresses, which moved one ssewire cell by 2%.
pub(crate) fn stage_binary() -> (PathBuf, PathBuf) {
    let scratch = PathBuf::from(format!("/tmp/peers-count-{:010}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let exe = scratch.join("peers-bench");
    std::fs::copy(std::env::current_exe().expect("current_exe"), &exe)
        .expect("copy the harness binary");
    (scratch, exe)
}

/// Runs `work(state, i)` for every `i` in `0..n` on `jobs` threads, each with
/// its own `init()` state (rows are not `Sync`), and returns the results in
/// index order.
pub(crate) fn run_pool<S, T: Send>(
    jobs: usize,
    n: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&S, usize) -> T + Sync,
) -> Vec<T> {
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                let state = init();
                loop {
                    let i = {
                        let mut next = next.lock().unwrap();
                        let i = *next;
                        *next += 1;
                        i
                    };
                    if i >= n {
                        break;
                    }
                    let r = work(&state, i);
                    results.lock().unwrap()[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every cell ran"))
        .collect()
}

/// A cell's layout runs: `runs` child runs, run k with a padding argument of
/// [`STACK_STEP`] × k bytes. `once(out_file, pad)` runs the child once and
/// returns its collected instructions and printed numbers; the numbers must
/// agree between runs (they are results, not counts). Returns the sorted
/// counts, their median (the lower middle one for an even number) and the
/// child's numbers.
pub(crate) fn layout_runs(
    runs: usize,
    out_file: &Path,
    mut once: impl FnMut(&Path, &str) -> Result<(u64, Vec<u64>), String>,
) -> Result<(Vec<u64>, u64, Vec<u64>), String> {
    let mut irs = Vec::with_capacity(runs);
    let mut nums: Vec<u64> = Vec::new();
    for k in 0..runs.max(1) {
        let pad = "x".repeat(STACK_STEP * k);
        let (ir, child_nums) = once(&out_file.with_extension(format!("{k}.out")), &pad)?;
        if !nums.is_empty() && nums != child_nums {
            return Err(format!(
                "results differ between runs: {nums:?} vs {child_nums:?}"
            ));
        }
        irs.push(ir);
        nums = child_nums;
    }
    irs.sort_unstable();
    let median = irs[(irs.len() - 1) / 2];
    Ok((irs, median, nums))
}

fn count_cell(
    exe: &Path,
    out_file: &Path,
    row: &dyn SseParser,
    kind: WKind,
    ch: Chunking,
    cfg: &CountConfig,
) -> CellResult {
    let (native, exponent) = lowest_probe(|| crate::estimate_full_run(row, kind, ch, cfg.bytes));
    let est = native * CALLGRIND_SLOWDOWN;
    // A super-linear cell's instructions per byte grow with the workload size,
    // so its figure would describe the size chosen here, not the row; and
    // callgrind runs such copy-heavy loops far slower than the factor above.
    if looks_super_linear((native, exponent)) {
        return CellResult::Skipped(format!(
            "super-linear (native probe scaling ~n^{exponent:.1})"
        ));
    }
    if est > cfg.cell_budget {
        return CellResult::Skipped(format!(
            "est. {} under callgrind (native probe scaling ~n^{exponent:.1})",
            crate::fmt_secs(est)
        ));
    }
    let t = Instant::now();
    let counted = layout_runs(cfg.align_runs, out_file, |out_file, pad| {
        let args = [
            "--count-cell".to_string(),
            row.name().to_string(),
            kind.name().to_string(),
            ch.arg(),
            cfg.bytes.to_string(),
            pad.to_string(),
        ];
        let limit = cfg.cell_budget * TIMEOUT_FACTOR;
        run_child(exe, out_file, TOGGLE, &args, limit).map_err(|why| match why {
            ChildError::TimedOut => format!(
                "killed after {limit:.0} s (estimate was {})",
                crate::fmt_secs(est)
            ),
            ChildError::Other(why) => why,
        })
    });
    let (runs, ir, nums) = match counted {
        Ok(c) => c,
        Err(why) => return CellResult::Failed(why),
    };
    let secs = t.elapsed().as_secs_f64();
    let [got_events, got_data, events, blocks, data_bytes, input] = nums[..] else {
        return CellResult::Failed(format!("unexpected child output {nums:?}"));
    };
    let want_events = if row.counts_blocks() { blocks } else { events };
    let ok = got_events == want_events && (!row.reports_data_bytes() || got_data == data_bytes);
    let detail = format!(
        "got {got_events} events, {got_data} data bytes; expected {want_events}, {data_bytes}"
    );
    CellResult::Counted {
        ir,
        runs,
        input,
        events,
        ok,
        detail,
        secs,
    }
}

pub(crate) enum ChildError {
    /// Still running after the time limit; killed.
    TimedOut,
    Other(String),
}

/// Keeps glibc's `memcpy` on its vector loop at every size. Above a few KiB
/// it would switch to `rep movsb`, which callgrind counts as one instruction
/// per byte moved, though the hardware moves those bytes at least as fast as
/// the loop: copies would then weigh many times their cost. Every row and
/// every encoder runs with the same setting.
pub(crate) const MEMCPY_TUNABLE: (&str, &str) = (
    "GLIBC_TUNABLES",
    "glibc.cpu.x86_rep_movsb_threshold=2147483647",
);

/// One callgrind run of the harness binary `exe` with `args`, collecting
/// inside functions matching `toggle` only, in an empty environment but for
/// [`MEMCPY_TUNABLE`]; killed after `limit` seconds. Returns the collected
/// instructions and the numbers the child printed on stdout.
pub(crate) fn run_child(
    exe: &Path,
    out_file: &Path,
    toggle: &str,
    args: &[String],
    limit: f64,
) -> Result<(u64, Vec<u64>), ChildError> {
    let t = Instant::now();
    let child = Command::new("valgrind")
        .env_clear()
        .env(MEMCPY_TUNABLE.0, MEMCPY_TUNABLE.1)
        .args([
            "--tool=callgrind",
            "--collect-atstart=no",
            &format!("--toggle-collect={toggle}"),
            &format!("--callgrind-out-file={}", out_file.display()),
            "--dump-line=no",
            "--compress-strings=no",
            "--compress-pos=no",
        ])
        .arg(exe)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Err(ChildError::Other(format!("cannot run valgrind: {e}"))),
    };
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if t.elapsed().as_secs_f64() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_file(out_file);
                return Err(ChildError::TimedOut);
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(e) => return Err(ChildError::Other(format!("wait: {e}"))),
        }
    }
    let output = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => {
            return Err(ChildError::Other(format!(
                "cannot read valgrind's output: {e}"
            )));
        }
    };
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        return Err(ChildError::Other(format!(
            "exit {}: {}",
            output.status,
            err.lines().last().unwrap_or("")
        )));
    }
    let text = std::fs::read_to_string(out_file).unwrap_or_default();
    let _ = std::fs::remove_file(out_file);
    let Some(ir) = callgrind_total(&text) else {
        return Err(ChildError::Other(
            "no totals line in the callgrind output".into(),
        ));
    };
    if ir == 0 {
        return Err(ChildError::Other(format!(
            "nothing collected: no function matched {toggle}"
        )));
    }
    Ok((
        ir,
        parse_child_numbers(&String::from_utf8_lossy(&output.stdout)),
    ))
}

/// The numbers a child printed (whitespace-separated; anything else ignored).
pub(crate) fn parse_child_numbers(stdout: &str) -> Vec<u64> {
    stdout
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect()
}

/// The `totals:` (or, failing that, `summary:`) line of a callgrind output
/// file: instructions collected, with `Ir` as the only event.
fn callgrind_total(text: &str) -> Option<u64> {
    let pick = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
    };
    pick("totals:").or_else(|| pick("summary:"))
}

/// The "Layout spread" section: every cell whose sorted `runs` differ, widest
/// spread first.
pub(crate) fn layout_spread<'a>(
    md: &mut String,
    align_runs: usize,
    cells: impl IntoIterator<Item = (String, &'a [u64])>,
) {
    let mut spread: Vec<(f64, String)> = Vec::new();
    for (label, runs) in cells {
        let (Some(&lo), Some(&hi)) = (runs.first(), runs.last()) else {
            continue;
        };
        if lo != hi {
            let pct = 100.0 * (hi - lo) as f64 / lo as f64;
            spread.push((
                pct,
                format!("{label}: {} – {} ({pct:.2}%)", thousands(lo), thousands(hi)),
            ));
        }
    }
    spread.sort_by(|a, b| b.0.total_cmp(&a.0));
    let _ = writeln!(
        md,
        "\n## Layout spread ({align_runs} runs per cell with padding 0, 16, 32, … bytes; cells not listed gave one count in every run)\n"
    );
    if spread.is_empty() {
        let _ = writeln!(md, "None: every cell gave the same count in every run.");
    }
    for (_, line) in &spread {
        let _ = writeln!(md, "- {line}");
    }
}

pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Date, Command and Toolchain lines of a count table.
pub(crate) fn provenance(cfg: &CountConfig) -> String {
    let mut md = String::new();
    let date =
        crate::cmd_out("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "unknown".into());
    let rustc = crate::cmd_out("rustc", &["-V"]).unwrap_or_else(|| "rustc (unknown)".into());
    let valgrind =
        crate::cmd_out("valgrind", &["--version"]).unwrap_or_else(|| "valgrind (unknown)".into());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let repo = repo.to_string_lossy();
    let head = crate::cmd_out("git", &["-C", &repo, "rev-parse", "--short=12", "HEAD"])
        .unwrap_or_else(|| "unknown".into());
    // Only the measured crate's own sources decide whether its rows are of HEAD.
    let changed = crate::cmd_out(
        "git",
        &[
            "-C",
            &repo,
            "status",
            "--porcelain",
            "--",
            "src",
            "Cargo.toml",
        ],
    )
    .is_some_and(|s| !s.is_empty());
    let src_commit = crate::cmd_out(
        "git",
        &[
            "-C",
            &repo,
            "log",
            "-1",
            "--format=%h",
            "--abbrev=12",
            "--",
            "src",
            "Cargo.toml",
        ],
    )
    .unwrap_or_else(|| "unknown".into());
    let commit = if changed {
        format!("HEAD {head} plus uncommitted changes in `src/` or `Cargo.toml`")
    } else {
        format!(
            "`src/` and `Cargo.toml` as of {src_commit}, the last commit to change them (HEAD {head})"
        )
    };
    let _ = writeln!(
        md,
        "- Date: {date}; ssewire (the repository this crate sits in): {commit}"
    );
    let _ = writeln!(
        md,
        "- Command: `{}` (from `benches/compare`)",
        cfg.command_line
    );
    let _ = writeln!(
        md,
        "- Toolchain: {rustc}; `--release` (opt-level 3, no LTO); {valgrind}; CPU: {}",
        crate::cpu_model()
    );
    md
}

fn render(
    cfg: &CountConfig,
    rows: &[Box<dyn SseParser>],
    kinds: &[WKind],
    chunkings: &[Chunking],
    cells: &[(usize, usize, usize)],
    results: &[CellResult],
    wall: f64,
) -> String {
    let at = |ki: usize, ri: usize, ci: usize| {
        let i = cells.iter().position(|&c| c == (ki, ri, ci)).expect("cell");
        &results[i]
    };
    let per_byte = |ki, ri, ci| match at(ki, ri, ci) {
        CellResult::Counted { ir, input, .. } => Some(*ir as f64 / *input as f64),
        _ => None,
    };
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# Rust SSE crates: instructions per input byte (peers-bench --count)\n"
    );
    md.push_str(&provenance(cfg));
    let _ = writeln!(
        md,
        "- Method: each cell runs {} time(s), each as one process under `valgrind --tool=callgrind --collect-atstart=no \
         --toggle-collect='{TOGGLE}'` in an empty environment but for `GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=2147483647` (memcpy stays on its vector loop: callgrind would count `rep movsb` as one instruction per byte), started from a path of fixed length, run k with a padding argument of {} × k bytes \
         (it moves the initial stack and the first heap allocations): workload generation and chunk slicing uncollected, an uncollected \
         warm-up parse of a {} KiB prefix (one-off lazy initialisation), then exactly one collected full parse of the workload \
         (~{} KiB) with a fresh decoder, its events and their drop included. Figure: collected instructions (`Ir`) / input bytes, \
         the median over the runs (the lower middle one for an even number). Deterministic: the same binary, inputs and \
         padding give the same count on every run, whatever the machine's load; stack and heap addresses can move a cell by \
         up to about 2% (seen on `ssewire (owned)` / `multiline` / 64 B between two start paths), so compare builds with \
         several layout runs (`--align-runs 5`) and their medians.",
        cfg.align_runs,
        STACK_STEP,
        WARM_UP_BYTES >> 10,
        cfg.bytes >> 10
    );
    let _ = writeln!(
        md,
        "- Skipped cells (`skipped¹`): those whose native scaling probe (64 and 256 KiB prefixes) grows faster than n^{SUPER_LINEAR} \
         with an estimated native run over {SUPER_LINEAR_MIN_S} s (their Ir per byte would depend on the workload size), and those the probe predicts to take over {} s under callgrind. \
         The probe is timed, so on a loaded machine a borderline cell can fall on either side (a super-linear verdict is taken only if three probes agree); counted cells are exact.",
        cfg.cell_budget
    );
    let _ = writeln!(
        md,
        "- Chunkings: {}.",
        chunkings
            .iter()
            .map(|c| format!("`{}`", c.label()))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let mut notes: Vec<String> = Vec::new();
    for (ki, kind) in kinds.iter().enumerate() {
        let input = (0..rows.len())
            .flat_map(|ri| (0..chunkings.len()).map(move |ci| (ri, ci)))
            .find_map(|(ri, ci)| match at(ki, ri, ci) {
                CellResult::Counted { input, events, .. } => Some((*input, *events)),
                _ => None,
            });
        let (bytes, events) = input.unwrap_or((0, 0));
        let _ = writeln!(
            md,
            "\n## {} ({} B, {} events)\n",
            kind.name(),
            thousands(bytes),
            events
        );
        let mut header = "| row |".to_string();
        let mut rule = "|---|".to_string();
        for ch in chunkings {
            let _ = write!(header, " {} Ir/B |", ch.label());
            rule.push_str("---:|");
        }
        for ch in chunkings {
            let _ = write!(header, " {} Ir total |", ch.label());
            rule.push_str("---:|");
        }
        let _ = writeln!(md, "{header}\n{rule}");
        for (ri, row) in rows.iter().enumerate() {
            let mut line = format!("| {} |", row.name());
            let mut totals = String::new();
            for (ci, ch) in chunkings.iter().enumerate() {
                match at(ki, ri, ci) {
                    CellResult::Counted {
                        ir,
                        input,
                        ok,
                        detail,
                        ..
                    } => {
                        let flag = if *ok { "" } else { " **MISMATCH**" };
                        let _ = write!(line, " {:.3}{flag} |", *ir as f64 / *input as f64);
                        let _ = write!(totals, " {} |", thousands(*ir));
                        if !ok {
                            notes.push(format!(
                                "{} / {} / {}: {detail}",
                                row.name(),
                                kind.name(),
                                ch.label()
                            ));
                        }
                    }
                    CellResult::Skipped(why) => {
                        line.push_str(" skipped¹ |");
                        totals.push_str(" – |");
                        notes.push(format!(
                            "{} / {} / {}: skipped, {why}",
                            row.name(),
                            kind.name(),
                            ch.label()
                        ));
                    }
                    CellResult::Failed(why) => {
                        line.push_str(" failed |");
                        totals.push_str(" – |");
                        notes.push(format!(
                            "{} / {} / {}: FAILED, {why}",
                            row.name(),
                            kind.name(),
                            ch.label()
                        ));
                    }
                }
            }
            let _ = writeln!(md, "{line}{totals}");
        }
    }

    // Ratios for the targets of issue 14, where the rows they need were run.
    let find = |name: &str| rows.iter().position(|r| r.name() == name);
    let peers: Vec<usize> = (0..rows.len())
        .filter(|&ri| rows[ri].kind() == PKind::Peer)
        .collect();
    let ours = [find("ssewire (borrowed)"), find("ssewire (owned)")];
    let fed = [find("ssewire (feed)"), find("ssewire (feed, owned)")];
    if !peers.is_empty() && ours.iter().any(Option::is_some) {
        let floor = find("scan-validate");
        let _ = writeln!(
            md,
            "\n## ssewire against the leanest peer and `scan-validate` (Ir/B ratios; lower is leaner)\n\n\
             | workload | chunking | leanest peer | peer Ir/B | scan-validate Ir/B | borrowed Ir/B | borrowed / peer | borrowed / scan-validate | owned Ir/B | owned / peer | feed Ir/B | feed / peer | feed / scan-validate | feed owned Ir/B | feed owned / peer |\n\
             |---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for (ki, kind) in kinds.iter().enumerate() {
            for (ci, ch) in chunkings.iter().enumerate() {
                let lean = peers
                    .iter()
                    .filter_map(|&ri| per_byte(ki, ri, ci).map(|v| (ri, v)))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                let fmt = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.3}"));
                let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                    (Some(a), Some(b)) => format!("{:.2}×", a / b),
                    _ => "–".to_string(),
                };
                let peer_v = lean.map(|l| l.1);
                let floor_v = floor.and_then(|ri| per_byte(ki, ri, ci));
                let b = ours[0].and_then(|ri| per_byte(ki, ri, ci));
                let o = ours[1].and_then(|ri| per_byte(ki, ri, ci));
                let f = fed[0].and_then(|ri| per_byte(ki, ri, ci));
                let fo = fed[1].and_then(|ri| per_byte(ki, ri, ci));
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    kind.name(),
                    ch.label(),
                    lean.map_or("–", |l| rows[l.0].name()),
                    fmt(peer_v),
                    fmt(floor_v),
                    fmt(b),
                    ratio(b, peer_v),
                    ratio(b, floor_v),
                    fmt(o),
                    ratio(o, peer_v),
                    fmt(f),
                    ratio(f, peer_v),
                    ratio(f, floor_v),
                    fmt(fo),
                    ratio(fo, peer_v)
                );
            }
        }
    }

    if cfg.align_runs > 1 {
        let counted = cells
            .iter()
            .zip(results.iter())
            .filter_map(|(&(ki, ri, ci), r)| match r {
                CellResult::Counted { runs, .. } => Some((
                    format!(
                        "{} / {} / {}",
                        rows[ri].name(),
                        kinds[ki].name(),
                        chunkings[ci].label()
                    ),
                    runs.as_slice(),
                )),
                _ => None,
            });
        layout_spread(&mut md, cfg.align_runs, counted);
    }

    if !notes.is_empty() {
        let _ = writeln!(md, "\n## Notes\n");
        for n in &notes {
            let _ = writeln!(md, "- {n}");
        }
        let _ = writeln!(md, "\n¹ skipped by the time guard (see Method).");
    } else {
        let _ = writeln!(
            md,
            "\nEvery counted cell matched the generator's ground truth (events or blocks, and data bytes)."
        );
    }
    let _ = writeln!(
        md,
        "\nTotal wall time of this count run: {wall:.0} s ({} job(s)).",
        cfg.jobs
    );
    md
}

#[cfg(test)]
mod tests {
    use super::{PROBE_TRIES, lowest_probe};

    /// One noisy probe does not skip a linear cell; a cell that probes
    /// super-linear every time is still skipped; a clean first probe is
    /// not repeated.
    #[test]
    fn a_cell_is_skipped_only_when_every_probe_says_super_linear() {
        let mut calls = 0;
        let mut seq = [(0.2, 2.6), (0.2, 1.0), (0.2, 2.0)].into_iter();
        let got = lowest_probe(|| {
            calls += 1;
            seq.next().unwrap()
        });
        assert_eq!((got, calls), ((0.2, 1.0), 2));

        let mut calls = 0;
        let mut seq = [(0.3, 2.2), (0.3, 2.0), (0.3, 2.1)].into_iter();
        let got = lowest_probe(|| {
            calls += 1;
            seq.next().unwrap()
        });
        assert_eq!((got, calls), ((0.3, 2.0), PROBE_TRIES));

        let mut calls = 0;
        let got = lowest_probe(|| {
            calls += 1;
            (0.01, 2.5)
        });
        assert_eq!((got, calls), ((0.01, 2.5), 1));
    }
}
