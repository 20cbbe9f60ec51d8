/* tarfs: a read-only file system on a disk holding a ustar or GNU tar archive, indexed in memory. */
#include <ilwaco.h>

/*
 * The archive is a sequence of 512-byte headers, each followed by its
 * entry's data padded to 512 bytes, and ends with a zero header (or the
 * end of the disk). The mount reads the headers only, through the block
 * cache, and skips the data; the index it builds holds each entry's
 * normalised path, size and place on the disk, plus the parent
 * directories an archive may leave implicit (tar cf x.tar a/b/c has no
 * entries for a or a/b), so that every entry has a parent.
 *
 * Formats: POSIX ustar (magic "ustar\0", version "00": the name is
 * prefix "/" name) and GNU tar's default (magic "ustar  \0": the
 * prefix field holds other things; names over 100 bytes come in a
 * preceding 'L' entry whose data is the name). pax headers ('x') give
 * the next entry's path= if they are small; global ones ('g') are
 * skipped. Regular files are typeflag '0', '\0' (old tar) or '7'
 * (contiguous), directories '5'; links, devices, FIFOs and the rest are
 * skipped. Sizes are octal, or base-256 (GNU, for 8 GiB and more).
 */

#define TAR_BLOCK 512
#define POOL_SIZE (64 << 10)
#define HASH_SIZE 2048
#define CACHE_BLOCKS 4
#define PAX_MAX 4096
#define NO_ENTRY (-1)

struct tar_header {
	char name[100];
	char mode[8];
	char uid[8];
	char gid[8];
	char size[12];
	char mtime[12];
	char chksum[8];
	char typeflag;
	char linkname[100];
	char magic[6];
	char version[2];
	char uname[32];
	char gname[32];
	char devmajor[8];
	char devminor[8];
	char prefix[155];
	char pad[12];
};

_Static_assert(sizeof(struct tar_header) == TAR_BLOCK, "a tar header is one 512-byte block");

/**
 * struct entry - one file or directory of the index
 * @name: offset of its path in @pool (NUL-terminated, no leading or trailing '/')
 * @base: offset of its last component in @pool
 * @parent: its directory's entry, NO_ENTRY for the root
 * @next: the next entry in its hash chain
 * @dir: a directory
 * @off: where its data starts on the disk, in bytes
 * @size: its size in bytes
 */
struct entry {
	uint32_t name, base;
	int16_t parent, next;
	int dir;
	uint64_t off, size;
};

static struct entry entries[DN_TARFS_MAX];
static int nentries;
static char pool[POOL_SIZE];
static uint32_t pool_used;
static int16_t hash[HASH_SIZE];
static int mounted_disk = -1;
static uint64_t disk_bytes;

/*
 * The block cache: a few disk blocks, least recently used replaced. A
 * read blocks the thread, so the mutex keeps a second thread from
 * picking the same victim meanwhile.
 */
static struct {
	uint64_t block;
	uint64_t used;
	int valid;
	uint8_t data[DN_DISK_BLOCK];
} cache[CACHE_BLOCKS] __attribute__((aligned(4096)));
static uint64_t cache_clock;
static struct dn_mutex cache_lock;

/* Block @block of the mounted disk, cached; NULL and *@err on a disk error. */
static const uint8_t *cache_get(uint64_t block, int *err)
{
	int i, victim = 0;

	for (i = 0; i < CACHE_BLOCKS; i++) {
		if (cache[i].valid && cache[i].block == block) {
			cache[i].used = ++cache_clock;
			return cache[i].data;
		}
		if (!cache[i].valid || cache[i].used < cache[victim].used)
			victim = i;
		if (!cache[victim].valid)
			break;
	}
	cache[victim].valid = 0;
	*err = dn_disk_read((unsigned int)mounted_disk, block, cache[victim].data);
	if (*err)
		return NULL;
	cache[victim].valid = 1;
	cache[victim].block = block;
	cache[victim].used = ++cache_clock;
	return cache[victim].data;
}

