/* bad-fuzz: random instruction bytes, hypercalls, registers-page scribbles and TLB operations from a seed. */
#include "hostile.h"

/*
 * The guest fuzzer. "seed=N" (default 1) seeds it, "iters=N" (default
 * 20000) bounds it. Each step is one of:
 *   - 64 random bytes run as code (most steps);
 *   - a hypercall with a random number and random or boundary arguments;
 *   - random bytes written into its registers page (anywhere: the
 *     trampoline too);
 *   - a random TLB operation (VMMU on and off, loads, flushes).
 * Its own IDT sends every exception to one handler that puts the stack
 * back and goes on with the next step, so it survives what it does to
 * itself as long as it can; whatever random code does to the IDT, its
 * stack or its code is its own business. It prints "bad-fuzz: seed N"
 * first and, if it gets through every step, "bad-fuzz: N steps, F
 * faults" and halts 0. Any other end is fine as long as the module
 * records a reason; the test checks which.
 */

struct gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
};

static struct gate idt[32] __attribute__((aligned(16)));
static uint8_t code[4096] __attribute__((aligned(4096)));
static uint8_t trap_stack[16384] __attribute__((aligned(16), used));
static uint64_t rng;
static long step, steps, faults;

void fuzz_trap(void);
void fuzz_resume(void) __attribute__((noreturn, used));

__asm__(".text\n"
	".globl fuzz_trap\n"
	"fuzz_trap:\n"
	"	lea trap_stack+16384(%rip), %rsp\n"
	"	call fuzz_resume\n");

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t arg(void)
{
	static const uint64_t v[] = { 0, 1, 0xfff, 0x1000, 0x100000, 0x200000, 0xfffff000,
				      0x100000000ULL, 0x140000000ULL, ~0ULL, 1ULL << 63 };

	return rnd() & 1 ? v[rnd() % (sizeof(v) / sizeof(v[0]))] : rnd() >> (rnd() % 64);
}

static void set_idt(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) d = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	uint64_t h = (uint64_t)(uintptr_t)fuzz_trap;
	uint16_t cs;
	int i;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	for (i = 0; i < 32; i++) {
		idt[i].off0 = h & 0xffff;
		idt[i].sel = cs;
		idt[i].ist = 0;
		idt[i].type = 0x8e;	/* present, DPL 0, 64-bit interrupt gate */
		idt[i].off1 = (h >> 16) & 0xffff;
		idt[i].off2 = h >> 32;
		idt[i].zero = 0;
	}
	__asm__ volatile("lidt %0" : : "m"(d));
}

static void run_code(void)
{
	int i;

	for (i = 0; i < 64; i++)
		code[i] = rnd();
	code[64] = 0xc3;	/* ret, should the bytes fall through */
	((void (*)(void))(uintptr_t)code)();
}

static void hypercall(void)
{
	long nr = rnd() & 3 ? (long)(rnd() % (__DENALI_HC_MAX + 2)) : (long)rnd();

	/* HALT ends the run, IDLE with a long timeout only slows it. */
	if (nr == DENALI_HC_HALT || nr == DENALI_HC_IDLE)
		nr = DENALI_HC_CONSOLE_READ;
	dn_hypercall(nr, arg(), arg(), arg(), arg(), arg());
}

static void scribble(void)
{
	volatile uint8_t *page = (volatile uint8_t *)dn_regs();
	int n = 1 + rnd() % 8;

	while (n--)
		page[rnd() % 4096] = rnd();
}

static void tlb(void)
{
	switch (rnd() % 4) {
	case 0:
		dn_hypercall(DENALI_HC_VMMU, rnd() % 3, 0, 0, 0, 0);
		break;
	case 1:
		dn_hypercall(DENALI_HC_TLB_LOAD, arg() & ~0xfffULL, arg() & ~0xfffULL, rnd() % 64, 0, 0);
		break;
	case 2:
		dn_hypercall(DENALI_HC_TLB_FLUSH, arg(), 0, 0, 0, 0);
		break;
	default:
		dn_hypercall(DENALI_HC_TLB_FLUSH_ALL, rnd() % 4, 0, 0, 0, 0);
		break;
	}
}

static void __attribute__((noreturn)) fuzz_loop(void)
{
	while (step < steps) {
		unsigned int what = rnd() % 16;

		step++;
		if (what < 10)
			run_code();
		else if (what < 13)
			hypercall();
		else if (what < 14)
			scribble();
		else
			tlb();
	}
	printf("bad-fuzz: %ld steps, %ld faults\n", step, faults);
	dn_halt(0);
}

/* Every exception comes here on a fresh stack: on to the next step. */
void fuzz_resume(void)
{
	faults++;
	fuzz_loop();
}

int main(void)
{
	long seed = dn_cmdline_int("seed", 1);

	steps = dn_cmdline_int("iters", 20000);
	rng = (uint64_t)seed * 0x9e3779b97f4a7c15ULL + 1;
	printf("bad-fuzz: seed %ld\n", seed);
	set_idt();
	fuzz_loop();
}
