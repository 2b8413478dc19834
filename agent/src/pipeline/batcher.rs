//! The batch processor: a task per batch processor of a pipeline, between two chains.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::chain::{Batch, Chain};
use crate::batching::{append, split_off_front};
use crate::config::BatchConfig;

/// The batch processor: gathers batches until `send_batch_size` items or `timeout`, then
/// sends them on in pieces of at most `send_batch_max_size`. Ends, flushing what it holds,
/// when its input closes.
///
/// A batch of another generation than the one held (a reload happened) first flushes
/// what is held, so that batches of two generations are never merged.
pub fn start_batcher(config: BatchConfig, mut input: mpsc::Receiver<Batch>, downstream: Arc<Chain>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut pending: Option<Batch> = None;
        let mut deadline = None;
        loop {
            let timeout = async {
                match deadline {
                    Some(deadline) => tokio::time::sleep_until(deadline).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                received = input.recv() => match received {
                    Some(batch) => {
                        // A reload happened: what is held finishes on its own generation.
                        let reloaded = pending.as_ref().is_some_and(|held| !Arc::ptr_eq(&held.generation, &batch.generation));
                        if let Some(held) = pending.take_if(|_| reloaded) {
                            flush(held, &config, &downstream).await;
                        }
                        match &mut pending {
                            None => {
                                pending = Some(batch);
                                deadline = Some(tokio::time::Instant::now() + config.timeout);
                            }
                            Some(held) => {
                                let Batch { generation, reservation, telemetry } = batch;
                                match append(&mut held.telemetry, telemetry) {
                                    None => held.reservation.merge(reservation),
                                    Some(unmerged) => {
                                        downstream.clone().push(Batch { generation, reservation, telemetry: unmerged }).await;
                                    }
                                }
                            }
                        }
                        while pending.as_ref().is_some_and(|held| held.telemetry.item_count() >= config.send_batch_size) {
                            if let Some(held) = pending.as_mut() {
                                downstream.clone().push(front_of(held, &config)).await;
                            }
                            if pending.as_ref().is_some_and(|held| held.telemetry.item_count() == 0) {
                                pending = None;
                                deadline = None;
                            }
                        }
                    }
                    None => break,
                },
                () = timeout => {
                    deadline = None;
                    if let Some(held) = pending.take() {
                        flush(held, &config, &downstream).await;
                    }
                }
            }
        }
        if let Some(held) = pending.take() {
            flush(held, &config, &downstream).await;
        }
    })
}

/// Sends everything held, in pieces of at most `send_batch_max_size`.
async fn flush(mut held: Batch, config: &BatchConfig, downstream: &Arc<Chain>) {
    while held.telemetry.item_count() > 0 {
        downstream.clone().push(front_of(&mut held, config)).await;
    }
}

/// The first `send_batch_max_size` items of what is held, as a batch of their own. It
/// holds the whole reservation: which bytes were whose is not known after a merge.
fn front_of(held: &mut Batch, config: &BatchConfig) -> Batch {
    let telemetry = split_off_front(&mut held.telemetry, max_size(config));
    Batch { generation: held.generation.clone(), reservation: held.reservation.clone(), telemetry }
}

/// `send_batch_max_size`, where 0 means no limit.
fn max_size(config: &BatchConfig) -> usize {
    if config.send_batch_max_size > 0 { config.send_batch_max_size } else { usize::MAX }
}
