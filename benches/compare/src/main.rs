//! Side-by-side parse-throughput harness for Rust SSE (`text/event-stream`) parsers.
//!
//! `cargo run --release -- [--mib N] [--runs N] [--only SUBSTR] [--rows A,B] [--workload NAME[,NAME]]
//!  [--chunks whole,4096,64,tcp] [--run-budget-s S] [--cell-budget-s S] [--no-encoders | --encoders-only]
//!  [--out PATH | --no-write]`
//! `cargo run --release -- --count [--kib N] [--align-runs N] [--jobs N] [--rows A,B] [--workload ..] [--chunks ..]
//!  [--no-encoders | --encoders-only] [--out PATH] [--enc-out PATH]`
//!
//! Each cell: scaling probe on small prefixes (skips cells whose estimated full
//! run exceeds --run-budget-s, e.g. quadratic behaviour), one warm-up run on the
//! full workload, then the median of --runs timed runs (fewer if the warm-up
//! shows the cell would exceed --cell-budget-s; the table then says so).
//! Then the encoders (src/encoders/) on the `small` and `large` event sets.
//! `cargo run --release -- --conformance [--rows A,B] [--out PATH]`: strict conformance per decoder (src/conformance/).
//! `--count`: callgrind instructions per input byte per cell instead (src/count.rs), then per event per
//! encoder row x set (src/count/enc.rs, encoders-count.md; `--out` names it with `--encoders-only`).
//! `--rows` keeps rows whose name contains any of the comma-separated parts.

mod conformance;
mod count;
mod encoders;
mod parsers;
mod workloads;

use parsers::{Counts, Kind as PKind, SseParser};
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use workloads::{Chunking, Kind as WKind, Workload};

struct Config {
    mib: usize,
    runs: usize,
    only: Option<String>,
    run_budget: f64,
    cell_budget: f64,
    parsers: bool,
    encoders: bool,
    out: Option<String>,
    out_given: bool,
    rows: Option<Vec<String>>,
    workloads: Option<Vec<String>>,
    chunkings: Vec<Chunking>,
    count: bool,
    conformance: bool,
    show_case: Option<String>,
    count_kib: usize,
    align_runs: usize,
    jobs: usize,
    count_budget: f64,
    /// Encoder table of a `--count` run that also counts parsers.
    enc_out: Option<String>,
}

/// Default file of the encoder count table.
const ENCODERS_COUNT_MD: &str = "encoders-count.md";

/// `--only` and `--rows` as applied to a row name.
fn row_selected(cfg: &Config, name: &str) -> bool {
    cfg.only.as_ref().is_none_or(|o| name.contains(o.as_str()))
        && cfg
            .rows
            .as_ref()
            .is_none_or(|rs| rs.iter().any(|r| name.contains(r.as_str())))
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_args() -> Config {
    let mut c = Config {
        mib: 32,
        runs: 5,
        only: None,
        run_budget: 60.0,
        cell_budget: 40.0,
        parsers: true,
        encoders: true,
        out: Some("peers-bench.md".to_string()),
        out_given: false,
        rows: None,
        workloads: None,
        chunkings: Chunking::ALL.to_vec(),
        count: false,
        conformance: false,
        show_case: None,
        count_kib: 1024,
        align_runs: 1,
        jobs: 1,
        count_budget: 60.0,
        enc_out: None,
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if raw.first().map(String::as_str) == Some("--count-cell") {
        // The last argument only pads the initial stack and heap (layout runs).
        let [_, row, workload, chunking, bytes, _pad] = &raw[..] else {
            panic!("--count-cell ROW WORKLOAD CHUNKING BYTES PAD");
        };
        count::run_cell(row, workload, chunking, bytes.parse().expect("BYTES"));
        std::process::exit(0);
    }
    if raw.first().map(String::as_str) == Some("--count-encode-cell") {
        let [_, row, set, bytes, _pad] = &raw[..] else {
            panic!("--count-encode-cell ROW SET BYTES PAD");
        };
        count::enc::run_encode_cell(row, set, bytes.parse().expect("BYTES"));
        std::process::exit(0);
    }
    let mut args = raw.into_iter();
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--mib" => c.mib = val().parse().expect("--mib N"),
            "--runs" => c.runs = val().parse().expect("--runs N"),
            "--only" => c.only = Some(val()),
            "--workload" | "--workloads" => {
                let names = split_list(&val());
                for n in &names {
                    assert!(WKind::from_name(n).is_some(), "unknown workload {n}");
                }
                c.workloads = Some(names);
            }
            "--rows" => c.rows = Some(split_list(&val())),
            "--chunks" => {
                c.chunkings = split_list(&val())
                    .iter()
                    .map(|n| {
                        Chunking::from_name(n).unwrap_or_else(|| {
                            panic!("unknown chunking {n} (whole, tcp or a size)")
                        })
                    })
                    .collect();
            }
            "--count" => c.count = true,
            "--conformance" => c.conformance = true,
            "--show-case" => {
                c.conformance = true;
                c.show_case = Some(val());
            }
            "--kib" => c.count_kib = val().parse().expect("--kib N"),
            "--align-runs" => c.align_runs = val().parse().expect("--align-runs N"),
            "--jobs" => c.jobs = val().parse().expect("--jobs N"),
            "--count-budget-s" => c.count_budget = val().parse().expect("--count-budget-s S"),
            "--run-budget-s" => c.run_budget = val().parse().expect("--run-budget-s S"),
            "--cell-budget-s" => c.cell_budget = val().parse().expect("--cell-budget-s S"),
            "--out" => {
                c.out = Some(val());
                c.out_given = true;
            }
            "--enc-out" => c.enc_out = Some(val()),
            "--no-write" => {
                c.out = None;
                c.out_given = true;
            }
            "--no-encoders" => c.encoders = false,
            "--encoders-only" => c.parsers = false,
            "-h" | "--help" => {
                println!(
                    "{}",
                    include_str!("main.rs")
                        .lines()
                        .take(19)
                        .collect::<Vec<_>>()
                        .join("\n")
                );
                std::process::exit(0);
            }
            other => panic!("unknown argument {other} (try --help)"),
        }
    }
    assert!(c.runs >= 1 && c.jobs >= 1 && c.align_runs >= 1);
    if c.count && !c.out_given {
        c.out = Some(
            if c.parsers {
                "peers-count.md"
            } else {
                ENCODERS_COUNT_MD
            }
            .to_string(),
        );
    }
    if c.conformance && !c.out_given {
        c.out = Some("peers-conformance.md".to_string());
    }
    c
}

