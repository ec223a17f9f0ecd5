/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * joystickd_kfilter: the user-space ABI of /dev/joystickd_kfilter.
 *
 * This header is the only definition of the protocol between the kernel
 * filter and its callers (joystickd, joystickctl, the tests).  It follows
 * Documentation/driver-api/ioctl.rst: fixed-width types, natural alignment
 * with explicit padding, __u64 for user pointers and for CLOCK_MONOTONIC
 * nanosecond times, reserved fields that must be zero.  Every structure has
 * the same size for 32- and 64-bit callers, so one command number serves
 * both and compat_ioctl needs no translation.
 *
 * How it evolves (kfilter/README.md, "Versions"): JSKF_ABI_VERSION
 * changes only for a change that would break a caller written for the
 * previous version, never for an addition.  An addition is a new command,
 * a new flag bit, a meaning for a reserved field (which callers keep at
 * zero), or a structure that grows at its end (its size, part of the
 * command value, tells the versions apart, and the old value keeps
 * working); each is announced by a bit in jskf_info.features.  A caller
 * checks the version it was written for and the bits it needs.
 */
#ifndef _UAPI_JOYSTICKD_KFILTER_H
#define _UAPI_JOYSTICKD_KFILTER_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/input-event-codes.h>

#define JSKF_DEVICE_NAME	"joystickd_kfilter"
#define JSKF_DEVICE_PATH	"/dev/joystickd_kfilter"
#define JSKF_ABI_VERSION	1

/* Sizes of the fixed strings in struct jskf_device. */
#define JSKF_NAME_LEN		128
#define JSKF_PHYS_LEN		64
#define JSKF_UNIQ_LEN		64

/* At most this many ids in one capture request or exclusion list. */
#define JSKF_MAX_CAPTURE_IDS	64
#define JSKF_MAX_EXCLUDES	16

/* ----------------------------------------------------------------------- */
/* Records: what a read returns                                            */
/* ----------------------------------------------------------------------- */

/*
 * Record types.  Input events keep their evdev type (EV_SYN, EV_KEY, EV_REL,
 * EV_MSC).  Types from 0x100 up are the filter's own records; they are never
 * produced by an input device.
 */
#define JSKF_REC_STATE		0x100	/* capture state changed: see below */
#define JSKF_REC_DEV_ADDED	0x101	/* dev_id now captured (hotplug or capture) */
#define JSKF_REC_DEV_REMOVED	0x102	/* dev_id disconnected; the id is never reused */
/* Types 0x1f0 to 0x1ff are never queued by the filter: a user-space backend's own records. */
#define JSKF_REC_USER_FIRST	0x1f0
#define JSKF_REC_USER_LAST	0x1ff

/* Codes of JSKF_REC_STATE records: what changed the state.  value = new state flags. */
#define JSKF_STATE_BY_IOCTL	0	/* JSKF_IOC_CAPTURE or JSKF_IOC_SET_ACTIVE */
#define JSKF_STATE_BY_HOTKEY	1	/* the toggle hotkey, handled in the kernel */
#define JSKF_STATE_BY_DEADMAN	2	/* the owner left records uncollected too long */

/* record.flags */
#define JSKF_RECF_COALESCED	(1u << 0)	/* REL value is the sum of several events */
#define JSKF_RECF_SATURATED	(1u << 1)	/* clamped to the __s32 range: the rest follows */
#define JSKF_RECF_SWALLOWED	(1u << 2)	/* the event was hidden from other handlers */
#define JSKF_RECF_RESYNC	(1u << 3)	/* key state restored after dropped key events */

/*
 * One event.  time_ns is the input core's CLOCK_MONOTONIC timestamp of the
 * frame the event belongs to (the same value evdev reports with
 * EVIOCSCLOCKID(CLOCK_MONOTONIC), at nanosecond resolution).  The record's
 * sequence number is the batch's first_seq plus its index in the batch.
 */
struct jskf_record {
	__u64 time_ns;
	__u32 dev_id;
	__u16 type;
	__u16 code;
	__s32 value;
	__u32 flags;
};

/* ----------------------------------------------------------------------- */
/* JSKF_IOC_INFO                                                           */
/* ----------------------------------------------------------------------- */

