/* vmtest: a self-test of Ilwaco's virtual memory on Denali's software-loaded TLB. */
#include <ilwaco.h>

/*
 * Command line:
 *   mode=all     (default) every check below; one line "vmtest: ok NAME" or
 *                "vmtest: FAIL NAME ..." each, then "vmtest: pass" and 0,
 *                or "vmtest: failed N" and 1
 *   mode=guard   a thread (thread=N: 1; 0 is main() on the boot stack)
 *                recurses until it reaches its guard page: the library
 *                ends the VM with "stack overflow" and DN_HALT_CRASH
 *   mode=walk    for bench/vmmu.sh: the window walked with the virtual
 *                MMU off (through the identity map) and on; prints the
 *                refills and TSC cycles per access and per refill
 *   pages=N      pages in the window (3 * tlb_size)
 *   rounds=N     walks of the window (3)
 *
 * The window: N pages at WINDOW_VA, each mapped to a physical page of
 * free memory above the image, scattered (page i to free page i * STRIDE
 * mod N), so that a wrong translation shows up as a wrong pattern. Each
 * page holds WORDS words that depend on its index and the round. With
 * more pages than the TLB holds, walking them in order misses on every
 * page (replacement is first in, first out), so each walk refills all.
 */
#define PAGE DN_VM_PAGE
#define WINDOW_VA 0x40000000UL
/* Unmapped: for the loads made by hand. */
#define SPARE_VA 0x80000000UL
#define WORDS 8
#define WORD_STEP (PAGE / 8 / WORDS)
#define ROUNDS 3

extern char _end[];

static unsigned long npages, rounds, stride;
static uint64_t free_base;
static int failures;

static void ok(const char *name)
{
	printf("vmtest: ok %s\n", name);
}

__attribute__((format(printf, 2, 3))) static void fail(const char *name, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("vmtest: FAIL %s %s\n", name, buf);
	failures++;
}

