/* A VM's disks in denalictl: the DISK argument syntax, attaching and detaching files, text and JSON. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h> /* BLKGETSIZE64 */
#include <linux/denali.h>
#include <linux/denali_guest.h>

#include "dev.h"
#include "disk.h"
#include "nl.h"
#include "subcommands.h"
#include "util.h"
#include "vm.h"

#define DISK_ATTACH_USAGE "disk attach VM " DISK_SPEC_SYNTAX
#define DISK_DETACH_USAGE "disk detach VM N"
#define DISK_LIST_USAGE "disk list VM [-j]"
#define DISK_USAGE "disk {attach | detach | list} VM ..."

/* How the members of a DENALI_A_VM_DISK nest are checked. */
static const struct nla_policy disk_policy[DENALI_A_MAX + 1] = {
	[DENALI_A_DISK_INDEX] = { .type = NLA_U32 },
	[DENALI_A_DISK_PATH] = { .type = NLA_STRING },
	[DENALI_A_DISK_BLOCKS] = { .type = NLA_U64 },
	[DENALI_A_DISK_RO] = { .type = NLA_U8 },
	[DENALI_A_DISK_READS] = { .type = NLA_U64 },
	[DENALI_A_DISK_WRITES] = { .type = NLA_U64 },
	[DENALI_A_DISK_FLUSHES] = { .type = NLA_U64 },
	[DENALI_A_DISK_ERRORS] = { .type = NLA_U64 },
	[DENALI_A_DISK_INFLIGHT] = { .type = NLA_U32 },
};

/* Whether the len bytes at end - len are suffix. */
static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t len = strlen(suffix);

	return n >= len && !memcmp(s + n - len, suffix, len);
}

/*
 * Parse FILE[:ro][@N] into spec: a trailing @N (decimal digits) is the
 * disk number, then a trailing :ro (or :rw, the default) the mode; FILE is
 * the rest, taken as it is. So a file whose name itself ends in :ro, :rw
 * or @digits is given with an explicit mode, as "a:ro:rw" or "b@2:rw".
 * Returns 0, or -1 with the reason in err.
 */
