// SPDX-License-Identifier: GPL-2.0
/*
 * The 32-bit ABI.  This file is built twice: 64-bit (the test program) and
 * with -m32 (abi32, in /usr/bin of the guest).  The test program runs the
 * same steps in both and compares their outputs line by line:
 *
 *   abi32 --layout   sizes and offsets of every UAPI struct, command numbers
 *   abi32 --flow     INFO, LIST_DEVICES, CAPTURE, CAPTURE_KEYS (both sizes),
 *                    READ (with -EFAULT), STATS through the compat path,
 *                    printed without anything that differs between runs
 *                    (ids, times)
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmtest.h"

#define S(t) fprintf(out, "sizeof %s %zu\n", #t, sizeof(struct t))
#define O(t, f) fprintf(out, "offsetof %s.%s %zu\n", #t, #f, offsetof(struct t, f))
#define C(c) fprintf(out, "%s %#lx\n", #c, (unsigned long)(c))

static void layout(FILE *out)
{
	S(jskf_record);
	O(jskf_record, time_ns); O(jskf_record, dev_id); O(jskf_record, type);
	O(jskf_record, code); O(jskf_record, value); O(jskf_record, flags);
	S(jskf_info);
	O(jskf_info, abi_version); O(jskf_info, max_batch); O(jskf_info, ring_min);
	O(jskf_info, ring_max); O(jskf_info, ring_default); O(jskf_info, max_capture_ids);
	O(jskf_info, devlist_gen); O(jskf_info, n_devices); O(jskf_info, reserved0);
	O(jskf_info, features); O(jskf_info, reserved);
	S(jskf_device);
	O(jskf_device, id); O(jskf_device, flags); O(jskf_device, bustype);
	O(jskf_device, vendor); O(jskf_device, product); O(jskf_device, version);
	O(jskf_device, rel_bits); O(jskf_device, button_bits); O(jskf_device, n_keys);
	O(jskf_device, reserved); O(jskf_device, name); O(jskf_device, phys);
	O(jskf_device, uniq);
	S(jskf_list);
	O(jskf_list, devices_ptr); O(jskf_list, capacity); O(jskf_list, count);
	O(jskf_list, total); O(jskf_list, reserved0); O(jskf_list, devlist_gen);
	O(jskf_list, reserved);
	S(jskf_capture);
	O(jskf_capture, ids_ptr); O(jskf_capture, n_ids); O(jskf_capture, flags);
	O(jskf_capture, swallow); O(jskf_capture, ring_size); O(jskf_capture, toggle_code);
	O(jskf_capture, reserved0); O(jskf_capture, reserved);
	S(jskf_capture_keys);
	O(jskf_capture_keys, bits); O(jskf_capture_keys, flags);
	O(jskf_capture_keys, reserved);
	S(jskf_active);
	O(jskf_active, active); O(jskf_active, reserved);
	S(jskf_read);
	O(jskf_read, records_ptr); O(jskf_read, capacity); O(jskf_read, flags);
	O(jskf_read, deadline_ns); O(jskf_read, devlist_gen); O(jskf_read, batch_seq);
	O(jskf_read, first_seq); O(jskf_read, count); O(jskf_read, coalesced);
	O(jskf_read, dropped); O(jskf_read, state); O(jskf_read, output_ptr);
	O(jskf_read, output_count); O(jskf_read, output_slot); O(jskf_read, reserved);
	S(jskf_input_id);
	O(jskf_input_id, bustype); O(jskf_input_id, vendor); O(jskf_input_id, product);
	O(jskf_input_id, version);
	S(jskf_exclude);
	O(jskf_exclude, n); O(jskf_exclude, reserved); O(jskf_exclude, ids);
	S(jskf_counters);
	O(jskf_counters, seen); O(jskf_counters, swallowed); O(jskf_counters, delivered);
	O(jskf_counters, coalesced); O(jskf_counters, dropped); O(jskf_counters, saturated);
	S(jskf_stats);
	O(jskf_stats, dev_id); O(jskf_stats, reserved0); O(jskf_stats, counters);
	O(jskf_stats, reads_pended); O(jskf_stats, ring_size); O(jskf_stats, ring_used);
	O(jskf_stats, ring_high_water); O(jskf_stats, reserved);
	C(JSKF_IOC_INFO); C(JSKF_IOC_LIST_DEVICES); C(JSKF_IOC_CAPTURE);
	C(JSKF_IOC_RELEASE); C(JSKF_IOC_SET_ACTIVE); C(JSKF_IOC_READ);
	C(JSKF_IOC_CANCEL); C(JSKF_IOC_EXCLUDE); C(JSKF_IOC_STATS);
	C(JSKF_IOC_CAPTURE_KEYS); C(JSKF_IOC_SET_OUTPUT);
	S(jskf_out_event);
	O(jskf_out_event, type); O(jskf_out_event, code); O(jskf_out_event, value);
	S(jskf_output);
	O(jskf_output, id); O(jskf_output, slot); O(jskf_output, flags);
	O(jskf_output, reserved); O(jskf_output, name);
	fprintf(out, "features %#llx\n", (unsigned long long)(JSKF_FEAT_DEADMAN |
		JSKF_FEAT_RELEASE_PASSES | JSKF_FEAT_CAPTURE_KEYS | JSKF_FEAT_STICKY_CANCEL |
		JSKF_FEAT_GRAB_RESYNC | JSKF_FEAT_LATCHED_FRAMES | JSKF_FEAT_FAULT_KEEPS |
		JSKF_FEAT_SATURATED_REST | JSKF_FEAT_EXCLUDE_OWNER | JSKF_FEAT_KEYBOARD_ROOT |
		JSKF_FEAT_LAZY_OPEN | JSKF_FEAT_ONE_READ | JSKF_FEAT_POLL | JSKF_FEAT_KEYS_FLAGS |
		JSKF_FEAT_READ_OUTPUT));
}

static void print_rec(FILE *out, const struct jskf_record *r, uint32_t self,
		      int64_t t0, int64_t t1)
{
	bool filter_rec = r->type >= JSKF_REC_STATE;
	bool time_ok = filter_rec ? r->time_ns > 0 :
		(int64_t)r->time_ns >= t0 && (int64_t)r->time_ns <= t1;

	fprintf(out, "  record dev %s type %#x code %#x value %d flags %#x time %s\n",
		r->dev_id == self ? "self" : r->dev_id ? "other" : "0", r->type, r->code,
		r->value, r->flags, time_ok ? "ok" : "WRONG");
}

static void print_read(FILE *out, const char *what, int ret, const struct jskf_read *rd,
		       uint32_t self, int64_t t0, int64_t t1)
{
	const struct jskf_record *recs = (const void *)(uintptr_t)rd->records_ptr;

	fprintf(out, "%s: ret %d count %u batch_seq %llu first_seq %llu coalesced %u dropped %u state %#x\n",
		what, ret, rd->count, (unsigned long long)rd->batch_seq,
		(unsigned long long)rd->first_seq, rd->coalesced, rd->dropped, rd->state);
	for (uint32_t i = 0; !ret && i < rd->count && i < rd->capacity; i++)
		print_rec(out, &recs[i], self, t0, t1);
}

static void print_counters(FILE *out, const char *what, const struct jskf_counters *c)
{
	fprintf(out, "%s: seen %llu swallowed %llu delivered %llu coalesced %llu dropped %llu saturated %llu\n",
		what, (unsigned long long)c->seen, (unsigned long long)c->swallowed,
		(unsigned long long)c->delivered, (unsigned long long)c->coalesced,
		(unsigned long long)c->dropped, (unsigned long long)c->saturated);
}

/*
 * The compat-relevant steps, printed.  Returns -errno if the set-up (uinput,
 * open) fails; ioctl results are only printed, for the caller to compare.
 */