/* Copies @len bytes at disk byte @off into @buf: 0 or a disk error. */
static int disk_copy(uint64_t off, void *buf, size_t len)
{
	const uint8_t *blk;
	size_t n, in;
	int err = 0;

	dn_mutex_lock(&cache_lock);
	while (len) {
		in = (size_t)(off % DN_DISK_BLOCK);
		n = DN_DISK_BLOCK - in;
		if (n > len)
			n = len;
		blk = cache_get(off / DN_DISK_BLOCK, &err);
		if (!blk)
			break;
		memcpy(buf, blk + in, n);
		buf = (uint8_t *)buf + n;
		off += n;
		len -= n;
	}
	dn_mutex_unlock(&cache_lock);
	return err;
}

/* An octal field (spaces and NULs around it), or GNU base-256; -1 if malformed. */
static int64_t parse_number(const char *f, size_t len)
{
	uint64_t v = 0;
	size_t i = 0;

	if ((uint8_t)f[0] & 0x80) {
		/* Base-256: big-endian, the first byte's top bit the marker; negative is malformed. */
		if ((uint8_t)f[0] & 0x40)
			return -1;
		v = (uint8_t)f[0] & 0x3f;
		for (i = 1; i < len; i++) {
			if (v >> 55)
				return -1;
			v = v << 8 | (uint8_t)f[i];
		}
		return (int64_t)v;
	}
	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
		v = v << 3 | (uint64_t)(f[i] - '0');
	for (; i < len; i++) {
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	}
	return (int64_t)v;
}

/* The checksum counts the field itself as spaces; old tars summed signed bytes. */
static int checksum_ok(const struct tar_header *h)
{
	const uint8_t *p = (const uint8_t *)h;
	int64_t want = parse_number(h->chksum, sizeof(h->chksum));
	int64_t usum = 0, ssum = 0;
	size_t i;

	for (i = 0; i < TAR_BLOCK; i++) {
		uint8_t b = i >= 148 && i < 156 ? ' ' : p[i];

		usum += b;
		ssum += (int8_t)b;
	}
	return want >= 0 && (want == usum || want == ssum);
}

static int all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len--) {
		if (*b++)
			return 0;
	}
	return 1;
}

/*
 * Normalises @in (@len bytes) into @out: components split at '/',
 * empty ones and "." dropped, joined by single slashes. DN_EINVAL for
 * ".." (nothing in an archive lies above its root) or a path longer than
 * DN_TARFS_NAME_MAX; otherwise the length ("" is the root).
 */
static int normalise(const char *in, size_t len, char out[DN_TARFS_NAME_MAX + 1])
{
	size_t i = 0, o = 0, start, n;

	while (i < len && in[i]) {
		while (i < len && in[i] == '/')
			i++;
		start = i;
		while (i < len && in[i] && in[i] != '/')
			i++;
		n = i - start;
		if (!n || (n == 1 && in[start] == '.'))
			continue;
		if (n == 2 && in[start] == '.' && in[start + 1] == '.')
			return DN_EINVAL;
		if (o + !!o + n > DN_TARFS_NAME_MAX)
			return DN_EINVAL;
		if (o)
			out[o++] = '/';
		memcpy(out + o, in + start, n);
		o += n;
	}
	out[o] = '\0';
	return (int)o;
}

static uint32_t hash_name(const char *s, size_t len)
{
	uint32_t h = 2166136261U;

	while (len--)
		h = (h ^ (uint8_t)*s++) * 16777619U;
	return h % HASH_SIZE;
}

/* The entry named @name (normalised, @len bytes), NO_ENTRY if none. */
static int find(const char *name, size_t len)
{
	int i;

	for (i = hash[hash_name(name, len)]; i != NO_ENTRY; i = entries[i].next) {
		if (!strncmp(pool + entries[i].name, name, len) && !pool[entries[i].name + len])
			return i;
	}
	return NO_ENTRY;
}

static int add_entry(const char *name, size_t len, int dir, uint64_t off, uint64_t size);

/* The directory holding @name (@len bytes), added if the archive left it implicit. */
static int parent_of(const char *name, size_t len)
{
	size_t i = len;
	int d;

	while (i && name[i - 1] != '/')
		i--;
	if (!i)
		return NO_ENTRY;
	i--;
	d = find(name, i);
	if (d != NO_ENTRY) {
		/* A file "a" and then "a/b": "a" is a directory after all. */
		entries[d].dir = 1;
		return d;
	}
	return add_entry(name, i, 1, 0, 0);
}

