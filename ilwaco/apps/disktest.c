/* disktest: writes patterns to a disk, flushes, reads them back and checks; also the disk errors. */
#include <ilwaco.h>

/*
 * Command line:
 *   disk=N      the disk under test (0); must be writable but for mode=verify
 *   blocks=K    blocks 0 to K-1 are tested (the disk's size, at most 256)
 *   seed=S      the pattern's seed (1)
 *   threads=T   writer threads, each with its own requests in flight (4, 1 to 8)
 *   ro=M        a read-only disk to check EROFS on (none)
 *   mode=test   write, flush, read back and check, then the error cases (default)
 *   mode=write-then-hang   write, flush, print "disktest: flushed K blocks seed S",
 *               then sleep forever (for a test that kills the VM and checks the file)
 *   mode=write-then-crash   the same, then crash: HLT with interrupts off,
 *               which the module kills (hlt_if0)
 *   mode=verify read back and check only
 * Ends with "disktest ok ..." and 0, or "disktest FAIL ..." and 1.
 *
 * Block b holds 512 words: word i is pattern(seed, b, i); words 0 and 1
 * are b and the seed themselves, so a dump of the file shows what went
 * where. Writes come from @threads threads at once (blocking calls,
 * several requests in flight); reads back are queued BATCH at a time
 * with dn_disk_submit().
 */

#define WORDS (DN_DISK_BLOCK / 8)
#define MAX_THREADS 8
#define BATCH 32
#define DEFAULT_BLOCKS 256

static unsigned int disk;
static uint64_t nblocks, seed;
static int nthreads;
static uint64_t wbuf[MAX_THREADS][WORDS] __attribute__((aligned(4096)));
static uint64_t rbuf[BATCH][WORDS] __attribute__((aligned(4096)));
static struct dn_disk_io rio[BATCH];

