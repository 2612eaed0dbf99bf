// SPDX-License-Identifier: GPL-2.0

//! Queueing disciplines: `struct Qdisc_ops` (`tc qdisc add dev DEV root
//! ID`), and a ring of the qdiscs of one ops table that a device sending
//! through them (sch_teql's master) walks under RCU.
//!
//! A kind implements [`QdiscOps`]; [`QdiscRegistration`] turns it into a
//! registered `Qdisc_ops` with the kind's shared state next to it (as
//! sch_teql keeps its `Qdisc_ops` at the start of its master). Each qdisc's
//! private area is a packet queue the glue sets up before `init` and
//! purges after `destroy`; a qdisc a kind put in its [`QdiscRing`] leaves
//! it in the glue's `destroy`, before the kind's hook runs, so the ring
//! never holds a destroyed qdisc.

use super::attr::ExtAck;
use super::bindings as b;
use super::netdev::NetDevice;
use super::raw_lock::{new_raw_spinlock_irq, RawSpinLockIrq, RawSpinLockIrqBackend};
use super::rcu::RcuSection;
use super::skb::SkBuff;
use crate::rvnet_core::teql::ring;
use core::marker::PhantomData;
use core::ops::ControlFlow;
use core::ptr::NonNull;
use core::sync::atomic::{
    AtomicBool, AtomicPtr, AtomicUsize,
    Ordering::{Acquire, Relaxed, Release},
};
use kernel::alloc::{flags::GFP_KERNEL, KBox, KVec};
use kernel::error::{code::EINVAL, Result, VTABLE_DEFAULT_ERROR};
use kernel::ffi::{c_int, CStr};
use kernel::prelude::*;
use kernel::types::Opaque;

/// `NET_XMIT_SUCCESS`.
const NET_XMIT_SUCCESS: c_int = 0;

