// SPDX-License-Identifier: GPL-2.0

//! `/proc/net` entries shown through `seq_file`.

use super::bindings as b;
use super::netdev::{Net, NetDevice};
use core::fmt;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::error::{code::ENOMEM, Result};
use kernel::ffi::{c_int, c_void, CStr};
use kernel::str::CStrExt as _;

/// Mode of a root-only `/proc` file (8021q's, and rvnet's own files).
pub const ROOT_ONLY: u16 = 0o600;

/// Mode of a world-readable `/proc` file (bonding's).
pub const WORLD_READABLE: u16 = 0o444;

/// Writes text into a `seq_file`.
pub struct SeqWriter(*mut b::seq_file);

impl fmt::Write for SeqWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // SAFETY: `self.0` is the seq_file of the running show callback.
        // On overflow seq_file retries the whole show with a larger buffer.
        unsafe { b::seq_write(self.0, s.as_ptr().cast(), s.len()) };
        Ok(())
    }
}

/// A file whose text is about a whole namespace.
pub trait ShowNet {
    /// The file's mode ([`ROOT_ONLY`] or [`WORLD_READABLE`]).
    const MODE: u16;

    /// Writes the file's text.
    fn show(w: &mut SeqWriter, net: &Net) -> fmt::Result;
}

/// A file whose text is about one device.
pub trait ShowDevice {
    /// The file's mode ([`ROOT_ONLY`] or [`WORLD_READABLE`]).
    const MODE: u16;

    /// Writes the file's text.
    fn show(w: &mut SeqWriter, dev: &NetDevice) -> fmt::Result;
}

/// A `/proc` directory. It does not own the entry: [`remove_net_dir`]
/// removes it with everything in it.
#[derive(Clone, Copy)]
pub struct ProcDir(NonNull<b::proc_dir_entry>);

// SAFETY: A proc entry pointer may be used from any thread.
unsafe impl Send for ProcDir {}
// SAFETY: As above.
unsafe impl Sync for ProcDir {}

impl ProcDir {
    /// Creates directory `name` in `net`'s `/proc/net`, tied to `net` so
    /// that its files know their namespace.
    pub fn create_in_net(net: &Net, name: &CStr) -> Result<ProcDir> {
        // SAFETY: `net` is live; the name is copied.
        let dir = unsafe { b::rvnet_proc_net_mkdir(net.as_raw(), name.as_char_ptr()) };
        NonNull::new(dir).map(ProcDir).ok_or(ENOMEM)
    }

    /// Creates file `name` showing `S` for the namespace.
    pub fn create_net_file<S: ShowNet>(&self, name: &CStr) -> Result {
        // SAFETY: The directory is live; the callback matches the C type.
        let e = unsafe {
            b::proc_create_net_single(
                name.as_char_ptr(),
                S::MODE,
                self.0.as_ptr(),
                Some(show_net::<S>),
                core::ptr::null_mut(),
            )
        };
        if e.is_null() {
            Err(ENOMEM)
        } else {
            Ok(())
        }
    }

    /// Creates file `name` showing `S` for `dev`; the returned entry must
    /// be removed before `dev` is freed.
    pub fn create_device_file<S: ShowDevice>(
        &self,
        name: &CStr,
        dev: &NetDevice,
    ) -> Result<*mut b::proc_dir_entry> {
        // SAFETY: The directory is live; `dev` outlives the entry (see the
        // doc above), so the data pointer stays valid.
        let e = unsafe {
            b::proc_create_single_data(
                name.as_char_ptr(),
                S::MODE,
                self.0.as_ptr(),
                Some(show_device::<S>),
                dev.as_raw().cast(),
            )
        };
        if e.is_null() {
            Err(ENOMEM)
        } else {
            Ok(e)
        }
    }
}

/// Removes directory `name` of `net`'s `/proc/net` and all it holds.
pub fn remove_net_dir(net: &Net, name: &CStr) {
    // SAFETY: `net` is live; removing waits for readers to finish.
    unsafe { b::remove_proc_subtree(name.as_char_ptr(), net.proc_net()) };
}

