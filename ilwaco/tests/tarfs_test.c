/* Host-side test of lib/tarfs.c on archives made by the host's GNU tar: make -C ilwaco host-test. */
/*
 * Builds a small tree in a temporary directory, archives it with GNU
 * tar's default format, --format=ustar and --format=posix (pax), with
 * and without "./" names and with implied directories, and checks
 * tarfs's index, lookups, listings and reads against the files. The
 * disk is the archive file, padded to whole 4 KiB blocks, read with
 * pread(); broken archives must fail to mount.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ilwaco.h>

static int disk_fd = -1;
static uint64_t disk_size;
static int cases, fails;
static char tmp[] = "/tmp/tarfs_test.XXXXXX";

#define CHECK(cond, ...)                                   \
	do {                                               \
		cases++;                                   \
		if (!(cond)) {                             \
			fails++;                           \
			printf("FAIL %s:%d: ", __func__, __LINE__); \
			printf(__VA_ARGS__);               \
			putchar('\n');                     \
		}                                          \
	} while (0)

/* The disk layer tarfs uses, on a file: the module's blocks are whole 4 KiB ones. */
uint64_t dn_disk_blocks(unsigned int disk)
{
	return disk == 0 && disk_fd >= 0 ? disk_size / DN_DISK_BLOCK : 0;
}

int dn_disk_read(unsigned int disk, uint64_t block, void *buf)
{
	if (block >= dn_disk_blocks(disk))
		return DN_EINVAL;
	if (pread(disk_fd, buf, DN_DISK_BLOCK, (off_t)(block * DN_DISK_BLOCK)) != DN_DISK_BLOCK)
		return DN_EIO;
	return 0;
}

void dn_mutex_lock(struct dn_mutex *m)
{
	(void)m;
}

void dn_mutex_unlock(struct dn_mutex *m)
{
	(void)m;
}

static void run(const char *cmd)
{
	if (system(cmd) != 0) {
		printf("tarfs_test: command failed: %s\n", cmd);
		exit(1);
	}
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 9) * 13 + 1);
}

static void write_file(const char *rel, size_t len)
{
	char path[512];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/www/%s", tmp, rel);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	for (i = 0; i < len; i++)
		fputc(pattern(i + strlen(rel)), f);
	fclose(f);
}

/* The files of the tree: path and size; content pattern(i + strlen(path)). */
/* Over 100 bytes: ustar splits it into prefix and name, GNU tar writes an 'L' entry. */
#define LONGDIR "long/a-directory-with-a-name-long-enough-to-need-the-prefix-field"
#define LONGNAME LONGDIR "/and-a-file-name-that-is-long-as-well-but-under-a-hundred.txt"
static const struct {
	const char *path;
	size_t size;
} files[] = {
	{ "index.html", 300 },   { "a.txt", 29 },	  { "empty.txt", 0 },
	{ "exact512.bin", 512 }, { "sub/index.html", 77 }, { "sub/deep/big.bin", 3 * 4096 + 700 },
	{ LONGNAME, 5000 },
};

static void make_tree(void)
{
	char cmd[1024];
	size_t i;

	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/www/sub/deep %s/www/" LONGDIR " %s/www/emptydir && "
		 "ln -s a.txt %s/www/link && mkfifo %s/www/fifo", tmp, tmp, tmp, tmp, tmp);
	run(cmd);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		write_file(files[i].path, files[i].size);
}

/* Makes the archive @name with "tar @args" (run in @tmp), padded to whole blocks unless @nopad. */
static void make_archive(const char *name, const char *args, int nopad)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cd %s && tar -f %s %s", tmp, name, args);
	run(cmd);
	if (!nopad) {
		snprintf(cmd, sizeof(cmd), "truncate -s %%4096 %s/%s", tmp, name);
		run(cmd);
	}
}

static int attach(const char *name)
{
	char path[512];
	struct stat st;

	if (disk_fd >= 0)
		close(disk_fd);
	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	disk_fd = open(path, O_RDONLY);
	if (disk_fd < 0 || fstat(disk_fd, &st)) {
		perror(path);
		exit(1);
	}
	disk_size = (uint64_t)st.st_size;
	return dn_tarfs_mount(0);
}

