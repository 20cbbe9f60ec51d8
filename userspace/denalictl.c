/* denalictl: the supervisor CLI of Denali for Linux; global options and the subcommand table. */
#include <stdio.h>
#include <string.h>

#include <linux/denali.h>

#include "subcommands.h"
#include "util.h"

#ifndef DENALI_VERSION
#define DENALI_VERSION "unknown"
#endif

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *description;
} subcommands[] = {
	{ "create", create_main, "create a VM, optionally loading an ELF image into it" },
	{ "destroy", destroy_main, "destroy a VM" },
	{ "start", start_main, "start a created VM" },
	{ "stop", stop_main, "stop a running VM" },
	{ "console", console_main, "print a VM's console (-f: until it ends), type stdin into it" },
	{ "run", run_main, "run an image in a new VM: its console, then its exit status" },
	{ "list", list_main, "list all VMs" },
	{ "show", show_main, "show one VM" },
	{ "nic", nic_main, "add, remove or list a VM's network interfaces" },
	{ "disk", disk_main, "attach, detach or list a VM's disks" },
	{ "stats", stats_main, "show the module's backend, limits, scheduler and totals" },
	{ "monitor", monitor_main, "print VM events as they happen" },
	/* Hidden: validate an image without the module (used by the tests). */
	{ "elf-check", elf_check_main, NULL },
};

#define USAGE_LINE                                               \
	"Usage: " PROG_NAME " [-j] [-v] <cmd> [<args>]\n"             \
	"       " PROG_NAME " [-j] [-v] [--force] -b FILE\n"

/* A usage error at the top level: the reason, the usage line and where to look. */
static int top_usage_err(const char *what, const char *arg)
{
	fprintf(stderr, PROG_NAME ": %s '%s'\n" USAGE_LINE "Run '" PROG_NAME " help' for more.\n",
		what, arg);
	return EXIT_USAGE;
}

static void show_usage(FILE *f)
{
	size_t i;

	fputs(USAGE_LINE, f);
	fputs("       " PROG_NAME " {-h | --help | --version}\n\n", f);
	fputs("Available subcommands:\n", f);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (subcommands[i].description)
			fprintf(f, "  %-9s %s\n", subcommands[i].name, subcommands[i].description);
	}
	fputs("\nGlobal options:\n", f);
	fputs("  -j, --json     JSON output (list, show, nic list, disk list, stats, monitor)\n",
	      f);
	fputs("  -v, --verbose  report what create, nic add and disk attach did\n", f);
	fputs("  -b, --batch FILE\n"
	      "                 run the commands in FILE ('-': stdin), one per line\n", f);
	fputs("  --force        in a batch, go on after a command that failed\n", f);
	fputs("\nRun '" PROG_NAME " <cmd> --help' for a subcommand's usage.\n", f);
}

/* One subcommand: argv[0] names it ("help CMD" is "CMD --help"). */
static int dispatch(int argc, char **argv)
{
	char *help_argv[] = { NULL, "--help", NULL };
	size_t j;

	if (!strcmp(argv[0], "help")) {
		if (argc < 2) {
			show_usage(stdout);
			return EXIT_OK;
		}
		help_argv[0] = argv[1];
		argv = help_argv;
		argc = 2;
	}
	for (j = 0; j < sizeof(subcommands) / sizeof(subcommands[0]); j++) {
		if (!strcmp(argv[0], subcommands[j].name))
			return subcommands[j].fn(argc, argv);
	}
	return top_usage_err("unknown subcommand", argv[0]);
}

int main(int argc, char **argv)
{
	const char *batch = NULL;
	bool force = false;
	int i;

	/* Global options come before the subcommand, like ip -j. */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
			show_usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(opt, "-V") || !strcmp(opt, "--version")) {
			printf(PROG_NAME " %s (genetlink family %s version %d, API %d)\n",
			       DENALI_VERSION, DENALI_GENL_NAME, DENALI_GENL_VERSION,
			       DENALI_API_VERSION);
			return EXIT_OK;
		} else if (!strcmp(opt, "-j") || !strcmp(opt, "--json")) {
			opt_json = true;
		} else if (!strcmp(opt, "-v") || !strcmp(opt, "--verbose")) {
			opt_verbose = true;
		} else if (!strcmp(opt, "-b") || !strcmp(opt, "-batch") || !strcmp(opt, "--batch")) {
			if (i + 1 >= argc)
				return top_usage_err("a file must follow", opt);
			batch = argv[++i];
		} else if (!strcmp(opt, "--force") || !strcmp(opt, "-force")) {
			force = true;
		} else if (!strcmp(opt, "--")) {
			i++;
			break;
		} else {
			return top_usage_err("unknown option", opt);
		}
	}
	if (batch) {
		if (i < argc)
			return top_usage_err("a batch takes no subcommand, found", argv[i]);
		return batch_run(batch, force, dispatch);
	}
	if (force)
		return top_usage_err("only a batch takes", "--force");
	if (i >= argc) {
		show_usage(stderr);
		return EXIT_USAGE;
	}
	return dispatch(argc - i, argv + i);
}
