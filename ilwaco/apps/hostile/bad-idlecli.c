/* bad-idlecli: CLI, then IDLE(forever) in a loop; expected: no crash, asleep off the CPU until stopped. */
#include "hostile.h"

/*
 * Unlike HLT with interrupts off (bad-hltcli), IDLE needs no interrupt
 * to end: the module wakes it for any interrupt bit, whatever IF says.
 * This guest never arms the alarm, so nothing comes and it sleeps for
 * good; should a bit come (console input), it never takes it, so every
 * IDLE then returns at once and it spins through hypercalls, which the
 * scheduler must share fairly like any computing guest.
 */
int main(void)
{
	hostile_announce("bad-idlecli", "cli, then IDLE(forever) in a loop");
	__asm__ volatile("cli" : : : "memory");
	for (;;)
		dn_idle(DENALI_IDLE_FOREVER);
}
