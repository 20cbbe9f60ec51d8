/* bad-disk: floods the disk queue, bad blocks, addresses and disks, then halts mid-flight; expected halted(0). */
#include "hostile.h"

/*
 * Needs disk 0, writable and scratch (the last step writes to it).
 * Bare: no interrupts; it polls the completion ring itself, with raw
 * hypercalls. Each step prints "bad-disk: WHAT: RESULT". Expected, in
 * order:
 *
 *   bad-disk: disk_count N disk0 blocks B flags 0
 *   bad-disk: flood: 128 accepted, then -11
 *   bad-disk: drained 128 completions, 128 ok
 *   bad-disk: READ block B: 0, completed -22        (B = the disk's size)
 *   bad-disk: READ block 1<<40: 0, completed -22
 *   bad-disk: READ block 1<<63: 0, completed -22
 *   bad-disk: READ block ~0: 0, completed -22
 *   bad-disk: READ gpa mem_size: 0, completed -14
 *   bad-disk: READ gpa mem_size-2048: 0, completed -14
 *   bad-disk: READ gpa ~0-2047: 0, completed -14    (gpa + 4096 wraps)
 *   bad-disk: READ gpa 1<<63: 0, completed -14
 *   bad-disk: READ gpa page tables: 0, completed -14
 *   bad-disk: WRITE gpa mem_size: 0, completed -14
 *   bad-disk: WRITE gpa ~0-2047: 0, completed -14
 *   bad-disk: READ disk 8: -19
 *   bad-disk: READ disk 1<<40: -19
 *   bad-disk: READ disk -1: -19
 *   bad-disk: FLUSH disk 8: -19
 *   bad-disk: WRITE disk 1<<40: -19
 *   bad-disk: READ disk K: -19                       (K: the first empty slot, if any)
 *   bad-disk: FLUSH: 0, completed 0
 *   bad-disk: cq_head 0xdeadbeef, READ: R            (R 0 or -11: the ABI leaves it open)
 *   bad-disk: about to HALT with 64 requests in flight
 *
 * and the VM ends halted(0); the module must cope with the requests
 * still in flight into and out of memory it frees. A line
 * "... completed timeout" means no completion came within 10 s.
 */

#define TIMEOUT_NS (10 * DN_NSEC_PER_SEC)
#define FLOOD_MAX 1000
#define INFLIGHT 64

static uint8_t buf[INFLIGHT][DENALI_DISK_BLOCK] __attribute__((aligned(4096)));
static uint32_t head;
static uint64_t next_tag = 1;

static long submit(long op, long disk, long block, long gpa)
{
	if (op == DENALI_HC_DISK_FLUSH)
		return dn_hypercall(op, disk, (long)next_tag++, 0, 0, 0);
	return dn_hypercall(op, disk, block, gpa, (long)next_tag++, 0);
}

static uint32_t tail(void)
{
	return __atomic_load_n(&dn_regs()->cq_tail, __ATOMIC_ACQUIRE);
}

/* Waits until @n completions are in the ring: 0, or -1 after TIMEOUT_NS. */
static int wait_for(uint32_t n)
{
	uint64_t deadline = dn_now_ns() + TIMEOUT_NS;

	while (tail() - head < n) {
		if (dn_now_ns() > deadline)
			return -1;
		dn_idle(DN_NSEC_PER_MSEC);
	}
	return 0;
}

/* Takes the next completion; its status. */
static int take(void)
{
	int status = dn_regs()->cq[head % DENALI_DISK_CQ_SIZE].status;

	head++;
	__atomic_store_n(&dn_regs()->cq_head, head, __ATOMIC_RELEASE);
	return status;
}

/* One request that queues and must complete with an error: prints both. */
static void one(const char *what, long op, long disk, long block, long gpa)
{
	long ret = submit(op, disk, block, gpa);

	if (ret) {
		printf("bad-disk: %s: %ld\n", what, ret);
		return;
	}
	if (wait_for(1)) {
		printf("bad-disk: %s: %ld, completed timeout\n", what, ret);
		return;
	}
	printf("bad-disk: %s: %ld, completed %d\n", what, ret, take());
}

