//! Instruction counts of the encoder rows (`--count`, encoders included
//! unless `--no-encoders`; `--encoders-only` for just these): every selected
//! encoder row × event set (`small`, `large`) is one cell, run with the
//! parser cells' machinery (one child process per layout run, fixed binary
//! path, empty environment, padding argument, median), collecting only
//! inside [`measured_encode`]: exactly one `encode` of the whole set into a
//! counting [`Sink`]. The row's `prepare` and the drop of whatever `encode`
//! left of it stay outside, as in the timed mode, so a row pays for freeing
//! its input only where its API consumes it.

use super::{
    CountConfig, STACK_STEP, TIMEOUT_FACTOR, layout_runs, layout_spread, run_child, thousands,
};
use crate::encoders::{self, Prepared, Sink, SseEncoder};
use crate::parsers::Kind as PKind;
use crate::workloads::{self, GenEvent, Kind as WKind};
use std::fmt::Write as _;
use std::time::Instant;

/// The function callgrind collects in for an encoder cell; its name is
/// [`TOGGLE`], so keep the two in step (and apart from the parser cells'
/// pattern, which must not match it).
#[inline(never)]
pub fn measured_encode(
    e: &dyn SseEncoder,
    set: &[GenEvent],
    prepared: &mut Prepared,
    sink: &mut Sink,
) {
    e.encode(std::hint::black_box(set), prepared, sink);
}

const TOGGLE: &str = "*measured_encode*";

/// The event sets the encoder rows encode, in table order.
pub const SETS: [WKind; 2] = [WKind::Small, WKind::Large];

/// Child side of one encoder cell (`--count-encode-cell ROW SET BYTES PAD`):
/// prints [`encode_cell`]'s line.
pub fn run_encode_cell(row: &str, set_name: &str, bytes: usize) {
    println!("{}", encode_cell(row, set_name, bytes));
}

/// Encodes the set of `bytes` (a warm-up, then the measured encode, then the
/// decode check) and returns what the child reports: events in the set,
/// their data bytes, output bytes of the measured encode, then what decoding
/// a kept encode found (events, data bytes, field mismatches;
/// `check_encoder`).
pub fn encode_cell(row: &str, set_name: &str, bytes: usize) -> String {
    let e = encoders::all()
        .into_iter()
        .find(|e| e.name() == row)
        .unwrap_or_else(|| panic!("no encoder row named {row:?}"));
    let kind = WKind::from_name(set_name).unwrap_or_else(|| panic!("no event set {set_name:?}"));
    let (_, set) = workloads::generate_events(kind, bytes);
    // Warm-up, uncollected: one whole encode as the timed mode's, so lazy
    // one-off work (memchr's CPU detection, the allocator's first arenas,
    // lazy symbol binding) is not counted.
    {
        let mut prepared = e.prepare(&set);
        let mut sink = Sink::counting();
        e.encode(&set, &mut prepared, &mut sink);
    }
    let mut prepared = std::hint::black_box(e.prepare(&set));
    let mut sink = Sink::counting();
    measured_encode(e.as_ref(), &set, &mut prepared, &mut sink);
    drop(prepared);
    let check = crate::check_encoder(e.as_ref(), &set);
    let data_bytes: u64 = set.iter().map(|g| g.data.len() as u64).sum();
    format!(
        "{} {} {} {} {} {}",
        set.len(),
        data_bytes,
        sink.bytes,
        check.events,
        check.data_bytes,
        check.field_mismatches
    )
}

/// One counted encoder cell.
#[derive(Debug, Clone, PartialEq)]
pub struct EncCounted {
    /// Median collected instructions over the layout runs.
    pub ir: u64,
    /// Every run's count, sorted.
    pub runs: Vec<u64>,
    pub events: u64,
    pub out_bytes: u64,
    /// The decode check passed (every event, type, id and data).
    pub ok: bool,
    pub detail: String,
}

impl EncCounted {
    pub fn per_event(&self) -> f64 {
        self.ir as f64 / self.events as f64
    }
    pub fn per_byte(&self) -> f64 {
        self.ir as f64 / self.out_bytes as f64
    }
}