enum Cell {
    Measured {
        median: Duration,
        runs: usize,
        counts: Counts,
    },
    Skipped {
        reason: String,
    },
}

fn time_once(p: &dyn SseParser, chunks: &[&[u8]]) -> (Duration, Counts) {
    let t = Instant::now();
    let c = p.parse(std::hint::black_box(chunks));
    (t.elapsed(), std::hint::black_box(c))
}

/// Time the parser on growing prefixes (64 KiB, 256 KiB, 1 MiB; stopping once a
/// probe takes > 0.25 s) and extrapolate to the full size with the observed
/// scaling exponent (clamped to [1, 3]). Returns (estimated seconds, exponent).
fn estimate_full_run(
    p: &dyn SseParser,
    kind: WKind,
    chunking: Chunking,
    full: usize,
) -> (f64, f64) {
    let mut points: Vec<(f64, f64)> = Vec::new();
    for size in [64 << 10, 256 << 10, 1 << 20] {
        if size * 4 > full {
            break;
        }
        let w = workloads::generate(kind, size);
        let chunks = chunking.split(&w.bytes);
        let (t, _) = time_once(p, &chunks);
        let (t2, _) = time_once(p, &chunks); // second pass: less first-touch noise
        points.push((w.bytes.len() as f64, t.min(t2).as_secs_f64()));
        if t.min(t2).as_secs_f64() > 0.25 {
            break;
        }
    }
    let Some(&(n2, t2)) = points.last() else {
        return (0.0, 1.0);
    };
    let k = if points.len() >= 2 {
        let (n1, t1) = points[points.len() - 2];
        ((t2.max(1e-7) / t1.max(1e-7)).ln() / (n2 / n1).ln()).clamp(1.0, 3.0)
    } else {
        1.0
    };
    (t2 * (full as f64 / n2).powf(k), k)
}

const MIN_RUN_S: f64 = 0.05;

fn measure(p: &dyn SseParser, w: &Workload, chunking: Chunking, cfg: &Config) -> Cell {
    let (est, k) = estimate_full_run(p, w.kind, chunking, w.bytes.len());
    if est > cfg.run_budget {
        return Cell::Skipped {
            reason: format!("est. {} per run (probe scaling ~n^{k:.1})", fmt_secs(est)),
        };
    }
    let chunks = chunking.split(&w.bytes);
    let (warm, counts) = time_once(p, &chunks);
    let runs = if warm.as_secs_f64() * cfg.runs as f64 > cfg.cell_budget {
        ((cfg.cell_budget / warm.as_secs_f64()) as usize).clamp(1, cfg.runs)
    } else {
        cfg.runs
    };
    // Very fast cells (a run of a few ms) repeat the full parse inside one timed
    // run until it lasts ~50 ms, and report time per parse, to damp timer and
    // scheduler noise.
    let reps = if warm.as_secs_f64() < MIN_RUN_S {
        ((MIN_RUN_S / warm.as_secs_f64().max(1e-6)).ceil() as u32).clamp(1, 200)
    } else {
        1
    };
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        for _ in 0..reps {
            let c = p.parse(std::hint::black_box(&chunks));
            assert_eq!(
                std::hint::black_box(c),
                counts,
                "{}: non-deterministic result",
                p.name()
            );
        }
        times.push(t.elapsed() / reps);
    }
    times.sort();
    Cell::Measured {
        median: times[times.len() / 2],
        runs,
        counts,
    }
}

/// One encoder on one event set: a warm-up, then the median of `runs` timed
/// runs. Each run encodes the whole set; the row's `prepare` (its own owned
/// input, if any) runs before the timer starts and what is left of it is dropped
/// after it stops. Runs shorter than 50 ms repeat (prepare untimed, encode
/// timed) until the timed part adds up to ~50 ms, and report time per encode.
/// Returns (median time per encode, output bytes per encode).
fn measure_encoder(
    e: &dyn encoders::SseEncoder,
    set: &[workloads::GenEvent],
    runs: usize,
) -> (Duration, u64) {
    let once = |sink: &mut encoders::Sink| {
        let mut prepared = std::hint::black_box(e.prepare(set));
        let t = Instant::now();
        e.encode(std::hint::black_box(set), &mut prepared, sink);
        let el = t.elapsed();
        drop(prepared);
        el
    };
    let mut sink = encoders::Sink::counting();
    let warm = once(&mut sink);
    let bytes = sink.bytes;
    let reps = if warm.as_secs_f64() < MIN_RUN_S {
        ((MIN_RUN_S / warm.as_secs_f64().max(1e-6)).ceil() as u32).clamp(1, 200)
    } else {
        1
    };
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut total = Duration::ZERO;
        for _ in 0..reps {
            let mut sink = encoders::Sink::counting();
            total += once(&mut sink);
            assert_eq!(
                sink.bytes,
                bytes,
                "{}: non-deterministic output size",
                e.name()
            );
        }
        times.push(total / reps);
    }
    times.sort();
    (times[times.len() / 2], bytes)
}