int main(void)
{
	volatile struct denali_regs *r = dn_regs();
	uint64_t blocks = r->disk[0].blocks, mem = r->mem_size;
	long ret = 0, n, i, empty;
	char what[48];
	int ok;

	printf("bad-disk: disk_count %u disk0 blocks %lu flags %u\n", r->disk_count,
	       (unsigned long)blocks, r->disk[0].flags);
	if (!blocks) {
		printf("bad-disk: no disk 0\n");
		dn_halt(2);
	}
	head = r->cq_head;

	/* Nothing taken from the ring meanwhile: exactly the ring's size is accepted. */
	for (n = 0; n < FLOOD_MAX; n++) {
		ret = submit(DENALI_HC_DISK_READ, 0, 0, (long)(uintptr_t)buf[0]);
		if (ret)
			break;
	}
	printf("bad-disk: flood: %ld accepted, then %ld\n", n, ret);
	if (wait_for((uint32_t)n))
		printf("bad-disk: drained timeout (%u completions)\n", tail() - head);
	for (i = 0, ok = 0; tail() != head; i++)
		ok += take() == 0;
	printf("bad-disk: drained %ld completions, %d ok\n", i, ok);

	snprintf(what, sizeof(what), "READ block %lu", (unsigned long)blocks);
	one(what, DENALI_HC_DISK_READ, 0, (long)blocks, (long)(uintptr_t)buf[0]);
	one("READ block 1<<40", DENALI_HC_DISK_READ, 0, 1L << 40, (long)(uintptr_t)buf[0]);
	one("READ block 1<<63", DENALI_HC_DISK_READ, 0, (long)(1UL << 63), (long)(uintptr_t)buf[0]);
	one("READ block ~0", DENALI_HC_DISK_READ, 0, -1L, (long)(uintptr_t)buf[0]);

	one("READ gpa mem_size", DENALI_HC_DISK_READ, 0, 0, (long)mem);
	one("READ gpa mem_size-2048", DENALI_HC_DISK_READ, 0, 0, (long)(mem - 2048));
	one("READ gpa ~0-2047", DENALI_HC_DISK_READ, 0, 0, -2048L);
	one("READ gpa 1<<63", DENALI_HC_DISK_READ, 0, 0, (long)(1UL << 63));
	one("READ gpa page tables", DENALI_HC_DISK_READ, 0, 0, (long)DENALI_PT_GPA);
	one("WRITE gpa mem_size", DENALI_HC_DISK_WRITE, 0, 0, (long)mem);
	one("WRITE gpa ~0-2047", DENALI_HC_DISK_WRITE, 0, 0, -2048L);

	one("READ disk 8", DENALI_HC_DISK_READ, 8, 0, (long)(uintptr_t)buf[0]);
	one("READ disk 1<<40", DENALI_HC_DISK_READ, 1L << 40, 0, (long)(uintptr_t)buf[0]);
	one("READ disk -1", DENALI_HC_DISK_READ, -1L, 0, (long)(uintptr_t)buf[0]);
	one("FLUSH disk 8", DENALI_HC_DISK_FLUSH, 8, 0, 0);
	one("WRITE disk 1<<40", DENALI_HC_DISK_WRITE, 1L << 40, 0, (long)(uintptr_t)buf[0]);
	for (empty = 1; empty < DENALI_REGS_DISK_MAX && r->disk[empty].blocks; empty++)
		;
	if (empty < DENALI_REGS_DISK_MAX) {
		snprintf(what, sizeof(what), "READ disk %ld", empty);
		one(what, DENALI_HC_DISK_READ, empty, 0, (long)(uintptr_t)buf[0]);
	}
	one("FLUSH", DENALI_HC_DISK_FLUSH, 0, 0, 0);

	/* A head the module cannot believe; then the true one back. */
	r->cq_head = 0xdeadbeef;
	ret = submit(DENALI_HC_DISK_READ, 0, 0, (long)(uintptr_t)buf[0]);
	printf("bad-disk: cq_head 0xdeadbeef, READ: %ld\n", ret);
	r->cq_head = head;
	if (!ret && !wait_for(1))
		take();

	/* Half writes, half reads, spread over the disk; then gone before they complete. */
	for (i = 0, n = 0; i < INFLIGHT; i++) {
		memset(buf[i], (int)i, sizeof(buf[i]));
		ret = submit(i & 1 ? DENALI_HC_DISK_READ : DENALI_HC_DISK_WRITE, 0,
			     (long)((uint64_t)i * 7 % blocks), (long)(uintptr_t)buf[i]);
		n += !ret;
	}
	snprintf(what, sizeof(what), "HALT with %ld requests in flight", n);
	hostile_announce("bad-disk", what);
	dn_halt(0);
}
