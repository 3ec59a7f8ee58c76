//! `--bench FILE`: how fast ssewire decodes your own stream.

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use ssewire::{Decoded, Decoder, Limits};

/// Runs per cell; the median is reported.
const RUNS: usize = 5;
/// A run repeats the decoding until it lasts at least this long, so that
/// small inputs are timed over many passes.
const RUN_AT_LEAST: Duration = Duration::from_millis(100);

/// The two ways of taking events out.
#[derive(Clone, Copy)]
enum Path {
    /// `Decoder::feed`, events borrowed from the chunk or the decoder.
    Borrowed,
    /// The same, each event kept with `into_owned()` (and then dropped).
    Owned,
}

impl Path {
    fn name(self) -> &'static str {
        match self {
            Path::Borrowed => "borrowed",
            Path::Owned => "owned",
        }
    }
}

/// What one pass over the input found: events, and their data's bytes
/// (read, so that the work cannot be skipped).
fn pass(input: &[u8], chunk: usize, limits: Limits, path: Path) -> (usize, usize) {
    let mut decoder = Decoder::builder().limits(limits).build();
    let (mut events, mut bytes) = (0, 0);
    let mut kept = Vec::new();
    for piece in input.chunks(chunk) {
        decoder.feed(piece, |item| {
            if let Decoded::Event(event) = item {
                events += 1;
                bytes += event.data.len();
                if let Path::Owned = path {
                    kept.push(event.into_owned());
                }
            }
        });
    }
    let _ = decoder.finish();
    black_box(&kept);
    (events, bytes)
}

/// One timed run: passes repeated for at least [`RUN_AT_LEAST`]; returns
/// the time per pass.
fn run(input: &[u8], chunk: usize, limits: Limits, path: Path) -> Duration {
    let start = Instant::now();
    let mut passes = 0u32;
    loop {
        black_box(pass(black_box(input), chunk, limits, path));
        passes += 1;
        let elapsed = start.elapsed();
        if elapsed >= RUN_AT_LEAST {
            return elapsed / passes;
        }
    }
}

/// Measures and prints the table. (Byte and event counts become `f64`
/// for rates: exact up to 2^53, far beyond any input that fits in memory.) `progress_after`: from when on progress
/// goes to stderr.
#[allow(clippy::cast_precision_loss)]
pub fn bench(
    name: &str,
    input: &[u8],
    chunks: &[usize],
    limits: Limits,
    out: &mut impl Write,
    progress_after: Duration,
) -> std::io::Result<()> {
    let started = Instant::now();
    let (events, data) = pass(input, usize::MAX, limits, Path::Borrowed);
    let mib = input.len() as f64 / f64::from(1 << 20);
    writeln!(out, "sse_to_json --bench {name}")?;
    writeln!(
        out,
        "input:   {} bytes ({mib:.2} MiB), {events} events, {data} bytes of data",
        input.len()
    )?;
    writeln!(out, "machine: {}", machine())?;
    if cfg!(debug_assertions) {
        writeln!(
            out,
            "WARNING: a debug build; its figures say nothing of ssewire's speed. \
             Build with `cargo run --release -p ssewire-cli -- --bench ...`."
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<9} {:>9} {:>10} {:>14} {:>8}",
        "path", "chunk", "MiB/s", "events/s", "spread"
    )?;
    let cells = chunks.len() * 2;
    let mut cell = 0;
    for &chunk in chunks {
        for path in [Path::Borrowed, Path::Owned] {
            cell += 1;
            let mut times: Vec<Duration> = (0..RUNS)
                .map(|run_index| {
                    let time = run(input, chunk, limits, path);
                    if started.elapsed() >= progress_after {
                        eprintln!(
                            "sse_to_json: bench {}/{cells}: {} at chunk {chunk}, run {}/{RUNS}",
                            cell,
                            path.name(),
                            run_index + 1
                        );
                    }
                    time
                })
                .collect();
            times.sort();
            let median = times[RUNS / 2].as_secs_f64();
            let spread = times[RUNS - 1].saturating_sub(times[0]).as_secs_f64() / median * 100.0;
            writeln!(
                out,
                "{:<9} {:>9} {:>10.1} {:>14.0} {:>7.1}%",
                path.name(),
                chunk,
                mib / median,
                events as f64 / median,
                spread
            )?;
        }
    }
    writeln!(out)?;
    let notes = [
        format!(
            "Each figure is the median of {RUNS} runs; a run decodes the whole input again and again"
        ),
        format!(
            "for at least {} ms. `spread` is (slowest - fastest) / median of the runs.",
            RUN_AT_LEAST.as_millis()
        ),
        "Reading the noise: with a spread under about 5%, differences larger than the spread are"
            .into(),
        "real on this machine; above it the machine was busy (other processes, frequency scaling):"
            .into(),
        "run again, or compare only rows of one run. Compare ratios (owned against borrowed, one"
            .into(),
        "chunk size against another), not absolute figures across machines. On a shared machine,"
            .into(),
        "instruction counts (valgrind --tool=callgrind) are steadier than time.".into(),
    ];
    for note in notes {
        writeln!(out, "{note}")?;
    }
    Ok(())
}

/// The machine, as far as the standard library and Linux's /proc tell.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "CPU model unknown".into());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|load| load.split_whitespace().next().map(str::to_owned))
        .map_or_else(String::new, |load| format!(", load average {load}"));
    format!(
        "{model}, {cpus} CPUs available, {}-{}{load}",
        std::env::consts::ARCH,
        std::env::consts::OS
    )
}

#[cfg(test)]
mod tests {
    use super::{Path, pass};
    use ssewire::Limits;

    #[test]
    fn a_pass_counts_every_event_on_either_path_at_any_chunk_size() {
        let input = b"data: a\n\ndata: bc\r\n\r\n: x\ndata: d\rdata: e\r\r".repeat(10);
        for chunk in [1, 3, 64, usize::MAX] {
            for path in [Path::Borrowed, Path::Owned] {
                assert_eq!(pass(&input, chunk, Limits::default(), path), (30, 60));
            }
        }
    }
}
