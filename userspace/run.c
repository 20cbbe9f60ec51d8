/* denalictl run: a new VM from an image, started, its console streamed, its outcome. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/denali.h>

#include "dev.h"
#include "disk.h"
#include "elf.h"
#include "nl.h"
#include "subcommands.h"
#include "util.h"
#include "vm.h"

#define RUN_USAGE                                                                                     \
	"run IMAGE [--mem SIZE] [--tlb N] [--name NAME] [--cmdline STRING] [--disk " DISK_SPEC_SYNTAX \
	"]... [--no-input]"

/* Exit statuses of run besides the guest's own halt code (as timeout(1) has them). */
#define EXIT_STOPPED 124
#define EXIT_CRASHED 125

/* One option a line. */
/* clang-format off */
static const struct option run_options[] = {
	{ "mem", required_argument, NULL, 'm' },
	{ "tlb", required_argument, NULL, 'T' }, /* no short form */
	{ "name", required_argument, NULL, 'n' },
	{ "cmdline", required_argument, NULL, 'c' },
	{ "disk", required_argument, NULL, 'D' }, /* no short form */
	{ "no-input", no_argument, NULL, 'I' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

/* The signal that asked us to end, 0 if none. */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/*
 * SIGINT, SIGTERM and SIGHUP stay blocked while run works, so that none
 * leaves a VM behind; they are taken where run can act on them: while it
 * waits for the console (ppoll with the original mask) and here, between
 * steps. True when one came.
 */
static bool signalled(const sigset_t *orig, const sigset_t *ours)
{
	sigprocmask(SIG_SETMASK, orig, NULL);
	sigprocmask(SIG_BLOCK, ours, NULL);
	return got_signal != 0;
}

static void catch_signals(sigset_t *orig, sigset_t *ours)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: a signal ends the wait */
	sigemptyset(ours);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(ours, sigs[i]);
	sigprocmask(SIG_BLOCK, ours, orig);
	sa.sa_mask = *ours;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* One our caller ignores (nohup, a shell's background job) stays ignored. */
		if (!sigaction(sigs[i], NULL, &old) && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	/* A closed stdout is an error to clean up after, not sudden death. */
	signal(SIGPIPE, SIG_IGN);
}

/* What became of the VM once its console ended: the exit status of run. */
static int outcome(struct dnl *nl, const char *name, uint32_t id)
{
	struct vm_info vm;
	char buf[32];
	int ret;

	ret = vm_get(nl, name, true, id, &vm);
	if (ret) {
		dnl_perror(nl, name, ret);
		return EXIT_ERR;
	}
	if (vm.has_console_dropped && vm.console_dropped)
		err_msg(name, "console: %llu bytes lost (ring overflow)",
			(unsigned long long)vm.console_dropped);
	if (!vm.has_state) {
		err_msg(name, "no state in the kernel's reply");
		return EXIT_ERR;
	}
	switch (vm.state) {
	case DENALI_VM_STATE_HALTED:
		if (!vm.has_exit_code) {
			err_msg(name, "halted, but the kernel gave no exit code");
			return EXIT_ERR;
		}
		/* As a shell reports a process's status: the low 8 bits. */
		return vm.exit_code & 0xff;
	case DENALI_VM_STATE_CRASHED:
		if (vm.has_crash_rip)
			err_msg(name, "crashed: %s at rip 0x%llx",
				vm_crash_name(&vm) ? vm_crash_name(&vm) : "unknown reason",
				(unsigned long long)vm.crash_rip);
		else
			err_msg(name, "crashed: %s",
				vm_crash_name(&vm) ? vm_crash_name(&vm) : "unknown reason");
		return EXIT_CRASHED;
	case DENALI_VM_STATE_STOPPED:
		err_msg(name, "stopped");
		return EXIT_STOPPED;
	default:
		err_msg(name, "console ended while the VM is %s",
			vm_state_name(vm.state, buf, sizeof(buf)));
		return EXIT_ERR;
	}
}

/* What the command line asks of run. */
struct run_opts {
	const char *path, *name, *cmdline;
	uint64_t mem;
	uint32_t tlb; /* entries of its TLB; 0: the module's default */
	bool has_tlb;
	bool no_input;
	unsigned int ndisks;
	struct disk_spec disks[DENALI_DISK_MAX];
};

/* Options and IMAGE into o. Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct run_opts *o)
{
	char err[128];
	int c;

	o->mem = VM_DEFAULT_MEM;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":m:n:c:h", run_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &o->mem))
				return usage_err(RUN_USAGE, "invalid size '%s'", optarg);
			break;
		case 'T':
			if (parse_u32(optarg, &o->tlb))
				return usage_err(RUN_USAGE, "invalid TLB size '%s'", optarg);
			o->has_tlb = true;
			break;
		case 'n':
			o->name = optarg;
			break;
		case 'c':
			if (cmdline_check(optarg))
				return usage_err(RUN_USAGE, "command line longer than %d bytes",
						 DENALI_CMDLINE_MAX - 1);
			o->cmdline = optarg;
			break;
		case 'D':
			if (o->ndisks == DENALI_DISK_MAX)
				return usage_err(RUN_USAGE, "at most %d --disk", DENALI_DISK_MAX);
			if (disk_spec_parse(optarg, &o->disks[o->ndisks], err, sizeof(err)))
				return usage_err(RUN_USAGE, "--disk '%s': %s", optarg, err);
			o->ndisks++;
			break;
		case 'I':
			o->no_input = true;
			break;
		case 'h':
			printf("Usage: " PROG_NAME " %s\n", RUN_USAGE);
			printf("Runs IMAGE in a new VM, prints its console and forwards stdin to it\n"
			       "(a terminal one line at a time, in the foreground; --no-input: not at\n"
			       "all), then destroys it. Exit status: the guest's halt code, %d if it\n"
			       "crashed, %d if it was stopped, 1 on errors. --tlb and --disk as for\n"
			       "create (see '" PROG_NAME " disk --help').\n",
			       EXIT_CRASHED, EXIT_STOPPED);
			return EXIT_OK;
		case ':':
			return usage_err(RUN_USAGE, "option '%s' needs an argument",
					 argv[optind - 1]);
		default:
			return usage_err(RUN_USAGE, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (disk_specs_check(o->disks, o->ndisks, err, sizeof(err)))
		return usage_err(RUN_USAGE, "%s", err);
	if (optind >= argc)
		return usage_err(RUN_USAGE, "missing IMAGE");
	if (optind + 1 < argc)
		return usage_err(RUN_USAGE, "unexpected argument '%s'", argv[optind + 1]);
	o->path = argv[optind];
	return -1;
}

int run_main(int argc, char **argv)
{
	struct console_pump con = { .fd = -1, .in_fd = -1, .follow = true };
	struct run_opts o = { 0 };
	struct image img = { 0 };
	const char *path, *name;
	sigset_t orig, ours;
	struct dnl nl;
	char err[256], defname[32];
	int ret, status = EXIT_ERR, dev_fd = -1, vm_fd = -1;
	bool has_id = false, created = false, started = false;
	uint32_t id = 0;

	ret = parse_args(argc, argv, &o);
	if (ret >= 0) {
		disk_specs_free(o.disks, o.ndisks);
		return ret;
	}
	path = o.path;
	name = o.name;
	if (!name) {
		snprintf(defname, sizeof(defname), "run-%ld", (long)getpid());
		name = defname;
	}
	if (o.has_tlb && tlb_check(name, o.tlb)) {
		disk_specs_free(o.disks, o.ndisks);
		return EXIT_ERR;
	}

	if (disk_specs_open(o.disks, o.ndisks)) {
		disk_specs_free(o.disks, o.ndisks);
		return EXIT_ERR;
	}
	if (image_open(path, o.mem, &img, err, sizeof(err))) {
		err_msg(path, "%s", err);
		disk_specs_free(o.disks, o.ndisks);
		return EXIT_ERR;
	}
	catch_signals(&orig, &ours);
	dev_fd = dev_open();
	if (dev_fd < 0)
		goto out_image;
	if (dnl_open(&nl))
		goto out_dev;

	ret = vm_create(&nl, name, o.mem, o.tlb, &img, o.cmdline, &has_id, &id);
	if (ret) {
		dnl_perror(&nl, name, ret);
		goto out_nl;
	}
	created = true;
	if (!has_id) {
		err_msg(name, "no VM id in the kernel's reply");
		goto out_vm;
	}
	vm_fd = dev_vm_open(dev_fd, name, id);
	if (vm_fd < 0)
		goto out_vm;
	if (disks_attach(vm_fd, name, o.disks, o.ndisks, false))
		goto out_vm;
	if (image_write(&img, vm_fd, err, sizeof(err))) {
		err_msg(name, "loading %s: %s", path, err);
		goto out_vm;
	}
	/* Open before the start, so that no output can be missed. */
	con.fd = dev_console_open(vm_fd, name);
	if (con.fd < 0 || signalled(&orig, &ours))
		goto out_vm;

	ret = dnl_vm_request(&nl, DENALI_CMD_VM_START, name, true, id);
	if (ret) {
		dnl_perror(&nl, name, ret);
		goto out_vm;
	}
	started = true;
	con.in_fd = o.no_input ? -1 : console_input_fd(true);
	con.waitmask = &orig;
	con.stop = &got_signal;
	ret = console_pump(&con, name);
	if (!ret && !signalled(&orig, &ours)) {
		started = false; /* it ended on its own */
		status = outcome(&nl, name, id);
	}

out_vm:
	/*
	 * Interrupted or failed while the VM may still run: stop it first, so
	 * that it is seen to end as stopped. It may have ended meanwhile, and
	 * then the stop is refused; the destroy is what matters.
	 */
	if (started)
		dnl_vm_request(&nl, DENALI_CMD_VM_STOP, name, true, id);
	if (created) {
		ret = vm_destroy(&nl, name, has_id, id);
		if (ret) {
			dnl_perror(&nl, name, ret);
			status = EXIT_ERR;
		}
	}
out_nl:
	dnl_close(&nl);
out_dev:
	if (con.fd >= 0)
		close(con.fd);
	if (vm_fd >= 0)
		close(vm_fd);
	close(dev_fd);
out_image:
	image_close(&img);
	/* The module holds its own reference to each attached file. */
	disk_specs_free(o.disks, o.ndisks);
	if (got_signal) {
		/* Die of the signal that asked us to, as the caller expects. */
		signal(got_signal, SIG_DFL);
		sigprocmask(SIG_SETMASK, &orig, NULL);
		raise(got_signal);
		return 128 + got_signal;
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return status;
}