/*
 * jskf_info.features: what the module does beyond the first release of
 * version 1, one bit per behaviour.  A module older than the bits reads 0.
 */
#define JSKF_FEAT_DEADMAN	 ((__u64)1 << 0)	/* the dead-man switch; deadman_ms 0 means the default */
#define JSKF_FEAT_RELEASE_PASSES ((__u64)1 << 1)	/* a key release is never swallowed */
#define JSKF_FEAT_CAPTURE_KEYS	 ((__u64)1 << 2)	/* pointer buttons only, unless CAPTURE_KEYS names more */
#define JSKF_FEAT_STICKY_CANCEL	 ((__u64)1 << 3)	/* a cancel with no read pended ends the next read */
#define JSKF_FEAT_GRAB_RESYNC	 ((__u64)1 << 4)	/* buttons released during a grab: RESYNC releases */
#define JSKF_FEAT_LATCHED_FRAMES ((__u64)1 << 5)	/* a frame goes whole to the side its first event chose */
#define JSKF_FEAT_FAULT_KEEPS	 ((__u64)1 << 6)	/* a read that faults leaves its batch queued */
#define JSKF_FEAT_SATURATED_REST ((__u64)1 << 7)	/* a clamped sum's remainder follows */
#define JSKF_FEAT_EXCLUDE_OWNER	 ((__u64)1 << 8)	/* EXCLUDE is the owner's (or anyone's without one) */
#define JSKF_FEAT_KEYBOARD_ROOT	 ((__u64)1 << 9)	/* keyboard keys are root's: hotkey and CAPTURE_KEYS */
#define JSKF_FEAT_LAZY_OPEN	 ((__u64)1 << 10)	/* devices opened only while a capture needs them */
#define JSKF_FEAT_ONE_READ	 ((__u64)1 << 11)	/* one read at a time per file: another gets -EBUSY */
#define JSKF_FEAT_POLL		 ((__u64)1 << 12)	/* poll: EPOLLIN, EPOLLPRI as documented, no EPOLLHUP */
#define JSKF_FEAT_KEYS_FLAGS	 ((__u64)1 << 13)	/* struct jskf_capture_keys has flags (112 bytes) */
#define JSKF_FEAT_READ_OUTPUT	 ((__u64)1 << 14)	/* SET_OUTPUT, and JSKF_READ_OUTPUT sends before it waits */

struct jskf_info {
	__u32 abi_version;	/* JSKF_ABI_VERSION */
	__u32 max_batch;	/* most records one read returns */
	__u32 ring_min;		/* ring size bounds, in records, powers of two */
	__u32 ring_max;
	__u32 ring_default;	/* used when jskf_capture.ring_size is 0 */
	__u32 max_capture_ids;	/* JSKF_MAX_CAPTURE_IDS */
	__u64 devlist_gen;	/* bumped on every attach and detach */
	__u32 n_devices;	/* devices attached now */
	__u32 reserved0;
	__u64 features;		/* JSKF_FEAT_* */
	__u32 reserved[4];
};

/* ----------------------------------------------------------------------- */
/* JSKF_IOC_LIST_DEVICES                                                   */
/* ----------------------------------------------------------------------- */

/* jskf_device.flags */
#define JSKF_DEVF_POINTER	(1u << 0)	/* has REL_X and REL_Y: can be captured */
#define JSKF_DEVF_KEYBOARD	(1u << 1)	/* has keyboard keys: attached for the hotkey */
#define JSKF_DEVF_CAPTURED	(1u << 2)	/* selected by the current capture */
#define JSKF_DEVF_GRABBED	(1u << 3)	/* another handle holds EVIOCGRAB: no events reach the filter */
/* Bits 24 to 31 are never set by the filter: a user-space backend's own flags. */
#define JSKF_DEVF_USER_MASK	0xff000000u

