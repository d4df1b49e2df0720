//! Record conversion on the rayon pool for a streaming reader whose record
//! boundaries are found line by line (RIS, where converting a record, with
//! its reference parsing, costs far more than finding it; WoS plain text
//! measured no faster this way and stays sequential).
//!
//! The reader splits its input into raw records sequentially (cheap) and
//! hands each raw record to a [`Batch`]; a full batch is converted to
//! [`Record`]s in parallel (the costly part: reference parsing) by a worker
//! thread while the reader splits the next batch, and handed on in input
//! order. Each conversion's diagnostics are put back exactly
//! where the sequential reader would have put them (after the splitter's
//! diagnostics that came before the record was complete), so records,
//! diagnostics and their order do not depend on the thread count.

use crate::model::{Diagnostic, Record};
use rayon::prelude::*;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Raw records converted together: enough to keep every core busy, few
/// enough to keep memory small.
const BATCH: usize = 256;

/// A waiting raw record: the item, the number of diagnostics when it was
/// complete, and the number of conversion diagnostics put in before then.
type Waiting<T> = (T, usize, usize);

/// A converted record with its diagnostics and where they go.
type Converted = (Record, Vec<Diagnostic>, usize, usize);

/// The ends of the channels to and from the worker.
type Worker<T> = (SyncSender<Vec<Waiting<T>>>, Receiver<Vec<Converted>>);

/// Raw records waiting for conversion by the worker thread
/// ([`Batch::background`]): a full batch is converted while the reader goes
/// on splitting the next one; at most one batch is in conversion.
pub(crate) struct Batch<T> {
    items: Vec<Waiting<T>>,
    /// Conversion diagnostics put into the reader's list so far.
    inserted: usize,
    worker: Worker<T>,
    in_flight: bool,
}

impl<T: Send> Batch<T> {
    /// A batch converted with `convert` by a worker thread of `scope` (on
    /// the rayon pool) while the reader goes on. Should `convert` panic, the
    /// worker ends and the scope passes the panic on when it closes.
    pub(crate) fn background<'s, 'e>(
        scope: &'s std::thread::Scope<'s, 'e>,
        convert: &'s (dyn Fn(T, &mut Vec<Diagnostic>) -> Record + Sync),
    ) -> Self
    where
        T: 's,
    {
        let (to_worker, items) = sync_channel::<Vec<Waiting<T>>>(1);
        let (done, from_worker) = sync_channel::<Vec<Converted>>(1);
        scope.spawn(move || {
            for batch in items {
                let converted: Vec<Converted> = batch
                    .into_par_iter()
                    .map(|(item, at, before)| {
                        let mut d = Vec::new();
                        let mut r = convert(item, &mut d);
                        // Here, on the pool, rather than where records are
                        // handed on (where it is then a look at each list).
                        super::fit_record(&mut r);
                        (r, d, at, before)
                    })
                    .collect();
                if done.send(converted).is_err() {
                    break;
                }
            }
        });
        Batch { items: Vec::new(), inserted: 0, worker: (to_worker, from_worker), in_flight: false }
    }

    /// Adds a complete raw record; `diagnostics` is the reader's list as it
    /// stands.
    pub(crate) fn push(&mut self, item: T, diagnostics: &[Diagnostic]) {
        self.items.push((item, diagnostics.len(), self.inserted));
    }

    /// True when the batch should be handed on now ([`Batch::flush`]).
    pub(crate) fn is_full(&self) -> bool {
        self.items.len() >= BATCH
    }

    /// Delivers the batch in conversion and sends the waiting records to
    /// the worker.
    pub(crate) fn flush(&mut self, diagnostics: &mut Vec<Diagnostic>, on_record: &mut dyn FnMut(Record)) {
        self.receive(diagnostics, on_record);
        let items = std::mem::take(&mut self.items);
        // A send fails only when the worker has panicked (passed on by the scope).
        if !items.is_empty() && self.worker.0.send(items).is_ok() {
            self.in_flight = true;
        }
    }

    /// Delivers everything: the batch in conversion, then the waiting records.
    pub(crate) fn finish(&mut self, diagnostics: &mut Vec<Diagnostic>, on_record: &mut dyn FnMut(Record)) {
        self.flush(diagnostics, on_record);
        self.receive(diagnostics, on_record);
    }

