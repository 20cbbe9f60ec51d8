/* What a VM did, counted: the counter attributes of a VM or of STATS, in text and JSON. */
#ifndef DENALICTL_COUNTERS_H
#define DENALICTL_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>

/* The flat counters, in the order of their attributes (DENALI_A_VM_QUANTA on). */
enum counter {
	C_QUANTA,
	C_RUN_NS,
	C_IRQS_RAISED,
	C_IRQS_INJECTED,
	C_IRQ_BATCHES,
	C_IDLES,
	C_WAKE_TIMEOUT,
	C_WAKE_IRQ,
	NR_COUNTERS,
};

/* The most entries of a nest we keep (the kernel sends one per kind it knows). */
#define COUNT_SET_MAX 32

/* A nest of counts by type (exit kind, hypercall number), as it came. */
struct count_set {
	bool present;
	unsigned int n;
	struct {
		uint16_t type;
		uint64_t val;
	} e[COUNT_SET_MAX];
};

struct counters {
	bool has[NR_COUNTERS];
	uint64_t val[NR_COUNTERS];
	struct count_set exits, hypercalls;
};

void counters_parse(struct nlattr **tb, struct counters *c);
uint64_t count_set_total(const struct count_set *s);
const char *format_duration(uint64_t ns, char *buf, size_t len);
void counters_print(const struct counters *c, int indent, int width);
void counters_json(const struct counters *c, const char *sep);

#endif /* DENALICTL_COUNTERS_H */
