//! Rule swaps over OpAMP under load: clients stream log records into the agent (a process)
//! while a server pushes a new rule set every 100 ms, each generation stamping the records
//! it runs with its number. The pushes come from a small server in the test process
//! (common::opamp_push, which says why not ottl-fleet or opamp-go's server).

#![allow(clippy::unwrap_used, reason = "a test harness: a step that cannot be done fails the test, with the error")]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::swaps::under_load;
use ottl_opamp::proto::RemoteConfigStatuses;

/// Generations pushed, one every [`INTERVAL`]: five seconds of swaps.
const GENERATIONS: usize = 50;
const INTERVAL: Duration = Duration::from_millis(100);

/// The generation a record's stamp names, if it names exactly one ("N;").
fn generation(stamp: &str) -> Option<usize> {
    stamp.strip_suffix(';').filter(|n| !n.contains(';')).and_then(|n| n.parse().ok())
}

/// Every acknowledged record arrives exactly once, stamped by exactly one generation;
/// each client's records (sent one request after the other's answer) see generations only
/// move forward; every generation is APPLIED.
#[test]
fn swaps_every_100ms_under_load_run_each_record_through_exactly_one_generation() {
    let run = under_load("swaps", GENERATIONS, INTERVAL, 2);
    assert!(run.ledger.unexpected.is_empty(), "{:?}", run.ledger.unexpected);
    assert!(run.ledger.refused.is_empty(), "the load is modest: nothing is pushed back");
    if let Err(problems) = run.ledger.check(&run.arrivals) {
        panic!("{problems}\nthe agent's log:\n{}", run.log);
    }
    let applied = run.reported.iter().filter(|s| **s == Some(RemoteConfigStatuses::Applied)).count();
    assert_eq!(applied, GENERATIONS, "every pushed generation is APPLIED: {:?}", run.reported);

    // Each client's requests in the order it sent them: (request, generation).
    let mut clients: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (id, stamps) in &run.arrivals {
        let [stamp] = stamps.as_slice() else { unreachable!("checked above: {id} arrived once") };
        let Some(generation) = generation(stamp).filter(|g| *g <= GENERATIONS) else {
            panic!("record {id} carries `{stamp}`: not exactly one generation's stamp")
        };
        let mut parts = id.split('-');
        let (client, request) = (parts.next().unwrap(), parts.next().unwrap().parse().unwrap());
        clients.entry(client).or_default().push((request, generation));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (client, mut records) in clients {
        records.sort_unstable();
        for pair in records.windows(2) {
            let [(first, earlier), (then, later)] = pair else { unreachable!() };
            assert!(earlier <= later, "client {client}: request {first} ran in generation {earlier}, request {then} in {later}");
        }
        seen.extend(records.into_iter().map(|(_, generation)| generation));
    }
    assert!(seen.contains(&GENERATIONS), "the last generation served");
    assert!(seen.len() > GENERATIONS / 2, "most generations served records: {seen:?}");
}