int disk_spec_parse(const char *s, struct disk_spec *spec, char *err, size_t len)
{
	const char *at = strrchr(s, '@');
	size_t n = strlen(s);

	memset(spec, 0, sizeof(*spec));
	spec->arg = s;
	spec->fd = -1;
	spec->index = DENALI_DISK_ANY;
	if (at && at[1] && !at[1 + strspn(at + 1, "0123456789")]) {
		if (parse_u32(at + 1, &spec->index) || spec->index >= DENALI_DISK_MAX) {
			snprintf(err, len, "invalid disk number '%s' (0 to %d)", at + 1,
				 DENALI_DISK_MAX - 1);
			return -1;
		}
		n = at - s;
	}
	if (ends_with(s, n, ":ro")) {
		spec->ro = true;
		n -= 3;
	} else if (ends_with(s, n, ":rw")) {
		n -= 3;
	}
	if (!n) {
		snprintf(err, len, "missing FILE (expected %s)", DISK_SPEC_SYNTAX);
		return -1;
	}
	spec->path = strndup(s, n);
	if (!spec->path) {
		snprintf(err, len, "%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

/* No disk number asked for twice. Returns 0, or -1 with the reason in err. */
int disk_specs_check(const struct disk_spec *specs, unsigned int n, char *err, size_t len)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (specs[i].index != DENALI_DISK_ANY && specs[i].index == specs[j].index) {
				snprintf(err, len, "disk %u asked for twice ('%s' and '%s')",
					 specs[i].index, specs[j].arg, specs[i].arg);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * Open the file of spec as the module wants it: for reading and writing,
 * or only reading with :ro, a regular file or block device of at least
 * one block. Prints its own error; returns 0 or -1.
 */
static int spec_open(struct disk_spec *spec)
{
	struct stat st;
	uint64_t size;
	int fd;

	fd = open(spec->path, (spec->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (!spec->ro && (errno == EACCES || errno == EPERM || errno == EROFS))
			err_msg(spec->path, "%s (%s:ro attaches it read-only)", strerror(errno),
				spec->path);
		else if (errno == ENOENT && strpbrk(spec->path, ":@"))
			err_msg(spec->path, "%s (expected %s, in that order)", strerror(errno),
				DISK_SPEC_SYNTAX);
		else
			err_errno(spec->path, errno);
		return -1;
	}
	if (fstat(fd, &st)) {
		err_errno(spec->path, errno);
		goto fail;
	}
	if (S_ISREG(st.st_mode)) {
		size = st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size)) {
			err_msg(spec->path, "block device size: %s", strerror(errno));
			goto fail;
		}
	} else {
		err_msg(spec->path, "not a regular file or block device");
		goto fail;
	}
	if (size < DENALI_DISK_BLOCK) {
		err_msg(spec->path, "%llu bytes: a disk needs at least one %d-byte block",
			(unsigned long long)size, DENALI_DISK_BLOCK);
		goto fail;
	}
	spec->fd = fd;
	spec->blocks = size / DENALI_DISK_BLOCK;
	spec->dev = st.st_dev;
	spec->ino = st.st_ino;
	return 0;
fail:
	close(fd);
	return -1;
}

/*
 * Open every file, and refuse a file given twice unless each time is
 * read-only (the module would refuse it: a file attached read-write is
 * attached nowhere else). Prints its own error; returns 0 or -1.
 */
int disk_specs_open(struct disk_spec *specs, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if (spec_open(&specs[i]))
			return -1;
		for (j = 0; j < i; j++) {
			if (specs[j].dev == specs[i].dev && specs[j].ino == specs[i].ino &&
			    (!specs[i].ro || !specs[j].ro)) {
				err_msg(specs[i].path,
					"given twice ('%s' and '%s'): a file attached read-write "
					"cannot be attached again",
					specs[j].arg, specs[i].arg);
				return -1;
			}
		}
	}
	return 0;
}

/* Close the files and free the specs' paths. */
void disk_specs_free(struct disk_spec *specs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (specs[i].fd >= 0)
			close(specs[i].fd);
		specs[i].fd = -1;
		free(specs[i].path);
		specs[i].path = NULL;
	}
}

/* Why DENALI_VM_IOC_DISK_ATTACH failed with err, in words (see struct denali_disk_attach). */
static void attach_reason(const struct disk_spec *spec, int err, char *buf, size_t len)
{
	switch (err) {
	case EBUSY:
		if (spec->ro)
			snprintf(buf, len, "%s is already attached read-write to a VM", spec->path);
		else
			snprintf(buf, len,
				 "%s is already attached to a VM (a file is attached read-write "
				 "to one VM only, or read-only to any number)",
				 spec->path);
		break;
	case EEXIST:
		if (spec->index == DENALI_DISK_ANY)
			snprintf(buf, len, "the disk number is taken");
		else
			snprintf(buf, len, "disk %u is already attached", spec->index);
		break;
	case ENOSPC:
		snprintf(buf, len, "no free disk number (at most %d disks)", DENALI_DISK_MAX);
		break;
	case EINVAL:
		snprintf(buf, len,
			 "%s: the module refused it (invalid argument: a disk is a regular file "
			 "or block device of at least %d bytes)",
			 spec->path, DENALI_DISK_BLOCK);
		break;
	case EBADF:
		snprintf(buf, len, "%s: the module did not take its descriptor (%s)", spec->path,
			 strerror(err));
		break;
	case ENODEV:
		snprintf(buf, len, "the VM was destroyed");
		break;
	case ENOTTY:
		snprintf(buf, len, "the denali module does not support disks (%s)", strerror(err));
		break;
	default:
		snprintf(buf, len, "%s: %s", spec->path, strerror(err));
	}
}

static const char *disk_size(uint64_t blocks, char *buf, size_t len)
{
	return format_size(blocks * DENALI_DISK_BLOCK, buf, len);
}

/* Attach one disk; with verbose, say what was attached. Prints its own error; returns 0 or -1. */
static int attach_one(int vm_fd, const char *vm, const struct disk_spec *spec, const char *opt,
		      bool verbose)
{
	struct denali_disk_attach arg = {
		.fd = spec->fd,
		.flags = spec->ro ? DENALI_DISK_ATTACH_RO : 0,
		.index = spec->index,
	};
	char why[512], sz[32];
	int ret;

	ret = ioctl(vm_fd, DENALI_VM_IOC_DISK_ATTACH, &arg);
	if (ret < 0) {
		attach_reason(spec, errno, why, sizeof(why));
		if (opt)
			err_msg(vm, "%s '%s': %s", opt, spec->arg, why);
		else
			err_msg(vm, "%s", why);
		return -1;
	}
	if (verbose)
		printf("attached disk %d %s (%s, %llu blocks, %s)\n", ret, spec->path,
		       spec->ro ? "ro" : "rw", (unsigned long long)spec->blocks,
		       disk_size(spec->blocks, sz, sizeof(sz)));
	return 0;
}

/*
 * Attach the opened specs to the VM of vm_fd (named vm), as create and
 * run do for their --disk: those with a number first, then the others,
 * in order, at the lowest free numbers. Errors name the --disk argument.
 * Prints its own error; returns 0 or -1.
 */
int disks_attach(int vm_fd, const char *vm, const struct disk_spec *specs, unsigned int n,
		 bool verbose)
{
	unsigned int pass, i;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			if ((specs[i].index == DENALI_DISK_ANY) != (pass == 1))
				continue;
			if (attach_one(vm_fd, vm, &specs[i], "--disk", verbose))
				return -1;
		}
	}
	return 0;
}