/// Hooks of one qdisc kind.
#[vtable]
pub trait QdiscOps: Sized + 'static {
    /// What all qdiscs of one registration share (sch_teql: the master).
    type Shared: Send + Sync;

    /// The ring of this registration's qdiscs that the kind links them
    /// into (the glue unlinks a qdisc from it when it is destroyed).
    fn ring(shared: &Self::Shared) -> &QdiscRing<Self>;

    /// `init`: a qdisc is being attached; its queue is set up and empty.
    /// On error the core destroys it at once.
    fn init(sch: &Qdisc<Self>, shared: &Self::Shared, extack: &ExtAck) -> Result;

    /// `enqueue`, under the qdisc's lock: queues `skb` (with
    /// [`LockedQdisc::push`]) or hands it back to be dropped
    /// (`qdisc_drop()`, counted).
    fn enqueue(
        sch: &LockedQdisc<'_, Self>,
        shared: &Self::Shared,
        skb: SkBuff,
    ) -> Result<(), SkBuff>;

    /// `dequeue`, under the qdisc's lock.
    fn dequeue(sch: &LockedQdisc<'_, Self>, shared: &Self::Shared) -> Option<SkBuff>;

    /// `peek`: whether the head of the queue may be shown to a parent
    /// qdisc. Without this hook `peek` shows nothing (a root-only qdisc).
    fn peeks(_sch: &LockedQdisc<'_, Self>, _shared: &Self::Shared) -> bool {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `reset`, under the qdisc's lock. Without this hook the queue is
    /// purged.
    fn reset(_sch: &LockedQdisc<'_, Self>, _shared: &Self::Shared) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `destroy` (also after a failed `init`): the qdisc has left the ring
    /// (`unlinked` tells how) and its queue is purged.
    fn destroy(sch: &Qdisc<Self>, shared: &Self::Shared, unlinked: Unlinked);
}

/// How a destroyed qdisc left its kind's ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unlinked {
    /// It was not in the ring (its `init` failed before joining).
    NotMember,
    /// It left; others remain.
    Left,
    /// It was the last one: the ring is now empty.
    Emptied,
}

/// A qdisc's private area (sch_teql's `teql_sched_data` less the master,
/// which the glue finds from the ops): its packet queue, its successor
/// in its kind's ring, which senders follow under RCU, and whether it is
/// in that ring.
#[repr(C)]
struct QdiscPriv {
    queue: b::sk_buff_head,
    next: AtomicPtr<b::Qdisc>,
    linked: AtomicBool,
}

/// A qdisc of kind `T`.
#[repr(transparent)]
pub struct Qdisc<T: QdiscOps>(Opaque<b::Qdisc>, PhantomData<T>);

// SAFETY: A qdisc is shared by the CPUs sending through it; the methods
// only read fields that are stable for its lifetime or go through the
// kernel's own accessors.
unsafe impl<T: QdiscOps> Sync for Qdisc<T> {}

impl<T: QdiscOps> Qdisc<T> {
    /// # Safety
    ///
    /// `sch` must be a live qdisc of kind `T` for `'a`.
    unsafe fn from_raw<'a>(sch: *const b::Qdisc) -> &'a Qdisc<T> {
        // SAFETY: Transparent wrapper; validity is the caller's guarantee.
        unsafe { &*sch.cast() }
    }

    fn raw(&self) -> *mut b::Qdisc {
        self.0.get()
    }

    /// The device the qdisc is attached to (`qdisc_dev()`).
    pub fn device(&self) -> &NetDevice {
        // SAFETY: A qdisc holds its device until it is freed.
        unsafe { NetDevice::from_raw(b::rvnet_qdisc_dev(self.raw())) }
    }

    /// Whether the qdisc is its device's root qdisc (`parent ==
    /// TC_H_ROOT`).
    pub fn is_root(&self) -> bool {
        // SAFETY: `parent` is set before `init` and fixed afterwards.
        unsafe { b::rvnet_qdisc_parent(self.raw()) == b::TC_H_ROOT }
    }

    /// Whether the qdisc is the one its device's first queue sends
    /// through (`qdisc_sleeping`): it was not replaced by another root.
    pub fn is_attached(&self) -> bool {
        // SAFETY: The device is valid (see `device`); the pointer is only
        // compared.
        unsafe { b::rvnet_dev_root_qdisc_is(self.device().as_raw(), self.raw()) }
    }

    /// Sets the queue length the core reads (`sch->q.qlen`).
    pub fn set_qlen(&self, qlen: u32) {
        // SAFETY: The helper writes the field with `WRITE_ONCE`.
        unsafe { b::rvnet_qdisc_set_qlen(self.raw(), qlen) }
    }

    fn private(&self) -> *mut QdiscPriv {
        // SAFETY: The private area of a qdisc of kind `T` is a `QdiscPriv`.
        unsafe { b::rvnet_qdisc_priv(self.raw()).cast() }
    }

    fn queue(&self) -> *mut b::sk_buff_head {
        // SAFETY: The private area is valid for the qdisc's lifetime.
        unsafe { core::ptr::addr_of_mut!((*self.private()).queue) }
    }

    /// The qdisc's successor in its ring (`NEXT_SLAVE()`).
    fn next(&self) -> &AtomicPtr<b::Qdisc> {
        // SAFETY: As in `queue`; the field is zeroed (null) at allocation
        // and only accessed atomically.
        unsafe { &(*self.private()).next }
    }

    /// Whether the qdisc is in its ring (changed under the ring's lock).
    fn linked(&self) -> &AtomicBool {
        // SAFETY: As in `queue`; the field is zeroed (false) at allocation
        // and only accessed atomically.
        unsafe { &(*self.private()).linked }
    }

    /// The number of packets in the qdisc's own queue.
    pub fn queue_len(&self) -> u32 {
        // SAFETY: The queue is set up before `init`; a lockless read.
        unsafe { b::rvnet_skb_queue_len(self.queue()) }
    }

    fn purge(&self) {
        // SAFETY: The queue is set up; the purge takes its own lock.
        unsafe { b::rvnet_skb_queue_purge(self.queue()) }
    }
}

/// A qdisc in a hook the core calls under the qdisc's lock: its queue may
/// be changed.
pub struct LockedQdisc<'a, T: QdiscOps>(&'a Qdisc<T>);

