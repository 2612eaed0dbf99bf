// SPDX-License-Identifier: GPL-2.0

//! A fixed-size hash table read without locks, as macvlan.ko's `vlan_hash`:
//! 256 RCU hlist buckets, the bucket chosen by the caller's hash, 8-byte
//! keys. Unlike [`RcuHash`], it never resizes (no deferred work) and a
//! lookup costs one bucket walk with no hashing of its own; walks go bucket
//! by bucket, newest first within a bucket, as macvlan.ko's do.
//!
//! Readers look up and walk inside an RCU read-side section. Writers hold
//! the table's spinlock (bottom halves off) through a [`BucketsWriter`];
//! removed entries are freed after a grace period.
//!
//! [`RcuHash`]: super::hash::RcuHash

use super::bindings as b;
use super::rcu::RcuSection;
use core::marker::PhantomData;
use kernel::alloc::{flags::GFP_ATOMIC, flags::GFP_KERNEL, KBox};
use kernel::error::{code::EEXIST, Result};
use kernel::types::Opaque;

/// An entry: the C node (bucket linkage, key, bucket, RCU head) and the
/// value. `repr(C)` with the node first, so a node pointer is an entry
/// pointer.
#[repr(C)]
struct Node<V> {
    head: Opaque<b::rvnet_hnode>,
    value: V,
}

/// The table. Boxed: the first entry of each bucket points back at its
/// head, so the heads must not move.
pub struct RcuBuckets<V: Send + Sync> {
    table: KBox<Opaque<b::rvnet_hbuckets>>,
    _p: PhantomData<V>,
}

// SAFETY: The table hands out `&V` to any thread and moves `V`s into the
// RCU callback's context, which `V: Send + Sync` allows; the C table does
// its own locking.
unsafe impl<V: Send + Sync> Send for RcuBuckets<V> {}
// SAFETY: As above.
unsafe impl<V: Send + Sync> Sync for RcuBuckets<V> {}

/// The value of the node `node` points at.
///
/// # Safety
///
/// `node` is non-null, heads a `Node<V>` and stays alive for `'a`.
unsafe fn value_of<'a, V>(node: *mut b::rvnet_hnode) -> &'a V {
    // SAFETY: See the function's safety section.
    unsafe { &(*node.cast::<Node<V>>()).value }
}

impl<V: Send + Sync> RcuBuckets<V> {
    /// An empty table.
    pub fn new() -> Result<Self> {
        let table = KBox::new(Opaque::<b::rvnet_hbuckets>::zeroed(), GFP_KERNEL)?;
        // SAFETY: `table` is writable memory that stays where it is.
        unsafe { b::rvnet_hbuckets_init(table.get()) };
        Ok(RcuBuckets {
            table,
            _p: PhantomData,
        })
    }

    fn raw(&self) -> *mut b::rvnet_hbuckets {
        self.table.get()
    }

    /// The value under `key` in `bucket` (taken modulo 256), valid for the
    /// read-side section `section` proves.
    pub fn get<'a, S: RcuSection>(
        &'a self,
        bucket: u32,
        key: u64,
        _section: &'a S,
    ) -> Option<&'a V> {
        // SAFETY: The table is initialized; we are in a read-side section,
        // which keeps the node from being freed while borrowed.
        let node = unsafe { b::rvnet_hbuckets_lookup(self.raw(), bucket, key) };
        // SAFETY: Every node in the table heads a `Node<V>`, alive for the
        // section.
        (!node.is_null()).then(|| unsafe { value_of(node) })
    }

    /// Walks the values bucket by bucket inside the read-side section
    /// `section` proves.
    pub fn walk<'a, S: RcuSection>(&'a self, _section: &'a S) -> Walk<'a, V> {
        self.walk_raw()
    }

    /// A walk from the first bucket; the caller is in a read-side section
    /// or holds the lock for `'a`.
    fn walk_raw<'a>(&self) -> Walk<'a, V> {
        // SAFETY: The table is initialized; see the method's description.
        let next = unsafe { b::rvnet_hbuckets_from(self.raw(), 0) };
        Walk {
            table: self.raw(),
            next,
            _p: PhantomData,
        }
    }

    /// Takes the writer lock (bottom halves off).
    pub fn lock(&self) -> BucketsWriter<'_, V> {
        // SAFETY: The table is initialized; the guard unlocks.
        unsafe { b::rvnet_hbuckets_lock(self.raw()) };
        BucketsWriter {
            table: self,
            _not_send: PhantomData,
        }
    }
}