/* One DENALI_A_VM_DISK nest. Returns 0, -EBADMSG when it is malformed, or -ENOMEM. */
static int disk_parse(struct nlattr *nest, struct disk_info *disk)
{
	struct nlattr *tb[DENALI_A_MAX + 1];

	memset(disk, 0, sizeof(*disk));
	if (nla_parse_nested(tb, DENALI_A_MAX, nest, disk_policy) < 0 || !tb[DENALI_A_DISK_INDEX])
		return -EBADMSG;
	disk->index = nla_get_u32(tb[DENALI_A_DISK_INDEX]);
	if (tb[DENALI_A_DISK_PATH]) {
		disk->path = strdup(nla_get_string(tb[DENALI_A_DISK_PATH]));
		if (!disk->path)
			return -ENOMEM;
	}
	if (tb[DENALI_A_DISK_RO]) {
		disk->has_ro = true;
		disk->ro = nla_get_u8(tb[DENALI_A_DISK_RO]) != 0;
	}
#define DISK_GET(field, attr, get)                   \
	do {                                         \
		if (tb[attr]) {                      \
			disk->has_##field = true;    \
			disk->field = get(tb[attr]); \
		}                                    \
	} while (0)
	DISK_GET(blocks, DENALI_A_DISK_BLOCKS, nla_get_u64);
	DISK_GET(reads, DENALI_A_DISK_READS, nla_get_u64);
	DISK_GET(writes, DENALI_A_DISK_WRITES, nla_get_u64);
	DISK_GET(flushes, DENALI_A_DISK_FLUSHES, nla_get_u64);
	DISK_GET(errors, DENALI_A_DISK_ERRORS, nla_get_u64);
	DISK_GET(inflight, DENALI_A_DISK_INFLIGHT, nla_get_u32);
#undef DISK_GET
	return 0;
}

/*
 * The disks of a VM message: every DENALI_A_VM_DISK among its attributes
 * (attrs, len). Returns 0, -EBADMSG for a malformed nest or more than
 * DENALI_DISK_MAX of them, or -ENOMEM. disks_free() frees what was parsed,
 * also after a failure.
 */
int disks_parse(struct nlattr *attrs, int len, struct vm_info *vm)
{
	struct nlattr *a;
	int rem, ret;

	vm->ndisks = 0;
	if (!attrs)
		return 0;
	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) != DENALI_A_VM_DISK)
			continue;
		if (vm->ndisks == DENALI_DISK_MAX)
			return -EBADMSG;
		ret = disk_parse(a, &vm->disks[vm->ndisks]);
		vm->ndisks++; /* so that disks_free() sees its path */
		if (ret)
			return ret;
	}
	return 0;
}

void disks_free(struct vm_info *vm)
{
	unsigned int i;

	for (i = 0; i < vm->ndisks; i++) {
		free(vm->disks[i].path);
		vm->disks[i].path = NULL;
	}
	vm->ndisks = 0;
}