impl<T: QdiscOps> core::ops::Deref for LockedQdisc<'_, T> {
    type Target = Qdisc<T>;

    fn deref(&self) -> &Qdisc<T> {
        self.0
    }
}

impl<T: QdiscOps> LockedQdisc<'_, T> {
    /// Queues `skb` at the tail.
    pub fn push(&self, skb: SkBuff) {
        // SAFETY: The qdisc's lock serializes its queue's users.
        unsafe { b::rvnet_skb_queue_tail_unlocked(self.queue(), skb.into_raw()) }
    }

    /// Takes the packet at the head, counting it in the qdisc's byte and
    /// packet counters (`qdisc_bstats_update()`).
    pub fn pop(&self) -> Option<SkBuff> {
        // SAFETY: As in `push`; the queue owned the skb.
        let skb = unsafe { SkBuff::from_raw(b::rvnet_skb_dequeue_unlocked(self.queue())) }?;
        // SAFETY: The qdisc's counters are updated under its lock.
        unsafe { b::rvnet_qdisc_bstats_update(self.raw(), skb.as_raw()) };
        Some(skb)
    }

    /// Empties the queue.
    pub fn purge(&self) {
        self.0.purge()
    }

    /// The qdisc `dev` sends through now (its first queue's): whether it
    /// is attached to a device (`noop_qdisc` is not) and its length.
    pub fn root_qdisc_of(&self, dev: &NetDevice) -> (bool, u32) {
        let mut qlen = 0;
        // SAFETY: `dev` is valid; the core runs qdisc hooks with bottom
        // halves off, the RCU-BH section the helper reads under.
        let attached = unsafe { b::rvnet_dev_root_qdisc_backlog(dev.as_raw(), &mut qlen) };
        (attached, qlen)
    }
}

/// The ops table and the shared state: the table first, so that the
/// state is found from a qdisc's `ops` (as sch_teql's `teql_master`).
#[repr(C)]
struct Table<T: QdiscOps> {
    ops: Opaque<b::Qdisc_ops>,
    shared: T::Shared,
}

/// The shared state of the registration `sch` belongs to.
///
/// # Safety
///
/// `sch` must be a live qdisc of kind `T`; its registration outlives it
/// (the qdisc holds the module, and the table is freed only after
/// `unregister_qdisc`).
unsafe fn shared_of<'a, T: QdiscOps>(sch: *const b::Qdisc) -> &'a T::Shared {
    // SAFETY: A qdisc of kind `T` points to the `ops` of a `Table<T>`,
    // its first field.
    unsafe { &(*(*sch).ops.cast::<Table<T>>()).shared }
}

/// A registered qdisc kind with its shared state; unregistered on drop.
pub struct QdiscRegistration<T: QdiscOps> {
    table: KBox<Table<T>>,
}

// SAFETY: The table is read by the core under its own locks; the shared
// state is `Send + Sync`.
unsafe impl<T: QdiscOps> Send for QdiscRegistration<T> {}
// SAFETY: As above.
unsafe impl<T: QdiscOps> Sync for QdiscRegistration<T> {}