/* A verdict on a result against what was wanted. */
static void expect(const char *name, long got, long want)
{
	if (got == want)
		ok(name);
	else
		fail(name, "got %ld (0x%lx), want %ld (0x%lx)", got, (unsigned long)got, want,
		     (unsigned long)want);
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static long hc(long nr, long a0, long a1, long a2)
{
	return dn_hypercall(nr, a0, a1, a2, 0, 0);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* The physical page behind window page @i. */
static uint64_t window_pa(unsigned long i)
{
	return free_base + (i * stride % npages) * PAGE;
}

static volatile uint64_t *window_page(unsigned long i)
{
	return (volatile uint64_t *)(WINDOW_VA + i * PAGE);
}

static uint64_t pattern(unsigned long i, unsigned long round, unsigned int k)
{
	return 0x5a5a000000000000ULL ^ (uint64_t)i << 24 ^ (uint64_t)round << 8 ^ k;
}

static void fill(volatile uint64_t *p, unsigned long i, unsigned long round)
{
	unsigned int k;

	for (k = 0; k < WORDS; k++)
		p[k * WORD_STEP] = pattern(i, round, k);
}

/* Words of @p that do not hold page @i's pattern of @round. */
static unsigned int mismatches(volatile uint64_t *p, unsigned long i, unsigned long round)
{
	unsigned int k, bad = 0;

	for (k = 0; k < WORDS; k++)
		bad += p[k * WORD_STEP] != pattern(i, round, k);
	return bad;
}

/* Checks every window page, through the window (@phys 0) or the identity map of its physical page. */
static unsigned long check_window(unsigned long round, int phys)
{
	unsigned long i, bad = 0;

	for (i = 0; i < npages; i++) {
		volatile uint64_t *p = phys ? (volatile uint64_t *)window_pa(i) : window_page(i);

		bad += mismatches(p, i, round) != 0;
	}
	return bad;
}

/* The window's memory: free pages above the image; pages and stride from the command line. */
static int setup_window(void)
{
	uint64_t mem = dn_regs()->mem_size, tlb = dn_regs()->tlb_size;

	free_base = ((uintptr_t)_end + PAGE - 1) & ~(PAGE - 1);
	npages = (unsigned long)dn_cmdline_int("pages", (long)(3 * tlb));
	rounds = (unsigned long)dn_cmdline_int("rounds", ROUNDS);
	/* Two spare pages above the window's, for the loads made by hand. */
	if (!npages || free_base + (npages + 2) * PAGE > mem) {
		printf("vmtest: FAIL window: %lu pages do not fit in memory above 0x%lx\n", npages,
		       (unsigned long)free_base);
		return -1;
	}
	for (stride = 7919; gcd(stride, npages) != 1; stride += 2)
		;
	printf("vmtest: tlb_size %lu mem 0x%lx pages %lu rounds %lu window 0x%lx\n",
	       (unsigned long)tlb, (unsigned long)mem, npages, rounds, WINDOW_VA);
	return 0;
}

static int map_window(void)
{
	unsigned long i;
	int ret;

	for (i = 0; i < npages; i++) {
		ret = dn_vm_map(WINDOW_VA + i * PAGE, window_pa(i), 1, DN_VM_W);
		if (ret)
			return ret;
	}
	return 0;
}

/* TLB_LOAD and the other calls refuse what the ABI says they refuse, with its errors. */
static void check_refusals(void)
{
	uint64_t mem = dn_regs()->mem_size;

	expect("refuse pa at mem_size", hc(DENALI_HC_TLB_LOAD, SPARE_VA, (long)mem, 0),
	       -DENALI_EFAULT);
	expect("refuse pa of the TLB's tables",
	       hc(DENALI_HC_TLB_LOAD, SPARE_VA, (long)DENALI_VTLB_GPA, DENALI_TLB_W),
	       -DENALI_EFAULT);
	expect("refuse pa of the TLB's tables + 3 pages",
	       hc(DENALI_HC_TLB_LOAD, SPARE_VA, (long)DENALI_VTLB_GPA + 3 * PAGE, 0),
	       -DENALI_EFAULT);
	expect("refuse pa of the shared tables",
	       hc(DENALI_HC_TLB_LOAD, SPARE_VA, (long)DENALI_PT_GPA, 0), -DENALI_EFAULT);
	expect("refuse reserved flag 0x10", hc(DENALI_HC_TLB_LOAD, SPARE_VA, (long)free_base, 0x10),
	       -DENALI_EINVAL);
	expect("refuse unaligned va", hc(DENALI_HC_TLB_LOAD, SPARE_VA + 8, (long)free_base, 0),
	       -DENALI_EINVAL);
	expect("refuse unaligned pa", hc(DENALI_HC_TLB_LOAD, SPARE_VA, (long)free_base + 8, 0),
	       -DENALI_EINVAL);
	expect("refuse va at 4 GiB",
	       hc(DENALI_HC_TLB_LOAD, (long)DENALI_TLB_VA_LIMIT, (long)free_base, 0),
	       -DENALI_EINVAL);
	expect("refuse flush of an unaligned va", hc(DENALI_HC_TLB_FLUSH, SPARE_VA + 1, 0, 0),
	       -DENALI_EINVAL);
	expect("refuse flush of va 4 GiB", hc(DENALI_HC_TLB_FLUSH, (long)DENALI_TLB_VA_LIMIT, 0, 0),
	       -DENALI_EINVAL);
	expect("refuse flush-all flag 0x2", hc(DENALI_HC_TLB_FLUSH_ALL, 2, 0, 0), -DENALI_EINVAL);
	expect("refuse VMMU mode 2", hc(DENALI_HC_VMMU, 2, 0, 0), -DENALI_EINVAL);
	expect("flush of a va never loaded", hc(DENALI_HC_TLB_FLUSH, SPARE_VA, 0, 0), 0);
}

/* Writes every window page, then checks them all; returns the pages found wrong. */
static unsigned long walk(unsigned long round)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		fill(window_page(i), i, round);
	return check_window(round, 0);
}

/* The walks, and then the physical pages behind the window through the identity map. */
static void check_walks(void)
{
	uint64_t before = dn_vm_refills(), refills, want;
	unsigned long r, bad = 0;

	for (r = 0; r < rounds; r++)
		bad += walk(r);
	refills = dn_vm_refills() - before;
	if (bad)
		fail("walk", "%lu pages wrong in %lu rounds", bad, rounds);
	else
		ok("walk");
	bad = check_window(rounds - 1, 1);
	if (bad)
		fail("translations", "%lu physical pages do not hold their window page", bad);
	else
		ok("translations");
	/* Two passes a round, each missing on every page beyond what the TLB holds. */
	want = 2 * rounds * (npages > dn_regs()->tlb_size ? npages - dn_regs()->tlb_size : 0);
	printf("vmtest: refills %lu in %lu rounds of %lu pages (at least %lu wanted)\n",
	       (unsigned long)refills, rounds, npages, (unsigned long)want);
	if (refills >= want && refills > 0)
		ok("refills");
	else
		fail("refills", "%lu, want at least %lu", (unsigned long)refills,
		     (unsigned long)want);
}

static __attribute__((noinline)) void text_fn(void)
{
	__asm__ volatile("");
}

static const uint8_t rodata_ret[16] __attribute__((aligned(16))) = { 0xc3 };
static uint8_t data_page[PAGE] __attribute__((aligned(4096)));

/* Write xor execute, by the page map's flags and the CPU's checks. */
static void check_wx(void)
{
	const long prot = DN_VM_FAULTED | DN_VM_PF_PRESENT;
	volatile uint8_t stack_ret[16] = { 0xc3 };

	expect("text readable", dn_vm_probe_read((const void *)text_fn), 0);
	expect("text executable", dn_vm_probe_exec((const void *)text_fn), 0);
	expect("text not writable", dn_vm_probe_write((void *)text_fn), prot | DN_VM_PF_WRITE);
	expect("rodata readable", dn_vm_probe_read(rodata_ret), 0);
	expect("rodata not writable", dn_vm_probe_write((void *)rodata_ret), prot | DN_VM_PF_WRITE);
	expect("rodata not executable", dn_vm_probe_exec(rodata_ret), prot | DN_VM_PF_FETCH);
	data_page[0] = 0xc3;
	expect("data writable", dn_vm_probe_write(data_page), 0);
	expect("data not executable", dn_vm_probe_exec(data_page), prot | DN_VM_PF_FETCH);
	expect("stack not executable", dn_vm_probe_exec((const void *)stack_ret),
	       prot | DN_VM_PF_FETCH);
	expect("page 0 not executable at 0",
	       dn_vm_probe_exec((const void *)(uintptr_t)DENALI_REGS_TRAMPOLINE_OFF),
	       prot | DN_VM_PF_FETCH);
	expect("unmapped page faults", dn_vm_probe_read((const void *)SPARE_VA), DN_VM_FAULTED);
	expect("unmapped page faults on fetch", dn_vm_probe_exec((const void *)SPARE_VA),
	       DN_VM_FAULTED | DN_VM_PF_FETCH);
	expect("memory's end faults",
	       dn_vm_probe_read((const void *)(uintptr_t)dn_regs()->mem_size), DN_VM_FAULTED);
}

/* dn_vm_protect() and dn_vm_unmap() take effect at once, loaded entries included. */
static void check_protect(void)
{
	volatile uint64_t *p = window_page(0);

	*p = 1;
	expect("protect read-only", dn_vm_protect(WINDOW_VA, 1, 0), 0);
	expect("read-only page not writable", dn_vm_probe_write((void *)p),
	       DN_VM_FAULTED | DN_VM_PF_PRESENT | DN_VM_PF_WRITE);
	expect("read-only page readable", dn_vm_probe_read(p), 0);
	expect("protect writable again", dn_vm_protect(WINDOW_VA, 1, DN_VM_W), 0);
	expect("writable again", dn_vm_probe_write((void *)p), 0);
	expect("protect of an unmapped page", dn_vm_protect(SPARE_VA, 1, 0), DN_ENOENT);
	expect("unmap", dn_vm_unmap(WINDOW_VA, 1), 0);
	expect("unmapped page gone", dn_vm_probe_read(p), DN_VM_FAULTED);
	expect("map again", dn_vm_map(WINDOW_VA, window_pa(0), 1, DN_VM_W), 0);
	expect("mapped again", (long)*p, 1);
}

/*
 * The module honours loads and flushes made by hand: entries for
 * SPARE_VA, which the page map does not have, so that the handler
 * cannot bring them back.
 */
static void check_flushes(void)
{
	uint64_t pa1 = free_base + npages * PAGE, pa2 = pa1 + PAGE;
	volatile uint64_t *spare = (volatile uint64_t *)SPARE_VA;

	*(volatile uint64_t *)pa1 = 0x1111;
	*(volatile uint64_t *)pa2 = 0x2222;
	expect("load by hand", hc(DENALI_HC_TLB_LOAD, SPARE_VA, (long)pa1, 0), 0);
	if (dn_vm_probe_read(spare) == 0 && *spare == 0x1111)
		ok("loaded entry used");
	else
		fail("loaded entry used", "SPARE_VA does not read pa1");
	expect("load over a loaded va", hc(DENALI_HC_TLB_LOAD, SPARE_VA, (long)pa2, 0), 0);
	expect("the new translation replaces the old", dn_vm_probe_read(spare) ?: (long)*spare,
	       0x2222);
	expect("loaded read-only", dn_vm_probe_write((void *)spare),
	       DN_VM_FAULTED | DN_VM_PF_PRESENT | DN_VM_PF_WRITE);
	expect("flush", hc(DENALI_HC_TLB_FLUSH, SPARE_VA, 0, 0), 0);
	expect("flushed entry gone", dn_vm_probe_read(spare), DN_VM_FAULTED);
	expect("load again", hc(DENALI_HC_TLB_LOAD, SPARE_VA, (long)pa1, 0), 0);
	expect("flush all", hc(DENALI_HC_TLB_FLUSH_ALL, 0, 0, 0), 0);
	/* Reached only if the global entries survived: the handler needs them. */
	expect("flushed-all entry gone", dn_vm_probe_read(spare), DN_VM_FAULTED);
	/* A loaded entry with fewer rights than the map's: the handler loads the map's. */
	expect("load a window page read-only",
	       hc(DENALI_HC_TLB_LOAD, WINDOW_VA, (long)window_pa(0), 0), 0);
	*window_page(0) = 2;
	expect("write through a stale entry refilled", (long)*(volatile uint64_t *)window_pa(0), 2);
}

/* Off: the identity map again, with the window's memory as left; then on again. */
static void check_off_on(void)
{
	unsigned long round = rounds;

	walk(round);
	expect("vmmu off", dn_vm_disable(), 0);
	expect("off: the library knows", dn_vm_enabled(), 0);
	if (check_window(round, 1))
		fail("off: memory intact", "window pages wrong through the identity map");
	else
		ok("off: memory intact");
	expect("vmmu on again", dn_vm_enable(), 0);
	if (check_window(round, 0))
		fail("on again: memory intact", "window pages wrong");
	else
		ok("on again: memory intact");
}

static long sleeper(void *arg)
{
	int i;

	for (i = 0; i < 3; i++)
		dn_sleep(5 * DN_NSEC_PER_MSEC);
	return (long)arg;
}

/* Threads (their stacks are mapped, their guard pages not), and sleeping. */
static void check_threads(void)
{
	long ret = 0;
	int tid;

	tid = dn_thread_create(sleeper, (void *)7L);
	if (tid < 0) {
		fail("threads", "create: %d", tid);
		return;
	}
	dn_thread_join(tid, &ret);
	expect("threads", ret, 7);
}

/* An interrupt delivered in the middle of walks full of refills. */
static void check_interrupts(void)
{
	uint64_t irqs = dn_irq_count(), deadline = dn_now_ns() + DN_NSEC_PER_SEC;
	uint64_t refills = dn_vm_refills(), replays = dn_vm_irq_replays();
	unsigned long round = rounds + 1, bad = 0;

	dn_alarm(dn_now_ns() + DN_NSEC_PER_MSEC);
	while (dn_irq_count() == irqs && dn_now_ns() < deadline)
		bad += walk(round++);
	printf("vmtest: interrupt after %lu walks, %lu refills (%lu delivered by the handler)\n",
	       round - rounds - 1, (unsigned long)(dn_vm_refills() - refills),
	       (unsigned long)(dn_vm_irq_replays() - replays));
	if (dn_irq_count() > irqs && !bad)
		ok("interrupts");
	else
		fail("interrupts", "%lu taken, %lu pages wrong",
		     (unsigned long)(dn_irq_count() - irqs), bad);
}

static int mode_all(void)
{
	int ret;

	if (setup_window())
		return 1;
	check_refusals();
	ret = dn_vm_enable();
	expect("enable", ret, 0);
	if (ret)
		return 1;
	printf("vmtest: %u global entries\n", dn_vm_pinned());
	expect("map the window", map_window(), 0);
	check_walks();
	check_wx();
	check_protect();
	check_flushes();
	check_off_on();
	check_threads();
	check_interrupts();
	printf("vmtest: refills %lu in all\n", (unsigned long)dn_vm_refills());
	if (failures) {
		printf("vmtest: failed %d\n", failures);
		return 1;
	}
	puts("vmtest: pass");
	return 0;
}

/* Deep enough for any stack: the guard page comes first. */
static volatile long depth_limit = 1L << 40;

static __attribute__((noinline)) long recurse(long n)
{
	volatile char frame[256];

	frame[0] = (char)n;
	if (n >= depth_limit)
		return n;
	return recurse(n + 1) + frame[0];
}

static long overflow(void *arg)
{
	(void)arg;
	return recurse(0);
}

static int mode_guard(void)
{
	int tid = (int)dn_cmdline_int("thread", 1), ret;
	long depth;

	ret = dn_vm_enable();
	if (ret) {
		printf("vmtest: FAIL enable: %d\n", ret);
		return 1;
	}
	printf("vmtest: guard: recursing in thread %d\n", tid);
	if (tid == 0) {
		depth = recurse(0);
	} else {
		tid = dn_thread_create(overflow, NULL);
		dn_thread_join(tid, &depth);
	}
	printf("vmtest: FAIL guard: the recursion returned %ld\n", depth);
	return 1;
}

/* Touches one word of every window page, @rounds times, at @base (window or physical pages). */
static uint64_t walk_cycles(int phys)
{
	uint64_t t0 = rdtsc();
	unsigned long r, i;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < npages; i++) {
			volatile uint64_t *p = phys ? (volatile uint64_t *)window_pa(i) :
						      window_page(i);

			*p += 1;
		}
	}
	return rdtsc() - t0;
}