/// Encode the set once, keeping the output, and decode it with sse-core.
fn check_encoder(
    e: &dyn encoders::SseEncoder,
    set: &[workloads::GenEvent],
) -> encoders::DecodeCheck {
    let mut sink = encoders::Sink::keeping();
    let mut prepared = e.prepare(set);
    e.encode(set, &mut prepared, &mut sink);
    encoders::check_output(&sink.into_kept(), set)
}

fn fmt_secs(s: f64) -> String {
    if s >= 3600.0 {
        format!("{:.1} h", s / 3600.0)
    } else if s >= 60.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{s:.1} s")
    }
}

fn fmt_rate(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.2} G", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1} k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

fn fmt_mib(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn cmd_out(cmd: &str, args: &[&str]) -> Option<String> {
    let o = std::process::Command::new(cmd).args(args).output().ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// Versions of the peer crates as resolved in Cargo.lock.
fn locked_versions() -> Vec<(String, String)> {
    let lock = include_str!("../Cargo.lock");
    let wanted = [
        "eventsource-stream",
        "sse-stream",
        "sse-codec",
        "async-sse",
        "sse-core",
        "sse-parse",
        "sseer",
        "russe",
        "axum",
        "memchr",
        "futures",
        "bytes",
        "tokio-util",
    ];
    let mut out = Vec::new();
    let mut name: Option<&str> = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = \"") {
            name = Some(n.trim_end_matches('"'));
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = \""), name) {
            if wanted.contains(&n) {
                out.push((n.to_string(), v.trim_end_matches('"').to_string()));
            }
            name = None;
        }
    }
    out
}