/* File @path of the tree (looked up as @as, or as itself if NULL) holds what make_tree() wrote. */
static void check_file(const char *what, const char *path, const char *as, size_t size)
{
	static unsigned char buf[4 * 4096 + 1000];
	struct dn_tarfs_stat st;
	size_t i, key = strlen(path);
	long n;
	int fd, bad = 0;

	if (as)
		path = as;
	fd = dn_tarfs_open(path);
	CHECK(fd >= 0, "%s: open %s: %d", what, path, fd);
	if (fd < 0)
		return;
	CHECK(!dn_tarfs_stat(path, &st) && !st.dir && st.size == size,
	      "%s: stat %s: dir %d size %lu, want %zu", what, path, st.dir,
	      (unsigned long)st.size, size);
	n = dn_tarfs_read(fd, 0, buf, sizeof(buf));
	CHECK(n == (long)size, "%s: read %s: %ld, want %zu", what, path, n, size);
	for (i = 0; n > 0 && i < (size_t)n; i++)
		bad += buf[i] != pattern(i + key);
	CHECK(!bad, "%s: %s: %d bytes differ", what, path, bad);
	if (size > 4100) {
		/* Across a disk block boundary, from the middle. */
		n = dn_tarfs_read(fd, 4090, buf, 20);
		for (i = 0, bad = 0; i < 20; i++)
			bad += buf[i] != pattern(4090 + i + key);
		CHECK(n == 20 && !bad, "%s: %s: read 20 at 4090: %ld, %d differ", what, path, n,
		      bad);
	}
	n = dn_tarfs_read(fd, size, buf, 10);
	CHECK(n == 0, "%s: %s: read at the end: %ld", what, path, n);
	n = dn_tarfs_read(fd, size ? size - 1 : 0, buf, 10);
	CHECK(n == (size ? 1 : 0), "%s: %s: read 10 at size - 1: %ld", what, path, n);
}

/* The names of directory @dir, sorted, joined by ','. */
static void list(const char *dir, char *out, size_t size)
{
	const char *names[64];
	struct dn_tarfs_dirent ent;
	unsigned int cur = 0;
	int n = 0, i, j, r;

	while ((r = dn_tarfs_readdir(dir, &cur, &ent)) == 1 && n < 64)
		names[n++] = ent.name;
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(out, names[i], size - strlen(out) - 2);
		if (i < n - 1)
			strcat(out, ",");
	}
	if (r < 0)
		snprintf(out, size, "error %d", r);
}

/* The whole tree, however it was archived. */
static void check_full(const char *what)
{
	struct dn_tarfs_stat st;
	char buf[1024];
	size_t i;
	int fd;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		check_file(what, files[i].path, NULL, files[i].size);
	check_file(what, "index.html", "/index.html", 300);
	check_file(what, "sub/deep/big.bin", "./sub//deep/./big.bin", 3 * 4096 + 700);
	list("/", buf, sizeof(buf));
	CHECK(!strcmp(buf, "a.txt,empty.txt,emptydir,exact512.bin,index.html,long,sub"),
	      "%s: root lists %s", what, buf);
	list("sub", buf, sizeof(buf));
	CHECK(!strcmp(buf, "deep,index.html"), "%s: sub lists %s", what, buf);
	list("/emptydir/", buf, sizeof(buf));
	CHECK(!strcmp(buf, ""), "%s: emptydir lists %s", what, buf);
	list("a.txt", buf, sizeof(buf));
	CHECK(!strcmp(buf, "error -2"), "%s: a file lists %s", what, buf);
	CHECK(!dn_tarfs_stat("/", &st) && st.dir, "%s: the root is a directory", what);
	CHECK(!dn_tarfs_stat("sub/deep/", &st) && st.dir, "%s: sub/deep/ is a directory", what);
	CHECK(dn_tarfs_stat("link", &st) == DN_ENOENT, "%s: symlinks are skipped", what);
	CHECK(dn_tarfs_stat("fifo", &st) == DN_ENOENT, "%s: FIFOs are skipped", what);
	CHECK(dn_tarfs_stat("/../a.txt", &st) == DN_ENOENT, "%s: .. finds nothing", what);
	CHECK(dn_tarfs_stat("nope.html", &st) == DN_ENOENT, "%s: a missing file", what);
	CHECK(dn_tarfs_stat("sub/index.htm", &st) == DN_ENOENT, "%s: a prefix of a name", what);
	fd = dn_tarfs_open("sub");
	CHECK(fd >= 0 && dn_tarfs_read(fd, 0, buf, 10) == DN_EISDIR,
	      "%s: reading a directory is DN_EISDIR", what);
	CHECK(dn_tarfs_read(-1, 0, buf, 10) == DN_EINVAL && dn_tarfs_read(5000, 0, buf, 10) ==
	      DN_EINVAL, "%s: bad handles are DN_EINVAL", what);
}

