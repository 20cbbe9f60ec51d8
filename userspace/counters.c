/* What a VM did, counted: the counter attributes of a VM or of STATS, in text and JSON. */
#include <stdio.h>
#include <string.h>

#include <linux/denali.h>
#include <linux/denali_guest.h>

#include "counters.h"
#include "util.h"

/* The flat counters: their attributes and their JSON keys. */
static const struct {
	int attr;
	const char *key;
} flat[NR_COUNTERS] = {
	[C_QUANTA] = { DENALI_A_VM_QUANTA, "quanta" },
	[C_RUN_NS] = { DENALI_A_VM_RUN_NS, "run_ns" },
	[C_IRQS_RAISED] = { DENALI_A_VM_IRQS_RAISED, "irqs_raised" },
	[C_IRQS_INJECTED] = { DENALI_A_VM_IRQS_INJECTED, "irqs_injected" },
	[C_IRQ_BATCHES] = { DENALI_A_VM_IRQ_BATCHES, "irq_batches" },
	[C_IDLES] = { DENALI_A_VM_IDLES, "idles" },
	[C_WAKE_TIMEOUT] = { DENALI_A_VM_WAKE_TIMEOUT, "wake_timeout" },
	[C_WAKE_IRQ] = { DENALI_A_VM_WAKE_IRQ, "wake_irq" },
};

/* Names of the types inside DENALI_A_VM_EXITS and DENALI_A_VM_HYPERCALLS. */
static const char *const exit_names[] = {
	[DENALI_EXIT_EXTERNAL] = "external", [DENALI_EXIT_HYPERCALL] = "hypercall",
	[DENALI_EXIT_HLT] = "hlt",	     [DENALI_EXIT_NPF] = "npf",
	[DENALI_EXIT_CPUID] = "cpuid",	     [DENALI_EXIT_RDMSR] = "rdmsr",
	[DENALI_EXIT_KILL] = "kill",
};

static const char *const hypercall_names[] = {
	[DENALI_HC_HALT] = "halt",
	[DENALI_HC_IDLE] = "idle",
	[DENALI_HC_CONSOLE_WRITE] = "console_write",
	[DENALI_HC_CONSOLE_READ] = "console_read",
	[DENALI_HC_ALARM] = "alarm",
	[DENALI_HC_NET_SEND] = "net_send",
	[DENALI_HC_NET_RECV] = "net_recv",
	[DENALI_HC_DISK_READ] = "disk_read",
	[DENALI_HC_DISK_WRITE] = "disk_write",
	[DENALI_HC_DISK_FLUSH] = "disk_flush",
	[DENALI_HC_VMMU] = "vmmu",
	[DENALI_HC_TLB_LOAD] = "tlb_load",
	[DENALI_HC_TLB_FLUSH] = "tlb_flush",
	[DENALI_HC_TLB_FLUSH_ALL] = "tlb_flush_all",
};

#define NAMES(a) (a), sizeof(a) / sizeof((a)[0])

/* The name of type in names, or the number itself for one this denalictl does not know. */
static const char *type_name(const char *const *names, size_t n, unsigned int type, char *buf,
			     size_t len)
{
	if (type < n && names[type])
		return names[type];
	snprintf(buf, len, "%u", type);
	return buf;
}

/*
 * A nest of u64 counts by attribute type. Type 0 is never a count (it is
 * the padding some architectures need); malformed entries are skipped.
 */
static void parse_set(struct nlattr *nest, struct count_set *s)
{
	struct nlattr *a;
	int rem;

	memset(s, 0, sizeof(*s));
	if (!nest)
		return;
	s->present = true;
	nla_for_each_nested(a, nest, rem) {
		if (!nla_type(a) || nla_len(a) != sizeof(uint64_t) || s->n == COUNT_SET_MAX)
			continue;
		s->e[s->n].type = nla_type(a);
		s->e[s->n].val = nla_get_u64(a);
		s->n++;
	}
}

/* The counters among the attributes tb (indexed by DENALI_A_*); absent ones stay unset. */
void counters_parse(struct nlattr **tb, struct counters *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NR_COUNTERS; i++) {
		if (tb[flat[i].attr]) {
			c->has[i] = true;
			c->val[i] = nla_get_u64(tb[flat[i].attr]);
		}
	}
	parse_set(tb[DENALI_A_VM_EXITS], &c->exits);
	parse_set(tb[DENALI_A_VM_HYPERCALLS], &c->hypercalls);
}

uint64_t count_set_total(const struct count_set *s)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < s->n; i++)
		sum += s->e[i].val;
	return sum;
}