/*
 * Adds (or, for a name already there, replaces: the later entry of an
 * archive wins, as when extracting) an entry; its number, or DN_ENOMEM
 * when the index is full.
 */
static int add_entry(const char *name, size_t len, int dir, uint64_t off, uint64_t size)
{
	struct entry *e;
	int i = find(name, len), parent;
	uint32_t h;

	if (i != NO_ENTRY) {
		/* An implied directory made explicit keeps itself; a file replaced takes the new data. */
		entries[i].dir = dir;
		entries[i].off = off;
		entries[i].size = size;
		return i;
	}
	parent = parent_of(name, len);
	if (parent < NO_ENTRY)
		return parent;
	if (nentries == DN_TARFS_MAX || pool_used + len + 1 > POOL_SIZE)
		return DN_ENOMEM;
	i = nentries++;
	e = &entries[i];
	e->name = pool_used;
	memcpy(pool + pool_used, name, len);
	pool[pool_used + len] = '\0';
	pool_used += (uint32_t)len + 1;
	e->base = e->name + (uint32_t)len;
	while (e->base > e->name && pool[e->base - 1] != '/')
		e->base--;
	e->parent = (int16_t)parent;
	e->dir = dir;
	e->off = off;
	e->size = size;
	h = hash_name(name, len);
	e->next = hash[h];
	hash[h] = (int16_t)i;
	return i;
}

static void reset(void)
{
	int i;

	nentries = 0;
	pool_used = 0;
	for (i = 0; i < HASH_SIZE; i++)
		hash[i] = NO_ENTRY;
	for (i = 0; i < CACHE_BLOCKS; i++)
		cache[i].valid = 0;
	mounted_disk = -1;
}

/* A pax header's path= record, if any, into @out; its length or -1. */
static int pax_path(const char *p, size_t len, char *out, size_t size)
{
	size_t i = 0, rec, j, n;

	while (i < len) {
		rec = 0;
		for (j = i; j < len && p[j] >= '0' && p[j] <= '9'; j++)
			rec = rec * 10 + (size_t)(p[j] - '0');
		if (j == i || j >= len || p[j] != ' ' || !rec || rec > len - i)
			return -1;
		j++;
		if (i + rec - j > 5 && !memcmp(p + j, "path=", 5)) {
			/* "LEN path=VALUE\n" */
			n = i + rec - 1 - (j + 5);
			if (n >= size)
				return -1;
			memmove(out, p + j + 5, n);
			out[n] = '\0';
			return (int)n;
		}
		i += rec;
	}
	return -1;
}