/* A path for a terminal: control characters as '?', as ls -q shows them. */
static void print_path(const char *path)
{
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

/*
 * One line of show for a disk, its label padded to width: "disk 0:     /srv/a.img
 * 2048 blocks (8 MiB) rw, 10 reads, 2 writes, 1 flushes, 0 errors, 0 in flight".
 */
void disk_print(const struct disk_info *disk, int width)
{
	char label[16], a[24], b[24], c[24], d[24], e[24], sz[32];

	snprintf(label, sizeof(label), "disk %u:", disk->index);
	printf("%-*s", width, label);
	print_path(disk->path ? disk->path : "-");
	if (disk->has_blocks)
		printf(" %llu blocks (%s)", (unsigned long long)disk->blocks,
		       disk_size(disk->blocks, sz, sizeof(sz)));
	else
		printf(" - blocks");
	printf(" %s, %s reads, %s writes, %s flushes, %s errors, %s in flight\n",
	       disk->has_ro ? (disk->ro ? "ro" : "rw") : "-",
	       text_num(disk->has_reads, disk->reads, a, sizeof(a)),
	       text_num(disk->has_writes, disk->writes, b, sizeof(b)),
	       text_num(disk->has_flushes, disk->flushes, c, sizeof(c)),
	       text_num(disk->has_errors, disk->errors, d, sizeof(d)),
	       text_num(disk->has_inflight, disk->inflight, e, sizeof(e)));
}

/*
 * The VM's disks as a JSON array of objects: index, path, blocks, size
 * (bytes), ro, reads, writes, flushes, errors, inflight; null for what the
 * kernel did not say.
 */
void disks_json(const struct vm_info *vm)
{
	unsigned int i;

	printf("[");
	for (i = 0; i < vm->ndisks; i++) {
		const struct disk_info *disk = &vm->disks[i];

		printf("%s{\"index\":%u,\"path\":", i ? "," : "", disk->index);
		if (disk->path)
			json_string(stdout, disk->path);
		else
			printf("null");
		json_num("blocks", disk->has_blocks, disk->blocks);
		json_num("size", disk->has_blocks, disk->blocks * DENALI_DISK_BLOCK);
		printf(",\"ro\":%s", disk->has_ro ? (disk->ro ? "true" : "false") : "null");
		json_num("reads", disk->has_reads, disk->reads);
		json_num("writes", disk->has_writes, disk->writes);
		json_num("flushes", disk->has_flushes, disk->flushes);
		json_num("errors", disk->has_errors, disk->errors);
		json_num("inflight", disk->has_inflight, disk->inflight);
		printf("}");
	}
	printf("]");
}

/* The whole usage of disk, for --help. */
static void disk_usage(void)
{
	printf("Usage: " PROG_NAME " " DISK_ATTACH_USAGE "\n"
	       "       " PROG_NAME " " DISK_DETACH_USAGE "\n"
	       "       " PROG_NAME " " DISK_LIST_USAGE "\n"
	       "attach gives the VM the file FILE (a regular file or block device of at least\n"
	       "%d bytes) as a disk; denalictl opens it and hands the module the descriptor.\n"
	       "  FILE:ro   read-only for the guest (the file is opened read-only); a file is\n"
	       "            shared read-only by any number of VMs, or read-write by one\n"
	       "  FILE@N    the guest's disk number N, 0 to %d (default: the lowest free)\n"
	       "  FILE:ro@N both; a FILE whose name ends in :ro, :rw or @N takes an explicit\n"
	       "            mode, as in a:ro:rw or b@2:rw\n"
	       "With -v, attach prints the disk's number. create and run take the same\n"
	       "argument with --disk. detach waits for the disk's requests in flight, then\n"
	       "the module lets go of the file.\n",
	       DENALI_DISK_BLOCK, DENALI_DISK_MAX - 1);
}

/*
 * A descriptor for the VM called name: its id from VM_GET, then
 * DENALI_IOC_VM_OPEN. Prints its own error; the fd or -1.
 */
static int vm_open_by_name(const char *name)
{
	struct vm_info vm;
	struct dnl nl;
	int ret, dev_fd, fd;

	if (dnl_open(&nl))
		return -1;
	ret = vm_get(&nl, name, false, 0, &vm);
	if (ret)
		dnl_perror(&nl, name, ret);
	dnl_close(&nl);
	vm_info_free(&vm);
	if (ret)
		return -1;
	if (!vm.has_id) {
		err_msg(name, "no VM id in the kernel's reply");
		return -1;
	}
	dev_fd = dev_open();
	if (dev_fd < 0)
		return -1;
	fd = dev_vm_open(dev_fd, name, vm.id);
	close(dev_fd);
	return fd;
}

/* disk attach VM FILE[:ro][@N] */
static int attach_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct disk_spec spec;
	const char *name;
	char err[128];
	int c, vm_fd, status = EXIT_ERR;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":vh", options, NULL)) != -1) {
		switch (c) {
		case 'v':
			opt_verbose = true;
			break;
		case 'h':
			disk_usage();
			return EXIT_OK;
		default:
			return usage_err(DISK_ATTACH_USAGE, "unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_err(DISK_ATTACH_USAGE, "missing VM");
	if (optind + 1 >= argc)
		return usage_err(DISK_ATTACH_USAGE, "missing FILE");
	if (optind + 2 < argc)
		return usage_err(DISK_ATTACH_USAGE, "unexpected argument '%s'", argv[optind + 2]);
	name = argv[optind];
	if (disk_spec_parse(argv[optind + 1], &spec, err, sizeof(err)))
		return usage_err(DISK_ATTACH_USAGE, "'%s': %s", argv[optind + 1], err);

	if (disk_specs_open(&spec, 1))
		goto out;
	vm_fd = vm_open_by_name(name);
	if (vm_fd < 0)
		goto out;
	if (!attach_one(vm_fd, name, &spec, NULL, opt_verbose))
		status = EXIT_OK;
	close(vm_fd);
out:
	disk_specs_free(&spec, 1);
	return status;
}

/* disk detach VM N */
static int detach_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name;
	uint32_t index;
	int c, vm_fd, status = EXIT_ERR;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			disk_usage();
			return EXIT_OK;
		default:
			return usage_err(DISK_DETACH_USAGE, "unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_err(DISK_DETACH_USAGE, "missing VM");
	if (optind + 1 >= argc)
		return usage_err(DISK_DETACH_USAGE, "missing disk number N");
	if (optind + 2 < argc)
		return usage_err(DISK_DETACH_USAGE, "unexpected argument '%s'", argv[optind + 2]);
	name = argv[optind];
	if (parse_u32(argv[optind + 1], &index) || index >= DENALI_DISK_MAX)
		return usage_err(DISK_DETACH_USAGE, "invalid disk number '%s' (0 to %d)",
				 argv[optind + 1], DENALI_DISK_MAX - 1);

	vm_fd = vm_open_by_name(name);
	if (vm_fd < 0)
		return EXIT_ERR;
	if (ioctl(vm_fd, DENALI_VM_IOC_DISK_DETACH, (unsigned long)index) < 0) {
		if (errno == ENOENT)
			err_msg(name, "no disk %u", index);
		else if (errno == ENODEV)
			err_msg(name, "the VM was destroyed");
		else if (errno == ENOTTY)
			err_msg(name, "the denali module does not support disks (%s)",
				strerror(errno));
		else
			err_msg(name, "disk %u: %s", index, strerror(errno));
	} else {
		status = EXIT_OK;
	}
	close(vm_fd);
	return status;
}

/* disk list VM [-j]: the disks as show has them, or a JSON array. */
static void list_disk(const struct vm_info *vm)
{
	unsigned int i;

	if (opt_json) {
		disks_json(vm);
		printf("\n");
	} else {
		for (i = 0; i < vm->ndisks; i++)
			disk_print(&vm->disks[i], VM_LABEL_WIDTH);
	}
}

static int list_main_disk(int argc, char **argv)
{
	return vm_show_with(argc, argv, DISK_LIST_USAGE, "VM", list_disk);
}

int disk_main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;

	if (!verb)
		return usage_err(DISK_USAGE, "missing attach, detach or list");
	if (!strcmp(verb, "-h") || !strcmp(verb, "--help") || !strcmp(verb, "help")) {
		disk_usage();
		return EXIT_OK;
	}
	if (!strcmp(verb, "attach"))
		return attach_main(argc - 1, argv + 1);
	if (!strcmp(verb, "detach"))
		return detach_main(argc - 1, argv + 1);
	if (!strcmp(verb, "list"))
		return list_main_disk(argc - 1, argv + 1);
	return usage_err(DISK_USAGE, "unknown disk command '%s' (attach, detach, list)", verb);
}
