/* denalictl monitor: print the module's VM events, one line each, until killed. */
#include <errno.h>
#include <stdio.h>

#include <linux/denali.h>

#include "nl.h"
#include "subcommands.h"
#include "util.h"
#include "vm.h"

#define MONITOR_USAGE "monitor [-j]"

static const char *event_name(uint32_t event, char *buf, size_t len)
{
	static const char *const names[] = {
		[DENALI_EVENT_CREATED] = "created", [DENALI_EVENT_DESTROYED] = "destroyed",
		[DENALI_EVENT_STARTED] = "started", [DENALI_EVENT_HALTED] = "halted",
		[DENALI_EVENT_CRASHED] = "crashed", [DENALI_EVENT_STOPPED] = "stopped",
	};

	if (event < sizeof(names) / sizeof(names[0]) && names[event])
		return names[event];
	snprintf(buf, len, "unknown(%u)", event);
	return buf;
}

static void print_json(const char *ev, const struct vm_info *vm)
{
	printf("{\"event\":");
	json_string(stdout, ev);
	printf(",");
	vm_json_identity(vm);
	vm_json_outcome(vm);
	printf("}\n");
}

/* "halted vm1 id 3 code 0", "crashed vm1 id 3 io rip 0x100123", "started vm1 id 3". */
static void print_text(uint32_t event, const char *ev, const struct vm_info *vm)
{
	printf("%s %s", ev, vm->has_name ? vm->name : "-");
	if (vm->has_id)
		printf(" id %u", vm->id);
	if (event == DENALI_EVENT_HALTED && vm->has_exit_code)
		printf(" code %u", vm->exit_code);
	if (event == DENALI_EVENT_CRASHED) {
		printf(" %s", vm_crash_name(vm) ? vm_crash_name(vm) : "unknown");
		if (vm->has_crash_rip)
			printf(" rip 0x%llx", (unsigned long long)vm->crash_rip);
	}
	printf("\n");
}

static int on_event(uint8_t cmd, struct nlattr **tb, struct nlattr *attrs, int len, void *arg)
{
	struct vm_info vm;
	uint32_t event;
	char buf[32];
	const char *ev;

	(void)attrs;
	(void)len;
	(void)arg;
	if (cmd != DENALI_CMD_EVENT || !tb[DENALI_A_EVENT])
		return 0;
	event = nla_get_u32(tb[DENALI_A_EVENT]);
	ev = event_name(event, buf, sizeof(buf));
	/* Events say what happened to the VM; its NICs are for show and list. */
	vm_parse(tb, NULL, 0, &vm);
	if (opt_json)
		print_json(ev, &vm);
	else
		print_text(event, ev, &vm);
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
