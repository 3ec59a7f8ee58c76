//! The command line: what it may say, and the help that says it.

use ssewire::Limits;

/// The one-line usage, printed after a usage error.
pub const USAGE: &str =
    "usage: sse_to_json [OPTIONS] [FILE | -]\n       sse_to_json --bench FILE [--chunk N]...";

/// The whole help, for `--help`.
pub fn help() -> String {
    format!(
        "\
{USAGE}

Decodes a text/event-stream from FILE (or stdin, also when FILE is -) and
prints one JSON object per line: each event, each retry, and the last event
ID at the end. With --bench, measures how fast ssewire decodes FILE instead.

options:
  --chunk N          feed the decoder at most N bytes at a time (default 8192);
                     with --bench, may be given several times
  --max-line-len N   longest line accepted, in bytes, without its line ending
                     (default {line})
  --max-event-len N  largest event data accepted, in bytes (default {event})
  --unlimited        no limits at all; a later --max-* option sets that one
  --bench FILE       print MiB/s and events/s for borrowed and owned events at
                     each --chunk size (median of 5 runs), and the machine
  -V, --version      print the version and exit
  -h, --help         print this and exit

exit status:
  0  the input was decoded to its end (an event cut off by the end of the
     input is discarded, as the standard says, and reported on stderr)
  1  one or more events were skipped for exceeding a limit (stderr says
     which option raises it); every other event was printed
  2  usage error
  3  the input could not be read, or the output could not be written
     (a closed pipe, as with `| head`, is not an error: it ends quietly)",
        line = Limits::DEFAULT_MAX_LINE_LEN,
        event = Limits::DEFAULT_MAX_EVENT_LEN,
    )
}

/// Where the stream comes from.
#[derive(Debug, PartialEq, Eq, Clone)]
pub enum Input {
    Stdin,
    File(String),
}

impl Input {
    /// How messages name it.
    pub fn name(&self) -> &str {
        match self {
            Input::Stdin => "stdin",
            Input::File(path) => path,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Decode `input` to JSON lines.
    Decode {
        chunk: usize,
        limits: Limits,
        input: Input,
    },
    /// Measure decoding `path` at each chunk size.
    Bench {
        chunks: Vec<usize>,
        limits: Limits,
        path: String,
    },
    Help,
    Version,
}

/// Reads the arguments (without the program name).
pub fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut chunks = Vec::new();
    let mut limits = Limits::default();
    let mut input = None;
    let mut bench = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--chunk" => {
                let chunk = number(&arg, args.next())?;
                if chunk == 0 {
                    return Err("--chunk takes a positive number, not 0".into());
                }
                chunks.push(chunk);
            }
            "--max-line-len" => limits = limits.max_line_len(Some(number(&arg, args.next())?)),
            "--max-event-len" => limits = limits.max_event_len(Some(number(&arg, args.next())?)),
            "--unlimited" => limits = Limits::unlimited(),
            "--bench" => {
                let path = args.next().ok_or("--bench needs a FILE")?;
                if bench.replace(path).is_some() {
                    return Err("--bench given twice".into());
                }
            }
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "-" if input.is_none() => input = Some(Input::Stdin),
            _ if input.is_none() && !arg.starts_with('-') => input = Some(Input::File(arg)),
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg:?}")),
            _ => return Err(format!("unexpected argument {arg:?}: one input at most")),
        }
    }
    if let Some(path) = bench {
        if let Some(input) = input {
            return Err(format!(
                "--bench takes its own FILE; unexpected {:?}",
                input.name()
            ));
        }
        if chunks.is_empty() {
            chunks.push(8192);
        }
        return Ok(Command::Bench {
            chunks,
            limits,
            path,
        });
    }
    if chunks.len() > 1 {
        return Err("--chunk given more than once (allowed with --bench only)".into());
    }
    Ok(Command::Decode {
        chunk: chunks.first().copied().unwrap_or(8192),
        limits,
        input: input.unwrap_or(Input::Stdin),
    })
}

/// The number that follows `option`.
fn number(option: &str, value: Option<String>) -> Result<usize, String> {
    let value = value.ok_or_else(|| format!("{option} needs a number"))?;
    value
        .parse()
        .map_err(|_| format!("{option} takes a number of bytes, not {value:?}"))
}

#[cfg(test)]
mod tests {
    use super::{Command, Input, Limits, help, parse_args};

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|&arg| arg.to_owned()))
    }

    #[test]
    fn defaults_are_the_crate_defaults() {
        assert_eq!(
            parse(&[]),
            Ok(Command::Decode {
                chunk: 8192,
                limits: Limits::default(),
                input: Input::Stdin,
            })
        );
    }

    #[test]
    fn a_dash_is_stdin() {
        let input = |args: &[&str]| match parse(args) {
            Ok(Command::Decode { input, .. }) => input,
            other => panic!("{other:?}"),
        };
        assert_eq!(input(&["-"]), Input::Stdin);
        assert_eq!(input(&["a.sse"]), Input::File("a.sse".into()));
        assert!(parse(&["-", "a.sse"]).is_err());
    }

    #[test]
    fn limit_options_apply_in_order() {
        let limits = |args: &[&str]| match parse(args) {
            Ok(Command::Decode { limits, .. }) => limits,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            limits(&["--max-line-len", "10", "--max-event-len", "20"]),
            Limits::default()
                .max_line_len(Some(10))
                .max_event_len(Some(20))
        );
        assert_eq!(
            limits(&["--max-line-len", "10", "--unlimited"]),
            Limits::unlimited()
        );
        assert_eq!(
            limits(&["--unlimited", "--max-event-len", "0"]),
            Limits::unlimited().max_event_len(Some(0))
        );
    }

    #[test]
    fn bench_takes_several_chunk_sizes() {
        assert_eq!(
            parse(&["--bench", "f.sse", "--chunk", "64", "--chunk", "65536"]),
            Ok(Command::Bench {
                chunks: vec![64, 65536],
                limits: Limits::default(),
                path: "f.sse".into(),
            })
        );
        assert_eq!(
            parse(&["--chunk", "7", "--bench", "f.sse"]),
            Ok(Command::Bench {
                chunks: vec![7],
                limits: Limits::default(),
                path: "f.sse".into(),
            })
        );
    }

    #[test]
    fn bad_arguments_are_refused() {
        for args in [
            &["--max-line-len"][..],
            &["--max-event-len", "-1"],
            &["--max-line-len", "1k"],
            &["--chunk", "0"],
            &["--chunk", "1", "--chunk", "2"],
            &["--limit", "4"],
            &["a.sse", "b.sse"],
            &["--bench"],
            &["--bench", "a", "b"],
        ] {
            assert!(parse(args).is_err(), "{args:?} accepted");
        }
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
        assert_eq!(parse(&["-V"]), Ok(Command::Version));
    }

    #[test]
    fn help_lists_every_option_and_exit_status() {
        for text in [
            "--chunk",
            "--max-line-len",
            "--max-event-len",
            "--unlimited",
            "--bench",
            "--version",
            "--help",
            "exit status",
            "  0  ",
            "  1  ",
            "  2  ",
            "  3  ",
        ] {
            assert!(help().contains(text), "{text} missing from the help");
        }
    }
}
