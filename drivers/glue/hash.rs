// SPDX-License-Identifier: GPL-2.0

//! A hash table read without locks: the kernel's rhashtable (resizable,
//! RCU-safe lookups) keyed by 8 bytes, plus a newest-first list for ordered
//! walks, as `net/bridge` keeps its forwarding database.
//!
//! Readers look up and walk inside an RCU read-side section. Writers hold
//! the table's spinlock (bottom halves off, so the receive path can insert
//! too) through a [`HashWriter`]; removed entries are freed after a grace
//! period.

use super::bindings as b;
use super::rcu::RcuSection;
use core::marker::PhantomData;
use kernel::alloc::{flags::GFP_ATOMIC, flags::GFP_KERNEL, KBox};
use kernel::error::{code::ENOMEM, Result};
use kernel::types::Opaque;

/// An entry: the C node (hash linkage, key, list linkage, RCU head) and
/// the value. `repr(C)` with the node first, so a node pointer is an entry
/// pointer.
#[repr(C)]
struct Node<V> {
    head: Opaque<b::rvnet_rht_node>,
    value: V,
}

/// The table. Boxed: the rhashtable embeds its resize work and mutex, and
/// the list head is pointed at by the first entry, so it must not move.
pub struct RcuHash<V: Send + Sync> {
    table: KBox<Opaque<b::rvnet_rht>>,
    _p: PhantomData<V>,
}

// SAFETY: The table hands out `&V` to any thread and moves `V`s into the
// RCU callback's context, which `V: Send + Sync` allows; the C table does
// its own locking.
unsafe impl<V: Send + Sync> Send for RcuHash<V> {}
// SAFETY: As above.
unsafe impl<V: Send + Sync> Sync for RcuHash<V> {}

impl<V: Send + Sync> RcuHash<V> {
    /// An empty table.
    pub fn new() -> Result<Self> {
        let table = KBox::new(Opaque::<b::rvnet_rht>::zeroed(), GFP_KERNEL)?;
        // SAFETY: `table` is zeroed memory that stays where it is.
        super::to_result(unsafe { b::rvnet_rht_init(table.get()) })?;
        Ok(RcuHash {
            table,
            _p: PhantomData,
        })
    }

    fn raw(&self) -> *mut b::rvnet_rht {
        self.table.get()
    }

    /// The value under `key`, valid for the read-side section `section`
    /// proves.
    pub fn get<'a, S: RcuSection>(&'a self, key: u64, _section: &'a S) -> Option<&'a V> {
        // SAFETY: The table is initialized; we are in a read-side section,
        // which keeps the node from being freed while borrowed.
        let node = unsafe { b::rvnet_rht_lookup(self.raw(), key) };
        // SAFETY: Every node in the table is the head of a `Node<V>`.
        (!node.is_null()).then(|| unsafe { &(*node.cast::<Node<V>>()).value })
    }

    /// Walks the entries, newest first, inside the read-side section
    /// `section` proves.
    pub fn walk<'a, S: RcuSection>(&'a self, _section: &'a S) -> Walk<'a, V> {
        // SAFETY: In a read-side section, the list may be walked.
        let first = unsafe { b::rvnet_rht_first(self.raw()) };
        Walk {
            table: self,
            next: first,
        }
    }

    /// Takes the writer lock (bottom halves off).
    pub fn lock(&self) -> HashWriter<'_, V> {
        // SAFETY: The table is initialized; the guard unlocks.
        unsafe { b::rvnet_rht_lock(self.raw()) };
        HashWriter {
            table: self,
            _not_send: PhantomData,
        }
    }
}

impl<V: Send + Sync> Drop for RcuHash<V> {
    fn drop(&mut self) {
        {
            let mut w = self.lock();
            w.remove_if(|_, _| true);
        }
        // SAFETY: No entry is left; waiting for the callbacks that free
        // removed entries lets the module go after its last table.
        unsafe {
            b::rvnet_rcu_barrier();
            b::rvnet_rht_destroy(self.raw());
        }
    }
}

/// An entry found by a walk; [`HashWriter::remove_entry`] removes exactly
/// it (not a newer entry under the same key).
pub struct Entry<'a, V: Send + Sync> {
    table: &'a RcuHash<V>,
    node: *mut b::rvnet_rht_node,
}

impl<'a, V: Send + Sync> Entry<'a, V> {
    /// The key.
    pub fn key(&self) -> u64 {
        // SAFETY: The node is alive for `'a` (read-side section or lock)
        // and its key never changes.
        unsafe { (*self.node).key }
    }

    /// The value.
    pub fn value(&self) -> &'a V {
        // SAFETY: As in `key`; the node heads a `Node<V>`.
        unsafe { &(*self.node.cast::<Node<V>>()).value }
    }
}

/// Iterator of [`RcuHash::walk`] and [`HashWriter::walk`].
pub struct Walk<'a, V: Send + Sync> {
    table: &'a RcuHash<V>,
    next: *mut b::rvnet_rht_node,
}

