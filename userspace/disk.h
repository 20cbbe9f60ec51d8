/* A VM's disks in denalictl: the DISK argument syntax, attaching and detaching files, text and JSON. */
#ifndef DENALICTL_DISK_H
#define DENALICTL_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <netlink/attr.h>
#include <linux/denali.h>

struct vm_info;

/* The argument syntax, for usage texts. */
#define DISK_SPEC_SYNTAX "FILE[:ro][@N]"

/* A disk to attach, as --disk or "disk attach" describe it. */
struct disk_spec {
	const char *arg; /* as given, for messages */
	char *path; /* FILE without its suffixes (allocated) */
	uint32_t index; /* the guest's disk number, or DENALI_DISK_ANY */
	bool ro;
	int fd; /* -1 until disk_spec_open() */
	uint64_t blocks; /* the file's size in DENALI_DISK_BLOCK blocks, once open */
	dev_t dev; /* the file's identity, once open */
	ino_t ino;
};

/* One disk as the kernel reported it (a DENALI_A_VM_DISK nest). */
struct disk_info {
	uint32_t index, inflight;
	uint64_t blocks, reads, writes, flushes, errors;
	char *path; /* allocated; NULL when the kernel sent none */
	bool ro;
	bool has_blocks, has_ro, has_reads, has_writes, has_flushes, has_errors, has_inflight;
};

int disk_spec_parse(const char *s, struct disk_spec *spec, char *err, size_t len);
int disk_specs_check(const struct disk_spec *specs, unsigned int n, char *err, size_t len);
int disk_specs_open(struct disk_spec *specs, unsigned int n);
void disk_specs_free(struct disk_spec *specs, unsigned int n);
int disks_attach(int vm_fd, const char *vm, const struct disk_spec *specs, unsigned int n,
		 bool verbose);
int disks_parse(struct nlattr *attrs, int len, struct vm_info *vm);
void disks_free(struct vm_info *vm);
void disk_print(const struct disk_info *disk, int width);
void disks_json(const struct vm_info *vm);

#endif /* DENALICTL_DISK_H */
