//! A deterministic mutator: the stable harness's stand-in for libFuzzer's. Each case is a
//! seed with a few byte-level edits, drawn from a PRNG seeded by the target's name and the
//! case number, so that a failure names a case that reproduces anywhere.

/// Tokens worth splicing in: the syntax of the inputs the targets read (OTTL, YAML, JSON,
/// protobuf varints and lengths) and bytes that break text (a lone UTF-8 lead byte).
#[rustfmt::skip]
const TOKENS: &[&[u8]] = &[
    b"\"", b"'", b"\\", b"(", b")", b"[", b"]", b"{", b"}", b",", b":", b"\n", b"- ", b"  ", b"${env:OTTL_FUZZ}", b"${",
    b"&a", b"*a", b"<<: ", b"!!str ", b"|\n", b" where ", b" > ", b"==", b"nil", b"true", b"-1", b"1e308", b"NaN",
    b"9223372036854775808", b"\"\\u0000\"", b"\xff", b"\xc3", b"\x80", b"\x00", b"\xff\xff\xff\xff\x0f",
    b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", b"\x0a\x7f", b"\x12\x00", b"\x1f\x8b\x08\x00",
];

/// A xorshift64* generator: tiny, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(name: &str, case: u64) -> Rng {
        // FNV-1a of the name, mixed with the case: never the all-zero state.
        let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        Rng((hash ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// One case: a seed, edited one to four times.
pub fn case(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut input = seeds.get(rng.below(seeds.len())).cloned().unwrap_or_default();
    for _ in 0..=rng.below(4) {
        edit(rng, &mut input, seeds);
    }
    input
}

fn edit(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let at = rng.below(input.len() + 1);
    match rng.below(8) {
        0 if at < input.len() => input[at] ^= 1 << rng.below(8),
        1 if at < input.len() => input[at] = rng.below(256) as u8,
        2 => input.insert(at, rng.below(256) as u8),
        3 => {
            let end = (at + 1 + rng.below(16)).min(input.len());
            input.drain(at.min(end)..end);
        }
        4 => {
            let end = (at + 1 + rng.below(64)).min(input.len());
            let copy = input[at.min(end)..end].to_vec();
            let to = rng.below(input.len() + 1);
            input.splice(to..to, copy);
        }
        5 => {
            let token = TOKENS[rng.below(TOKENS.len())];
            input.splice(at..at, token.iter().copied());
        }
        6 => {
            // Splice: this input's head, another seed's tail.
            let Some(other) = seeds.get(rng.below(seeds.len())) else { return };
            let from = rng.below(other.len() + 1);
            input.truncate(at);
            input.extend_from_slice(&other[from..]);
        }
        _ => input.truncate(at),
    }
}