/* "850 ns", "12.345 us", "3.500 ms", "61.002 s". */
const char *format_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.3f us", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.3f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
	return buf;
}

/* A counter for text output: its value, or "-" when the kernel did not send it. */
static const char *num(const struct counters *c, enum counter i, char *buf, size_t len)
{
	return text_num(c->has[i], c->val[i], buf, len);
}

/* "1255 (external 1200, hypercall 40, npf 15)": the total, then the nonzero counts. */
static void print_set(const char *label, int indent, int width, const struct count_set *s,
		      const char *const *names, size_t nnames)
{
	const char *sep = " (";
	unsigned int i;
	char buf[16];

	if (!s->present)
		return;
	printf("%*s%-*s%llu", indent, "", width, label, (unsigned long long)count_set_total(s));
	for (i = 0; i < s->n; i++) {
		if (!s->e[i].val)
			continue;
		printf("%s%s %llu", sep, type_name(names, nnames, s->e[i].type, buf, sizeof(buf)),
		       (unsigned long long)s->e[i].val);
		sep = ", ";
	}
	printf("%s\n", sep[0] == ',' ? ")" : "");
}

/*
 * The counters as "label: value" lines, indented by indent and labels
 * padded to width: what the kernel sent, nothing for what it did not (a
 * module without counters).
 */
void counters_print(const struct counters *c, int indent, int width)
{
	char a[32], b[32], d[32];

	if (c->has[C_QUANTA])
		printf("%*s%-*s%s\n", indent, "", width, "quanta:", num(c, C_QUANTA, a, sizeof(a)));
	if (c->has[C_RUN_NS]) {
		printf("%*s%-*s%s", indent, "", width,
		       "run time:", format_duration(c->val[C_RUN_NS], a, sizeof(a)));
		if (c->has[C_QUANTA] && c->val[C_QUANTA])
			printf(" (%s a quantum)",
			       format_duration(c->val[C_RUN_NS] / c->val[C_QUANTA], b, sizeof(b)));
		printf("\n");
	}
	if (c->has[C_IRQS_RAISED] || c->has[C_IRQS_INJECTED] || c->has[C_IRQ_BATCHES])
		printf("%*s%-*s%s raised, %s injected, %s batches\n", indent, "", width,
		       "interrupts:", num(c, C_IRQS_RAISED, a, sizeof(a)),
		       num(c, C_IRQS_INJECTED, b, sizeof(b)), num(c, C_IRQ_BATCHES, d, sizeof(d)));
	if (c->has[C_IDLES])
		printf("%*s%-*s%s\n", indent, "", width, "idles:", num(c, C_IDLES, a, sizeof(a)));
	if (c->has[C_WAKE_TIMEOUT] || c->has[C_WAKE_IRQ])
		printf("%*s%-*s%s by timeout, %s by interrupt\n", indent, "", width,
		       "wakeups:", num(c, C_WAKE_TIMEOUT, a, sizeof(a)),
		       num(c, C_WAKE_IRQ, b, sizeof(b)));
	print_set("exits:", indent, width, &c->exits, NAMES(exit_names));
	print_set("hypercalls:", indent, width, &c->hypercalls, NAMES(hypercall_names));
}

/* {"external":1200,"hypercall":40,...}: every count, keyed by name ("N" when unknown). */
static void json_set(const char *key, const struct count_set *s, const char *const *names,
		     size_t nnames)
{
	unsigned int i;
	char buf[16];

	printf(",\"%s\":", key);
	if (!s->present) {
		printf("null");
		return;
	}
	printf("{");
	for (i = 0; i < s->n; i++) {
		printf("%s", i ? "," : "");
		json_string(stdout, type_name(names, nnames, s->e[i].type, buf, sizeof(buf)));
		printf(":%llu", (unsigned long long)s->e[i].val);
	}
	printf("}");
}

/*
 * The counters as JSON members, null for what the kernel did not send;
 * sep goes before the first member ("," inside an object that has
 * members already, "" at the start of one).
 */
void counters_json(const struct counters *c, const char *sep)
{
	int i;

	for (i = 0; i < NR_COUNTERS; i++) {
		printf("%s\"%s\":", i ? "," : sep, flat[i].key);
		if (c->has[i])
			printf("%llu", (unsigned long long)c->val[i]);
		else
			printf("null");
	}
	json_set("exits", &c->exits, NAMES(exit_names));
	json_set("hypercalls", &c->hypercalls, NAMES(hypercall_names));
}