int dn_tarfs_mount(unsigned int disk)
{
	static char longname[PAX_MAX + 1];
	char raw[DN_TARFS_NAME_MAX + 1 + 160], name[DN_TARFS_NAME_MAX + 1];
	struct tar_header h;
	uint64_t pos = 0, data, padded;
	int64_t size;
	int have_long = 0, skip_next = 0, ret, n;
	size_t rawlen;

	reset();
	disk_bytes = dn_disk_blocks(disk) * DN_DISK_BLOCK;
	if (!disk_bytes)
		return DN_ENODEV;
	mounted_disk = (int)disk;
	for (;;) {
		if (pos + TAR_BLOCK > disk_bytes)
			break;
		ret = disk_copy(pos, &h, sizeof(h));
		if (ret)
			goto fail;
		if (all_zero(&h, sizeof(h)))
			break;
		size = parse_number(h.size, sizeof(h.size));
		ret = DN_EINVAL;
		if (!checksum_ok(&h) || size < 0)
			goto fail;
		data = pos + TAR_BLOCK;
		padded = ((uint64_t)size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
		if (padded > disk_bytes - data)
			goto fail;
		pos = data + padded;

		if (h.typeflag == 'L' || h.typeflag == 'x') {
			/* The next entry's name: GNU's long name, or pax's path=. */
			if ((uint64_t)size > PAX_MAX) {
				skip_next = h.typeflag == 'L';
				continue;
			}
			ret = disk_copy(data, longname, (size_t)size);
			if (ret)
				goto fail;
			longname[size] = '\0';
			if (h.typeflag == 'x') {
				n = pax_path(longname, (size_t)size, longname, sizeof(longname));
				if (n >= 0)
					have_long = 1;
			} else {
				have_long = 1;
			}
			continue;
		}
		if (h.typeflag == 'g' || h.typeflag == 'K')
			continue;
		if (have_long) {
			rawlen = strlen(longname);
			ret = normalise(longname, rawlen, name);
		} else {
			rawlen = 0;
			if (!memcmp(h.magic, "ustar", 6) && h.prefix[0]) {
				for (; rawlen < sizeof(h.prefix) && h.prefix[rawlen]; rawlen++)
					raw[rawlen] = h.prefix[rawlen];
				raw[rawlen++] = '/';
			}
			for (n = 0; n < (int)sizeof(h.name) && h.name[n]; n++)
				raw[rawlen++] = h.name[n];
			ret = normalise(raw, rawlen, name);
		}
		have_long = 0;
		if (skip_next || ret <= 0) {
			/* A name too long, with "..", or the root itself: nothing to index. */
			skip_next = 0;
			continue;
		}
		switch (h.typeflag) {
		case '0':
		case '\0':
		case '7':
			ret = add_entry(name, (size_t)ret, 0, data, (uint64_t)size);
			break;
		case '5':
			ret = add_entry(name, (size_t)ret, 1, 0, 0);
			break;
		default:
			ret = 0;
			break;
		}
		if (ret == DN_ENOMEM) {
			printf("tarfs: disk %u: index full at %d entries, the rest ignored\n", disk,
			       nentries);
			break;
		}
	}
	return nentries;
fail:
	reset();
	return ret;
}

/* The entry for @path (any form), NO_ENTRY for the root, DN_ENOENT if none. */
static int lookup(const char *path)
{
	char name[DN_TARFS_NAME_MAX + 1];
	int len, i;

	if (mounted_disk < 0)
		return DN_ENOENT;
	len = normalise(path, strlen(path), name);
	if (len < 0)
		return DN_ENOENT;
	if (!len)
		return NO_ENTRY;
	i = find(name, (size_t)len);
	return i == NO_ENTRY ? DN_ENOENT : i;
}

static void fill_stat(int i, struct dn_tarfs_stat *st)
{
	if (i == NO_ENTRY) {
		st->size = 0;
		st->disk_off = 0;
		st->dir = 1;
		return;
	}
	st->size = entries[i].size;
	st->disk_off = entries[i].off;
	st->dir = entries[i].dir;
}

/* The root is a directory too, whose handle is DN_TARFS_MAX (entry numbers are below). */
int dn_tarfs_open(const char *path)
{
	int i = lookup(path);

	if (i == NO_ENTRY)
		return DN_TARFS_MAX;
	return i;
}

int dn_tarfs_stat(const char *path, struct dn_tarfs_stat *st)
{
	int i = lookup(path);

	if (i < NO_ENTRY)
		return i;
	fill_stat(i, st);
	return 0;
}

int dn_tarfs_fstat(int fd, struct dn_tarfs_stat *st)
{
	if (fd == DN_TARFS_MAX && mounted_disk >= 0) {
		fill_stat(NO_ENTRY, st);
		return 0;
	}
	if (fd < 0 || fd >= nentries)
		return DN_EINVAL;
	fill_stat(fd, st);
	return 0;
}

long dn_tarfs_read(int fd, uint64_t off, void *buf, size_t len)
{
	struct entry *e;
	int ret;

	if (fd == DN_TARFS_MAX && mounted_disk >= 0)
		return DN_EISDIR;
	if (fd < 0 || fd >= nentries)
		return DN_EINVAL;
	e = &entries[fd];
	if (e->dir)
		return DN_EISDIR;
	if (off >= e->size)
		return 0;
	if (len > e->size - off)
		len = (size_t)(e->size - off);
	ret = disk_copy(e->off + off, buf, len);
	return ret ? ret : (long)len;
}

int dn_tarfs_readdir(const char *dir, unsigned int *cursor, struct dn_tarfs_dirent *ent)
{
	int d = lookup(dir);
	unsigned int i;

	if (d < NO_ENTRY || (d != NO_ENTRY && !entries[d].dir))
		return DN_ENOENT;
	for (i = *cursor; i < (unsigned int)nentries; i++) {
		if (entries[i].parent != d)
			continue;
		ent->name = pool + entries[i].base;
		fill_stat((int)i, &ent->st);
		*cursor = i + 1;
		return 1;
	}
	*cursor = i;
	return 0;
}