/// The `/proc` file of one device; removed on [`DeviceFile::remove`] or
/// drop, whichever comes first.
#[derive(Default)]
pub struct DeviceFile(AtomicPtr<b::proc_dir_entry>);

impl DeviceFile {
    /// Creates (or re-creates, after a rename) the file of `dev` in `dir`.
    pub fn create<S: ShowDevice>(&self, dir: &ProcDir, dev: &NetDevice) -> Result {
        self.remove();
        let e = dir.create_device_file::<S>(dev.name(), dev)?;
        self.0.store(e, Ordering::Release);
        Ok(())
    }

    /// Removes the file, if it exists.
    pub fn remove(&self) {
        let e = self.0.swap(core::ptr::null_mut(), Ordering::AcqRel);
        if !e.is_null() {
            // SAFETY: `e` was created by `create` and not removed since
            // (the swap makes removal happen once).
            unsafe { b::proc_remove(e) };
        }
    }
}

impl Drop for DeviceFile {
    fn drop(&mut self) {
        self.remove();
    }
}

/// # Safety
///
/// Called by seq_file for a file made by `proc_create_net_single`.
unsafe extern "C" fn show_net<S: ShowNet>(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: A net seq_file carries its namespace, live while the file is
    // open.
    let net = unsafe { Net::from_raw(b::rvnet_seq_file_single_net(seq)) };
    // The output is complete or seq_file retries; errors are not reported.
    let _ = S::show(&mut SeqWriter(seq), net);
    0
}

/// # Safety
///
/// Called by seq_file for a file made by `create_device_file`.
unsafe extern "C" fn show_device<S: ShowDevice>(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: The private data is the device, live until the entry is
    // removed (which waits for readers).
    let dev = unsafe { NetDevice::from_raw((*seq).private.cast()) };
    let _ = S::show(&mut SeqWriter(seq), dev);
    0
}

/// What a file about a module's own data shows.
pub trait ShowData: Send + Sync + 'static {
    /// Writes the file's text.
    fn show(&self, w: &mut SeqWriter) -> fmt::Result;
}

/// A root-only file in the initial namespace's `/proc/net` showing a
/// module's data (`/proc/net/teql`); removed on drop.
pub struct InitNetFile<D: ShowData> {
    entry: NonNull<b::proc_dir_entry>,
    _data: kernel::sync::Arc<D>,
}

// SAFETY: A proc entry pointer may be used from any thread; the data is
// `Send + Sync`.
unsafe impl<D: ShowData> Send for InitNetFile<D> {}
// SAFETY: As above.
unsafe impl<D: ShowData> Sync for InitNetFile<D> {}

impl<D: ShowData> InitNetFile<D> {
    /// Creates `/proc/net/NAME` in the initial namespace, showing `data`.
    pub fn new(name: &CStr, data: kernel::sync::Arc<D>) -> Result<Self> {
        // SAFETY: `init_net` lives forever; the data outlives the entry
        // (dropped after `drop` removed it, which waits for readers).
        let e = unsafe {
            b::proc_create_single_data(
                name.as_char_ptr(),
                ROOT_ONLY,
                (*core::ptr::addr_of!(b::init_net)).proc_net,
                Some(show_data::<D>),
                kernel::sync::Arc::as_ptr(&data).cast_mut().cast(),
            )
        };
        Ok(InitNetFile {
            entry: NonNull::new(e).ok_or(ENOMEM)?,
            _data: data,
        })
    }
}

impl<D: ShowData> Drop for InitNetFile<D> {
    fn drop(&mut self) {
        // SAFETY: Created in `new`, removed once; waits for readers.
        unsafe { b::proc_remove(self.entry.as_ptr()) };
    }
}

/// # Safety
///
/// Called by seq_file for a file made by `InitNetFile::<D>::new`.
unsafe extern "C" fn show_data<D: ShowData>(seq: *mut b::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: The private data is the `D` the entry was made with, live
    // until the entry is removed (which waits for readers).
    let data = unsafe { &*(*seq).private.cast::<D>() };
    let _ = data.show(&mut SeqWriter(seq));
    0
}