struct jskf_device {
	__u32 id;		/* never reused while the module is loaded */
	__u32 flags;		/* JSKF_DEVF_* */
	__u16 bustype;		/* struct input_id */
	__u16 vendor;
	__u16 product;
	__u16 version;
	__u32 rel_bits;		/* bit n set: has relative axis n (REL_X = 0 ... REL_MAX) */
	__u32 button_bits;	/* bit n set: has key BTN_MOUSE + n (BTN_LEFT ... BTN_TASK) */
	__u32 n_keys;		/* number of EV_KEY codes it has */
	__u32 reserved;
	char name[JSKF_NAME_LEN];	/* NUL-terminated, truncated if longer */
	char phys[JSKF_PHYS_LEN];
	char uniq[JSKF_UNIQ_LEN];
};

struct jskf_list {
	__u64 devices_ptr;	/* in: array of struct jskf_device */
	__u32 capacity;		/* in: entries in that array (0: just count) */
	__u32 count;		/* out: entries written */
	__u32 total;		/* out: devices attached (may exceed capacity) */
	__u32 reserved0;
	__u64 devlist_gen;	/* out: generation this list describes */
	__u32 reserved[4];
};

/* ----------------------------------------------------------------------- */
/* JSKF_IOC_CAPTURE / JSKF_IOC_RELEASE / JSKF_IOC_SET_ACTIVE               */
/* ----------------------------------------------------------------------- */

/* Event classes, for jskf_capture.swallow */
#define JSKF_CLASS_MOTION	(1u << 0)	/* REL_X, REL_Y, REL_Z, REL_RX..REL_RZ, REL_DIAL, REL_MISC */
#define JSKF_CLASS_WHEEL	(1u << 1)	/* REL_WHEEL, REL_HWHEEL and their _HI_RES */
#define JSKF_CLASS_BUTTONS	(1u << 2)	/* pointer buttons of captured pointers (not the hotkey) */
#define JSKF_CLASS_ALL		(JSKF_CLASS_MOTION | JSKF_CLASS_WHEEL | JSKF_CLASS_BUTTONS)

/* The class of an EV_REL code: the wheels, or motion (every other axis). */
static __inline__ __u32 jskf_rel_class(__u16 code)
{
	switch (code) {
	case REL_WHEEL:
	case REL_HWHEEL:
	case REL_WHEEL_HI_RES:
	case REL_HWHEEL_HI_RES:
		return JSKF_CLASS_WHEEL;
	default:
		return JSKF_CLASS_MOTION;
	}
}

/* jskf_capture.flags */
#define JSKF_CAPTURE_ALL_POINTERS (1u << 0)	/* every pointing device, now and hotplugged */
#define JSKF_CAPTURE_ACTIVE	  (1u << 1)	/* capture (and swallow) now */

/* State flags: JSKF_REC_STATE values and jskf_read.state */
#define JSKF_STATE_OWNER	(1u << 0)	/* this file owns capture */
#define JSKF_STATE_ACTIVE	(1u << 1)	/* capture is active */
#define JSKF_STATE_OVERFLOW	(1u << 2)	/* queue was full since the previous batch */
#define JSKF_STATE_DEVLIST	(1u << 3)	/* devlist_gen differs from the caller's */

/*
 * Capture belongs to the open file that set it.  A second file gets -EBUSY.
 * The owner may call it again to change the selection, the classes, the
 * hotkey or the active flag; ring_size is fixed by the first call (a later
 * call must pass 0 or the same size).
 */
struct jskf_capture {
	__u64 ids_ptr;		/* in: __u32 device ids, unless ALL_POINTERS */
	__u32 n_ids;		/* in: at most JSKF_MAX_CAPTURE_IDS */
	__u32 flags;		/* in: JSKF_CAPTURE_* */
	__u32 swallow;		/* in: JSKF_CLASS_* hidden from the desktop while active */
	__u32 ring_size;	/* in: records, power of two in [ring_min, ring_max]; 0: default */
	__u16 toggle_code;	/* in: EV_KEY code that flips ACTIVE (key or button); 0: none */
	__u16 reserved0;
	__u32 deadman_ms;	/* in: 0 (JSKF_DEADMAN_DEFAULT_MS) or DEADMAN_MIN..MAX_MS */
	__u32 reserved[4];
};

/*
 * The dead-man switch: while capture is active and swallows something, a
 * record left uncollected for longer than deadman_ms turns capture off
 * (a STATE record with code JSKF_STATE_BY_DEADMAN says so), so that a hung
 * owner never leaves the desktop without its mouse.
 */