/// A cell of the encoder table: row (name, kind) × set, counted or failed.
#[derive(Debug, Clone, PartialEq)]
pub struct EncCell {
    pub row: String,
    pub kind: PKind,
    pub set: WKind,
    pub result: Result<EncCounted, String>,
}

/// The child's printed numbers, turned into a cell result.
pub fn interpret(ir: u64, runs: Vec<u64>, nums: &[u64]) -> Result<EncCounted, String> {
    let &[
        events,
        data_bytes,
        out_bytes,
        got_events,
        got_data,
        mismatches,
    ] = nums
    else {
        return Err(format!("unexpected child output {nums:?}"));
    };
    if events == 0 || out_bytes == 0 {
        return Err(format!("empty set or output: {nums:?}"));
    }
    let ok = got_events == events && got_data == data_bytes && mismatches == 0;
    Ok(EncCounted {
        ir,
        runs,
        events,
        out_bytes,
        ok,
        detail: format!(
            "decoded {got_events} events, {got_data} data bytes, {mismatches} field mismatches; \
             expected {events} events, {data_bytes} data bytes"
        ),
    })
}

/// Counts every row × set cell and returns the table (also printed and,
/// with `cfg.out`, written).
pub fn run(cfg: &CountConfig, rows: &[Box<dyn SseEncoder>], sets: &[WKind]) -> String {
    let started = Instant::now();
    let (scratch, exe) = super::stage_binary();
    let cells: Vec<(usize, usize)> = (0..sets.len())
        .flat_map(|si| (0..rows.len()).map(move |ri| (si, ri)))
        .collect();
    // Rows are not `Sync`: the workers need only their names and kinds.
    let names: Vec<(&'static str, PKind)> = rows.iter().map(|r| (r.name(), r.kind())).collect();
    eprintln!(
        "== count encoders: {} cells x {} layout run(s), {} job(s), {} bytes per event set",
        cells.len(),
        cfg.align_runs,
        cfg.jobs,
        cfg.bytes
    );
    let limit = cfg.cell_budget * TIMEOUT_FACTOR;
    let results = super::run_pool(
        cfg.jobs,
        cells.len(),
        || (),
        |_, i| {
            let (si, ri) = cells[i];
            let (set, (name, kind)) = (sets[si], names[ri]);
            let t = Instant::now();
            let out_file = scratch.join(format!("enc-{i}"));
            let counted = layout_runs(cfg.align_runs, &out_file, |out_file, pad| {
                let args = [
                    "--count-encode-cell".to_string(),
                    name.to_string(),
                    set.name().to_string(),
                    cfg.bytes.to_string(),
                    pad.to_string(),
                ];
                run_child(&exe, out_file, TOGGLE, &args, limit).map_err(|why| match why {
                    super::ChildError::TimedOut => format!("killed after {limit:.0} s"),
                    super::ChildError::Other(why) => why,
                })
            });
            let result = counted.and_then(|(runs, ir, nums)| interpret(ir, runs, &nums));
            let line = match &result {
                Ok(c) => format!(
                    "{:.1} Ir/event, {:.3} Ir/B ({} Ir){} in {:.1} s",
                    c.per_event(),
                    c.per_byte(),
                    c.ir,
                    if c.ok { "" } else { " DECODE MISMATCH" },
                    t.elapsed().as_secs_f64()
                ),
                Err(why) => format!("FAILED: {why}"),
            };
            eprintln!("  encode {:<6} {name:<26} {line}", set.name());
            EncCell {
                row: name.to_string(),
                kind,
                set,
                result,
            }
        },
    );
    let _ = std::fs::remove_dir_all(&scratch);
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# Rust SSE encoders: instructions per event (peers-bench --count)\n"
    );
    md.push_str(&super::provenance(cfg));
    let _ = writeln!(
        md,
        "- Method: each cell (encoder row × event set) runs {} time(s), each as one process under \
         `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='{TOGGLE}'` in an empty environment but for `GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=2147483647` (memcpy stays on its vector loop: callgrind would count `rep movsb` as one instruction per byte), \
         started from a path of fixed length, run k with a padding argument of {STACK_STEP} × k bytes (as the parser cells): \
         generation of the event set (the events of the `small` / `large` workload of ~{} KiB, `--kib` as for the parser cells, \
         so about as many bytes of output) and \
         one whole warm-up encode uncollected, then the row's `prepare` (its owned input, if its API consumes one) \
         uncollected, exactly one collected `encode` of the whole set into a counting sink (buffered rows drain every \
         64 KiB), and the drop of what is left of the prepared input uncollected. Figures: collected instructions (`Ir`) \
         per event of the set and per byte of the row's own output (sizes differ slightly between rows), the median over \
         the runs (the lower middle one for an even number). The decode check encodes the set once more, uncollected, \
         and decodes it with sse-core (`check_encoder`: count, data bytes, type / last event id / data of every event).",
        cfg.align_runs,
        cfg.bytes >> 10
    );
    md.push_str(&render(&results, cfg.align_runs));
    let _ = writeln!(
        md,
        "\nTotal wall time of this count run: {:.0} s ({} job(s)).",
        started.elapsed().as_secs_f64(),
        cfg.jobs
    );
    print!("{md}");
    if let Some(path) = &cfg.out {
        std::fs::write(path, &md).expect("write markdown");
        eprintln!("wrote {path}");
    }
    md
}