impl<V: Send + Sync> Drop for RcuBuckets<V> {
    fn drop(&mut self) {
        {
            let mut w = self.lock();
            let mut walk = self.walk_raw();
            while let Some(node) = walk.next_node() {
                w.remove_node(node);
            }
        }
        // SAFETY: No entry is left; waiting for the callbacks that free
        // removed entries lets the module go after its last table.
        unsafe { b::rvnet_rcu_barrier() };
    }
}

/// Iterator of [`RcuBuckets::walk`].
pub struct Walk<'a, V> {
    table: *mut b::rvnet_hbuckets,
    next: *mut b::rvnet_hnode,
    _p: PhantomData<&'a V>,
}

impl<V> Walk<'_, V> {
    fn next_node(&mut self) -> Option<*mut b::rvnet_hnode> {
        if self.next.is_null() {
            return None;
        }
        let node = self.next;
        // SAFETY: `node` is alive for the walk's section or lock; a
        // removed node keeps its next pointer and its bucket.
        self.next = unsafe { b::rvnet_hbuckets_next(self.table, node) };
        Some(node)
    }
}

impl<'a, V> Iterator for Walk<'a, V> {
    type Item = &'a V;

    fn next(&mut self) -> Option<&'a V> {
        let node = self.next_node()?;
        // SAFETY: Nodes of the table head `Node<V>`s alive for `'a`.
        Some(unsafe { value_of(node) })
    }
}

/// The writer lock of an [`RcuBuckets`]; values borrowed through it stay
/// valid while it is held.
pub struct BucketsWriter<'a, V: Send + Sync> {
    table: &'a RcuBuckets<V>,
    _not_send: PhantomData<*const ()>,
}

impl<V: Send + Sync> BucketsWriter<'_, V> {
    fn lookup(&self, bucket: u32, key: u64) -> *mut b::rvnet_hnode {
        // SAFETY: Holding the lock, no one else removes entries.
        unsafe { b::rvnet_hbuckets_lookup(self.table.raw(), bucket, key) }
    }

    /// The value under `key` in `bucket`.
    pub fn get(&self, bucket: u32, key: u64) -> Option<&V> {
        let node = self.lookup(bucket, key);
        // SAFETY: Every node in the table heads a `Node<V>`, alive while
        // the lock is held.
        (!node.is_null()).then(|| unsafe { value_of(node) })
    }

    /// Inserts `value` under `key` in `bucket`, first in it. Fails with
    /// `EEXIST` when the key is taken there and `ENOMEM` without memory
    /// (the lock is a spinlock: the allocation is atomic).
    pub fn insert(&mut self, bucket: u32, key: u64, value: V) -> Result {
        if !self.lookup(bucket, key).is_null() {
            return Err(EEXIST);
        }
        let node = KBox::new(
            Node {
                head: Opaque::zeroed(),
                value,
            },
            GFP_ATOMIC,
        )?;
        let raw = KBox::into_raw(node);
        // SAFETY: `raw` is a fresh, zeroed node; we hold the lock. The
        // table owns it until `free_node`.
        unsafe {
            let head = (*raw).head.get();
            (*head).key = key;
            (*head).bucket = bucket;
            b::rvnet_hbuckets_add(self.table.raw(), head);
        }
        Ok(())
    }

    /// Removes the entry under `key` in `bucket`; false when there is none.
    pub fn remove(&mut self, bucket: u32, key: u64) -> bool {
        let node = self.lookup(bucket, key);
        !node.is_null() && self.remove_node(node)
    }

    fn remove_node(&mut self, node: *mut b::rvnet_hnode) -> bool {
        // SAFETY: `node` is (or was) in this table and is not freed before
        // a grace period, which our lock holds off; the callback frees it
        // as the `Node<V>` it is.
        unsafe { b::rvnet_hbuckets_remove(self.table.raw(), node, Some(free_node::<V>)) }
    }
}

impl<V: Send + Sync> Drop for BucketsWriter<'_, V> {
    fn drop(&mut self) {
        // SAFETY: Locked in `RcuBuckets::lock`.
        unsafe { b::rvnet_hbuckets_unlock(self.table.raw()) }
    }
}

/// Frees a removed node after the grace period.
///
/// # Safety
///
/// `head` is the RCU head of a `Node<V>` removed from its table.
unsafe extern "C" fn free_node<V>(head: *mut b::callback_head) {
    let off = core::mem::offset_of!(b::rvnet_hnode, rcu);
    // SAFETY: `head` sits `off` bytes into the node, which starts the
    // `Node<V>` that `insert` leaked from a box.
    unsafe { drop(KBox::from_raw(head.cast::<u8>().sub(off).cast::<Node<V>>())) }
}