fn main() {
    let cfg = parse_args();
    let target = cfg.mib << 20;
    let parsers: Vec<Box<dyn SseParser>> = parsers::all()
        .into_iter()
        .filter(|p| {
            cfg.only
                .as_ref()
                .is_none_or(|o| p.name().contains(o.as_str()))
        })
        .filter(|p| {
            cfg.rows
                .as_ref()
                .is_none_or(|rs| rs.iter().any(|r| p.name().contains(r.as_str())))
        })
        .collect();
    if cfg.conformance {
        let started = Instant::now();
        // Peers that panic on a case are scored `panic`; their messages would only be noise here.
        std::panic::set_hook(Box::new(|_| {}));
        let cases = conformance::cases();
        if let Some(name) = &cfg.show_case {
            let case = cases
                .iter()
                .find(|c| &c.name == name)
                .unwrap_or_else(|| panic!("no case {name}"));
            println!(
                "input: {:?}\nexpected: {:?}",
                String::from_utf8_lossy(&case.input),
                case.accepted[0]
            );
            for (row, driver) in conformance::drivers() {
                if cfg
                    .rows
                    .as_ref()
                    .is_none_or(|rs| rs.iter().any(|r| row.contains(r.as_str())))
                {
                    for size in conformance::CHUNK_SIZES {
                        let chunks = conformance::split(&case.input, size);
                        println!(
                            "{row} @ {size:?}: {:?}",
                            conformance::run_guarded(driver, &chunks)
                        );
                    }
                }
            }
            return;
        }
        let scores: Vec<conformance::RowScore> = conformance::drivers()
            .into_iter()
            .filter(|(name, _)| {
                cfg.rows
                    .as_ref()
                    .is_none_or(|rs| rs.iter().any(|r| name.contains(r.as_str())))
            })
            .map(|(name, driver)| {
                let s = conformance::score(name, driver, &cases);
                eprintln!(
                    "  {name:<26} {}/{} strict, {}/{} whole",
                    s.strict,
                    cases.len(),
                    s.whole,
                    cases.len()
                );
                s
            })
            .collect();
        let md = conformance::render(&scores, &cases, started.elapsed().as_secs_f64());
        print!("{md}");
        if let Some(path) = &cfg.out {
            std::fs::write(path, &md).expect("write markdown");
            eprintln!("wrote {path}");
        }
        return;
    }
    let selected = |k: &WKind| {
        cfg.workloads
            .as_ref()
            .is_none_or(|ws| ws.iter().any(|w| k.name() == w))
    };
    if cfg.count {
        let count_cfg = |out: Option<String>| count::CountConfig {
            align_runs: cfg.align_runs,
            bytes: cfg.count_kib << 10,
            jobs: cfg.jobs,
            cell_budget: cfg.count_budget,
            out,
            command_line: std::iter::once("cargo run --release --".to_string())
                .chain(std::env::args().skip(1))
                .collect::<Vec<_>>()
                .join(" "),
        };
        if cfg.parsers {
            let kinds: Vec<WKind> = WKind::ALL.into_iter().filter(selected).collect();
            count::run(
                &count_cfg(cfg.out.clone()),
                &parsers,
                &kinds,
                &cfg.chunkings,
            );
        }
        let sets: Vec<WKind> = count::enc::SETS
            .into_iter()
            .filter(|k| cfg.encoders && selected(k))
            .collect();
        if !sets.is_empty() {
            let encs: Vec<Box<dyn encoders::SseEncoder>> = encoders::all()
                .into_iter()
                .filter(|e| e.kind() == PKind::Baseline || row_selected(&cfg, e.name()))
                .collect();
            // `--out` names the first table; in a run that counts parsers too,
            // an explicit `--out` (or `--no-write`) must not let a filtered run
            // overwrite the committed encoder table, so it is then only printed
            // unless `--enc-out` names a file.
            let out = if !cfg.parsers {
                cfg.out.clone()
            } else if cfg.enc_out.is_some() {
                cfg.enc_out.clone()
            } else if cfg.out_given {
                eprintln!("(encoder table printed only: --out was given without --enc-out)");
                None
            } else {
                Some(ENCODERS_COUNT_MD.to_string())
            };
            count::enc::run(&count_cfg(out), &encs, &sets);
        }
        return;
    }
    let kinds: Vec<WKind> = WKind::ALL
        .into_iter()
        .filter(|k| cfg.parsers && selected(k))
        .collect();
    let enc_kinds: Vec<WKind> = [WKind::Small, WKind::Large]
        .into_iter()
        .filter(|k| cfg.encoders && selected(k))
        .collect();
    let encs: Vec<Box<dyn encoders::SseEncoder>> = encoders::all()
        .into_iter()
        .filter(|e| {
            e.kind() == PKind::Baseline
                || cfg
                    .only
                    .as_ref()
                    .is_none_or(|o| e.name().contains(o.as_str()))
        })
        .collect();
    let started = Instant::now();

    let mut md = String::new();
    let mut warnings: Vec<String> = Vec::new(); // count/data mismatches
    let mut skips: Vec<String> = Vec::new();
    // (workload, chunking label, best peer name, best peer MiB/s, memchr MiB/s, naive MiB/s)
    type Anchor = (
        String,
        String,
        Option<(String, f64)>,
        Option<f64>,
        Option<f64>,
    );
    let mut anchors: Vec<Anchor> = Vec::new();
    let mut wl_rows = String::new();
    let mut sections = String::new();

    for &kind in &kinds {
        let w = workloads::generate(kind, target);
        let mib = w.bytes.len() as f64 / (1 << 20) as f64;
        let _ = writeln!(
            wl_rows,
            "| {} | {:.1} MiB | {} | {:.0} B | {} |",
            kind.name(),
            mib,
            w.events,
            w.bytes.len() as f64 / w.events as f64,
            kind.describe()
        );
        eprintln!(
            "== workload {} ({:.1} MiB, {} events)",
            kind.name(),
            mib,
            w.events
        );

        let mut sec = String::new();
        let _ = writeln!(
            sec,
            "\n### {} ({:.1} MiB, {} events)\n",
            kind.name(),
            mib,
            w.events
        );
        let mut header = "| parser |".to_string();
        let mut rule = "|---|".to_string();
        for ch in &cfg.chunkings {
            let _ = write!(header, " {0} MiB/s | {0} events/s |", ch.label());
            rule.push_str("---:|---:|");
        }
        let _ = writeln!(sec, "{header}\n{rule}");

        let mut per_chunking: Vec<Vec<(usize, Option<f64>)>> =
            vec![Vec::new(); cfg.chunkings.len()];
        for (pi, p) in parsers.iter().enumerate() {
            let mut row = format!("| {} |", p.name());
            for (ci, &ch) in cfg.chunkings.iter().enumerate() {
                let cell = measure(p.as_ref(), &w, ch, &cfg);
                match cell {
                    Cell::Measured {
                        median,
                        runs,
                        counts,
                    } => {
                        let s = median.as_secs_f64();
                        let mibs = mib / s;
                        let evs = w.events as f64 / s;
                        let n = if runs < cfg.runs {
                            format!(" (n={runs})")
                        } else {
                            String::new()
                        };
                        let _ = write!(row, " {}{} | {} |", fmt_mib(mibs), n, fmt_rate(evs));
                        eprintln!(
                            "  {:<26} {:<6} {:>9} MiB/s {:>9} ev/s  (median of {runs}, {:.3} s)",
                            p.name(),
                            ch.label(),
                            fmt_mib(mibs),
                            fmt_rate(evs),
                            s
                        );
                        let want_events = if p.counts_blocks() {
                            w.blocks
                        } else {
                            w.events
                        };
                        if counts.events != want_events
                            || (p.reports_data_bytes() && counts.data_bytes != w.data_bytes)
                        {
                            let msg = format!(
                                "{} / {} / {}: got {} events, {} data bytes; expected {} events, {} data bytes",
                                p.name(),
                                kind.name(),
                                ch.label(),
                                counts.events,
                                counts.data_bytes,
                                want_events,
                                w.data_bytes
                            );
                            eprintln!("WARNING: event-count/data mismatch: {msg}");
                            warnings.push(msg);
                        }
                        per_chunking[ci].push((pi, Some(mibs)));
                    }
                    Cell::Skipped { reason } => {
                        let _ = write!(row, " skipped¹ | – |");
                        eprintln!("  {:<26} {:<6} skipped: {reason}", p.name(), ch.label());
                        skips.push(format!(
                            "{} / {} / {}: skipped by the time guard: {reason}",
                            p.name(),
                            kind.name(),
                            ch.label()
                        ));
                        per_chunking[ci].push((pi, None));
                    }
                }
            }
            let _ = writeln!(sec, "{row}");
        }
        sections.push_str(&sec);

        for (ci, &ch) in cfg.chunkings.iter().enumerate() {
            let rows = &per_chunking[ci];
            let by_name = |n: &str| {
                rows.iter()
                    .find(|(pi, _)| parsers[*pi].name() == n)
                    .and_then(|(_, m)| *m)
            };
            let best = rows
                .iter()
                .filter(|(pi, m)| parsers[*pi].kind() == PKind::Peer && m.is_some())
                .max_by(|a, b| a.1.partial_cmp(&b.1).unwrap())
                .map(|(pi, m)| (parsers[*pi].name().to_string(), m.unwrap()));
            anchors.push((
                kind.name().to_string(),
                ch.label(),
                best,
                by_name("memchr-lines"),
                by_name("naive"),
            ));
        }
    }

    // ---- encoders ----
    let mut enc_sections = String::new();
    // (set, best peer (name, MiB/s, events/s), baseline (MiB/s, events/s))
    type EncAnchor = (String, Option<(String, f64, f64)>, Option<(f64, f64)>);
    let mut enc_anchors: Vec<EncAnchor> = Vec::new();
    let mut enc_warnings: Vec<String> = Vec::new();
    for &kind in &enc_kinds {
        let (w, set) = workloads::generate_events(kind, target);
        let data_bytes: u64 = set.iter().map(|e| e.data.len() as u64).sum();
        eprintln!("== encode {} ({} events)", kind.name(), set.len());
        let _ = writeln!(
            enc_sections,
            "\n### encode {} ({} events, {:.1} MiB as the workload encodes them)\n\n\
             | encoder | output MiB | MiB/s of output | events/s | events/s vs baseline | decode check (sse-core) |\n\
             |---|---:|---:|---:|---:|---|",
            kind.name(),
            set.len(),
            w.bytes.len() as f64 / (1 << 20) as f64
        );
        let mut best: Option<(String, f64, f64)> = None;
        let mut base: Option<(f64, f64)> = None;
        let mut rows: Vec<(String, f64, f64, f64, String)> = Vec::new();
        for e in &encs {
            let check = check_encoder(e.as_ref(), &set);
            let ok = check.events == set.len() as u64
                && check.data_bytes == data_bytes
                && check.field_mismatches == 0;
            let check_s = if ok {
                format!("ok ({} events)", check.events)
            } else {
                let msg = format!(
                    "{} / encode {}: decoded {} events, {} data bytes, {} field mismatches; expected {} events, {} data bytes",
                    e.name(),
                    kind.name(),
                    check.events,
                    check.data_bytes,
                    check.field_mismatches,
                    set.len(),
                    data_bytes
                );
                eprintln!("WARNING: encoder output mismatch: {msg}");
                enc_warnings.push(msg);
                format!(
                    "**MISMATCH**: {} events, {} field mismatches",
                    check.events, check.field_mismatches
                )
            };
            let (median, bytes) = measure_encoder(e.as_ref(), &set, cfg.runs);
            let s = median.as_secs_f64();
            let out_mib = bytes as f64 / (1 << 20) as f64;
            let mibs = out_mib / s;
            let evs = set.len() as f64 / s;
            eprintln!(
                "  {:<26} {:>9} MiB/s {:>9} ev/s  ({:.1} MiB out, median of {}, {:.4} s)",
                e.name(),
                fmt_mib(mibs),
                fmt_rate(evs),
                out_mib,
                cfg.runs,
                s
            );
            if e.kind() == PKind::Baseline {
                base = Some((mibs, evs));
            } else if e.kind() == PKind::Peer && ok && best.as_ref().is_none_or(|b| evs > b.2) {
                best = Some((e.name().to_string(), mibs, evs));
            }
            rows.push((e.name().to_string(), out_mib, mibs, evs, check_s));
        }
        for (name, out_mib, mibs, evs, check_s) in rows {
            let vs = base.map_or("–".into(), |(_, b)| format!("{:.2}×", evs / b));
            let _ = writeln!(
                enc_sections,
                "| {name} | {out_mib:.1} | {} | {} | {vs} | {check_s} |",
                fmt_mib(mibs),
                fmt_rate(evs)
            );
        }
        enc_anchors.push((kind.name().to_string(), best, base));
    }

    let date = cmd_out("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "unknown".into());
    let rustc = cmd_out("rustc", &["-V"]).unwrap_or_else(|| "rustc (unknown)".into());
    let nproc = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let versions = locked_versions()
        .into_iter()
        .map(|(n, v)| format!("{n} {v}"))
        .collect::<Vec<_>>()
        .join(", ");

    let _ = writeln!(
        md,
        "# Rust SSE crates: parse and encode throughput (peers-bench)\n"
    );
    let _ = writeln!(md, "- Date: {date}");
    let l3_raw = std::fs::read_to_string("/sys/devices/system/cpu/cpu0/cache/index3/size")
        .unwrap_or_default();
    let l3_kib = l3_raw
        .trim()
        .strip_suffix('K')
        .and_then(|k| k.parse::<u64>().ok());
    let l3 = match l3_kib {
        Some(k) if k >= 1024 => format!(", L3 {} MiB", k / 1024),
        _ if !l3_raw.trim().is_empty() => format!(", L3 {}", l3_raw.trim()),
        _ => String::new(),
    };
    let fits = match l3_kib {
        Some(k) if (k << 10) as usize > target + (2 << 20) => format!(
            "Each workload (~{} MiB) fits in L3, so after the warm-up the input is cache-resident",
            cfg.mib
        ),
        Some(_) => format!(
            "Each workload (~{} MiB) is about the L3 size or larger, so part of every pass streams from DRAM \
             (bandwidth-bound cells, e.g. `large`, read lower than on a machine with a larger L3)",
            cfg.mib
        ),
        None => "L3 size unknown".to_string(),
    };
    let _ = writeln!(
        md,
        "- Machine: {} (nproc = {nproc}{l3}); shared, noisy VM. {fits}",
        cpu_model()
    );
    let _ = writeln!(
        md,
        "- Toolchain: {rustc}; `cargo run --release` (opt-level 3, no LTO), single thread"
    );
    let _ = writeln!(md, "- Crates (Cargo.lock): {versions}");
    let _ = writeln!(
        md,
        "- Method: per cell, a scaling probe on 64 KiB–1 MiB prefixes (cells estimated above {} s per full run are skipped), \
         1 warm-up run, then the median of {} timed runs (fewer, marked `n=`, if a cell would exceed {} s); \
         each run parses the full workload with a fresh decoder (runs shorter than 50 ms repeat the full parse until they last ~50 ms and report time per parse). Async peers are driven with \
         `futures::executor::block_on`; input is never pending. events/s uses the workload's true event count.",
        cfg.run_budget, cfg.runs, cfg.cell_budget
    );
    let _ = writeln!(
        md,
        "- Encoders: each row encodes the `small` / `large` event set (the very events those workloads contain: event type, id, \
         data) as one stream, the fastest legitimate way its API allows: APIs that borrow encode from the set's `&str`s (or, for \
         sse-codec, by reference from its own `Event` values); APIs that consume owned events get them built before the timer \
         starts (the app's `String`s moved in, no copy) and so pay inside the timed region only for what the API itself does, \
         freeing those strings included; 1 warm-up, then the median of {} timed runs (runs under 50 ms repeat until ~50 ms and report \
         time per encode). MiB/s is of each row's own output (sizes differ slightly: field order, `data:` vs `data: `); \
         events/s is the comparable figure. Every row's output is decoded with sse-core and checked event by event \
         (type, last event id, data) against the set.",
        cfg.runs
    );
    let _ = writeln!(
        md,
        "- **Figures are noisy** (2 shared cores, other jobs running): read ratios between rows of one column, not absolutes. \
         Re-run: `cd benches/compare && cargo run --release` (`--help` for options), then `python3 perf_chart.py` for the chart."
    );
    let _ = writeln!(
        md,
        "- Chunkings: `whole` = the workload as one `&[u8]` (where the API allows), `4 KiB` = typical socket reads, `64 B` = pathological small reads, `1–1460 B` = sizes drawn uniformly from 1..=1460 (TCP segment payloads) by a fixed-seed generator, the same cuts every run.\n"
    );

    let _ = writeln!(
        md,
        "## Workloads\n\n| workload | size | events | avg event | content |\n|---|---:|---:|---:|---|"
    );
    md.push_str(&wl_rows);
    let _ = writeln!(md, "\n## Throughput (MiB/s of input, events/s)");
    md.push_str(&sections);

    let _ = writeln!(
        md,
        "\n## Anchors for the new crate (best crates.io peer per cell; baselines excluded)\n\n\
         | workload | chunking | best peer | peer MiB/s | 5× peer | memchr-lines MiB/s | 50% of memchr-lines | naive MiB/s | best peer / naive |\n\
         |---|---|---|---:|---:|---:|---:|---:|---:|"
    );
    for (wk, ch, best, mem, naive) in &anchors {
        let (bn, bm) = match best {
            Some((n, m)) => (n.clone(), fmt_mib(*m)),
            None => ("–".into(), "–".into()),
        };
        let five = best.as_ref().map_or("–".into(), |(_, m)| fmt_mib(5.0 * m));
        let memf = mem.map_or("–".into(), fmt_mib);
        let half = mem.map_or("–".into(), |m| fmt_mib(m / 2.0));
        let nf = naive.map_or("–".into(), fmt_mib);
        let ratio = match (best, naive) {
            (Some((_, b)), Some(n)) => format!("{:.2}×", b / n),
            _ => "–".into(),
        };
        let _ = writeln!(
            md,
            "| {wk} | {ch} | {bn} | {bm} | {five} | {memf} | {half} | {nf} | {ratio} |"
        );
    }

    if !enc_kinds.is_empty() {
        let _ = writeln!(md, "\n## Encode throughput (MiB/s of output, events/s)");
        md.push_str(&enc_sections);
        let _ = writeln!(
            md,
            "\n### Encoder anchors (best crates.io encoder per set, by events/s; baseline excluded)\n\n\
             | set | best peer | peer MiB/s | peer events/s | 5× peer events/s | write-baseline MiB/s | write-baseline events/s | best peer / baseline |\n\
             |---|---|---:|---:|---:|---:|---:|---:|"
        );
        for (set, best, base) in &enc_anchors {
            let (bn, bm, be, b5) = match best {
                Some((n, m, e)) => (n.clone(), fmt_mib(*m), fmt_rate(*e), fmt_rate(5.0 * e)),
                None => ("–".into(), "–".into(), "–".into(), "–".into()),
            };
            let (basem, basee) = base.map_or(("–".into(), "–".into()), |(m, e)| {
                (fmt_mib(m), fmt_rate(e))
            });
            let ratio = match (best, base) {
                (Some((_, _, e)), Some((_, b))) => format!("{:.2}×", e / b),
                _ => "–".into(),
            };
            let _ = writeln!(
                md,
                "| {set} | {bn} | {bm} | {be} | {b5} | {basem} | {basee} | {ratio} |"
            );
        }
    }

    let _ = writeln!(md, "\n## Notes\n\n### How each parser row is driven\n");
    for p in &parsers {
        if let Some(n) = p.note() {
            let _ = writeln!(md, "- {n}");
        }
    }
    let n_peers = parsers::all()
        .iter()
        .filter(|p| p.kind() == PKind::Peer)
        .count();
    let _ = writeln!(
        md,
        "- Skipped from the row set: none; all {n_peers} crates.io peers can be fed from memory and reproduce the ground truth."
    );
    if warnings.is_empty() {
        let _ = writeln!(
            md,
            "- Event-count / data-bytes check: every row matched the generator's ground truth (events, or blank lines for memchr-lines; and total data bytes, \
             except memchr-lines which does not parse fields) in every measured cell. No mismatches."
        );
    } else {
        let _ = writeln!(md, "\n### WARNING: event-count / data-bytes mismatches\n");
        for w in &warnings {
            let _ = writeln!(md, "- {w}");
        }
    }
    if !skips.is_empty() {
        let _ = writeln!(md, "\n### Skipped cells (¹)\n");
        for w in &skips {
            let _ = writeln!(md, "- {w}");
        }
        let _ = writeln!(
            md,
            "\n¹ the scaling probe (64 KiB → 1 MiB prefixes) estimated one full run above {} s.",
            cfg.run_budget
        );
    }
    if !enc_kinds.is_empty() {
        let _ = writeln!(md, "\n### How each encoder row is driven\n");
        for e in &encs {
            let _ = writeln!(md, "- {}", e.note());
        }
        let _ = writeln!(
            md,
            "- No encoder to compare in: eventsource-stream, sse-core, sse-parse, sseer (decode only)."
        );
        if enc_warnings.is_empty() {
            let _ = writeln!(
                md,
                "- Encoder output check: every row's output decoded (sse-core) to exactly the set's events, \
                 with matching type, last event id and data. No mismatches."
            );
        } else {
            let _ = writeln!(md, "\n### WARNING: encoder output mismatches\n");
            for w in &enc_warnings {
                let _ = writeln!(md, "- {w}");
            }
        }
    }
    let _ = writeln!(
        md,
        "\nTotal harness wall time: {:.0} s.",
        started.elapsed().as_secs_f64()
    );

    print!("{md}");
    if let Some(path) = &cfg.out {
        if let Some(dir) = std::path::Path::new(path).parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        std::fs::write(path, &md).expect("write markdown");
        eprintln!("wrote {path}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row must reproduce the generator's ground truth at odd chunkings
    /// (splits inside CRLF, inside UTF-8 sequences, inside field names).
    #[test]
    fn all_parsers_match_ground_truth() {
        for kind in WKind::ALL {
            let w = workloads::generate(kind, 100 << 10);
            for ch in [
                Chunking::Whole,
                Chunking::Fixed(7),
                Chunking::Fixed(61),
                Chunking::Fixed(4096),
                Chunking::Tcp,
            ] {
                let chunks = ch.split(&w.bytes);
                for p in parsers::all() {
                    let c = p.parse(&chunks);
                    let want = if p.counts_blocks() {
                        w.blocks
                    } else {
                        w.events
                    };
                    assert_eq!(
                        c.events,
                        want,
                        "{} {} {}",
                        p.name(),
                        kind.name(),
                        ch.label()
                    );
                    if p.reports_data_bytes() {
                        assert_eq!(
                            c.data_bytes,
                            w.data_bytes,
                            "{} {} {}",
                            p.name(),
                            kind.name(),
                            ch.label()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn generator_is_prefix_stable_and_sized() {
        for kind in WKind::ALL {
            let small = workloads::generate(kind, 64 << 10);
            let big = workloads::generate(kind, 1 << 20);
            assert!(big.bytes.starts_with(&small.bytes), "{}", kind.name());
            assert!(big.bytes.len() >= 1 << 20 && big.bytes.len() < (1 << 20) + 70_000);
            assert!(std::str::from_utf8(&big.bytes).is_ok());
        }
        // small events are 60..=100 bytes (LF form)
        let w = workloads::generate(WKind::Small, 256 << 10);
        let text = std::str::from_utf8(&w.bytes).unwrap();
        for ev in text.split_terminator("\n\n") {
            let n = ev.len() + 2;
            assert!((60..=100).contains(&n), "event of {n} bytes: {ev:?}");
        }
    }

    fn fnv1a(b: &[u8]) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &x in b {
            h ^= x as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        h
    }

    /// The original four workloads must not drift (figures in the results file
    /// are compared across runs): FNV-1a of each 1 MiB workload, as first generated.
    #[test]
    fn original_workloads_are_unchanged() {
        for (kind, hash, len, events) in [
            (WKind::Small, 0x3ccd_3d3e_8e04_dd27_u64, 1_048_602, 13_068),
            (WKind::Large, 0x7efa_d082_d8f1_2f6c, 1_049_120, 16),
            (WKind::Multiline, 0xc801_e89a_6372_6d4f, 1_049_020, 594),
            (WKind::Crlf, 0x7fe4_c43f_ea80_46cd, 1_048_605, 12_499),
        ] {
            let w = workloads::generate(kind, 1 << 20);
            assert_eq!((w.bytes.len(), w.events), (len, events), "{}", kind.name());
            assert_eq!(fnv1a(&w.bytes), hash, "{}", kind.name());
        }
    }

    /// `comments` = the `small` event sequence with `: keep-alive` blocks between
    /// events (about 1 in 3), and the recorded events match the bytes.
    #[test]
    fn comments_workload_is_small_plus_keepalives() {
        let (c, cev) = workloads::generate_events(WKind::Comments, 1 << 20);
        let (s, sev) = workloads::generate_events(WKind::Small, 1 << 20);
        assert_eq!(c.events as usize, cev.len());
        assert_eq!(s.events as usize, sev.len());
        assert!(cev.len() < sev.len() && sev.starts_with(&cev));
        let text = std::str::from_utf8(&c.bytes).unwrap();
        let keepalives = text.matches(": keep-alive\n\n").count();
        let ratio = keepalives as f64 / cev.len() as f64;
        assert!((0.28..0.39).contains(&ratio), "keep-alive ratio {ratio}");
        let stripped = text.replace(": keep-alive\n\n", "");
        assert!(s.bytes.starts_with(stripped.as_bytes()));
        assert!(
            !text.contains("\n\n\n"),
            "keep-alive blocks follow an event's blank line directly"
        );
    }

    /// Every encoder row's output decodes (sse-core) to exactly the event set.
    #[test]
    fn encoders_roundtrip() {
        for (kind, size) in [(WKind::Small, 100 << 10), (WKind::Large, 300 << 10)] {
            let (_, set) = workloads::generate_events(kind, size);
            let data_bytes: u64 = set.iter().map(|e| e.data.len() as u64).sum();
            for e in encoders::all() {
                let c = check_encoder(e.as_ref(), &set);
                assert_eq!(
                    (c.events, c.data_bytes, c.field_mismatches),
                    (set.len() as u64, data_bytes, 0),
                    "{} {}",
                    e.name(),
                    kind.name()
                );
            }
        }
    }

    #[test]
    fn line_baselines_handle_split_crlf() {
        let input = b"data: a\r\n\r\ndata: b\r\r\n\n";
        // events: "a" (CRLF CRLF), "b" (CR, then CRLF blank) ; then LF blank = extra empty line
        for name in ["memchr-lines", "scan-validate"] {
            let row = parsers::all()
                .into_iter()
                .find(|p| p.name() == name)
                .unwrap();
            for n in 1..input.len() {
                let chunks: Vec<&[u8]> = input.chunks(n).collect();
                assert_eq!(row.parse(&chunks).events, 3, "{name}, chunk size {n}");
            }
        }
    }

    /// The added workloads keep their shape: `tokens` events are data-only and
    /// 9..=30 bytes; `unicode` data is mostly multi-byte UTF-8. Pinned like the
    /// original four.
    #[test]
    fn added_workloads_have_their_shape_and_are_pinned() {
        let w = workloads::generate(WKind::Tokens, 256 << 10);
        let text = std::str::from_utf8(&w.bytes).unwrap();
        let mut lens = Vec::new();
        for ev in text.split_terminator("\n\n") {
            assert!(ev.starts_with("data: ") && !ev.contains('\n'), "{ev:?}");
            lens.push(ev.len() + 2);
        }
        assert_eq!(lens.len() as u64, w.events);
        assert!(
            lens.iter().all(|n| (9..=30).contains(n)),
            "{:?}",
            (lens.iter().min(), lens.iter().max())
        );
        let mean = lens.iter().sum::<usize>() as f64 / lens.len() as f64;
        assert!((18.0..26.0).contains(&mean), "mean token event {mean}");

        let w = workloads::generate(WKind::Unicode, 256 << 10);
        let (_, events) = workloads::generate_events(WKind::Unicode, 256 << 10);
        let data: Vec<u8> = events.iter().flat_map(|e| e.data.bytes()).collect();
        let non_ascii = data.iter().filter(|b| !b.is_ascii()).count() as f64 / data.len() as f64;
        assert!(non_ascii > 0.6, "non-ASCII share of data {non_ascii}");
        assert!(std::str::from_utf8(&w.bytes).is_ok());

        for (kind, hash, len, events) in [
            (WKind::Tokens, 0x6621_db4a_7601_089b_u64, 1_048_580, 47_337),
            (WKind::Unicode, 0x2035_8343_1539_6125, 1_048_659, 5_086),
        ] {
            let w = workloads::generate(kind, 1 << 20);
            assert_eq!((w.bytes.len(), w.events), (len, events), "{}", kind.name());
            assert_eq!(fnv1a(&w.bytes), hash, "{}", kind.name());
        }
    }

    /// `1–1460 B` chunks: every size in range, the input covered in order,
    /// the same cuts on every call, and spread over the range.
    #[test]
    fn tcp_chunking_is_repeatable_and_in_range() {
        let w = workloads::generate(WKind::Small, 1 << 20);
        let a = Chunking::Tcp.split(&w.bytes);
        let b = Chunking::Tcp.split(&w.bytes);
        assert_eq!(a, b);
        assert_eq!(a.concat(), w.bytes);
        let sizes: Vec<usize> = a[..a.len() - 1].iter().map(|c| c.len()).collect();
        assert!(sizes.iter().all(|n| (1..=workloads::TCP_MAX).contains(n)));
        assert!(sizes.iter().any(|&n| n < 100) && sizes.iter().any(|&n| n > 1400));
        let mean = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64;
        assert!((650.0..810.0).contains(&mean), "mean chunk {mean}");
    }
}