    /// Waits for the batch in conversion and delivers it.
    fn receive(&mut self, diagnostics: &mut Vec<Diagnostic>, on_record: &mut dyn FnMut(Record)) {
        if !std::mem::take(&mut self.in_flight) {
            return;
        }
        if let Ok(done) = self.worker.1.recv() {
            self.deliver(done, diagnostics, on_record);
        }
    }

    /// Puts each record's diagnostics where a sequential reader would have
    /// put them and hands the records on in order.
    fn deliver(
        &mut self,
        done: Vec<Converted>,
        diagnostics: &mut Vec<Diagnostic>,
        on_record: &mut dyn FnMut(Record),
    ) {
        // Where record `at` (counted before `before` insertions) goes now.
        let now = |at: usize, before: usize, inserted: usize| at + (inserted - before);
        let Some(&(_, _, at, before)) = done.first() else { return };
        let base = now(at, before, self.inserted).min(diagnostics.len());
        let later = diagnostics.split_off(base);
        let mut later = later.into_iter();
        let mut pos = base;
        for (record, d, at, before) in done {
            let target = now(at, before, self.inserted);
            while pos < target {
                match later.next() {
                    Some(x) => diagnostics.push(x),
                    None => break,
                }
                pos += 1;
            }
            pos += d.len();
            self.inserted += d.len();
            diagnostics.extend(d);
            on_record(record);
        }
        diagnostics.extend(later);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Provenance;

    /// Diagnostics of conversions land where a sequential reader puts them,
    /// between the splitter's own, and records keep their order.
    #[test]
    fn diagnostics_and_records_keep_the_sequential_order() {
        let note = |s: &str| Diagnostic::warning(Provenance::new("x", 0, None), s.to_string());
        let convert = |n: u32, d: &mut Vec<Diagnostic>| {
            d.push(Diagnostic::warning(Provenance::new("x", n, None), format!("record {n}")));
            Record::new(Provenance::new("x", n, None), "test")
        };
        // The sequential order: s0, record 1, s1, s2, record 2, record 3, s3.
        let mut diags = vec![note("before")];
        let mut lines = Vec::new();
        std::thread::scope(|s| {
            let mut b = Batch::background(s, &convert);
            diags.push(note("s0"));
            b.push(1, &diags);
            diags.push(note("s1"));
            diags.push(note("s2"));
            b.push(2, &diags);
            b.push(3, &diags);
            diags.push(note("s3"));
            b.finish(&mut diags, &mut |r| lines.push(r.at.line));
        });
        let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs, ["before", "s0", "record 1", "s1", "s2", "record 2", "record 3", "s3"]);
        assert_eq!(lines, [1, 2, 3]);
    }

    /// With the background worker, splitter diagnostics met while a batch is
    /// in conversion still come after that batch's own, as in a sequential
    /// reading.
    #[test]
    fn background_conversion_keeps_the_sequential_order() {
        let convert = |n: u32, d: &mut Vec<Diagnostic>| {
            if n % 3 == 0 {
                d.push(Diagnostic::warning(Provenance::new("x", n, None), format!("record {n}")));
            }
            Record::new(Provenance::new("x", n, None), "test")
        };
        let sequential = {
            let mut diags = Vec::new();
            for n in 0..2000u32 {
                convert(n, &mut diags);
                if n % 7 == 0 {
                    diags.push(Diagnostic::warning(Provenance::new("x", n, None), format!("split {n}")));
                }
            }
            diags
        };
        let mut diags = Vec::new();
        let mut lines = Vec::new();
        std::thread::scope(|s| {
            let mut b = Batch::background(s, &convert);
            for n in 0..2000u32 {
                b.push(n, &diags);
                if n % 7 == 0 {
                    diags.push(Diagnostic::warning(Provenance::new("x", n, None), format!("split {n}")));
                }
                if b.is_full() {
                    b.flush(&mut diags, &mut |r| lines.push(r.at.line));
                }
            }
            b.finish(&mut diags, &mut |r| lines.push(r.at.line));
        });
        assert!(lines.iter().copied().eq(0..2000));
        assert_eq!(diags, sequential);
    }
}
