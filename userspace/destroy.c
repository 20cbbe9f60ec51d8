/* denalictl destroy: tear a VM down by name. */
#include <linux/denali.h>

#include "nl.h"
#include "subcommands.h"
#include "util.h"

#define DESTROY_USAGE "destroy NAME"

int vm_destroy(struct dnl *nl, const char *name, bool has_id, uint32_t id)
{
	return dnl_vm_request(nl, DENALI_CMD_VM_DEL, name, has_id, id);
}

int destroy_main(int argc, char **argv)
{
	const char *name;
	struct dnl nl;
	int ret;

	ret = simple_args(argc, argv, DESTROY_USAGE, false, "NAME", &name);
	if (ret >= 0)
		return ret;
	if (dnl_open(&nl))
		return EXIT_ERR;
	ret = vm_destroy(&nl, name, false, 0);
	if (ret)
		dnl_perror(&nl, name, ret);
	dnl_close(&nl);
	return ret ? EXIT_ERR : EXIT_OK;
}
