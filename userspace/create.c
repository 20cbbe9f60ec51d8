/* denalictl create: make a VM and load an ELF image into it; also the hidden elf-check. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/denali.h>

#include "dev.h"
#include "disk.h"
#include "elf.h"
#include "nic.h"
#include "nl.h"
#include "subcommands.h"
#include "util.h"

#define CREATE_USAGE                                                                                  \
	"create NAME [--mem SIZE] [--tlb N] [--image ELF] [--cmdline STRING] [--nic " NIC_SPEC_SYNTAX \
	"]... [--disk " DISK_SPEC_SYNTAX "]..."
#define ELF_CHECK_USAGE "elf-check ELF [--mem SIZE]"

struct create_opts {
	const char *name;
	const char *image;
	const char *cmdline;
	uint64_t mem;
	uint32_t tlb; /* entries of its TLB; 0: the module's default */
	bool has_tlb;
	unsigned int nnics;
	const char *nic_arg[DENALI_NIC_MAX]; /* each --nic as given, for messages */
	struct nic_spec nics[DENALI_NIC_MAX];
	unsigned int ndisks;
	struct disk_spec disks[DENALI_DISK_MAX];
};

/* One option a line. */
/* clang-format off */
static const struct option create_options[] = {
	{ "mem", required_argument, NULL, 'm' },
	{ "tlb", required_argument, NULL, 'T' }, /* no short form */
	{ "image", required_argument, NULL, 'i' },
	{ "cmdline", required_argument, NULL, 'c' },
	{ "nic", required_argument, NULL, 'N' }, /* no short form */
	{ "disk", required_argument, NULL, 'D' }, /* no short form */
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

static const struct option elf_check_options[] = {
	{ "mem", required_argument, NULL, 'm' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/*
 * Options and the one positional argument (what: its name in messages);
 * elf-check takes no --image. Returns -1 to go on, else the exit status.
 */
static int parse_args(int argc, char **argv, const char *usage, const char *what, bool image,
		      struct create_opts *o)
{
	char err[128];
	int c;

	o->mem = VM_DEFAULT_MEM;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, image ? ":m:i:c:vh" : ":m:h",
				image ? create_options : elf_check_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &o->mem))
				return usage_err(usage, "invalid size '%s'", optarg);
			break;
		case 'T':
			if (parse_u32(optarg, &o->tlb))
				return usage_err(usage, "invalid TLB size '%s'", optarg);
			o->has_tlb = true;
			break;
		case 'i':
			o->image = optarg;
			break;
		case 'c':
			if (cmdline_check(optarg))
				return usage_err(usage, "command line longer than %d bytes",
						 DENALI_CMDLINE_MAX - 1);
			o->cmdline = optarg;
			break;
		case 'N':
			if (o->nnics == DENALI_NIC_MAX)
				return usage_err(usage, "at most %d --nic", DENALI_NIC_MAX);
			if (nic_spec_parse(optarg, &o->nics[o->nnics], err, sizeof(err)))
				return usage_err(usage, "--nic '%s': %s", optarg, err);
			o->nic_arg[o->nnics++] = optarg;
			break;
		case 'D':
			if (o->ndisks == DENALI_DISK_MAX)
				return usage_err(usage, "at most %d --disk", DENALI_DISK_MAX);
			if (disk_spec_parse(optarg, &o->disks[o->ndisks], err, sizeof(err)))
				return usage_err(usage, "--disk '%s': %s", optarg, err);
			o->ndisks++;
			break;
		case 'v':
			opt_verbose = true;
			break;
		case 'h':
			printf("Usage: " PROG_NAME " %s\n", usage);
			if (image)
				printf("--tlb N: entries of the VM's software-loaded TLB, %d to %d\n"
				       "(default %d).\n",
				       DENALI_TLB_SIZE_MIN, DENALI_TLB_SIZE_MAX,
				       DENALI_TLB_SIZE_DEFAULT);
			return EXIT_OK;
		case ':':
			return usage_err(usage, "option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_err(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (disk_specs_check(o->disks, o->ndisks, err, sizeof(err)))
		return usage_err(usage, "%s", err);
	if (optind >= argc)
		return usage_err(usage, "missing %s", what);
	if (optind + 1 < argc)
		return usage_err(usage, "unexpected argument '%s'", argv[optind + 1]);
	o->name = argv[optind];
	if (o->has_tlb && tlb_check(o->name, o->tlb))
		return EXIT_ERR;
	return -1;
}

/* The reply to VM_NEW describes the new VM; we need its id. */
struct new_vm {
	bool has_id;
	uint32_t id;
};

static int on_new_vm(uint8_t cmd, struct nlattr **tb, struct nlattr *attrs, int len, void *arg)
{
	struct new_vm *vm = arg;

	(void)cmd;
	(void)attrs;
	(void)len;
	if (tb[DENALI_A_VM_ID]) {
		vm->has_id = true;
		vm->id = nla_get_u32(tb[DENALI_A_VM_ID]);
	}
	return 0;
}

/*
 * Whether a --cmdline fits the registers page: 0, or -1 when it is too
 * long. Its characters are the kernel's to judge (printable ASCII).
 */
int cmdline_check(const char *cmdline)
{
	return strlen(cmdline) < DENALI_CMDLINE_MAX ? 0 : -1;
}

/*
 * Whether a --tlb is a size the module takes: 0, or -1 after saying why
 * (for the VM name). Checked here so that the reason is plain; the
 * module's policy has the same bounds, and its extack speaks for
 * anything else. Out of range is an error (exit 1), as when the module
 * refuses a --mem, not a usage error.
 */
int tlb_check(const char *name, uint32_t tlb)
{
	if (tlb >= DENALI_TLB_SIZE_MIN && tlb <= DENALI_TLB_SIZE_MAX)
		return 0;
	err_msg(name, "--tlb %u: a TLB holds %d to %d entries", tlb, DENALI_TLB_SIZE_MIN,
		DENALI_TLB_SIZE_MAX);
	return -1;
}

/*
 * VM_NEW: a VM called name with mem bytes of memory, a TLB of tlb entries
 * (0: the module's default), with an image its entry point, with cmdline
 * (not NULL) its boot command line. *has_id and *id: the new VM's id, if
 * the reply gave it. Returns 0 or a negative errno (the reason in
 * nl->errmsg).
 */
int vm_create(struct dnl *nl, const char *name, uint64_t mem, uint32_t tlb, const struct image *img,
	      const char *cmdline, bool *has_id, uint32_t *id)
{
	struct new_vm vm = { 0 };
	struct nl_msg *msg;
	int ret;

	msg = dnl_msg(nl, DENALI_CMD_VM_NEW, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, DENALI_A_VM_NAME, name) ||
	    nla_put_u64(msg, DENALI_A_VM_MEM_SIZE, mem) ||
	    (tlb && nla_put_u32(msg, DENALI_A_VM_TLB_SIZE, tlb)) ||
	    (img && nla_put_u64(msg, DENALI_A_VM_ENTRY, img->entry)) ||
	    (cmdline && nla_put_string(msg, DENALI_A_VM_CMDLINE, cmdline))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = dnl_request(nl, msg, on_new_vm, &vm);
	*has_id = vm.has_id;
	*id = vm.id;
	return ret;
}

/* Copy the image into the new VM's memory. Prints its own error; returns 0 or -1. */
static int load_image(const struct create_opts *o, const struct image *img, int vm_fd)
{
	char err[256];
	int ret;

	ret = image_write(img, vm_fd, err, sizeof(err));
	if (ret)
		err_msg(o->name, "loading %s: %s", o->image, err);
	return ret;
}

int create_main(int argc, char **argv)
{
	struct create_opts o = { 0 };
	struct image img = { 0 };
	struct new_vm vm = { 0 };
	struct dnl nl;
	int ret, dev_fd = -1, vm_fd = -1, status = EXIT_ERR;
	uint32_t known = 0; /* NIC indexes the VM has: none yet */
	char err[256], sz[32];
	unsigned int i;

	ret = parse_args(argc, argv, CREATE_USAGE, "NAME", true, &o);
	if (ret >= 0) {
		disk_specs_free(o.disks, o.ndisks);
		return ret;
	}

	/* Everything that can be checked is checked before the VM exists. */
	if (disk_specs_open(o.disks, o.ndisks))
		goto out_image;
	if (o.image && image_open(o.image, o.mem, &img, err, sizeof(err))) {
		err_msg(o.image, "%s", err);
		goto out_image;
	}
	if (o.image || o.ndisks) {
		dev_fd = dev_open();
		if (dev_fd < 0)
			goto out_image;
	}
	if (dnl_open(&nl))
		goto out_dev;

	ret = vm_create(&nl, o.name, o.mem, o.tlb, o.image ? &img : NULL, o.cmdline, &vm.has_id,
			&vm.id);
	if (ret) {
		dnl_perror(&nl, o.name, ret);
		goto out_nl;
	}
	if (opt_verbose) {
		printf("created %s", o.name);
		if (vm.has_id)
			printf(" id %u", vm.id);
		printf(" (%s", format_size(o.mem, sz, sizeof(sz)));
		if (o.has_tlb)
			printf(", TLB of %u entries", o.tlb);
		printf(")\n");
	}

	for (i = 0; i < o.nnics; i++) {
		ret = nic_add(&nl, o.name, vm.has_id, vm.id, &o.nics[i], &known);
		if (ret) {
			err_msg(o.name, "--nic '%s': %s", o.nic_arg[i], dnl_strerror(&nl, ret));
			goto out_vm;
		}
	}
	if (o.image || o.ndisks) {
		if (!vm.has_id) {
			err_msg(o.name, "no VM id in the kernel's reply");
			goto out_vm;
		}
		vm_fd = dev_vm_open(dev_fd, o.name, vm.id);
		if (vm_fd < 0)
			goto out_vm;
	}
	if (disks_attach(vm_fd, o.name, o.disks, o.ndisks, opt_verbose))
		goto out_vm;
	if (o.image) {
		if (load_image(&o, &img, vm_fd))
			goto out_vm;
		if (opt_verbose) {
			for (i = 0; i < img.nsegs; i++)
				printf("loaded segment %u [0x%llx-0x%llx) %llu bytes from %s\n",
				       img.segs[i].index, (unsigned long long)img.segs[i].paddr,
				       (unsigned long long)(img.segs[i].paddr + img.segs[i].memsz),
				       (unsigned long long)img.segs[i].filesz, o.image);
			printf("entry 0x%llx\n", (unsigned long long)img.entry);
		}
	}
	status = EXIT_OK;
	goto out_nl;
out_vm:
	/* Nothing left half-made: a VM without its image, NICs or disks goes away. */
	if (vm_fd >= 0)
		close(vm_fd);
	vm_fd = -1;
	ret = vm_destroy(&nl, o.name, vm.has_id, vm.id);
	if (ret)
		err_msg(o.name, "could not destroy the VM again: %s", dnl_strerror(&nl, ret));
out_nl:
	dnl_close(&nl);
out_dev:
	if (vm_fd >= 0)
		close(vm_fd);
	if (dev_fd >= 0)
		close(dev_fd);
out_image:
	image_close(&img);
	/* The module holds its own reference to each attached file. */
	disk_specs_free(o.disks, o.ndisks);
	return status;
}

/* elf-check ELF [--mem SIZE]: validate an image as create would, and list its segments. */
int elf_check_main(int argc, char **argv)
{
	struct create_opts o = { 0 };
	struct image img;
	char err[256], sz[32];
	unsigned int i;
	int ret;

	ret = parse_args(argc, argv, ELF_CHECK_USAGE, "ELF", false, &o);
	if (ret >= 0)
		return ret;
	if (image_open(o.name, o.mem, &img, err, sizeof(err))) {
		err_msg(o.name, "%s", err);
		return EXIT_ERR;
	}
	printf("%s: entry 0x%llx, %u PT_LOAD segment%s, guest memory %s\n", o.name,
	       (unsigned long long)img.entry, img.nsegs, img.nsegs == 1 ? "" : "s",
	       format_size(o.mem, sz, sizeof(sz)));
	for (i = 0; i < img.nsegs; i++)
		printf("segment %u [0x%llx-0x%llx) filesz 0x%llx offset 0x%llx\n",
		       img.segs[i].index, (unsigned long long)img.segs[i].paddr,
		       (unsigned long long)(img.segs[i].paddr + img.segs[i].memsz),
		       (unsigned long long)img.segs[i].filesz,
		       (unsigned long long)img.segs[i].offset);
	image_close(&img);
	return EXIT_OK;
}
