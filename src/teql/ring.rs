// SPDX-License-Identifier: GPL-2.0

//! The slave ring of an equalizer, kept as an array in ring order plus the
//! index of its head (sch_teql.c keeps a circular list of qdiscs and a
//! pointer to the head: the next slave to try).
//!
//! A new slave goes right after the head; a removed head hands over to the
//! slave after it; a slave that sent (or whose queue ran empty) moves the
//! head.

/// Where a slave joins a ring of `len` slaves whose head is at `head`, and
/// the head afterwards: right after the head (the first slave becomes the
/// head).
pub fn insert(head: usize, len: usize) -> (usize, usize) {
    if len == 0 {
        (0, 0)
    } else {
        (head + 1, head)
    }
}

/// The head after the slave at `removed` leaves a ring of `len` slaves
/// (head at `head`), or `None` when the ring is then empty. A removed head
/// hands over to the slave after it.
pub fn head_after_remove(head: usize, removed: usize, len: usize) -> Option<usize> {
    let new_len = len.checked_sub(1).filter(|&n| n > 0)?;
    Some(if removed < head {
        head - 1
    } else if removed == head {
        if removed == new_len {
            0
        } else {
            removed
        }
    } else {
        head
    })
}

/// The index of the slave after `index` in a ring of `len`.
pub fn next(index: usize, len: usize) -> usize {
    if index + 1 >= len {
        0
    } else {
        index + 1
    }
}

/// The ring position `step` slaves after `head` in a ring of `len`: the
/// order in which a transmit tries the slaves (0 in an empty ring).
pub fn nth_from(head: usize, step: usize, len: usize) -> usize {
    head.wrapping_add(step).checked_rem(len).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    /// sch_teql.c's ring: each slave's `next`, and the head.
    #[derive(Default)]
    struct Linked {
        next: std::collections::BTreeMap<u32, u32>,
        head: Option<u32>,
    }

    impl Linked {
        fn insert(&mut self, id: u32) {
            match self.head {
                None => {
                    self.next.insert(id, id);
                    self.head = Some(id);
                }
                Some(h) => {
                    let after = self.next[&h];
                    self.next.insert(id, after);
                    self.next.insert(h, id);
                }
            }
        }

        fn remove(&mut self, id: u32) {
            let Some(head) = self.head else { return };
            let mut prev = head;
            loop {
                let q = self.next[&prev];
                if q == id {
                    let nxt = self.next[&q];
                    self.next.insert(prev, nxt);
                    self.next.remove(&q);
                    if q == head {
                        self.head = Some(nxt);
                        if q == nxt {
                            self.head = None;
                        }
                    }
                    return;
                }
                prev = q;
                if prev == head {
                    return;
                }
            }
        }

        fn order(&self) -> Vec<u32> {
            let mut v = Vec::new();
            if let Some(h) = self.head {
                let mut q = h;
                loop {
                    v.push(q);
                    q = self.next[&q];
                    if q == h {
                        break;
                    }
                }
            }
            v
        }
    }

    fn order(ring: &[u32], head: usize) -> Vec<u32> {
        (0..ring.len())
            .map(|k| ring[nth_from(head, k, ring.len())])
            .collect()
    }

    #[test]
    fn joins_after_head() {
        let mut ring = Vec::new();
        let mut head = 0;
        for id in [1, 2, 3] {
            let (at, h) = insert(head, ring.len());
            ring.insert(at, id);
            head = h;
        }
        assert_eq!(order(&ring, head), [1, 3, 2]);
    }

    proptest! {
        /// Inserting, removing and moving the head as the array does gives
        /// the same ring order as sch_teql.c's linked ring.
        #[test]
        fn same_order_as_the_linked_ring(ops in proptest::collection::vec((0u8..3, 0u32..6), 0..60)) {
            let mut linked = Linked::default();
            let mut ring: Vec<u32> = Vec::new();
            let mut head = 0;
            for (op, id) in ops {
                match op {
                    0 if !ring.contains(&id) => {
                        linked.insert(id);
                        let (at, h) = insert(head, ring.len());
                        ring.insert(at, id);
                        head = h;
                    }
                    1 => {
                        linked.remove(id);
                        if let Some(i) = ring.iter().position(|&x| x == id) {
                            head = head_after_remove(head, i, ring.len()).unwrap_or(0);
                            ring.remove(i);
                        }
                    }
                    2 => {
                        // A slave sent: the head moves on if it was the head.
                        if let (Some(i), Some(h)) =
                            (ring.iter().position(|&x| x == id), linked.head)
                        {
                            if i == head {
                                head = next(head, ring.len());
                            }
                            if h == id {
                                linked.head = Some(linked.next[&id]);
                            }
                        }
                    }
                    _ => {}
                }
                prop_assert_eq!(order(&ring, head), linked.order());
            }
        }
    }
}
