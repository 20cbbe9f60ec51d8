/* The guest image loader of denalictl: ELF64 validation and its loadable segments. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Only the guest header here: it typedefs __u64 as uint64_t, which clashes
 * with <linux/types.h> (pulled in by denali.h, or by <sys/stat.h> with
 * _GNU_SOURCE), so this file includes neither.
 */
#include <linux/denali_guest.h>

#include "elf.h"
#include "util.h"

/* pwrite() in pieces no larger than this (Linux caps one call near 2 GiB). */
#define WRITE_CHUNK (1U << 30)

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Map the whole file read-only. */
static int map_file(const char *path, struct image *img, char *err, size_t errlen)
{
	struct stat st;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "%s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		saved = errno;
		close(fd);
		return fail(err, errlen, "%s", strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, "not a regular file");
	}
	if (!st.st_size) {
		close(fd);
		return fail(err, errlen, "not an ELF file (empty)");
	}
	img->size = st.st_size;
	img->map = mmap(NULL, img->size, PROT_READ, MAP_PRIVATE, fd, 0);
	saved = errno;
	close(fd);
	if (img->map == MAP_FAILED) {
		img->map = NULL;
		return fail(err, errlen, "%s", strerror(saved));
	}
	return 0;
}

static int check_ehdr(const Elf64_Ehdr *eh, size_t size, char *err, size_t errlen)
{
	uint64_t phsize;

	if (size < SELFMAG || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(err, errlen, "not an ELF file");
	if (size < sizeof(*eh))
		return fail(err, errlen, "truncated ELF header");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, "not a 64-bit ELF file");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, "not a little-endian ELF file");
	if (eh->e_machine != EM_X86_64)
		return fail(err, errlen, "not an x86-64 ELF file (machine %u)", eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return fail(err, errlen, "not an ELF executable (type %u, want ET_EXEC)",
			    eh->e_type);
	if (!eh->e_phnum)
		return fail(err, errlen, "no program headers");
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(err, errlen, "bad program header size %u", eh->e_phentsize);
	phsize = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > size || phsize > size - eh->e_phoff)
		return fail(err, errlen, "truncated: program headers beyond end of file");
	return 0;
}