impl<'a, V: Send + Sync> Iterator for Walk<'a, V> {
    type Item = Entry<'a, V>;

    fn next(&mut self) -> Option<Entry<'a, V>> {
        if self.next.is_null() {
            return None;
        }
        let node = self.next;
        // SAFETY: `node` is alive for `'a`; a removed node keeps its next
        // pointer (hlist_del_rcu), so the walk goes on past it.
        self.next = unsafe { b::rvnet_rht_next(node) };
        Some(Entry {
            table: self.table,
            node,
        })
    }
}

/// The writer lock of an [`RcuHash`]; entries borrowed through it stay
/// valid while it is held.
pub struct HashWriter<'a, V: Send + Sync> {
    table: &'a RcuHash<V>,
    _not_send: PhantomData<*const ()>,
}

impl<V: Send + Sync> HashWriter<'_, V> {
    /// The value under `key`.
    pub fn get(&self, key: u64) -> Option<&V> {
        // SAFETY: Holding the lock (bottom halves off) is a read-side
        // section and no one else removes entries.
        let node = unsafe { b::rvnet_rht_lookup(self.table.raw(), key) };
        // SAFETY: Every node in the table is the head of a `Node<V>`.
        (!node.is_null()).then(|| unsafe { &(*node.cast::<Node<V>>()).value })
    }

    /// Inserts `value` under `key`, first in the walk order. Fails with
    /// `EEXIST` when the key is taken and `ENOMEM` without memory (it may
    /// run in the receive path: the allocation is atomic).
    pub fn insert(&mut self, key: u64, value: V) -> Result {
        let node = KBox::new(
            Node {
                head: Opaque::zeroed(),
                value,
            },
            GFP_ATOMIC,
        )
        .map_err(|_| ENOMEM)?;
        let raw = KBox::into_raw(node);
        // SAFETY: `raw` is a fresh, zeroed node; we hold the lock. On
        // success the table owns it until `free_node`.
        unsafe {
            (*(*raw).head.get()).key = key;
            let ret = b::rvnet_rht_insert(self.table.raw(), raw.cast());
            if ret != 0 {
                drop(KBox::from_raw(raw));
                return Err(kernel::error::Error::from_errno(ret));
            }
        }
        Ok(())
    }

    /// Removes the entry under `key`; false when there is none.
    pub fn remove(&mut self, key: u64) -> bool {
        // SAFETY: As in `get`.
        let node = unsafe { b::rvnet_rht_lookup(self.table.raw(), key) };
        !node.is_null() && self.remove_node(node)
    }

    /// Removes exactly `entry` (found by a walk of this table); false when
    /// it was removed meanwhile.
    pub fn remove_entry(&mut self, entry: Entry<'_, V>) -> bool {
        core::ptr::eq(entry.table, self.table) && self.remove_node(entry.node)
    }

    fn remove_node(&mut self, node: *mut b::rvnet_rht_node) -> bool {
        // SAFETY: `node` is (or was) in this table and is not freed before
        // a grace period, which our lock holds off; the callback frees it
        // as the `Node<V>` it is.
        unsafe { b::rvnet_rht_remove(self.table.raw(), node, Some(free_node::<V>)) }
    }

    /// Removes every entry for which `f(key, value)` says true, newest
    /// first.
    pub fn remove_if(&mut self, mut f: impl FnMut(u64, &V) -> bool) {
        for e in self.walk_raw() {
            if f(e.key(), e.value()) {
                self.remove_node(e.node);
            }
        }
    }

    /// Walks the entries, newest first.
    pub fn walk(&self) -> Walk<'_, V> {
        self.walk_raw()
    }

    fn walk_raw<'b>(&self) -> Walk<'b, V>
    where
        Self: 'b,
    {
        // SAFETY: The lock is held, so the list may be walked; removals
        // during the walk keep next pointers valid until a grace period.
        let first = unsafe { b::rvnet_rht_first(self.table.raw()) };
        Walk {
            table: self.table,
            next: first,
        }
    }
}

impl<V: Send + Sync> Drop for HashWriter<'_, V> {
    fn drop(&mut self) {
        // SAFETY: Locked in `RcuHash::lock`.
        unsafe { b::rvnet_rht_unlock(self.table.raw()) }
    }
}

/// Frees a removed node after the grace period.
///
/// # Safety
///
/// `head` is the RCU head of a `Node<V>` removed from its table.
unsafe extern "C" fn free_node<V>(head: *mut b::callback_head) {
    let off = core::mem::offset_of!(b::rvnet_rht_node, rcu);
    // SAFETY: `head` sits `off` bytes into the node, which starts the
    // `Node<V>` that `insert` leaked from a box.
    unsafe { drop(KBox::from_raw(head.cast::<u8>().sub(off).cast::<Node<V>>())) }
}
