/* denalictl start and stop: set a created VM running, or stop a running one. */
#include <linux/denali.h>

#include "nl.h"
#include "subcommands.h"
#include "util.h"

#define START_USAGE "start NAME"
#define STOP_USAGE "stop NAME"

/* One request naming the VM; the kernel's reason on failure. */
static int vm_cmd_main(int argc, char **argv, const char *usage, uint8_t cmd)
{
	const char *name;
	struct dnl nl;
	int ret;

	ret = simple_args(argc, argv, usage, false, "NAME", &name);
	if (ret >= 0)
		return ret;
	if (dnl_open(&nl))
		return EXIT_ERR;
	ret = dnl_vm_request(&nl, cmd, name, false, 0);
	if (ret)
		dnl_perror(&nl, name, ret);
	dnl_close(&nl);
	return ret ? EXIT_ERR : EXIT_OK;
}

int start_main(int argc, char **argv)
{
	return vm_cmd_main(argc, argv, START_USAGE, DENALI_CMD_VM_START);
}

int stop_main(int argc, char **argv)
{
	return vm_cmd_main(argc, argv, STOP_USAGE, DENALI_CMD_VM_STOP);
}
