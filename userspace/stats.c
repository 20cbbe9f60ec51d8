/* denalictl stats: the module's backend, limits, scheduler and totals. */
#include <errno.h>
#include <stdio.h>

#include <linux/denali.h>

#include "counters.h"
#include "nl.h"
#include "subcommands.h"
#include "util.h"

#define STATS_USAGE "stats [-j]"

static void json_u64(const char *key, struct nlattr *a, bool is_u32, bool comma)
{
	printf("%s\"%s\":", comma ? "," : "", key);
	if (!a)
		printf("null");
	else
		printf("%llu", is_u32 ? (unsigned long long)nla_get_u32(a) :
					(unsigned long long)nla_get_u64(a));
}

/* A string member after a comma, null when absent. */
static void json_str(const char *key, struct nlattr *a)
{
	printf(",\"%s\":", key);
	if (a)
		json_string(stdout, nla_get_string(a));
	else
		printf("null");
}

/* The labels of the text output are padded to this width ("max vm memory:  "). */
#define LABEL_WIDTH 17

static int on_stats(uint8_t cmd, struct nlattr **tb, struct nlattr *attrs, int len, void *arg)
{
	const char *backend =
		tb[DENALI_A_STATS_BACKEND] ? nla_get_string(tb[DENALI_A_STATS_BACKEND]) : NULL;
	struct counters total;
	char sz[32];

	(void)cmd;
	(void)attrs;
	(void)len;
	(void)arg;
	counters_parse(tb, &total);
	if (opt_json) {
		printf("{\"backend\":");
		if (backend)
			json_string(stdout, backend);
		else
			printf("null");
		json_u64("vms", tb[DENALI_A_STATS_VMS], true, true);
		json_u64("max_vms", tb[DENALI_A_STATS_MAX_VMS], true, true);
		json_u64("max_mem", tb[DENALI_A_STATS_MAX_MEM], false, true);
		json_u64("resident_pages", tb[DENALI_A_STATS_RESIDENT_PAGES], false, true);
		json_u64("workers", tb[DENALI_A_STATS_WORKERS], true, true);
		json_u64("quantum_us", tb[DENALI_A_STATS_QUANTUM_US], true, true);
		json_str("irq_mode", tb[DENALI_A_STATS_IRQ_MODE]);
		/* The counters summed over every VM run, destroyed ones included. */
		printf(",\"totals\":{");
		counters_json(&total, "");
		printf("}}\n");
		return 0;
	}
	printf("backend:         %s\n", backend ? backend : "-");
	if (tb[DENALI_A_STATS_VMS])
		printf("vms:             %u\n", nla_get_u32(tb[DENALI_A_STATS_VMS]));
	if (tb[DENALI_A_STATS_MAX_VMS])
		printf("max vms:         %u\n", nla_get_u32(tb[DENALI_A_STATS_MAX_VMS]));
	if (tb[DENALI_A_STATS_MAX_MEM])
		printf("max vm memory:   %s\n",
		       format_size(nla_get_u64(tb[DENALI_A_STATS_MAX_MEM]), sz, sizeof(sz)));
	if (tb[DENALI_A_STATS_RESIDENT_PAGES]) {
		uint64_t pages = nla_get_u64(tb[DENALI_A_STATS_RESIDENT_PAGES]);

		printf("resident:        %llu pages (%llu KiB)\n", (unsigned long long)pages,
		       (unsigned long long)(pages * DENALI_VM_PAGE_SIZE / 1024));
	}
	if (tb[DENALI_A_STATS_WORKERS])
		printf("workers:         %u\n", nla_get_u32(tb[DENALI_A_STATS_WORKERS]));
	if (tb[DENALI_A_STATS_QUANTUM_US])
		printf("quantum:         %u us\n", nla_get_u32(tb[DENALI_A_STATS_QUANTUM_US]));
	if (tb[DENALI_A_STATS_IRQ_MODE])
		printf("irq delivery:    %s\n", nla_get_string(tb[DENALI_A_STATS_IRQ_MODE]));
	if (tb[DENALI_A_VM_QUANTA]) {
		printf("totals (every VM run, destroyed ones included):\n");
		counters_print(&total, 2, LABEL_WIDTH - 2);
	}
	return 0;
}

int stats_main(int argc, char **argv)
{
	struct nl_msg *msg;
	struct dnl nl;
	int ret;

	ret = simple_args(argc, argv, STATS_USAGE, true, NULL, NULL);
	if (ret >= 0)
		return ret;
	if (dnl_open(&nl))
		return EXIT_ERR;
	msg = dnl_msg(&nl, DENALI_CMD_STATS, 0);
	ret = msg ? dnl_request(&nl, msg, on_stats, NULL) : -ENOMEM;
	if (ret)
		dnl_perror(&nl, "stats", ret);
	dnl_close(&nl);
	return ret ? EXIT_ERR : EXIT_OK;
}