impl<T: QdiscOps> QdiscRegistration<T> {
    /// Registers kind `T` as `id` (`tc qdisc add ... ID`), owned by
    /// `module` (each qdisc holds it).
    pub fn new(module: &'static ThisModule, id: &CStr, shared: T::Shared) -> Result<Self> {
        let table = KBox::new(
            Table::<T> {
                ops: Opaque::zeroed(),
                shared,
            },
            GFP_KERNEL,
        )?;
        // SAFETY: The table is ours to fill before registering.
        unsafe {
            let o = &mut *table.ops.get();
            let id = id.to_bytes();
            let n = id.len().min(o.id.len() - 1);
            for (d, s) in o.id.iter_mut().zip(&id[..n]) {
                *d = *s as kernel::ffi::c_char;
            }
            o.priv_size = core::mem::size_of::<QdiscPriv>() as c_int;
            o.enqueue = Some(enqueue_callback::<T>);
            o.dequeue = Some(dequeue_callback::<T>);
            o.peek = Some(peek_callback::<T>);
            o.init = Some(init_callback::<T>);
            o.reset = Some(reset_callback::<T>);
            o.destroy = Some(destroy_callback::<T>);
            o.owner = module.as_ptr().cast();
        }
        // SAFETY: The table stays valid (boxed) until `drop` unregisters it.
        super::to_result(unsafe { b::register_qdisc(table.ops.get()) })?;
        Ok(QdiscRegistration { table })
    }
}

impl<T: QdiscOps> Drop for QdiscRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered in `new`. No qdisc of the kind is left: each
        // holds the module, which is being unloaded.
        unsafe { b::unregister_qdisc(self.table.ops.get()) }
    }
}

// The callbacks below are called by the core on qdiscs of kind `T` (their
// table is only ever registered by `QdiscRegistration<T>`), under the
// locks their C contracts name; that is the safety argument of each.

