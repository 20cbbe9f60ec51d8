/* The disk driver: requests queued with tags, the completion ring drained from the DISK interrupt. */
#include "internal.h"

/*
 * A request in flight is slot i of @inflight; its tag is the slot number
 * in the low 8 bits and a generation above, so a completion carrying a
 * tag the driver never gave (or gave long ago) is counted and dropped
 * rather than completing the wrong request. The module caps requests in
 * flight plus completions not taken at DENALI_DISK_CQ_SIZE, and the
 * driver takes completions as they come, so as many slots always do.
 */
#define SLOTS DENALI_DISK_CQ_SIZE
#define TAG_SLOT(tag) ((unsigned int)((tag) & 0xff))
#define ALL_DISK_BITS (0xffU << 16)
/* A thread that found the queue full tries again at the next completion, or after this. */
#define FULL_RETRY_NS (10 * DN_NSEC_PER_MSEC)

static struct dn_disk_io *inflight[SLOTS];
static unsigned int next_slot;
static uint64_t generation;
/* Completions taken: the value of the registers page's cq_head. */
static uint32_t cq_head;
static int ready, draining;
/* Threads waiting for room in a full queue. */
static struct dn_waitq room;
static struct dn_disk_stats stats;

static volatile struct denali_regs_disk *disk_slot(unsigned int disk)
{
	if (disk >= DN_DISK_MAX)
		return NULL;
	return &dn_regs()->disk[disk];
}

uint64_t dn_disk_blocks(unsigned int disk)
{
	volatile struct denali_regs_disk *slot = disk_slot(disk);

	return slot ? slot->blocks : 0;
}

int dn_disk_readonly(unsigned int disk)
{
	volatile struct denali_regs_disk *slot = disk_slot(disk);

	if (!slot || !slot->blocks)
		return DN_ENODEV;
	return (slot->flags & DENALI_DISK_F_RO) ? 1 : 0;
}

const struct dn_disk_stats *dn_disk_stats(void)
{
	return &stats;
}

static void complete(struct dn_disk_io *io, int status)
{
	io->status = status;
	io->complete = 1;
	while (dn_sched_wake_one(&io->waiters))
		;
	if (io->done)
		io->done(io);
}

/*
 * The module writes an entry before it moves cq_tail, so the tail is
 * read with acquire semantics, and cq_head is published (release) only
 * after the entry was copied out, since the module may then reuse it.
 * A tail more than a ring ahead is the module's bug; the entries behind
 * it cannot be trusted, so the driver panics rather than guess.
 */
int dn_disk_poll(void)
{
	volatile struct denali_regs *r = dn_regs();
	struct denali_disk_cqe e;
	struct dn_disk_io *io;
	uint32_t tail;
	int n = 0;

	/* A done callback that polls again: the outer loop takes what it would. */
	if (draining)
		return 0;
	draining = 1;
	for (;;) {
		tail = __atomic_load_n(&r->cq_tail, __ATOMIC_ACQUIRE);
		if (tail == cq_head)
			break;
		if (tail - cq_head > DENALI_DISK_CQ_SIZE)
			dn_panic("disk: completion ring tail %u head %u", tail, cq_head);
		e.tag = r->cq[cq_head % DENALI_DISK_CQ_SIZE].tag;
		e.status = r->cq[cq_head % DENALI_DISK_CQ_SIZE].status;
		cq_head++;
		__atomic_store_n(&r->cq_head, cq_head, __ATOMIC_RELEASE);
		n++;
		stats.completed++;
		if (e.status)
			stats.errors++;
		io = TAG_SLOT(e.tag) < SLOTS ? inflight[TAG_SLOT(e.tag)] : NULL;
		if (!io || io->tag != e.tag) {
			stats.stray++;
			continue;
		}
		inflight[TAG_SLOT(e.tag)] = NULL;
		complete(io, e.status > 0 ? DN_EIO : e.status);
	}
	draining = 0;
	if (n) {
		while (dn_sched_wake_one(&room))
			;
	}
	return n;
}

static void disk_irq(uint32_t bit, void *arg)
{
	(void)bit;
	(void)arg;
	dn_disk_poll();
}

/* The registers page's cq_head is where the module left it (0 at start). */
static int init(void)
{
	int ret;

	if (ready)
		return 0;
	ret = dn_irq_register(ALL_DISK_BITS, disk_irq, NULL);
	if (ret)
		return ret;
	cq_head = dn_regs()->cq_head;
	ready = 1;
	return 0;
}

int dn_disk_submit(struct dn_disk_io *io, int op, unsigned int disk, uint64_t block, void *buf)
{
	unsigned int i, slot;
	long ret;

	if (op != DN_DISK_OP_READ && op != DN_DISK_OP_WRITE && op != DN_DISK_OP_FLUSH)
		return DN_EINVAL;
	if (disk >= DN_DISK_MAX)
		return DN_ENODEV;
	ret = init();
	if (ret)
		return (int)ret;
	for (i = 0; i < SLOTS; i++) {
		if (inflight[i] == io)
			return DN_EBUSY;
	}
	for (i = 0; i < SLOTS && inflight[(next_slot + i) % SLOTS]; i++)
		;
	if (i == SLOTS) {
		stats.eagain++;
		return DN_EAGAIN;
	}
	slot = (next_slot + i) % SLOTS;
	io->tag = ++generation << 8 | slot;
	io->status = 0;
	io->complete = 0;
	io->waiters.head = io->waiters.tail = NULL;
	/* In the table first: the completion may be in the ring before the hypercall returns. */
	inflight[slot] = io;
	if (op == DN_DISK_OP_FLUSH)
		ret = dn_hypercall(op, disk, (long)io->tag, 0, 0, 0);
	else
		ret = dn_hypercall(op, disk, (long)block, (long)(uintptr_t)buf, (long)io->tag, 0);
	if (ret) {
		inflight[slot] = NULL;
		if (ret == DN_EAGAIN)
			stats.eagain++;
		return (int)ret;
	}
	next_slot = slot + 1;
	stats.submitted++;
	return 0;
}

int dn_disk_wait(struct dn_disk_io *io)
{
	while (!io->complete) {
		/* Completions may wait in the ring without their bit handed out yet. */
		if (dn_disk_poll())
			continue;
		dn_sched_block(&io->waiters, DN_NO_DEADLINE);
	}
	return io->status;
}

/* Queues @op, waiting for room as long as the queue is full, and waits for its completion. */
static int sync_io(int op, unsigned int disk, uint64_t block, void *buf)
{
	struct dn_disk_io io = { 0 };
	int ret;

	for (;;) {
		ret = dn_disk_submit(&io, op, disk, block, buf);
		if (ret != DN_EAGAIN)
			break;
		if (dn_disk_poll())
			continue;
		dn_sched_block(&room, dn_now_ns() + FULL_RETRY_NS);
	}
	if (ret)
		return ret;
	return dn_disk_wait(&io);
}

int dn_disk_read(unsigned int disk, uint64_t block, void *buf)
{
	return sync_io(DN_DISK_OP_READ, disk, block, buf);
}

int dn_disk_write(unsigned int disk, uint64_t block, const void *buf)
{
	return sync_io(DN_DISK_OP_WRITE, disk, block, (void *)(uintptr_t)buf);
}

int dn_disk_flush(unsigned int disk)
{
	return sync_io(DN_DISK_OP_FLUSH, disk, 0, NULL);
}
