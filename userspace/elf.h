/* The guest image loader of denalictl: ELF64 validation and its loadable segments. */
#ifndef DENALICTL_ELF_H
#define DENALICTL_ELF_H

#include <stddef.h>
#include <stdint.h>

/* One PT_LOAD segment: its file bytes go to guest-physical paddr. */
struct image_seg {
	unsigned int index; /* in the program header table */
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t offset;
	const void *data;
};

/* A validated image; data points into the mapped file. */
struct image {
	void *map;
	size_t size;
	uint64_t entry;
	unsigned int nsegs;
	struct image_seg *segs;
};

int image_open(const char *path, uint64_t mem_size, struct image *img, char *err, size_t errlen);
int image_write(const struct image *img, int vm_fd, char *err, size_t errlen);
void image_close(struct image *img);

#endif /* DENALICTL_ELF_H */