/// # Safety
///
/// Called by the core on a qdisc of kind `T`, as its C contract says.
unsafe extern "C" fn init_callback<T: QdiscOps>(
    sch: *mut b::Qdisc,
    _opt: *mut b::nlattr,
    extack: *mut b::netlink_ext_ack,
) -> c_int {
    // SAFETY: See the note above the callbacks; the private area is ours
    // and zeroed.
    let (q, shared) = unsafe {
        let q = Qdisc::<T>::from_raw(sch);
        b::rvnet_skb_queue_init(q.queue());
        (q, shared_of::<T>(sch))
    };
    match T::init(q, shared, &ExtAck::from_raw(extack)) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// # Safety
///
/// Called by the core on a qdisc of kind `T`, as its C contract says.
unsafe extern "C" fn enqueue_callback<T: QdiscOps>(
    skb: *mut b::sk_buff,
    sch: *mut b::Qdisc,
    to_free: *mut *mut b::sk_buff,
) -> c_int {
    // SAFETY: See the note above the callbacks; the core hands us `skb`.
    let (q, shared, skb) = unsafe {
        (
            LockedQdisc(Qdisc::<T>::from_raw(sch)),
            shared_of::<T>(sch),
            SkBuff::from_raw(skb),
        )
    };
    let Some(skb) = skb else {
        return NET_XMIT_SUCCESS;
    };
    match T::enqueue(&q, shared, skb) {
        Ok(()) => NET_XMIT_SUCCESS,
        // SAFETY: The core's list of packets to free after the lock.
        Err(skb) => unsafe { b::rvnet_qdisc_drop(skb.into_raw(), sch, to_free) },
    }
}

/// # Safety
///
/// Called by the core on a qdisc of kind `T`, as its C contract says.
unsafe extern "C" fn dequeue_callback<T: QdiscOps>(sch: *mut b::Qdisc) -> *mut b::sk_buff {
    // SAFETY: See the note above the callbacks.
    let (q, shared) = unsafe { (LockedQdisc(Qdisc::<T>::from_raw(sch)), shared_of::<T>(sch)) };
    T::dequeue(&q, shared).map_or(core::ptr::null_mut(), SkBuff::into_raw)
}

/// # Safety
///
/// Called by the core on a qdisc of kind `T`, as its C contract says.
unsafe extern "C" fn peek_callback<T: QdiscOps>(sch: *mut b::Qdisc) -> *mut b::sk_buff {
    if !T::HAS_PEEKS {
        return core::ptr::null_mut();
    }
    // SAFETY: See the note above the callbacks.
    let (q, shared) = unsafe { (LockedQdisc(Qdisc::<T>::from_raw(sch)), shared_of::<T>(sch)) };
    if T::peeks(&q, shared) {
        // SAFETY: The queue is ours, under the qdisc's lock; its head (or
        // NULL) stays in the queue.
        unsafe { b::rvnet_skb_peek(q.queue()) }
    } else {
        core::ptr::null_mut()
    }
}

/// # Safety
///
/// Called by the core on a qdisc of kind `T`, as its C contract says.
unsafe extern "C" fn reset_callback<T: QdiscOps>(sch: *mut b::Qdisc) {
    // SAFETY: See the note above the callbacks.
    let (q, shared) = unsafe { (LockedQdisc(Qdisc::<T>::from_raw(sch)), shared_of::<T>(sch)) };
    if T::HAS_RESET {
        T::reset(&q, shared);
    } else {
        q.purge();
    }
}

/// # Safety
///
/// Called by the core on a qdisc of kind `T`, as its C contract says.
unsafe extern "C" fn destroy_callback<T: QdiscOps>(sch: *mut b::Qdisc) {
    // SAFETY: See the note above the callbacks.
    let (q, shared) = unsafe { (Qdisc::<T>::from_raw(sch), shared_of::<T>(sch)) };
    let unlinked = T::ring(shared).remove(q);
    // The queue's own lock may not nest in the ring's (PREEMPT_RT).
    q.purge();
    T::destroy(q, shared, unlinked);
}

/// A qdisc pointer in a ring.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Member(NonNull<b::Qdisc>);

impl Member {
    /// The member's successor link.
    ///
    /// # Safety
    ///
    /// The member must be a live qdisc of kind `T`.
    unsafe fn next<'a, T: QdiscOps>(self) -> &'a AtomicPtr<b::Qdisc> {
        // SAFETY: The caller's guarantee.
        unsafe { Qdisc::<T>::from_raw(self.0.as_ptr()) }.next()
    }
}

// SAFETY: Only compared and, under the ring's rules, dereferenced.
unsafe impl Send for Member {}

struct RingInner {
    members: KVec<Member>,
}

/// The qdiscs of one registration in ring order, with a head (sch_teql's
/// slave list): changed under a raw spinlock with interrupts off
/// (`slaves_lock`), walked by senders under RCU without it, through the
/// head and each qdisc's successor link as sch_teql's `NEXT_SLAVE()`. A
/// qdisc is freed a grace period after it left.
pub struct QdiscRing<T: QdiscOps> {
    inner: Pin<KBox<RawSpinLockIrq<RingInner>>>,
    /// The head qdisc, or null (`master->slaves`): written under the lock,
    /// read by lockless walks.
    head: AtomicPtr<b::Qdisc>,
    /// The number of qdiscs, bounding a lockless walk.
    len: AtomicUsize,
    _p: PhantomData<T>,
}

// SAFETY: The members are reached under the lock, or under RCU through
// the links, which only ever point to qdiscs not yet freed.
unsafe impl<T: QdiscOps> Send for QdiscRing<T> {}
// SAFETY: As above.
unsafe impl<T: QdiscOps> Sync for QdiscRing<T> {}

impl<T: QdiscOps> QdiscRing<T> {
    /// An empty ring.
    pub fn new() -> Result<Self> {
        let inner = RingInner {
            members: KVec::new(),
        };
        Ok(QdiscRing {
            inner: KBox::pin_init(
                new_raw_spinlock_irq!(inner, c"rvnet_qdisc_ring"),
                GFP_KERNEL,
            )?,
            head: AtomicPtr::new(core::ptr::null_mut()),
            len: AtomicUsize::new(0),
            _p: PhantomData,
        })
    }

    /// Locks the ring.
    pub fn lock(&self) -> RingGuard<'_, T> {
        RingGuard {
            guard: self.inner.lock(),
            ring: self,
        }
    }

    /// Locks the ring with room for one more qdisc (for
    /// [`RingGuard::insert_after_head`]), growing it first outside the
    /// lock: nothing may allocate or free memory under a raw spinlock.
    /// Callers that insert are serialized (RTNL), so the room stays.
    pub fn lock_with_room(&self) -> Result<RingGuard<'_, T>> {
        loop {
            let want = {
                let g = self.inner.lock();
                if g.members.len() < g.members.capacity() {
                    return Ok(RingGuard {
                        guard: g,
                        ring: self,
                    });
                }
                g.members.len() + 1
            };
            let mut bigger = KVec::with_capacity(want.saturating_mul(2), GFP_KERNEL)?;
            let unused = {
                let mut g = self.inner.lock();
                if g.members.capacity() < want && bigger.capacity() >= g.members.len() {
                    for m in g.members.iter() {
                        // Within capacity: checked just above.
                        let _ = bigger.push_within_capacity(*m);
                    }
                    core::mem::swap(&mut g.members, &mut bigger);
                }
                bigger
            };
            // The old array (or the new one, if another caller grew the
            // ring meanwhile), freed outside the lock.
            drop(unused);
        }
    }

    /// The head's position in `g`'s members (0 in an empty ring). Under
    /// the lock.
    fn head_index(&self, g: &RingInner) -> usize {
        let head = self.head.load(Relaxed);
        g.members
            .iter()
            .position(|m| m.0.as_ptr() == head)
            .unwrap_or(0)
    }

    fn remove(&self, sch: &Qdisc<T>) -> Unlinked {
        let mut g = self.inner.lock();
        let me = Member(NonNull::from(&sch.0).cast());
        let Some(i) = g.members.iter().position(|m| *m == me) else {
            return Unlinked::NotMember;
        };
        let len = g.members.len();
        let head = ring::head_after_remove(self.head_index(&g), i, len);
        if len > 1 {
            // Senders past the predecessor skip the qdisc from now on;
            // one standing on it still finds its successor.
            let pred = g.members[ring::nth_from(i, len - 1, len)];
            let succ = g.members[ring::next(i, len)];
            // SAFETY: Both are in the ring, so live.
            unsafe { pred.next::<T>() }.store(succ.0.as_ptr(), Release);
        }
        // `i` is in range: found above.
        let _ = g.members.remove(i);
        sch.linked().store(false, Relaxed);
        self.publish(&g, head);
        match head {
            Some(_) => Unlinked::Left,
            None => Unlinked::Emptied,
        }
    }

    /// Publishes the member at `head` (none: null) as the head, and the
    /// length, for lockless walks (under the lock, after every change of
    /// the members).
    fn publish(&self, g: &RingInner, head: Option<usize>) {
        let head = head
            .and_then(|h| g.members.get(h))
            .map_or(core::ptr::null_mut(), |m| m.0.as_ptr());
        self.head.store(head, Release);
        self.len.store(g.members.len(), Relaxed);
    }

    /// Calls `f` on the qdiscs in ring order from the head as it is now,
    /// following the successor links without the lock (sch_teql's walk
    /// from `master->slaves`), until `f` breaks or the walk is back at
    /// its start, and for at most as many steps as the ring has qdiscs
    /// (a start that left meanwhile is never met again). `None` if the
    /// ring is empty. Each qdisc is handed out for the RCU read-side
    /// section `section` (it is freed only a grace period after leaving).
    #[inline]
    pub fn walk<'s, S: RcuSection, R>(
        &self,
        section: &'s S,
        mut f: impl FnMut(&'s Qdisc<T>) -> ControlFlow<R>,
    ) -> Option<ControlFlow<R>> {
        let _ = section;
        let start = NonNull::new(self.head.load(Acquire))?;
        // At least the head: a first qdisc may be published before the
        // length.
        let steps = self.len.load(Relaxed).max(1);
        let mut member = start;
        for _ in 0..steps {
            // SAFETY: The qdisc was the head or a link of a qdisc reached
            // in `section`: in the ring then, or left a grace period that
            // `section` holds off ago, so not freed for `'s`.
            let q = unsafe { Qdisc::<T>::from_raw(member.as_ptr()) };
            if let ControlFlow::Break(r) = f(q) {
                return Some(ControlFlow::Break(r));
            }
            match NonNull::new(q.next().load(Acquire)) {
                Some(next) if next != start => member = next,
                _ => break,
            }
        }
        Some(ControlFlow::Continue(()))
    }

    /// Moves the head past `sch` if `sch` is the head (it just sent):
    /// `if (slaves == q) slaves = NEXT_SLAVE(q)`.
    #[inline]
    pub fn advance_past(&self, sch: &Qdisc<T>) {
        let _g = self.inner.lock();
        if self.head.load(Relaxed) == sch.raw() {
            // The head is in the ring, so its successor link is current.
            self.head.store(sch.next().load(Relaxed), Release);
        }
    }

    /// Makes `sch` the head, if it is in the ring (`slaves = sch`).
    #[inline]
    pub fn set_head(&self, sch: &Qdisc<T>) {
        let _g = self.inner.lock();
        if sch.linked().load(Relaxed) {
            self.head.store(sch.raw(), Release);
        }
    }
}

