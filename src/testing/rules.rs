//! The rule ids of `docs/SPEC.md` that scenarios reach.

/// The ids of `docs/SPEC.md` that scenarios reach, with finer facets after
/// a `/`: every one is reached by some scenario (the crate's
/// `tests/testing_api.rs` checks that over a few thousand seeds).
///
/// Not reached: R15 (messages the encoder refuses: [`Scenario::messages`](super::Scenario::messages)
/// gives only valid ones), C3 (it spans two streams), and the connection
/// rules R18 to R22, which concern a client, not bytes.
///
/// ```
/// assert!(ssewire::testing::RULES.contains(&"R10d"));
/// ```
pub const RULES: &[&str] = &[
    "R1",
    "R1/split",
    "R2",
    "R2/split",
    "R2/not-a-bom",
    "R3",
    "R3/cr",
    "R3/lf",
    "R3/crlf",
    "R3/split",
    "R4",
    "R5",
    "R6",
    "R7",
    "R7/no-space",
    "R8",
    "R9",
    "R10a",
    "R10b",
    "R10c",
    "R10c/nul",
    "R10d",
    "R10d/ignored",
    "R11a",
    "R11b",
    "R11c",
    "R11d",
    "R11e",
    "R12",
    "R13",
    "R14",
    "R16",
    "R17",
    "C1",
    "C2",
    "C2/line",
    "C2/event",
    "C4",
    "C5",
];

/// A rule or facet reached; its index in [`RULES`] is its discriminant.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Rule {
    R1,
    R1Split,
    R2,
    R2Split,
    R2NotABom,
    #[allow(dead_code)] // reached through its facets
    R3,
    R3Cr,
    R3Lf,
    R3CrLf,
    R3Split,
    R4,
    R5,
    R6,
    R7,
    R7NoSpaceValueWithSpace,
    R8,
    R9,
    R10a,
    R10b,
    R10c,
    R10cNul,
    R10d,
    R10dIgnored,
    R11a,
    R11b,
    R11c,
    R11d,
    R11e,
    R12,
    R13,
    R14,
    R16,
    R17,
    C1,
    C2,
    C2Line,
    C2Event,
    C4,
    C5,
}