static uint64_t pattern(uint64_t b, uint64_t i)
{
	uint64_t z;

	if (i == 0)
		return b;
	if (i == 1)
		return seed;
	/* splitmix64 of the three */
	z = seed * 0x9e3779b97f4a7c15ULL + (b << 16) + i;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

__attribute__((noreturn, format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("disktest FAIL %s\n", buf);
	dn_halt(1);
}

static long writer(void *arg)
{
	int t = (int)(uintptr_t)arg, ret;
	uint64_t b, i;

	for (b = (uint64_t)t; b < nblocks; b += (uint64_t)nthreads) {
		for (i = 0; i < WORDS; i++)
			wbuf[t][i] = pattern(b, i);
		ret = dn_disk_write(disk, b, wbuf[t]);
		if (ret)
			fail("write block %lu: %d", (unsigned long)b, ret);
	}
	return 0;
}

static void write_all(void)
{
	uint64_t t0 = dn_now_ns();
	int t, ret;

	for (t = 1; t < nthreads; t++) {
		if (dn_thread_create(writer, (void *)(uintptr_t)t) < 0)
			fail("cannot start writer %d", t);
	}
	writer((void *)0);
	dn_thread_join_all();
	printf("disktest: wrote %lu blocks in %lu us\n", (unsigned long)nblocks,
	       (unsigned long)((dn_now_ns() - t0) / DN_NSEC_PER_USEC));
	t0 = dn_now_ns();
	ret = dn_disk_flush(disk);
	if (ret)
		fail("flush: %d", ret);
	printf("disktest: flushed in %lu us\n",
	       (unsigned long)((dn_now_ns() - t0) / DN_NSEC_PER_USEC));
}

static void check_block(uint64_t b, const uint64_t *w)
{
	uint64_t i;

	for (i = 0; i < WORDS; i++) {
		if (w[i] != pattern(b, i))
			fail("block %lu word %lu: got 0x%lx want 0x%lx", (unsigned long)b,
			     (unsigned long)i, (unsigned long)w[i], (unsigned long)pattern(b, i));
	}
}

/* Reads back BATCH blocks at a time, all queued before the first is waited for. */
static void verify_all(void)
{
	uint64_t t0 = dn_now_ns(), b, n, k;
	int ret;

	for (b = 0; b < nblocks; b += n) {
		n = nblocks - b < BATCH ? nblocks - b : BATCH;
		for (k = 0; k < n; k++) {
			memset(rbuf[k], 0xa5, sizeof(rbuf[k]));
			while ((ret = dn_disk_submit(&rio[k], DN_DISK_OP_READ, disk, b + k,
						     rbuf[k])) == DN_EAGAIN) {
				/* Full: wait for one of ours, or let others' complete. */
				if (k)
					dn_disk_wait(&rio[k - 1]);
				else if (!dn_disk_poll())
					dn_sleep(DN_NSEC_PER_MSEC);
			}
			if (ret)
				fail("queue read of block %lu: %d", (unsigned long)(b + k), ret);
		}
		for (k = 0; k < n; k++) {
			ret = dn_disk_wait(&rio[k]);
			if (ret)
				fail("read block %lu: %d", (unsigned long)(b + k), ret);
			check_block(b + k, rbuf[k]);
		}
	}
	printf("disktest: read back %lu blocks in %lu us\n", (unsigned long)nblocks,
	       (unsigned long)((dn_now_ns() - t0) / DN_NSEC_PER_USEC));
}

/* The requests that must fail, each with its status. */
static void error_cases(long ro)
{
	uint64_t total = dn_disk_blocks(disk);
	unsigned int none;
	int r, w;

	r = dn_disk_read(disk, total, rbuf[0]);
	w = dn_disk_write(disk, total, wbuf[0]);
	printf("disktest: past the end: read %d, write %d\n", r, w);
	if (r != DN_EINVAL || w != DN_EINVAL)
		fail("past the end: read %d write %d, want %d", r, w, DN_EINVAL);
	for (none = 0; none < DN_DISK_MAX && dn_disk_blocks(none); none++)
		;
	if (none < DN_DISK_MAX) {
		r = dn_disk_read(none, 0, rbuf[0]);
		printf("disktest: no disk %u: read %d\n", none, r);
		if (r != DN_ENODEV)
			fail("no disk %u: read %d, want %d", none, r, DN_ENODEV);
	}
	if (ro < 0)
		return;
	if (dn_disk_readonly((unsigned int)ro) != 1)
		fail("disk %ld is not read-only (%d)", ro, dn_disk_readonly((unsigned int)ro));
	w = dn_disk_write((unsigned int)ro, 0, wbuf[0]);
	r = dn_disk_read((unsigned int)ro, 0, rbuf[0]);
	printf("disktest: ro disk %ld: write %d, read %d\n", ro, w, r);
	if (w != DN_EROFS || r != 0)
		fail("ro disk %ld: write %d read %d, want %d and 0", ro, w, r, DN_EROFS);
}

int main(void)
{
	long d = dn_cmdline_int("disk", 0), ro = dn_cmdline_int("ro", -1);
	long k, s = dn_cmdline_int("seed", 1), t = dn_cmdline_int("threads", 4);
	const struct dn_disk_stats *st;
	char mode[24] = "test";
	uint64_t total;

	dn_cmdline_str("mode", mode, sizeof(mode));
	if (strcmp(mode, "test") && strcmp(mode, "write-then-hang") &&
	    strcmp(mode, "write-then-crash") && strcmp(mode, "verify"))
		fail("mode=%s: test, write-then-hang, write-then-crash or verify", mode);
	if (d < 0 || d >= DN_DISK_MAX || !dn_disk_blocks((unsigned int)d))
		fail("no disk %ld", d);
	if (ro >= DN_DISK_MAX || ro == d)
		fail("bad ro=%ld", ro);
	if (t < 1 || t > MAX_THREADS)
		fail("threads=%ld: 1 to %d", t, MAX_THREADS);
	disk = (unsigned int)d;
	total = dn_disk_blocks(disk);
	k = dn_cmdline_int("blocks", total < DEFAULT_BLOCKS ? (long)total : DEFAULT_BLOCKS);
	if (k < 1 || (uint64_t)k > total)
		fail("blocks=%ld: 1 to %lu", k, (unsigned long)total);
	nblocks = (uint64_t)k;
	seed = (uint64_t)s;
	nthreads = (int)t;
	printf("disktest: disk %u: %lu blocks, %s; mode %s, blocks %lu, seed %lu, threads %d\n",
	       disk, (unsigned long)total, dn_disk_readonly(disk) ? "ro" : "rw", mode,
	       (unsigned long)nblocks, (unsigned long)seed, nthreads);
	if (strcmp(mode, "verify") && dn_disk_readonly(disk))
		fail("disk %u is read-only", disk);

	if (!strcmp(mode, "verify")) {
		verify_all();
		printf("disktest ok verify %lu blocks seed %lu\n", (unsigned long)nblocks,
		       (unsigned long)seed);
		return 0;
	}
	write_all();
	if (!strcmp(mode, "write-then-hang") || !strcmp(mode, "write-then-crash")) {
		printf("disktest: flushed %lu blocks seed %lu\n", (unsigned long)nblocks,
		       (unsigned long)seed);
		if (!strcmp(mode, "write-then-crash"))
			__asm__ volatile("cli; hlt");
		for (;;)
			dn_sleep(DN_NSEC_PER_SEC);
	}
	verify_all();
	error_cases(ro);
	st = dn_disk_stats();
	printf("disktest: requests %lu completions %lu errors %lu eagain %lu stray %lu\n",
	       (unsigned long)st->submitted, (unsigned long)st->completed,
	       (unsigned long)st->errors, (unsigned long)st->eagain, (unsigned long)st->stray);
	printf("disktest ok %lu blocks seed %lu\n", (unsigned long)nblocks, (unsigned long)seed);
	return 0;
}