/// Ir per event: one decimal where that digit matters, grouped digits above.
fn fmt_ir(v: f64) -> String {
    if v < 1_000.0 {
        format!("{v:.1}")
    } else {
        thousands(v.round() as u64)
    }
}

/// Issue 14's encoder targets, as (set, reference, bound on ssewire / reference).
const TARGETS: [(WKind, Reference, f64); 2] = [
    (WKind::Large, Reference::Baseline, 1.1),
    (WKind::Small, Reference::BestPeer, 0.5),
];

#[derive(Clone, Copy, PartialEq)]
enum Reference {
    Baseline,
    BestPeer,
}

/// The tables of an encoder count run (everything after the Method lines):
/// one table per set, the ssewire ratios with issue 14's targets, the layout
/// spread and any failed or mismatching cells. The best peer is the
/// `Kind::Peer` row with the fewest Ir per event among those whose output
/// passed the decode check.
pub fn render(cells: &[EncCell], align_runs: usize) -> String {
    let mut md = String::new();
    let mut sets: Vec<WKind> = Vec::new();
    for c in cells {
        if !sets.contains(&c.set) {
            sets.push(c.set);
        }
    }
    let mut notes: Vec<String> = Vec::new();
    for &set in &sets {
        let in_set = || cells.iter().filter(move |c| c.set == set);
        let events = in_set().find_map(|c| c.result.as_ref().ok().map(|r| r.events));
        let _ = writeln!(
            md,
            "\n## encode {} ({} events)\n\n\
             | encoder | Ir/event | Ir/output B | Ir total | output B | decode check (sse-core) |\n\
             |---|---:|---:|---:|---:|---|",
            set.name(),
            events.map_or("–".to_string(), thousands)
        );
        for c in in_set() {
            match &c.result {
                Ok(r) => {
                    let check = if r.ok {
                        "ok".to_string()
                    } else {
                        notes.push(format!(
                            "{} / {}: **MISMATCH**, {}",
                            c.row,
                            set.name(),
                            r.detail
                        ));
                        "**MISMATCH**".to_string()
                    };
                    let _ = writeln!(
                        md,
                        "| {} | {} | {:.3} | {} | {} | {check} |",
                        c.row,
                        fmt_ir(r.per_event()),
                        r.per_byte(),
                        thousands(r.ir),
                        thousands(r.out_bytes)
                    );
                }
                Err(why) => {
                    notes.push(format!("{} / {}: FAILED, {why}", c.row, set.name()));
                    let _ = writeln!(md, "| {} | failed | – | – | – | – |", c.row);
                }
            }
        }
    }

    let counted = |set: WKind, pick: &dyn Fn(&EncCell) -> bool| {
        cells
            .iter()
            .filter(|c| c.set == set && pick(c))
            .filter_map(|c| c.result.as_ref().ok().map(|r| (c.row.as_str(), r)))
            .collect::<Vec<_>>()
    };
    let has_ours = cells.iter().any(|c| c.row == "ssewire");
    if has_ours {
        let _ = writeln!(
            md,
            "\n## ssewire against write-baseline and the best crates.io peer (Ir/event; lower is leaner)\n\n\
             | set | ssewire Ir/event | write-baseline Ir/event | ssewire / baseline | best peer | peer Ir/event | ssewire / best peer | issue 14 target |\n\
             |---|---:|---:|---:|---|---:|---:|---|"
        );
        for &set in &sets {
            let ours = counted(set, &|c| c.row == "ssewire")
                .first()
                .map(|x| x.1.per_event());
            let base = counted(set, &|c| c.kind == PKind::Baseline)
                .first()
                .map(|x| x.1.per_event());
            let peer = counted(set, &|c| c.kind == PKind::Peer)
                .into_iter()
                .filter(|(_, r)| r.ok)
                .map(|(n, r)| (n, r.per_event()))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            let fmt = |v: Option<f64>| v.map_or("–".to_string(), fmt_ir);
            let ratio = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a / b);
            let fmt_ratio = |r: Option<f64>| r.map_or("–".to_string(), |r| format!("{r:.2}×"));
            let vs_base = ratio(ours, base);
            let vs_peer = ratio(ours, peer.map(|p| p.1));
            let target = TARGETS
                .iter()
                .filter(|t| t.0 == set)
                .map(|&(_, reference, bound)| {
                    let (what, got) = match reference {
                        Reference::Baseline => ("baseline", vs_base),
                        Reference::BestPeer => ("best peer", vs_peer),
                    };
                    let verdict = match got {
                        Some(r) if r <= bound => format!("**met** ({r:.2}×)"),
                        Some(r) => format!("**missed** ({r:.2}×)"),
                        None => "not measured".to_string(),
                    };
                    format!("≤ {bound}× {what}: {verdict}")
                })
                .collect::<Vec<_>>()
                .join("; ");
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                set.name(),
                fmt(ours),
                fmt(base),
                fmt_ratio(vs_base),
                peer.map_or("–", |p| p.0),
                fmt(peer.map(|p| p.1)),
                fmt_ratio(vs_peer),
                if target.is_empty() { "–" } else { &target }
            );
        }
    }

    if align_runs > 1 {
        let counted = cells.iter().filter_map(|c| {
            let r = c.result.as_ref().ok()?;
            Some((format!("{} / {}", c.row, c.set.name()), r.runs.as_slice()))
        });
        layout_spread(&mut md, align_runs, counted);
    }

    if notes.is_empty() {
        let _ = writeln!(
            md,
            "\nEvery counted row's output decoded (sse-core) to exactly the set's events, with matching type, last event id and data."
        );
    } else {
        let _ = writeln!(md, "\n## Notes\n");
        for n in &notes {
            let _ = writeln!(md, "- {n}");
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The toggle pattern must match the collected function's symbol, or
    /// callgrind collects nothing (the parent then fails every cell).
    #[test]
    fn toggle_matches_measured_encode() {
        let name = std::any::type_name_of_val(&measured_encode);
        let core = TOGGLE.trim_matches('*');
        assert!(name.contains(core), "{name} vs {TOGGLE}");
        assert!(!name.contains(super::super::TOGGLE.trim_matches('*')));
    }

    /// What the child prints parses back into a passing cell for every row
    /// on both sets, with the set's event count and the row's output size.
    #[test]
    fn encode_child_output_parses() {
        for set in SETS {
            let (_, events) = workloads::generate_events(set, 64 << 10);
            for e in encoders::all() {
                let line = encode_cell(e.name(), set.name(), 64 << 10);
                let nums = super::super::parse_child_numbers(&line);
                let c =
                    interpret(7, vec![7], &nums).unwrap_or_else(|w| panic!("{}: {w}", e.name()));
                assert!(c.ok, "{} {}: {}", e.name(), set.name(), c.detail);
                assert_eq!(c.events, events.len() as u64);
                let mut sink = Sink::counting();
                let mut prepared = e.prepare(&events);
                e.encode(&events, &mut prepared, &mut sink);
                assert_eq!(c.out_bytes, sink.bytes, "{}", e.name());
            }
        }
    }

    #[test]
    fn interpret_flags_a_failed_decode_and_malformed_output() {
        let ok = interpret(1000, vec![1000], &[10, 500, 800, 10, 500, 0]).unwrap();
        assert!(ok.ok);
        assert_eq!((ok.per_event(), ok.per_byte()), (100.0, 1.25));
        for bad in [
            [10, 500, 800, 9, 450, 0],
            [10, 500, 800, 10, 500, 1],
            [10, 500, 800, 10, 499, 0],
        ] {
            assert!(!interpret(1000, vec![1000], &bad).unwrap().ok, "{bad:?}");
        }
        assert!(interpret(1000, vec![1000], &[10, 500, 800]).is_err());
        assert!(interpret(1000, vec![1000], &[0, 0, 0, 0, 0, 0]).is_err());
    }

    fn cell(row: &str, kind: PKind, set: WKind, ir: u64, runs: Vec<u64>, ok: bool) -> EncCell {
        EncCell {
            row: row.to_string(),
            kind,
            set,
            result: Ok(EncCounted {
                ir,
                runs,
                events: 100,
                out_bytes: 1000,
                ok,
                detail: "decoded 99 events".to_string(),
            }),
        }
    }

    /// Ratios, the best-peer pick (fewest Ir/event among peers whose output
    /// decodes), met/missed on the two targets, mismatch and failure marks.
    #[test]
    fn render_builds_the_ratios_and_verdicts() {
        use PKind::{Baseline, Ours, Peer};
        use WKind::{Large, Small};
        let cells = vec![
            cell(
                "write-baseline",
                Baseline,
                Small,
                20_000,
                vec![20_000],
                true,
            ),
            cell("peer-a", Peer, Small, 90_000, vec![90_000], true),
            cell("peer-b", Peer, Small, 60_000, vec![60_000, 61_000], true),
            // Leanest, but its output fails the check: not the best peer.
            cell("peer-broken", Peer, Small, 10_000, vec![10_000], false),
            cell("ssewire", Ours, Small, 24_000, vec![24_000], true),
            cell(
                "write-baseline",
                Baseline,
                Large,
                1_000_000,
                vec![1_000_000],
                true,
            ),
            cell("peer-a", Peer, Large, 5_000_000, vec![5_000_000], true),
            cell("ssewire", Ours, Large, 1_200_000, vec![1_200_000], true),
            EncCell {
                row: "peer-b".to_string(),
                kind: Peer,
                set: Large,
                result: Err("exit 1: boom".to_string()),
            },
        ];
        let md = render(&cells, 2);
        let line = |prefix: &str| {
            md.lines()
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no line {prefix:?} in\n{md}"))
                .to_string()
        };
        assert_eq!(
            line("| small | 240.0"),
            "| small | 240.0 | 200.0 | 1.20× | peer-b | 600.0 | 0.40× | ≤ 0.5× best peer: **met** (0.40×) |"
        );
        assert_eq!(
            line("| large | 12,000"),
            "| large | 12,000 | 10,000 | 1.20× | peer-a | 50,000 | 0.24× | ≤ 1.1× baseline: **missed** (1.20×) |"
        );
        assert!(line("| peer-broken |").contains("**MISMATCH**"));
        assert!(line("| peer-b | failed |").ends_with("| – |"));
        assert!(md.contains("peer-b / large: FAILED, exit 1: boom"));
        assert!(md.contains("peer-b / small: 60,000 – 61,000 (1.67%)"));
        assert_eq!(
            line("| ssewire | 240.0"),
            "| ssewire | 240.0 | 24.000 | 24,000 | 1,000 | ok |"
        );
    }
}