#define JSKF_DEADMAN_DEFAULT_MS	2000
#define JSKF_DEADMAN_MIN_MS	50
#define JSKF_DEADMAN_MAX_MS	60000

/*
 * Buttons and keyboard keys.  A button is an EV_KEY code of the pointer,
 * joystick, gamepad, digitizer and wheel blocks (BTN_MISC ... BTN_GEAR_UP),
 * the d-pad (BTN_DPAD_UP ... BTN_DPAD_RIGHT) or the trigger-happy block
 * (BTN_TRIGGER_HAPPY1 ... 40); every other code is a keyboard key, above
 * BTN_MISC as well (KEY_OK, KEY_FN, KEY_MACRO1 ...).  Capturing a keyboard
 * key, or making it the hotkey, tells the owner when someone types it: only
 * a file opened by root and used by root may (-EPERM).  A device with a
 * keyboard key is a keyboard (JSKF_DEVF_KEYBOARD).
 */
static __inline__ int jskf_key_is_button(__u16 code)
{
	return (code >= BTN_MISC && code <= BTN_GEAR_UP) ||
	       (code >= BTN_DPAD_UP && code <= BTN_DPAD_RIGHT) ||
	       (code >= BTN_TRIGGER_HAPPY1 && code <= BTN_TRIGGER_HAPPY40);
}

/*
 * JSKF_IOC_CAPTURE_KEYS: the EV_KEY codes a capture takes from its pointers.
 * Bit n of bits[n / 64] is code n.  Until the owner sets it, and after a
 * new capture, it is JSKF_POINTER_BUTTONS: the BTN_MISC and BTN_MOUSE
 * blocks.  Any other key of a captured device (a keyboard with a touchpad
 * is one device) goes to the desktop untouched and is never queued, unless
 * the owner names it here.  The toggle hotkey is apart from this set.
 * Version 1 had bits[] alone (96 bytes, its own command value, still
 * served with flags 0).
 */
#define JSKF_KEY_WORDS		12	/* KEY_CNT / 64 */
#define JSKF_POINTER_BUTTONS_FIRST	0x100	/* BTN_MISC */
#define JSKF_POINTER_BUTTONS_LAST	0x11f	/* the end of the BTN_MOUSE block */

struct jskf_capture_keys {
	__u64 bits[JSKF_KEY_WORDS];	/* in */
	__u32 flags;		/* in: none defined yet, must be 0 */
	__u32 reserved[3];
};

struct jskf_active {
	__u32 active;		/* in: 0 or 1 */
	__u32 reserved;
};

/* ----------------------------------------------------------------------- */
/* JSKF_IOC_READ: the pended read                                          */
/* ----------------------------------------------------------------------- */

/* jskf_read.flags */
#define JSKF_READ_DEADLINE	(1u << 0)	/* deadline_ns is valid */
#define JSKF_READ_DEVLIST	(1u << 1)	/* also return when devlist_gen != caller's */
#define JSKF_READ_OUTPUT	(1u << 2)	/* first send output_count events (SET_OUTPUT) */

/*
 * Waits until records are queued for this file (it must own capture, or
 * pass JSKF_READ_DEVLIST), the deadline passes (-ETIMEDOUT), a signal
 * arrives (-EINTR, or a restart with the same absolute deadline under
 * SA_RESTART), a JSKF_IOC_CANCEL of this file is pending (-ECANCELED), or,
 * with JSKF_READ_DEVLIST, the device list differs from devlist_gen (returns
 * 0 with count 0 and JSKF_STATE_DEVLIST).  A cancel is sticky: it ends
 * the read pended when it was issued or, if there was none, the next
 * read, so that a cancel issued just before a read starts is never lost.
 * O_NONBLOCK gives -EAGAIN instead of waiting.  A file has one read at a
 * time: another read of the same file while one is in flight gets -EBUSY.
 * Returns 0 on success with the batch described below.  A batch that
 * cannot be copied out (-EFAULT) stays queued, whole, for the next read.
 *
 * With JSKF_READ_OUTPUT the read first sends output_count events from
 * output_ptr to the file's output device in output_slot
 * (JSKF_IOC_SET_OUTPUT), in order, and then waits as above: the
 * daemon's stick frame for one batch and its wait for the next in one
 * system call.  Nothing is sent when the call fails with -EINVAL (also:
 * an event type other than EV_SYN, EV_KEY, EV_REL, EV_ABS, EV_MSC, EV_SW),
 * -EBUSY, -EPERM, -ENODEV (no output device, or it went away: send it
 * some other way) or -EFAULT reading the output; whatever else the call
 * returns, all of it was sent.  A read that sent its output is not
 * restarted after a signal: it returns -EINTR.
 */
