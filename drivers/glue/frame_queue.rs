// SPDX-License-Identifier: GPL-2.0

//! Frames queued by the receive path for a work item to handle later, in
//! process context (macvlan's broadcast queue, `macvlan_broadcast_enqueue()`
//! and `macvlan_process_broadcast()`): each a clone, with the device it
//! came from held until it is handled.

use super::bindings as b;
use super::netdev::NetDevice;
use super::skb::SkBuff;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::error::Result;
use kernel::sync::Arc;
use kernel::types::Opaque;

/// What handles a [`FrameQueue`]'s frames.
pub trait FrameQueueOps: Send + Sync + 'static {
    /// Handles one queued frame, in process context; `src` is the device
    /// given to [`FrameQueue::add`] with it.
    fn process(&self, skb: SkBuff, src: Option<&NetDevice>);
}

/// A queue of frames and the work item that hands them to its owner.
pub struct FrameQueue<H: FrameQueueOps> {
    /// Boxed: the queue head and the work item must not move.
    raw: KBox<Opaque<b::rvnet_frame_queue>>,
    _p: PhantomData<H>,
}

// SAFETY: The queue has its own lock; the owner is `Send + Sync`.
unsafe impl<H: FrameQueueOps> Send for FrameQueue<H> {}
// SAFETY: As above.
unsafe impl<H: FrameQueueOps> Sync for FrameQueue<H> {}

impl<H: FrameQueueOps> FrameQueue<H> {
    /// An empty queue, not yet handing frames to anyone.
    pub fn new() -> Result<FrameQueue<H>> {
        let raw = KBox::new(Opaque::<b::rvnet_frame_queue>::zeroed(), GFP_KERNEL)?;
        // SAFETY: `raw` is zeroed memory that stays where it is.
        unsafe { b::rvnet_frame_queue_init(raw.get(), Some(work_callback::<H>)) };
        Ok(FrameQueue {
            raw,
            _p: PhantomData,
        })
    }

    fn owner(&self) -> &AtomicPtr<H> {
        owner_of::<H>(self.raw.get())
    }

    /// Hands the queued frames to `owner` from now on, keeping it until
    /// [`Self::stop`] (frames handled before are dropped).
    pub fn start(&self, owner: Arc<H>) {
        let old = self
            .owner()
            .swap(Arc::into_raw(owner).cast_mut(), Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: Stored by an earlier `start` from `Arc::into_raw`.
            drop(unsafe { Arc::from_raw(old) });
        }
    }

    /// Queues a clone of `skb` (from `src`, held until handled) and
    /// schedules the work item, unless `limit` frames wait already: then
    /// the drop is counted on `skb`'s device. Any context.
    pub fn add(&self, skb: &SkBuff, limit: u32, src: Option<&NetDevice>) {
        let src = src.map_or(core::ptr::null_mut(), |d| d.as_raw());
        // SAFETY: The queue is initialized; the helper clones the skb and
        // holds `src`, a valid device or NULL.
        unsafe { b::rvnet_frame_queue_add(self.raw.get(), skb.as_raw(), limit, src) }
    }

    /// Cancels the work item (waiting for a running one), frees what is
    /// left and lets the owner go. Sleeps; nothing may add frames any more.
    pub fn stop(&self) {
        // SAFETY: The queue is initialized; called from process context.
        unsafe { b::rvnet_frame_queue_stop(self.raw.get()) };
        let old = self.owner().swap(core::ptr::null_mut(), Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: Stored by `start` from `Arc::into_raw`; the work item,
            // the only other user, is cancelled.
            drop(unsafe { Arc::from_raw(old) });
        }
    }
}

impl<H: FrameQueueOps> Drop for FrameQueue<H> {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The owner slot of a queue.
fn owner_of<'a, H>(q: *mut b::rvnet_frame_queue) -> &'a AtomicPtr<H> {
    // SAFETY: `q` is a live queue; its `owner` word is only accessed
    // atomically, through this view.
    unsafe { &*core::ptr::addr_of_mut!((*q).owner).cast::<AtomicPtr<H>>() }
}

/// The work item: hands each queued frame to the owner.
///
/// # Safety
///
/// Called by the workqueue with the work item of a live `FrameQueue<H>`
/// (its `stop` cancels the work before the queue goes).
unsafe extern "C" fn work_callback<H: FrameQueueOps>(work: *mut b::work_struct) {
    // SAFETY: See the function's safety section.
    let q = unsafe { b::rvnet_frame_queue_of(work) };
    let owner = owner_of::<H>(q).load(Ordering::Acquire);
    loop {
        let mut src = core::ptr::null_mut();
        // SAFETY: `q` is live; the helper takes the queue's lock.
        let Some(skb) = (unsafe { SkBuff::from_raw(b::rvnet_frame_queue_next(q, &mut src)) })
        else {
            break;
        };
        // SAFETY: `src` is NULL or a device held since the frame was
        // queued, until `put_src` below.
        let src_dev = (!src.is_null()).then(|| unsafe { NetDevice::from_raw(src) });
        if owner.is_null() {
            drop(skb);
        } else {
            // SAFETY: `stop` takes the owner only after cancelling (and
            // waiting for) this work item.
            unsafe { (*owner).process(skb, src_dev) };
        }
        // SAFETY: Releases the hold `add` took.
        unsafe {
            b::rvnet_frame_queue_put_src(src);
            b::rvnet_cond_resched();
        }
    }
}
