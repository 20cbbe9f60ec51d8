/* sleeper: n=COUNT sleeps of ms=PERIOD on the thread clock; reports how late each wake-up was. */
#include <ilwaco.h>

/*
 * Deadlines are absolute (start + i * period), so the time spent
 * printing does not add up: each drift is the wake-up's own lateness.
 */
int main(void)
{
	long n = dn_cmdline_int("n", 10), ms = dn_cmdline_int("ms", 100);
	long i, drift, max_drift = 0;
	uint64_t deadline, now;

	if (n < 0 || ms < 0) {
		printf("sleeper: bad n=%ld or ms=%ld\n", n, ms);
		return 2;
	}
	printf("sleeper start n=%ld ms=%ld idle=%s\n", n, ms,
	       dn_idle_spins() ? "spin" : "hypercall");
	deadline = dn_now_ns();
	for (i = 1; i <= n; i++) {
		deadline += (uint64_t)ms * DN_NSEC_PER_MSEC;
		dn_sleep_until(deadline);
		now = dn_now_ns();
		drift = (long)((int64_t)(now - deadline) / (int64_t)DN_NSEC_PER_USEC);
		if (i == 1 || drift > max_drift)
			max_drift = drift;
		printf("sleeper %ld/%ld drift_us=%ld\n", i, n, drift);
	}
	printf("sleeper done n=%ld max_drift_us=%ld\n", n, max_drift);
	return 0;
}