struct jskf_read {
	__u64 records_ptr;	/* in: array of struct jskf_record */
	__u32 capacity;		/* in: entries, 1 ... info.max_batch (more is clamped) */
	__u32 flags;		/* in: JSKF_READ_* */
	__s64 deadline_ns;	/* in: absolute CLOCK_MONOTONIC time */
	__u64 devlist_gen;	/* in: with JSKF_READ_DEVLIST; out: current generation */
	__u64 batch_seq;	/* out: 1, 2, 3 ... per capture owner */
	__u64 first_seq;	/* out: sequence number of records[0]; 1-based: a gap is a loss */
	__u32 count;		/* out: records written */
	__u32 coalesced;	/* out: events summed into other records since the previous batch */
	__u32 dropped;		/* out: events lost since the previous batch (queue full) */
	__u32 state;		/* out: JSKF_STATE_* */
	__u64 output_ptr;	/* in, with JSKF_READ_OUTPUT: array of struct jskf_out_event */
	__u16 output_count;	/* in, with JSKF_READ_OUTPUT: events, 1 ... JSKF_OUTPUT_MAX */
	__u16 output_slot;	/* in, with JSKF_READ_OUTPUT: 0 ... JSKF_OUTPUT_SLOTS - 1 */
	__u32 reserved;
};

/* One event a read sends to the output device (type, code, value of input_event()). */
struct jskf_out_event {
	__u16 type;
	__u16 code;
	__s32 value;
};

#define JSKF_OUTPUT_MAX		256	/* events one read sends */
#define JSKF_OUTPUT_SLOTS	2	/* output devices of a file */

/* ----------------------------------------------------------------------- */
/* JSKF_IOC_EXCLUDE: the daemon's own output devices                       */
/* ----------------------------------------------------------------------- */

/*
 * Input ids (bus, vendor, product, version) the filter must never attach
 * to; the daemon registers its uinput stick's id before creating it.  The
 * list belongs to the file and is forgotten when it closes.  n = 0 clears.
 */
struct jskf_input_id {
	__u16 bustype;
	__u16 vendor;
	__u16 product;
	__u16 version;
};

struct jskf_exclude {
	__u32 n;		/* in: entries used, at most JSKF_MAX_EXCLUDES */
	__u32 reserved;
	struct jskf_input_id ids[JSKF_MAX_EXCLUDES];
};

/* ----------------------------------------------------------------------- */
/* JSKF_IOC_SET_OUTPUT: the device a read's output goes to                 */
/* ----------------------------------------------------------------------- */

/*
 * Names the device the file's reads with output_slot @slot send to: the
 * first input device registered after this call with this input id and
 * name (the uinput stick the daemon creates next).  A device registered
 * before the call never qualifies.  The slot is empty until one is, and
 * again once that device goes away; a name "" empties it at once.  Two
 * slots let a new stick be made while the old one still gets its last
 * frames.  Only a file opened by uid 0 may set one (-EPERM), as for
 * keyboard keys.
 */
struct jskf_output {
	struct jskf_input_id id;	/* in */
	__u32 slot;			/* in: 0 ... JSKF_OUTPUT_SLOTS - 1 */
	__u32 flags;			/* in: 0 */
	__u32 reserved[2];
	char name[JSKF_NAME_LEN];	/* in: NUL-terminated; "" empties the slot */
};

/* ----------------------------------------------------------------------- */
/* JSKF_IOC_STATS                                                          */
/* ----------------------------------------------------------------------- */