int main(void)
{
	char cmd[1024];
	int n;

	make_tree();
	make_archive("gnu.tar", "-c -C www .", 0);
	make_archive("ustar.tar", "--format=ustar -c -C www .", 0);
	make_archive("pax.tar", "--format=posix -c -C www .", 0);
	make_archive("v7names.tar", "-c -C www index.html a.txt empty.txt exact512.bin sub long "
		     "emptydir link fifo", 0);
	make_archive("implied.tar", "-c -C www sub/deep/big.bin", 0);
	make_archive("gnu-8.tar", "-b 8 -c -C www .", 1);
	make_archive("unpadded.tar", "-b 1 -c -C www sub/deep/big.bin", 1);

	/* 7 files, 5 directories (sub, sub/deep, long, LONGDIR, emptydir; "." is the root, not indexed). */
	n = attach("gnu.tar");
	CHECK(n == 12, "gnu: mount: %d entries, want 12", n);
	check_full("gnu");
	n = attach("ustar.tar");
	CHECK(n == 12, "ustar: mount: %d entries, want 12", n);
	check_full("ustar");
	n = attach("pax.tar");
	CHECK(n == 12, "pax: mount: %d entries, want 12", n);
	check_full("pax");
	n = attach("v7names.tar");
	CHECK(n == 12, "names without ./: mount: %d entries, want 12", n);
	check_full("names without ./");
	n = attach("gnu-8.tar");
	CHECK(n == 12, "tar -b 8 (no padding needed): mount: %d entries, want 12", n);
	check_full("tar -b 8");

	n = attach("implied.tar");
	CHECK(n == 3, "implied: mount: %d entries, want 3 (sub, sub/deep, big.bin)", n);
	check_file("implied", "sub/deep/big.bin", NULL, 3 * 4096 + 700);
	{
		char buf[256];

		list("", buf, sizeof(buf));
		CHECK(!strcmp(buf, "sub"), "implied: root lists %s", buf);
		list("sub/deep", buf, sizeof(buf));
		CHECK(!strcmp(buf, "big.bin"), "implied: sub/deep lists %s", buf);
	}

	/*
	 * Not padded, with 512-byte records: 15872 bytes, a disk of 3 whole
	 * blocks; the file's data runs past its end, so the mount fails.
	 */
	n = attach("unpadded.tar");
	CHECK(n == DN_EINVAL, "unpadded: mount: %d, want %d", n, DN_EINVAL);
	CHECK(dn_tarfs_stat("sub", &(struct dn_tarfs_stat){ 0 }) == DN_ENOENT,
	      "unpadded: nothing stays mounted");

	/* A flipped byte in the second header breaks its checksum. */
	snprintf(cmd, sizeof(cmd), "cd %s && cp gnu.tar bad.tar && printf 'Z' | "
		 "dd of=bad.tar bs=1 seek=520 conv=notrunc status=none", tmp);
	run(cmd);
	n = attach("bad.tar");
	CHECK(n == DN_EINVAL, "bad checksum: mount: %d, want %d", n, DN_EINVAL);

	/* Not an archive at all; an all-zero disk is an empty one. */
	snprintf(cmd, sizeof(cmd), "cd %s && head -c 8192 /dev/urandom > random.img && "
		 "head -c 8192 /dev/zero > zero.img", tmp);
	run(cmd);
	n = attach("random.img");
	CHECK(n == DN_EINVAL, "random bytes: mount: %d, want %d", n, DN_EINVAL);
	n = attach("zero.img");
	CHECK(n == 0, "zeros: mount: %d, want 0", n);
	CHECK(dn_tarfs_stat("", &(struct dn_tarfs_stat){ 0 }) == 0, "zeros: the root exists");
	disk_fd = -1;
	n = dn_tarfs_mount(0);
	CHECK(n == DN_ENODEV, "no disk: mount: %d, want %d", n, DN_ENODEV);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	run(cmd);
	printf("tarfs_test: %d cases, %d failed\n", cases, fails);
	return fails != 0;
}