static int mode_walk(void)
{
	uint64_t off, on, refills, accesses;
	int ret;

	if (setup_window())
		return 1;
	walk_cycles(1); /* first touches: the module allocates the pages */
	off = walk_cycles(1);
	ret = dn_vm_enable();
	ret = ret ?: map_window();
	if (ret) {
		printf("vmtest: FAIL enable: %d\n", ret);
		return 1;
	}
	refills = dn_vm_refills();
	on = walk_cycles(0);
	refills = dn_vm_refills() - refills;
	accesses = (uint64_t)npages * rounds;
	printf("vmtest: walk pages %lu rounds %lu tlb_size %u: off %lu cycles/access, on %lu "
	       "cycles/access, refills %lu, %lu cycles/refill\n",
	       npages, rounds, dn_regs()->tlb_size, (unsigned long)(off / accesses),
	       (unsigned long)(on / accesses), (unsigned long)refills,
	       (unsigned long)(refills && on > off ? (on - off) / refills : 0));
	return 0;
}

int main(void)
{
	char mode[16] = "all";

	dn_cmdline_str("mode", mode, sizeof(mode));
	if (!strcmp(mode, "all"))
		return mode_all();
	if (!strcmp(mode, "guard"))
		return mode_guard();
	if (!strcmp(mode, "walk"))
		return mode_walk();
	printf("vmtest: unknown mode %s\n", mode);
	return 2;
}