struct jskf_counters {
	__u64 seen;		/* events the filter was called for */
	__u64 swallowed;	/* events hidden from the other handlers */
	__u64 delivered;	/* records copied out by reads */
	__u64 coalesced;	/* events summed into another record */
	__u64 dropped;		/* events lost because the queue was full */
	__u64 saturated;	/* sums clamped to the __s32 range */
};

struct jskf_stats {
	__u32 dev_id;		/* in: 0 for the totals, else one device */
	__u32 reserved0;
	struct jskf_counters counters;	/* out */
	__u64 reads_pended;	/* out (totals): reads that waited in the kernel */
	__u32 ring_size;	/* out (totals): current owner's ring, 0 if none */
	__u32 ring_used;	/* out (totals): records queued now */
	__u32 ring_high_water;	/* out (totals): most records queued at once */
	__u32 reserved[3];
};

/* ----------------------------------------------------------------------- */
/* Commands                                                                */
/* ----------------------------------------------------------------------- */

#define JSKF_IOC_MAGIC		0xB9

#define JSKF_IOC_INFO		_IOR(JSKF_IOC_MAGIC, 0x00, struct jskf_info)
#define JSKF_IOC_LIST_DEVICES	_IOWR(JSKF_IOC_MAGIC, 0x01, struct jskf_list)
#define JSKF_IOC_CAPTURE	_IOW(JSKF_IOC_MAGIC, 0x02, struct jskf_capture)
#define JSKF_IOC_RELEASE	_IO(JSKF_IOC_MAGIC, 0x03)
#define JSKF_IOC_SET_ACTIVE	_IOW(JSKF_IOC_MAGIC, 0x04, struct jskf_active)
#define JSKF_IOC_READ		_IOWR(JSKF_IOC_MAGIC, 0x05, struct jskf_read)
#define JSKF_IOC_CANCEL		_IO(JSKF_IOC_MAGIC, 0x06)
#define JSKF_IOC_EXCLUDE	_IOW(JSKF_IOC_MAGIC, 0x07, struct jskf_exclude)
#define JSKF_IOC_STATS		_IOWR(JSKF_IOC_MAGIC, 0x08, struct jskf_stats)
#define JSKF_IOC_CAPTURE_KEYS	_IOW(JSKF_IOC_MAGIC, 0x09, struct jskf_capture_keys)
#define JSKF_IOC_SET_OUTPUT	_IOW(JSKF_IOC_MAGIC, 0x0a, struct jskf_output)

/* ----------------------------------------------------------------------- */
/* Layout checks: identical for 32- and 64-bit callers                     */
/* ----------------------------------------------------------------------- */

/*
 * C11, C++11 and the kernel use _Static_assert (static_assert in C++).  A C99
 * caller (-std=c99 -pedantic) gets the same check from an array whose size
 * is negative when the assertion fails; it is declared, never defined.
 */
#if defined(__KERNEL__) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L)
#define JSKF_ASSERT_SIZE(type, size) _Static_assert(sizeof(struct type) == (size), #type)
#elif defined(__cplusplus)
#define JSKF_ASSERT_SIZE(type, size) static_assert(sizeof(struct type) == (size), #type)
#else
#define JSKF_ASSERT_SIZE(type, size) extern char jskf_size_of_##type[sizeof(struct type) == (size) ? 1 : -1]
#endif

JSKF_ASSERT_SIZE(jskf_record, 24);
JSKF_ASSERT_SIZE(jskf_info, 64);
JSKF_ASSERT_SIZE(jskf_device, 288);
JSKF_ASSERT_SIZE(jskf_list, 48);
JSKF_ASSERT_SIZE(jskf_capture, 48);
JSKF_ASSERT_SIZE(jskf_active, 8);
JSKF_ASSERT_SIZE(jskf_read, 80);
JSKF_ASSERT_SIZE(jskf_input_id, 8);
JSKF_ASSERT_SIZE(jskf_exclude, 136);
JSKF_ASSERT_SIZE(jskf_counters, 48);
JSKF_ASSERT_SIZE(jskf_stats, 88);
JSKF_ASSERT_SIZE(jskf_capture_keys, 112);
JSKF_ASSERT_SIZE(jskf_out_event, 8);
JSKF_ASSERT_SIZE(jskf_output, 152);

#endif /* _UAPI_JOYSTICKD_KFILTER_H */