/* Check one PT_LOAD segment against the file and the guest's memory. */
static int check_seg(const Elf64_Phdr *ph, unsigned int i, size_t size, uint64_t mem_size,
		     char *err, size_t errlen)
{
	char sz[32];

	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return fail(err, errlen,
			    "segment %u truncated: [0x%llx-0x%llx) beyond end of file (0x%zx)", i,
			    (unsigned long long)ph->p_offset,
			    (unsigned long long)(ph->p_offset + ph->p_filesz), size);
	if (ph->p_filesz > ph->p_memsz)
		return fail(err, errlen,
			    "segment %u: file size 0x%llx larger than memory size 0x%llx", i,
			    (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
	if (ph->p_paddr + ph->p_memsz < ph->p_paddr)
		return fail(err, errlen, "segment %u: address 0x%llx + size 0x%llx overflows", i,
			    (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz);
	if (ph->p_paddr < DENALI_GUEST_LOAD_MIN)
		return fail(err, errlen,
			    "segment %u [0x%llx-0x%llx) below the guest load address 0x%llx", i,
			    (unsigned long long)ph->p_paddr,
			    (unsigned long long)(ph->p_paddr + ph->p_memsz),
			    (unsigned long long)DENALI_GUEST_LOAD_MIN);
	if (ph->p_paddr + ph->p_memsz > mem_size)
		return fail(err, errlen, "segment %u [0x%llx-0x%llx) outside guest memory (%s)", i,
			    (unsigned long long)ph->p_paddr,
			    (unsigned long long)(ph->p_paddr + ph->p_memsz),
			    format_size(mem_size, sz, sizeof(sz)));
	return 0;
}

/* Segments may not overlap in guest memory: bss of one would wipe another's bytes. */
static int check_overlap(const struct image *img, char *err, size_t errlen)
{
	unsigned int i, j;

	for (i = 0; i < img->nsegs; i++) {
		const struct image_seg *a = &img->segs[i];

		for (j = i + 1; j < img->nsegs; j++) {
			const struct image_seg *b = &img->segs[j];

			if (a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
				return fail(err, errlen, "segments %u and %u overlap", a->index,
					    b->index);
		}
	}
	return 0;
}

static bool entry_inside(const struct image *img)
{
	unsigned int i;

	for (i = 0; i < img->nsegs; i++) {
		const struct image_seg *s = &img->segs[i];

		if (img->entry >= s->paddr && img->entry - s->paddr < s->memsz)
			return true;
	}
	return false;
}

/*
 * Open and validate the ELF image at path for a guest with mem_size bytes
 * of memory. Returns 0, or -1 with the reason in err (the caller names the
 * file). Nothing is touched in the kernel.
 */
int image_open(const char *path, uint64_t mem_size, struct image *img, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh;
	const char *phdrs;
	unsigned int i;

	memset(img, 0, sizeof(*img));
	if (map_file(path, img, err, errlen))
		return -1;
	eh = img->map;
	if (check_ehdr(eh, img->size, err, errlen))
		goto fail;
	phdrs = (const char *)img->map + eh->e_phoff;

	img->segs = calloc(eh->e_phnum, sizeof(*img->segs));
	if (!img->segs) {
		fail(err, errlen, "%s", strerror(ENOMEM));
		goto fail;
	}
	for (i = 0; i < eh->e_phnum; i++) {
		struct image_seg *s;
		Elf64_Phdr ph;

		/* Copied out: nothing promises the table is aligned in the file. */
		memcpy(&ph, phdrs + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (check_seg(&ph, i, img->size, mem_size, err, errlen))
			goto fail;
		s = &img->segs[img->nsegs++];
		s->index = i;
		s->paddr = ph.p_paddr;
		s->filesz = ph.p_filesz;
		s->memsz = ph.p_memsz;
		s->offset = ph.p_offset;
		s->data = (const char *)img->map + ph.p_offset;
	}
	if (!img->nsegs) {
		fail(err, errlen, "no PT_LOAD segment");
		goto fail;
	}
	if (check_overlap(img, err, errlen))
		goto fail;
	img->entry = eh->e_entry;
	if (!entry_inside(img)) {
		fail(err, errlen, "entry point 0x%llx outside every PT_LOAD segment",
		     (unsigned long long)img->entry);
		goto fail;
	}
	return 0;
fail:
	image_close(img);
	return -1;
}

/*
 * Write every segment's file bytes into guest memory through the VM file
 * descriptor (pwrite at the guest-physical address). The rest of each
 * segment (bss) is left alone: fresh guest memory reads as zero.
 */
int image_write(const struct image *img, int vm_fd, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < img->nsegs; i++) {
		const struct image_seg *s = &img->segs[i];
		uint64_t done = 0;

		while (done < s->filesz) {
			size_t chunk = s->filesz - done;
			ssize_t n;

			if (chunk > WRITE_CHUNK)
				chunk = WRITE_CHUNK;
			n = pwrite(vm_fd, (const char *)s->data + done, chunk,
				   (off_t)(s->paddr + done));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return fail(err, errlen, "writing segment %u at 0x%llx: %s",
					    s->index, (unsigned long long)(s->paddr + done),
					    strerror(errno));
			if (n == 0)
				return fail(err, errlen,
					    "writing segment %u at 0x%llx: short write", s->index,
					    (unsigned long long)(s->paddr + done));
			done += n;
		}
	}
	return 0;
}

void image_close(struct image *img)
{
	if (img->map)
		munmap(img->map, img->size);
	free(img->segs);
	memset(img, 0, sizeof(*img));
}
