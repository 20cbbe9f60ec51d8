/* denalictl monitor: print the module's VM events, one line each, until killed. */
#include <errno.h>
#include <stdio.h>

#include <linux/denali.h>

#include "nl.h"
#include "subcommands.h"
#include "util.h"

#define MONITOR_USAGE "monitor [-j]"

static const char *event_name(uint32_t event, char *buf, size_t len)
{
	switch (event) {
	case DENALI_EVENT_CREATED:
		return "created";
	case DENALI_EVENT_DESTROYED:
		return "destroyed";
	default:
		snprintf(buf, len, "unknown(%u)", event);
		return buf;
	}
}

static int on_event(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const char *name = tb[DENALI_A_VM_NAME] ? nla_get_string(tb[DENALI_A_VM_NAME]) : NULL;
	char buf[32];
	const char *ev;

	(void)arg;
	if (cmd != DENALI_CMD_EVENT || !tb[DENALI_A_EVENT])
		return 0;
	ev = event_name(nla_get_u32(tb[DENALI_A_EVENT]), buf, sizeof(buf));
	if (opt_json) {
		printf("{\"event\":");
		json_string(stdout, ev);
		printf(",\"id\":");
		if (tb[DENALI_A_VM_ID])
			printf("%u", nla_get_u32(tb[DENALI_A_VM_ID]));
		else
			printf("null");
		printf(",\"name\":");
		if (name)
			json_string(stdout, name);
		else
			printf("null");
		printf("}\n");
	} else {
		printf("%s %s", ev, name ? name : "-");
		if (tb[DENALI_A_VM_ID])
			printf(" id %u", nla_get_u32(tb[DENALI_A_VM_ID]));
		printf("\n");
	}
	/* Whoever reads us wants each event as it happens. */
	if (fflush(stdout) || ferror(stdout))
		return -EIO;
	return 0;
}

int monitor_main(int argc, char **argv)
{
	struct dnl nl;
	int ret;

	ret = simple_args(argc, argv, MONITOR_USAGE, true, NULL, NULL);
	if (ret >= 0)
		return ret;
	if (dnl_open(&nl))
		return EXIT_ERR;
	ret = dnl_monitor(&nl, on_event, NULL);
	dnl_perror(&nl, "monitor", ret);
	dnl_close(&nl);
	return EXIT_ERR;
}