/// A locked [`QdiscRing`].
pub struct RingGuard<'a, T: QdiscOps> {
    guard: kernel::sync::lock::Guard<'a, RingInner, RawSpinLockIrqBackend>,
    ring: &'a QdiscRing<T>,
}

impl<'a, T: QdiscOps> RingGuard<'a, T> {
    /// Whether the ring is empty.
    pub fn is_empty(&self) -> bool {
        self.guard.members.is_empty()
    }

    /// Links `sch` in right after the head (as the head if the ring is
    /// empty). `sch` must be a qdisc of this ring's registration, in its
    /// `init`; the ring must have room (`ENOMEM` if not: lock it with
    /// [`QdiscRing::lock_with_room`]).
    pub fn insert_after_head(&mut self, sch: &Qdisc<T>, shared: &T::Shared) -> Result {
        // The glue unlinks a destroyed qdisc from its registration's ring;
        // any other ring could keep it after it is freed.
        // SAFETY: `sch` is a live qdisc of kind `T`.
        let own = unsafe { shared_of::<T>(sch.raw()) };
        if !core::ptr::eq(T::ring(own), self.ring) || !core::ptr::eq(own, shared) {
            return Err(EINVAL);
        }
        let head_index = self.ring.head_index(&self.guard);
        let (at, head) = ring::insert(head_index, self.guard.members.len());
        let me = Member(NonNull::from(&sch.0).cast());
        self.guard
            .members
            .insert_within_capacity(at, me)
            .map_err(|_| ENOMEM)?;
        let len = self.guard.members.len();
        let succ = self.guard.members[ring::next(at, len)];
        let pred = self.guard.members[ring::nth_from(at, len - 1, len)];
        // Linked before it is reachable: its own successor first.
        sch.next().store(succ.0.as_ptr(), Relaxed);
        // SAFETY: `pred` is in the ring, so live.
        unsafe { pred.next::<T>() }.store(me.0.as_ptr(), Release);
        sch.linked().store(true, Relaxed);
        self.ring.publish(&self.guard, Some(head));
        Ok(())
    }

    /// The qdiscs in ring order from the head, valid while the ring is
    /// locked.
    pub fn iter(&self) -> impl Iterator<Item = &Qdisc<T>> + '_ {
        let len = self.guard.members.len();
        let head = self.ring.head_index(&self.guard);
        (0..len).map(move |k| {
            let m = self.guard.members[ring::nth_from(head, k, len)];
            // SAFETY: A member of the ring is not destroyed while it is
            // locked (the glue's `destroy` takes the lock to unlink it).
            unsafe { Qdisc::<T>::from_raw(m.0.as_ptr()) }
        })
    }
}