static int flow(FILE *out)
{
	static const struct input_event move[] = {
		{ .type = EV_REL, .code = REL_X, .value = 5 },
		{ .type = EV_REL, .code = REL_Y, .value = -5 },
	};
	static const struct input_event press[] = { { .type = EV_KEY, .code = BTN_LEFT, .value = 1 } };
	static const struct input_event release[] = { { .type = EV_KEY, .code = BTN_LEFT, .value = 0 } };
	static const struct input_event lost[] = { { .type = EV_REL, .code = REL_X, .value = 1 } };
	static const struct input_event after[] = { { .type = EV_REL, .code = REL_X, .value = 2 } };
	struct jskf_device devs[64];
	struct jskf_list list = { .devices_ptr = (uintptr_t)devs, .capacity = 64 };
	struct jskf_record buf[4];
	struct jskf_info info;
	struct jskf_stats st;
	struct jskf_read rd;
	struct vmt_dev m;
	uint32_t id = 0;
	int64_t t0, t1;
	int kfd, r;

	r = vmt_mouse_create(&m, "vmtest abi mouse", 0x0131);
	if (r)
		return r;
	kfd = kf_open(0);
	if (kfd < 0)
		return kfd;

	r = kf_info(kfd, &info);
	fprintf(out, "info: ret %d abi %u max_batch %u ring %u-%u default %u max_ids %u features %#llx reserved %d\n",
		r, info.abi_version, info.max_batch, info.ring_min, info.ring_max,
		info.ring_default, info.max_capture_ids, (unsigned long long)info.features,
		info.reserved0 || info.reserved[0] || info.reserved[1] || info.reserved[2] ||
		info.reserved[3]);

	r = kf_ioctl(kfd, JSKF_IOC_LIST_DEVICES, &list);
	fprintf(out, "list: ret %d count==total %d gen==info %d\n", r,
		list.count == list.total, list.devlist_gen == info.devlist_gen);
	for (uint32_t i = 0; !r && i < list.count && i < 64; i++) {
		const struct jskf_device *d = &devs[i];

		if (strcmp(d->name, m.name))
			continue;
		id = d->id;
		fprintf(out, "  device flags %#x id %04x:%04x:%04x:%04x rel %#x buttons %#x keys %u name '%s' phys '%s' uniq '%s'\n",
			d->flags, d->bustype, d->vendor, d->product, d->version, d->rel_bits,
			d->button_bits, d->n_keys, d->name, d->phys, d->uniq);
	}

	r = kf_capture(kfd, &id, 1, JSKF_CAPTURE_ACTIVE, JSKF_CLASS_MOTION, 1024, 0);
	fprintf(out, "capture: ret %d\n", r);
	{
		struct jskf_capture_keys keys = { .bits = { 0 } };

		keys.bits[BTN_LEFT / 64] = 1ULL << (BTN_LEFT % 64);
		fprintf(out, "capture keys: ret %d\n", kf_ioctl(kfd, JSKF_IOC_CAPTURE_KEYS, &keys));
		fprintf(out, "capture keys, version 1: ret %d\n",
			kf_ioctl(kfd, _IOC(_IOC_WRITE, JSKF_IOC_MAGIC, 0x09, sizeof(keys.bits)),
				 keys.bits));
		keys.flags = 1;
		fprintf(out, "capture keys, unknown flag: ret %d\n",
			kf_ioctl(kfd, JSKF_IOC_CAPTURE_KEYS, &keys));
	}
	r = kf_stats(kfd, 0, &st);
	fprintf(out, "stats: ret %d ring_size %u ring_used %u\n", r, st.ring_size, st.ring_used);

	t0 = now_ns();
	r = vmt_frame(&m, move, 2);
	if (!r)
		r = vmt_frame(&m, press, 1);
	if (!r)
		r = vmt_frame(&m, release, 1);
	t1 = now_ns();
	if (r)
		return r;
	for (int i = 0; i < 3; i++) {
		kf_read_init(&rd, buf, 4, JSKF_READ_DEADLINE, now_ns() + 2000000000LL);
		rd.devlist_gen = info.devlist_gen;
		r = kf_read(kfd, &rd);
		print_read(out, "read", r, &rd, id, t0, t1);
	}

	/* Records that cannot be copied out stay queued for the next read. */
	t0 = now_ns();
	r = vmt_frame(&m, lost, 1);
	if (r)
		return r;
	kf_read_init(&rd, (struct jskf_record *)8, 4, JSKF_READ_DEADLINE, now_ns() + 2000000000LL);
	fprintf(out, "read to a bad buffer: ret %d\n", kf_read(kfd, &rd));
	r = vmt_frame(&m, after, 1);
	t1 = now_ns();
	if (r)
		return r;
	kf_read_init(&rd, buf, 4, JSKF_READ_DEADLINE, now_ns() + 2000000000LL);
	rd.devlist_gen = info.devlist_gen;
	r = kf_read(kfd, &rd);
	print_read(out, "read after it", r, &rd, id, t0, t1);

	r = kf_stats(kfd, id, &st);
	fprintf(out, "device stats: ret %d\n", r);
	print_counters(out, "  counters", &st.counters);
	fprintf(out, "unknown command: ret %d\n", kf_ioctl(kfd, _IOR(JSKF_IOC_MAGIC, 0x3f, struct jskf_info), &info));
	fprintf(out, "cancel: ret %d\n", kf_ioctl(kfd, JSKF_IOC_CANCEL, NULL));
	fprintf(out, "release: ret %d\n", kf_ioctl(kfd, JSKF_IOC_RELEASE, NULL));
	close(kfd);
	return vmt_dev_destroy(&m);
}

#ifdef __x86_64__

static char why[512];

/* Runs "abi32 ARG" and returns its output (malloc'ed) or NULL. */
static char *run32(const char *arg)
{
	char cmd[64], *text = NULL;
	size_t len = 0;
	FILE *p, *out;
	int c;

	snprintf(cmd, sizeof(cmd), "abi32 %s", arg);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	out = open_memstream(&text, &len);
	if (!out) {
		pclose(p);
		return NULL;
	}
	while ((c = fgetc(p)) != EOF)
		fputc(c, out);
	fclose(out);
	if (pclose(p) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The first line where a and b differ, described in why. */
static bool same_text(const char *a, const char *b)
{
	const char *la = a, *lb = b;
	int line = 1;

	for (; *a && *a == *b; a++, b++)
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
	if (!*a && !*b)
		return true;
	snprintf(why, sizeof(why), "line %d differs: 64-bit '%.*s', 32-bit '%.*s'", line,
		 (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
	return false;
}

static char *capture_text(int (*fn)(FILE *), int *ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	*ret = fn(out);
	fclose(out);
	return text;
}

static int layout_fn(FILE *out)
{
	layout(out);
	return 0;
}

/* Every UAPI struct has the same size and offsets, every command the same number. */
static int test_layout(void)
{
	char *t32 = run32("--layout");
	char *t64;
	int r;

	CHECK(t32, "running abi32 --layout failed");
	t64 = capture_text(layout_fn, &r);
	CHECK(t64, "open_memstream failed");
	CHECK(same_text(t64, t32), "%s", why);
	return 0;
}

/*
 * A 32-bit caller gets the same answers as a 64-bit one, and those are
 * the right ones.
 */
static int test_compat_flow(void)
{
	static const char *const expect[] = {
		"info: ret 0 abi 1 ",
		" features 0x7fff reserved 0",
		"capture: ret 0",
		"capture keys: ret 0",
		"capture keys, version 1: ret 0",
		"capture keys, unknown flag: ret -22",
		"stats: ret 0 ring_size 1024 ring_used 2",
		"read: ret 0 count 4 batch_seq 1 first_seq 1 coalesced 0 dropped 0 state 0x3",
		"  record dev self type 0x2 code 0 value 5 flags 0x4 time ok",
		"read: ret 0 count 4 batch_seq 2 first_seq 5 coalesced 0 dropped 0 state 0x3",
		"read: ret 0 count 1 batch_seq 3 first_seq 9 coalesced 0 dropped 0 state 0x3",
		"read to a bad buffer: ret -14",
		"read after it: ret 0 count 4 batch_seq ",
		" first_seq 10 coalesced 0 dropped 0 state 0x3",
		"  record dev self type 0x2 code 0 value 2 flags 0x4 time ok",
		"  counters: seen 11 swallowed 7 delivered 12 coalesced 0 dropped 0 saturated 0",
		"unknown command: ret -25",
		"cancel: ret 0",
		"release: ret 0",
	};
	char *t64, *t32;
	int r;

	t64 = capture_text(flow, &r);
	CHECK(t64, "open_memstream failed");
	CHECK_OK(r);
	for (size_t i = 0; i < ARRAY_SIZE(expect); i++)
		CHECK(strstr(t64, expect[i]), "64-bit flow lacks '%s'; it printed:\n%s", expect[i], t64);
	CHECK(!strstr(t64, "WRONG"), "a record time is outside its write():\n%s", t64);
	t32 = run32("--flow");
	CHECK(t32, "running abi32 --flow failed");
	CHECK(same_text(t64, t32), "%s", why);
	return 0;
}

/*
 * The file is a stream of ioctls and nothing else, on every kernel: 6.12
 * removed no_llseek, and stream_open() is what keeps lseek() refused.
 */
static int test_file_ops(void)
{
	char byte = 0;
	void *map;
	int fd;

	CHECK_OK(fd = kf_open(O_RDWR));
	errno = 0;
	CHECK(lseek(fd, 0, SEEK_SET) == -1 && errno == ESPIPE,
	      "lseek: errno %d, want ESPIPE", errno);
	errno = 0;
	CHECK(pread(fd, &byte, 1, 0) == -1 && errno == ESPIPE,
	      "pread: errno %d, want ESPIPE", errno);
	errno = 0;
	CHECK(read(fd, &byte, 1) == -1 && errno == EINVAL,
	      "read: errno %d, want EINVAL", errno);
	errno = 0;
	CHECK(write(fd, &byte, 1) == -1 && errno == EINVAL,
	      "write: errno %d, want EINVAL", errno);
	map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(map == MAP_FAILED && errno == ENODEV,
	      "mmap: errno %d, want ENODEV", errno);
	close(fd);
	return 0;
}

static const struct vmt_case cases[] = {
	{ "uapi-layout-32-eq-64", test_layout, 0 },
	{ "compat32-same-results", test_compat_flow, 0 },
	{ "file-is-ioctl-only", test_file_ops, 0 },
};

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--layout")) {
		layout(stdout);
		return 0;
	}
	return vmt_main(cases, ARRAY_SIZE(cases), argc, argv);
}

#else /* the 32-bit build: abi32 */

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--layout")) {
		layout(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--flow")) {
		int r = flow(stdout);

		if (r)
			fprintf(stderr, "abi32: set-up failed: %s\n", strerror(-r));
		return r ? 1 : 0;
	}
	fprintf(stderr, "usage: abi32 --layout | --flow\n");
	return 2;
}

#endif
