// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sys/vm/drop_caches, as Documentation/admin-guide/sysctl/vm.rst
 * describes it: writing 1 frees the clean page cache, 2 the reclaimable
 * slab objects (dentries and inodes), 3 both; the handler takes 1..4
 * (proc_dointvec_minmax, SYSCTL_ONE..SYSCTL_FOUR), so 0, 5, -1 and text
 * are EINVAL; the file is mode 0200, so a non-root writer gets EACCES;
 * and a drop is not destructive: dirty pages stay (checked on a file
 * system whose clean pages the drop does remove, not on tmpfs).
 *
 * The page cache is filled by reading files of a directory tree of the
 * root filesystem (read-only hostfs under UML), after a first drop so
 * that what the test adds is measurable. Effects are observed in
 * /proc/meminfo (Cached), /proc/sys/fs/dentry-state and the /proc/vmstat counters
 * drop_pagecache and drop_slab, which count every accepted drop.
 *
 * The ext4 fixture does the same where page cache normally lives: a
 * small ext4 image made at run time on a loop device, whose files'
 * pages are seen with mincore() and, after a drop, through major faults
 * (getrusage, /proc/vmstat pgmajfault); dentries and inodes through
 * /proc/sys/fs/dentry-state and inode-nr.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <linux/loop.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "allocsuite_kernel.h"
#include "kselftest_harness.h"

#define DROP_CACHES	"/proc/sys/vm/drop_caches"
/*
 * Read at most this much to fill the page cache: twice FILL_MIN, so a
 * drop that frees it must take Cached back by 16 MiB where half of it
 * (8 MiB) is the bar; the drops measured take Cached back to where it
 * was before the fill (53 -> 4 MiB after 48 MiB read on x86_64).
 */
#define FILL_BUDGET	(16UL << 20)
/* The page cache growth a drop test needs to be meaningful. */
#define FILL_MIN	(8UL << 20)
/* Size of each file of dirty_pages_kept. */
#define DIRTY_LEN	(4UL << 20)
/* Trees tried in turn for files to read. */
static const char *const fill_trees[] = { "/usr/lib", "/usr/share", "/usr" };

/* A "Key: value kB" field of /proc/meminfo, in bytes; -1 if absent. */
static long long meminfo_bytes(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			kb = atoll(line + n + 1);
			break;
		}
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/* A "key value" counter of /proc/vmstat; -1 if absent. */
static long long vmstat_count(const char *key)
{
	char name[128];
	long long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", name, &v) == 2)
		if (!strcmp(name, key)) {
			found = v;
			break;
		}
	fclose(f);
	return found;
}

/*
 * A vmstat counter folded from every CPU first. With SMP each CPU keeps
 * a difference of up to its stat_threshold (mm/vmstat.c
 * calculate_normal_threshold(): 20 pages with 2 CPUs and 1 GiB) that
 * /proc/vmstat does not show: 1024 pages just dirtied read as 1016.
 * Writing /proc/sys/vm/stat_refresh (SMP only, root) folds them
 * (vmstat_refresh()); without SMP the counters are exact.
 */
static long long vmstat_exact(const char *key)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	bool folded = true;

	if (fd >= 0) {
		folded = write(fd, "1", 1) == 1;
		close(fd);
	}
	return folded ? vmstat_count(key) : -1;
}

/* The first two numbers of a /proc file: 0, or -1 when it cannot be read. */
static int read_two(const char *path, long long *a, long long *b)
{
	FILE *f = fopen(path, "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%lld %lld", a, b);
	fclose(f);
	return n == 2 ? 0 : -1;
}

/*
 * /proc/sys/fs/dentry-state: dentries allocated and unused. SReclaimable
 * is not a robust measure of a slab drop: with KASAN the freed dentries
 * sit in the quarantine and their slab pages stay.
 */
static int dentry_state(long long *nr, long long *unused)
{
	return read_two("/proc/sys/fs/dentry-state", nr, unused);
}

/* Write @value to drop_caches; 0 or errno. */
static int drop(const char *value)
{
	int fd = open(DROP_CACHES, O_WRONLY), err = 0;
	ssize_t len = strlen(value);

	if (fd < 0)
		return errno;
	if (write(fd, value, len) != len)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/*
 * hostfs deletes its dentries and inodes on the last close
 * (always_delete_dentry, generic_delete_inode), which frees their page
 * cache: the files read stay open until the test ends.
 */
#define FILL_FILES	256
/* Files smaller than this are not worth an fd. */
#define FILL_FILE_MIN	(64L << 10)
static int fill_fds[FILL_FILES];
static int fill_nfds;
/*
 * Entries of /sys stat()ed: unused dentries enough that the slab drops'
 * "at least half of the unused dentries go" stands far above the rest
 * (about 1,100 dentries in use on x86_64), without walking all of /sys
 * (15,000 entries on x86_64; each drop then frees them all again).
 */
#define SYS_ENTRIES	4000
static int sys_seen;
/* What the nftw() callback fills: bytes read so far, and the read buffer. */
static size_t fill_read;
static char fill_buf[1 << 16];

/* nftw() callback: read a regular file and keep it open, until the budget is spent. */
static int fill_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	ssize_t r;
	int fd;

	if (type != FTW_F || !S_ISREG(st->st_mode) || st->st_size < FILL_FILE_MIN)
		return 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	while (fill_read < FILL_BUDGET && (r = read(fd, fill_buf, sizeof(fill_buf))) > 0)
		fill_read += r;
	fill_fds[fill_nfds++] = fd;
	return fill_read >= FILL_BUDGET || fill_nfds == FILL_FILES;
}

/* nftw() callback that only stat()s: fills the dentry and inode caches. */
static int stat_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return ++sys_seen >= SYS_ENTRIES;
}

/*
 * Read files until the budget is spent; the bytes read. Then stat
 * SYS_ENTRIES entries of /sys, whose kernfs dentries and inodes stay cached unused,
 * as reclaimable slab.
 */
static size_t fill_caches(void)
{
	size_t i;

	fill_read = 0;
	for (i = 0; i < ARRAY_SIZE(fill_trees); i++)
		if (fill_read < FILL_BUDGET && fill_nfds < FILL_FILES)
			nftw(fill_trees[i], fill_one, 16, FTW_PHYS | FTW_MOUNT);
	sys_seen = 0;
	nftw("/sys", stat_one, 16, FTW_PHYS | FTW_MOUNT);
	return fill_read;
}

/* CLOCK_MONOTONIC in milliseconds. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

FIXTURE(drop) {
	long long cached;	/* Cached after the fill */
	long long added;	/* what the fill added to Cached */
};

FIXTURE_SETUP(drop)
{
	long long before, t0, t1;

	if (geteuid() != 0)
		SKIP(return, "needs root to write " DROP_CACHES);
	if (access(DROP_CACHES, F_OK))
		SKIP(return, DROP_CACHES " missing: needs CONFIG_PROC_SYSCTL");
	t0 = now_ms();
	sync();
	ASSERT_EQ(0, drop("3")) TH_LOG("the first drop failed");
	t1 = now_ms();
	before = meminfo_bytes("Cached");
	ASSERT_LE(0, before);
	fill_caches();
	self->cached = meminfo_bytes("Cached");
	self->added = self->cached - before;
	TH_LOG("read %zu MiB, Cached %lld -> %lld MiB, %d entries of /sys (%lld ms %s, %lld ms %s)",
	       fill_read >> 20, before >> 20, self->cached >> 20, sys_seen, t1 - t0,
	       "sync and first drop", now_ms() - t1, "fill");
	/* Too few files to read is this machine's limit; reads that bypass the cache are not. */
	if (fill_read < FILL_MIN)
		SKIP(return, "%s hold only %zu KiB in files of %ld KiB or more, %lu KiB needed",
		     "/usr/lib, /usr/share and /usr", fill_read >> 10, FILL_FILE_MIN >> 10,
		     FILL_MIN >> 10);
	ASSERT_LE((long long)FILL_MIN, self->added)
		TH_LOG("reading %zu KiB added only %lld KiB to the page cache (Cached), %s %lu KiB",
		       fill_read >> 10, self->added >> 10, "needed", FILL_MIN >> 10);
	sync();
}

FIXTURE_TEARDOWN(drop)
{
	while (fill_nfds > 0)
		close(fill_fds[--fill_nfds]);
}

/* Run drop @value; check the vmstat counters moved by @dpc and @dslab. */
static void drop_counted(struct __test_metadata *_metadata, const char *value, int dpc,
			 int dslab)
{
	long long pc = vmstat_count("drop_pagecache"), sl = vmstat_count("drop_slab");

	ASSERT_EQ(0, drop(value)) TH_LOG("writing %s to drop_caches", value);
	EXPECT_EQ(pc + dpc, vmstat_count("drop_pagecache"))
		TH_LOG("drop %s: drop_pagecache", value);
	EXPECT_EQ(sl + dslab, vmstat_count("drop_slab")) TH_LOG("drop %s: drop_slab", value);
}

/* 1 frees clean page cache: Cached falls by at least half of what the fill added. */
TEST_F(drop, pagecache)
{
	long long after;

	drop_counted(_metadata, "1", 1, 0);
	after = meminfo_bytes("Cached");
	TH_LOG("Cached %lld -> %lld MiB", self->cached >> 20, after >> 20);
	EXPECT_GE(self->cached - self->added / 2, after)
		TH_LOG("drop_caches=1 must free the clean page cache");
}

/*
 * 2 frees reclaimable slab objects: at least half of the unused dentries
 * go (most of them are the ones of /sys that the fill left).
 */
TEST_F(drop, slab)
{
	long long nr, unused, after, after_unused;

	ASSERT_EQ(0, dentry_state(&nr, &unused));
	drop_counted(_metadata, "2", 0, 1);
	ASSERT_EQ(0, dentry_state(&after, &after_unused));
	TH_LOG("dentries %lld (%lld unused) -> %lld (%lld unused)", nr, unused, after,
	       after_unused);
	EXPECT_GE(nr - unused / 2, after) TH_LOG("drop_caches=2 must free unused dentries");
}

/* 3 does both. */
TEST_F(drop, both)
{
	long long nr, unused, after, after_unused;

	ASSERT_EQ(0, dentry_state(&nr, &unused));
	drop_counted(_metadata, "3", 1, 1);
	EXPECT_GE(self->cached - self->added / 2, meminfo_bytes("Cached"))
		TH_LOG("drop_caches=3 must free the clean page cache");
	ASSERT_EQ(0, dentry_state(&after, &after_unused));
	EXPECT_GE(nr - unused / 2, after) TH_LOG("drop_caches=3 must free unused dentries");
}

/* Values outside 1..4 and non-numbers: EINVAL, and nothing dropped. */
TEST(invalid_values)
{
	static const char bad[][4] = { "0", "5", "-1", "abc" };
	long long pc = vmstat_count("drop_pagecache"), sl = vmstat_count("drop_slab");
	size_t i;

	if (geteuid() != 0)
		SKIP(return, "needs root to write " DROP_CACHES);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(EINVAL, drop(bad[i])) TH_LOG("writing \"%s\"", bad[i]);
	EXPECT_EQ(pc, vmstat_count("drop_pagecache"))
		TH_LOG("a refused value dropped the page cache");
	EXPECT_EQ(sl, vmstat_count("drop_slab")) TH_LOG("a refused value dropped slab");
}

/* Mode 0200: a non-root user cannot write it, and nobody can read it. */
TEST(permissions)
{
	pid_t pid;
	int status, fd;

	if (geteuid() != 0)
		SKIP(return, "needs root to change to another user");
	fd = open(DROP_CACHES, O_RDONLY);
	EXPECT_EQ(-1, fd) TH_LOG("root must not be able to read a 0200 sysctl");
	EXPECT_EQ(EACCES, errno);
	if (fd >= 0)
		close(fd);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* nobody/nogroup: no capabilities, no ownership of the file. */
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(100);
		fd = open(DROP_CACHES, O_WRONLY);
		_exit(fd < 0 ? errno : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_NE(100, WEXITSTATUS(status)) TH_LOG("cannot become uid 65534");
	EXPECT_EQ(EACCES, WEXITSTATUS(status)) TH_LOG("a non-root writer must get EACCES");
}

/*
 * File systems whose clean page cache drop_caches really drops, by the
 * type /proc/self/mounts gives: tmpfs and ramfs pages live only in the
 * page cache and are never dropped, so a dirty page kept there proves
 * nothing. Not statfs(): 9p passes the host's f_type through
 * (fs/9p/vfs_super.c v9fs_statfs(), "buf->f_type = rs.type"), so QEMU's
 * run folder, 9p with the default cache=none (no page cache, and
 * generic_file_readonly_mmap() for shared mappings: fs/9p/vfs_file.c
 * v9fs_file_mmap()), looks like the host's ext4.
 */
static const char *const droppable_fs[] = {
	"hostfs", "ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "vfat", "exfat",
};

/*
 * The type of the file system that holds @path (the longest mount point
 * of /proc/self/mounts that is a prefix of it), into @type; 0 or -1.
 */
static int mount_type(const char *path, char *type, size_t n)
{
	char line[PATH_MAX + 256], mnt[PATH_MAX], t[64], real[PATH_MAX];
	size_t best = 0, len;
	FILE *f;

	if (!realpath(path, real))
		return -1;
	f = fopen("/proc/self/mounts", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %4095s %63s", mnt, t) != 2)
			continue;
		len = strlen(mnt);
		if (!strcmp(mnt, "/"))
			len = 0;
		else if (strncmp(real, mnt, len) || (real[len] && real[len] != '/'))
			continue;
		/* The last of equal mount points is the one on top. */
		if (len >= best || !*type) {
			best = len;
			snprintf(type, n, "%s", t);
		}
	}
	fclose(f);
	return *type ? 0 : -1;
}

/* The type of @dir's file system if drop_caches drops its pages and it is writable, or NULL. */
static const char *droppable(const char *dir)
{
	static char type[64];
	size_t i;

	type[0] = '\0';
	if (!dir || !*dir || access(dir, W_OK) || mount_type(dir, type, sizeof(type)))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(droppable_fs); i++)
		if (!strcmp(type, droppable_fs[i]))
			return droppable_fs[i];
	return NULL;
}

/*
 * A writable folder on such a file system: $DROP_CACHES_TEST_DIR,
 * $TMPDIR, /var/tmp, /tmp, else the first read-write mount point that
 * qualifies (under UML: the runner's results folder, hostfs; / is
 * read-only and $TMPDIR a tmpfs). Fills @dir and @fs; 0, or -1 if none.
 */
static int droppable_dir(char *dir, size_t n, const char **fs)
{
	char line[PATH_MAX + 256], mnt[PATH_MAX], type[64], opts[256];
	const char *fixed[4];
	size_t i;
	FILE *f;

	fixed[0] = getenv("DROP_CACHES_TEST_DIR");
	fixed[1] = getenv("TMPDIR");
	fixed[2] = "/var/tmp";
	fixed[3] = "/tmp";
	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		*fs = droppable(fixed[i]);
		if (*fs) {
			snprintf(dir, n, "%s", fixed[i]);
			return 0;
		}
	}
	f = fopen("/proc/self/mounts", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %4095s %63s %255s", mnt, type, opts) != 3 ||
		    strncmp(opts, "rw", 2) || (opts[2] && opts[2] != ','))
			continue;
		*fs = droppable(mnt);
		if (*fs) {
			snprintf(dir, n, "%s", mnt);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

/*
 * A file of @len bytes in @dir, already unlinked; the fd or -1. With
 * @src < 0 it holds @buf, written with write() and fsync()ed: clean
 * pages. Else it is filled from @src through a shared mapping (read()
 * into the mapping), which leaves every page dirty on any file system
 * (hostfs writes write() data through to the host at once: no dirty
 * page at all).
 */
static int scratch_file(const char *dir, const unsigned char *buf, size_t len, int src)
{
	char path[PATH_MAX];
	void *map;
	int fd;

	snprintf(path, sizeof(path), "%s/drop_caches_testXXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unlink(path);
	if (src < 0) {
		if (write(fd, buf, len) == (ssize_t)len && !fsync(fd))
			return fd;
	} else if (!ftruncate(fd, len)) {
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map != MAP_FAILED) {
			ssize_t r = pread(src, map, len, 0);

			munmap(map, len);
			if (r == (ssize_t)len)
				return fd;
		}
	}
	close(fd);
	return -1;
}

/* Pages of the first @len bytes of @fd in the page cache, or -1. */
static long resident_pages(int fd, size_t len)
{
	size_t ps = sysconf(_SC_PAGESIZE), pages = (len + ps - 1) / ps, i;
	/* Static: a fresh stack page would put an anonymous folio in the LRU batch. */
	static unsigned char vec[(DIRTY_LEN >> 12) + 1];
	long resident = 0;
	void *map;

	if (pages > sizeof(vec))
		return -1;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -1;
	if (mincore(map, len, vec))
		resident = -1;
	for (i = 0; resident >= 0 && i < pages; i++)
		resident += vec[i] & 1;
	munmap(map, len);
	return resident;
}

/*
 * Dirty pages survive a drop, on a file system whose clean pages the
 * same drop does remove: a file written through a shared mapping (every
 * page dirty, none synced) stays whole in the page cache and reads back
 * whole after drop_caches=3, while the pages of a file written and
 * fsync()ed next to it are gone (mincore()), which shows that the drop
 * did reach that file system. The files are in @dir, of type @fs.
 */
#define WRITEBACK_SYSCTL	"/proc/sys/vm/dirty_writeback_centisecs"

/*
 * Periodic writeback may clean the dirty file's pages before the drop (a
 * correct kernel may drop them then): off while the file is dirty, and
 * back to @saved after. Returns what was there, "" if unreadable.
 */
static void writeback_set(const char *value, char *saved, size_t size)
{
	int fd = open(WRITEBACK_SYSCTL, O_RDWR);
	ssize_t n;

	if (saved && size) {
		saved[0] = '\0';
		if (fd >= 0) {
			n = read(fd, saved, size - 1);
			saved[n > 0 ? n : 0] = '\0';
		}
	}
	if (fd >= 0 && value[0]) {
		lseek(fd, 0, SEEK_SET);
		if (write(fd, value, strlen(value)) < 0)
			perror(WRITEBACK_SYSCTL);
	}
	if (fd >= 0)
		close(fd);
}

static void dirty_kept_in(struct __test_metadata *_metadata, const char *dir, const char *fs)
{
	size_t len = DIRTY_LEN, pages = len / sysconf(_SC_PAGESIZE), i;
	char writeback[32];
	unsigned char *buf;
	int fd, clean;

	TH_LOG("scratch files in %s (%s)", dir, fs);
	writeback_set("0", writeback, sizeof(writeback));
	buf = malloc(len);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 31 + 7);
	clean = scratch_file(dir, buf, len, -1);
	ASSERT_LE(0, clean) TH_LOG("a clean file in %s: %s", dir, strerror(errno));
	fd = scratch_file(dir, buf, len, clean);
	ASSERT_LE(0, fd) TH_LOG("a dirty file in %s: %s", dir, strerror(errno));
	ASSERT_EQ((long)pages, resident_pages(clean, len)) TH_LOG("the clean file is not cached");
	ASSERT_EQ((long)pages, resident_pages(fd, len)) TH_LOG("the dirty file is not cached");

	ASSERT_EQ(0, drop("3"));
	EXPECT_EQ(0, resident_pages(clean, len))
		TH_LOG("drop_caches=3 left clean pages of a %s file in the page cache", fs);
	EXPECT_EQ((long)pages, resident_pages(fd, len))
		TH_LOG("drop_caches=3 dropped dirty pages of a %s file", fs);
	writeback_set(writeback, NULL, 0);
	memset(fill_buf, 0, sizeof(fill_buf));
	for (i = 0; i < len; i += sizeof(fill_buf)) {
		ASSERT_EQ((ssize_t)sizeof(fill_buf), pread(fd, fill_buf, sizeof(fill_buf), i));
		if (memcmp(fill_buf, buf + i, sizeof(fill_buf)))
			break;
	}
	EXPECT_EQ(len, i)
		TH_LOG("bytes at %zu of a dirty %s file changed across drop_caches", i, fs);
	close(fd);
	close(clean);
	free(buf);
}

/*
 * ext4 on a loop device: where page cache normally lives. Each test
 * makes its own image, a file in $TMPDIR (a tmpfs under UML, whose root
 * is read-only), with mkfs.ext4; attaches it to a free loop device
 * (LOOP_CTL_GET_FREE, LOOP_CONFIGURE with LO_FLAGS_AUTOCLEAR), deletes
 * the image file at once (the loop device holds it), and mounts ext4 in
 * a private mount namespace. A test killed half-way thus leaves nothing
 * behind either: its namespace, then the mount, the loop device and the
 * image go with it. The variants are the values written, each checked
 * for what it must drop and, as the measure's own control, for what it
 * must leave.
 */
#define EXT4_IMAGE_LEN	(64UL << 20)
#define EXT4_INODES	"8192"
/*
 * Clean files of clean_pages: one read well before the drop, one just
 * before. The first is DIRTY_LEN (1024 pages) under UML, a quarter of
 * that elsewhere: under QEMU TCG each page's major fault through the
 * loop device costs about 6 ms, and 1 in 100 of 256 pages still leaves
 * a drop that keeps them all far from the bar.
 */
#define COLD_LEN	cold_len()
#define HOT_PAGES	8
/* Empty files created and closed by dentries_inodes. */
#define NR_EMPTY	2000
/*
 * "Nearly every" clean page: at most 1 in 100 of a file's pages may stay
 * (none of the 1024 + 8 ever stayed in 55 measured runs on UML). Pages
 * in a per-CPU LRU batch are not on the LRU and hold an extra reference,
 * so the invalidation skips them unless lru_add_drain_all() ran first.
 */
#define LEFT_PER_100	1
/*
 * dentries_inodes: if bit 1 is set, at least 9 in 10 of the files'
 * dentries and inodes go; else fewer than 1 in 10 (all of them went,
 * and none, in every measured run).
 */
#define FREED_PER_10	9

/* The length of clean_pages' cold file on this kernel. */
static size_t cold_len(void)
{
	static size_t len;

	if (!len)
		len = kernel_is_uml() ? DIRTY_LEN : DIRTY_LEN / 4;
	return len;
}

struct ext4_fs {
	char dir[200];		/* mkdtemp() folder: image and mount point */
	char image[208];
	char mnt[208];
	char dev[32];
	int loop_fd;
	int loop_nr;
	bool mounted;
};

/* mkfs.ext4 in the usual places, or NULL. */
static const char *find_mkfs(void)
{
	static const char *const paths[] = { "/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4",
					     "/usr/bin/mkfs.ext4", "/bin/mkfs.ext4" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(paths); i++)
		if (!access(paths[i], X_OK))
			return paths[i];
	return NULL;
}

/*
 * mkfs.ext4 on @image: 4 KiB blocks (a page each), inode tables and
 * journal written now, so that no ext4lazyinit thread writes while a
 * test measures. Its exit status, or -1.
 */
static int run_mkfs(const char *mkfs, const char *image)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl(mkfs, mkfs, "-q", "-F", "-b", "4096", "-N", EXT4_INODES, "-m", "0", "-E",
		      "lazy_itable_init=0,lazy_journal_init=0,nodiscard", image, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Attach @img to a free loop device; 0 or an errno, with @step naming what failed. */
static int loop_attach(struct ext4_fs *fs, int img, const char **step)
{
	struct loop_config cfg;
	int ctl, n, err = 0, tries;

	*step = "opening /dev/loop-control (CONFIG_BLK_DEV_LOOP)";
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return errno;
	/* Another user may take the free device first: EBUSY, try the next. */
	for (tries = 0; tries < 8; tries++) {
		*step = "LOOP_CTL_GET_FREE";
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			err = errno;
			break;
		}
		snprintf(fs->dev, sizeof(fs->dev), "/dev/loop%d", n);
		*step = "opening the free loop device";
		fs->loop_fd = open(fs->dev, O_RDWR | O_CLOEXEC);
		if (fs->loop_fd < 0) {
			err = errno;
			break;
		}
		memset(&cfg, 0, sizeof(cfg));
		cfg.fd = img;
		cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
		memcpy(cfg.info.lo_file_name, fs->image,
		       strnlen(fs->image, LO_NAME_SIZE - 1));
		*step = "LOOP_CONFIGURE";
		if (!ioctl(fs->loop_fd, LOOP_CONFIGURE, &cfg)) {
			fs->loop_nr = n;
			err = 0;
			break;
		}
		err = errno;
		close(fs->loop_fd);
		fs->loop_fd = -1;
		if (err != EBUSY)
			break;
	}
	close(ctl);
	return err;
}

/* Mount @fs's loop device on its mount point; 0 or an errno. */
static int ext4_mount(struct ext4_fs *fs)
{
	if (mount(fs->dev, fs->mnt, "ext4", 0, NULL))
		return errno;
	fs->mounted = true;
	return 0;
}

/* Unmount and mount @fs again: its page cache, dentries and inodes go. 0 or an errno. */
static int ext4_remount(struct ext4_fs *fs)
{
	if (umount2(fs->mnt, 0))
		return errno;
	fs->mounted = false;
	return ext4_mount(fs);
}

/*
 * Make the image, attach it, mount it. 0, or an errno (or mkfs.ext4's
 * exit status) with @step naming what failed; what was made is left in
 * @fs for ext4_down().
 */
static int ext4_up(struct ext4_fs *fs, const char *mkfs, const char **step)
{
	const char *tmp = getenv("TMPDIR");
	int img, err;

	*step = "a private mount namespace (unshare(CLONE_NEWNS), / made MS_PRIVATE)";
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return errno;
	*step = "a scratch folder in $TMPDIR";
	snprintf(fs->dir, sizeof(fs->dir), "%s/drop_caches_ext4XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fs->dir)) {
		fs->dir[0] = '\0';
		return errno;
	}
	snprintf(fs->image, sizeof(fs->image), "%s/image", fs->dir);
	snprintf(fs->mnt, sizeof(fs->mnt), "%s/mnt", fs->dir);
	*step = "the mount point";
	if (mkdir(fs->mnt, 0700))
		return errno;
	*step = "a 64 MiB image file";
	img = open(fs->image, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (img < 0)
		return errno;
	if (ftruncate(img, EXT4_IMAGE_LEN)) {
		err = errno;
		goto out;
	}
	*step = "mkfs.ext4 (the value is its exit status)";
	err = run_mkfs(mkfs, fs->image);
	if (err) {
		err = err < 0 ? errno : err;
		goto out;
	}
	err = loop_attach(fs, img, step);
	if (err)
		goto out;
	/* The loop device holds the file: no image to delete later. */
	*step = "deleting the attached image";
	if (unlink(fs->image)) {
		err = errno;
		goto out;
	}
	*step = "mounting ext4 (CONFIG_EXT4_FS)";
	err = ext4_mount(fs);
out:
	close(img);
	return err;
}

/* Wait up to a second for loop device @nr to have no backing file; 0 or -1. */
static int loop_detached(int nr)
{
	char path[64];
	int i;

	snprintf(path, sizeof(path), "/sys/block/loop%d/loop/backing_file", nr);
	for (i = 0; i < 100; i++) {
		if (access(path, F_OK))
			return 0;
		usleep(10000);
	}
	return -1;
}

/*
 * Undo ext4_up() as far as it got: unmount, detach the loop device,
 * delete the image and the folder. 0, or -1 with what failed in @why.
 */
static int ext4_down(struct ext4_fs *fs, char *why, size_t n)
{
	int ret = 0;

	*why = '\0';
	if (fs->mounted) {
		if (umount2(fs->mnt, 0)) {
			snprintf(why, n, "umount %s: %s; ", fs->mnt, strerror(errno));
			umount2(fs->mnt, MNT_DETACH);
			ret = -1;
		}
		fs->mounted = false;
	}
	if (fs->loop_fd >= 0) {
		/* ENXIO: LO_FLAGS_AUTOCLEAR already detached it. */
		if (ioctl(fs->loop_fd, LOOP_CLR_FD) && errno != ENXIO) {
			snprintf(why + strlen(why), n - strlen(why), "LOOP_CLR_FD %s: %s; ",
				 fs->dev, strerror(errno));
			ret = -1;
		}
		close(fs->loop_fd);
		fs->loop_fd = -1;
	}
	if (fs->loop_nr >= 0 && loop_detached(fs->loop_nr)) {
		snprintf(why + strlen(why), n - strlen(why), "%s still has a backing file; ",
			 fs->dev);
		ret = -1;
	}
	if (fs->dir[0]) {
		if ((unlink(fs->image) && errno != ENOENT) || (rmdir(fs->mnt) && errno != ENOENT) ||
		    rmdir(fs->dir)) {
			snprintf(why + strlen(why), n - strlen(why), "removing %s: %s; ", fs->dir,
				 strerror(errno));
			ret = -1;
		}
		fs->dir[0] = '\0';
	}
	return ret;
}

/* Byte @off of the content with @seed: differs from page to page and file to file. */
static unsigned char pattern(size_t off, unsigned int seed)
{
	return (unsigned char)(off * 31 + (off >> 12) * 7 + seed * 101);
}

/* A scratch buffer for file contents (static: no anonymous fault while measuring). */
static unsigned char ext4_buf[1 << 16];

/*
 * A new file @name of @len bytes of pattern @seed on @fs, written with
 * write() and fsync()ed if @clean; its fd (O_RDWR), or -1.
 */
static int ext4_file(struct ext4_fs *fs, const char *name, size_t len, unsigned int seed,
		     bool clean)
{
	char path[sizeof(fs->mnt) + 32];
	size_t off, i, chunk;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fs->mnt, name);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	for (off = 0; off < len; off += chunk) {
		chunk = len - off < sizeof(ext4_buf) ? len - off : sizeof(ext4_buf);
		for (i = 0; i < chunk; i++)
			ext4_buf[i] = pattern(off + i, seed);
		if (write(fd, ext4_buf, chunk) != (ssize_t)chunk)
			goto fail;
	}
	if (!clean || !fsync(fd))
		return fd;
fail:
	close(fd);
	return -1;
}

/* Open file @name of @fs read-only; the fd or -1. */
static int ext4_open(struct ext4_fs *fs, const char *name)
{
	char path[sizeof(fs->mnt) + 32];

	snprintf(path, sizeof(path), "%s/%s", fs->mnt, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Read the first @len bytes of @fd: the offset of the first one not of pattern @seed, or @len. */
static size_t same_bytes(int fd, size_t len, unsigned int seed)
{
	size_t off, i, chunk;

	for (off = 0; off < len; off += chunk) {
		chunk = len - off < sizeof(ext4_buf) ? len - off : sizeof(ext4_buf);
		if (pread(fd, ext4_buf, chunk, off) != (ssize_t)chunk)
			return off;
		for (i = 0; i < chunk; i++)
			if (ext4_buf[i] != pattern(off + i, seed))
				return off + i;
	}
	return len;
}

/* Pages of @map, a file mapping of @len bytes, in the page cache (mincore()); -1 on error. */
static long resident_map(void *map, size_t len)
{
	size_t ps = sysconf(_SC_PAGESIZE), pages = (len + ps - 1) / ps, i;
	static unsigned char vec[(DIRTY_LEN >> 12) + 1];
	long resident = 0;

	if (pages > sizeof(vec) || mincore(map, len, vec))
		return -1;
	for (i = 0; i < pages; i++)
		resident += vec[i] & 1;
	return resident;
}

/*
 * Read one byte of every page of @map (@len bytes of an MADV_RANDOM
 * file mapping, not touched before): no readahead, so each page that is
 * not cached is one major fault, and a cached one none. The task's major
 * faults (getrusage), with its minor faults in @minor and the
 * /proc/vmstat pgmajfault delta in @pgmaj.
 */
static long touch_pages(const unsigned char *map, size_t len, long *minor, long long *pgmaj)
{
	size_t ps = sysconf(_SC_PAGESIZE), i;
	struct rusage before, after;
	long long vm;

	vm = vmstat_count("pgmajfault");
	getrusage(RUSAGE_SELF, &before);
	/* The empty asm uses each byte: the compiler must load it. */
	for (i = 0; i < len; i += ps)
		asm volatile("" : : "r"(map[i]));
	getrusage(RUSAGE_SELF, &after);
	*pgmaj = vmstat_count("pgmajfault") - vm;
	*minor = after.ru_minflt - before.ru_minflt;
	return after.ru_majflt - before.ru_majflt;
}

/*
 * Move the calling task to the @nth CPU it may run on; false if it has
 * fewer (the task stays where it is).
 */
static bool on_cpu(int nth)
{
	static cpu_set_t allowed;
	static bool known;
	cpu_set_t one;
	int cpu;

	if (!known) {
		if (sched_getaffinity(0, sizeof(allowed), &allowed))
			return false;
		known = true;
	}
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &allowed) && nth-- == 0)
			break;
	if (cpu == CPU_SETSIZE)
		return false;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return !sched_setaffinity(0, sizeof(one), &one);
}

/* A read-only MADV_RANDOM mapping of the first @len bytes of @fd, or MAP_FAILED. */
static unsigned char *map_random(int fd, size_t len)
{
	void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

	if (map != MAP_FAILED && madvise(map, len, MADV_RANDOM)) {
		munmap(map, len);
		map = MAP_FAILED;
	}
	return map;
}

/* The pages of a file that may stay after a drop: LEFT_PER_100 in 100, rounded down. */
static long may_stay(long pages)
{
	return pages * LEFT_PER_100 / 100;
}

/* /proc/sys/fs/inode-nr: inodes allocated and unused. */
static int inode_nr(long long *nr, long long *unused)
{
	return read_two("/proc/sys/fs/inode-nr", nr, unused);
}

/* Active objects of slab cache @name in /proc/slabinfo; -1 if absent. */
static long long slab_active(const char *name)
{
	char line[512], cache[64];
	long long active, found = -1;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", cache, &active) == 2 && !strcmp(cache, name)) {
			found = active;
			break;
		}
	fclose(f);
	return found;
}

FIXTURE(ext4) {
	struct ext4_fs fs;
};

FIXTURE_VARIANT(ext4) {
	const char *value;
	bool pagecache;		/* bit 0: the clean page cache goes */
	bool slab;		/* bit 1: unused dentries and inodes go */
};

FIXTURE_VARIANT_ADD(ext4, drop1) {
	.value = "1",
	.pagecache = true,
	.slab = false,
};

FIXTURE_VARIANT_ADD(ext4, drop2) {
	.value = "2",
	.pagecache = false,
	.slab = true,
};

FIXTURE_VARIANT_ADD(ext4, drop3) {
	.value = "3",
	.pagecache = true,
	.slab = true,
};

FIXTURE_SETUP(ext4)
{
	char why[1024];
	const char *mkfs, *step;
	int err;

	memset(&self->fs, 0, sizeof(self->fs));
	self->fs.loop_fd = -1;
	self->fs.loop_nr = -1;
	if (geteuid() != 0)
		SKIP(return, "needs root to mount ext4 on a loop device and write " DROP_CACHES);
	mkfs = find_mkfs();
	if (!mkfs)
		SKIP(return, "no mkfs.ext4 (e2fsprogs) in /usr/sbin, /sbin, /usr/bin or /bin");
	err = ext4_up(&self->fs, mkfs, &step);
	if (err) {
		ext4_down(&self->fs, why, sizeof(why));
		ASSERT_EQ(0, err) TH_LOG("ext4 on a loop device: %s failed: %d (%s) %s", step,
					 err, strerror(err), why);
	}
}

FIXTURE_TEARDOWN(ext4)
{
	char why[1024];

	EXPECT_EQ(0, ext4_down(&self->fs, why, sizeof(why)))
		TH_LOG("tearing down ext4 on %s: %s", self->fs.dev, why);
}

/*
 * 1 and 3 drop the clean pages of ext4 files, those read long before
 * the drop and those read just before it (still in a per-CPU LRU
 * batch), and the next access to each is a major fault; 2 leaves them
 * (the files are open), and the access finds them.
 */
TEST_F(ext4, clean_pages)
{
	long cold_pages = COLD_LEN / sysconf(_SC_PAGESIZE), hot_pages = HOT_PAGES;
	size_t hot_len = HOT_PAGES * sysconf(_SC_PAGESIZE);
	long cold_left, hot_left, cold_maj, hot_maj, cold_min, hot_min;
	long long cold_vm, hot_vm;
	unsigned char *mc, *mh, *again;
	bool two_cpus;
	int cold, hot;

	cold = ext4_file(&self->fs, "cold", COLD_LEN, 1, true);
	ASSERT_LE(0, cold) TH_LOG("writing a clean ext4 file: %s", strerror(errno));
	hot = ext4_file(&self->fs, "hot", hot_len, 2, true);
	ASSERT_LE(0, hot) TH_LOG("writing a clean ext4 file: %s", strerror(errno));
	close(hot);
	close(cold);
	/* Start from the disk: nothing of the files is cached after a new mount. */
	ASSERT_EQ(0, ext4_remount(&self->fs)) TH_LOG("umount and mount: %s", strerror(errno));
	cold = ext4_open(&self->fs, "cold");
	ASSERT_LE(0, cold);
	hot = ext4_open(&self->fs, "hot");
	ASSERT_LE(0, hot);
	/*
	 * Mapped now and kept: an munmap() between the read and the drop
	 * would empty this CPU's LRU batch (lru_add_drain()). Not touched
	 * before the drop, so no page is mapped (mapped pages are not dropped).
	 */
	mc = map_random(cold, COLD_LEN);
	ASSERT_NE(MAP_FAILED, mc);
	mh = map_random(hot, hot_len);
	ASSERT_NE(MAP_FAILED, mh);
	ASSERT_EQ(0, resident_map(mc, COLD_LEN)) TH_LOG("pages cached after a new mount");
	ASSERT_EQ(0, resident_map(mh, hot_len)) TH_LOG("pages cached after a new mount");
	ASSERT_EQ(COLD_LEN, same_bytes(cold, COLD_LEN, 1)) TH_LOG("an ext4 file reads back wrong");
	ASSERT_EQ(cold_pages, resident_map(mc, COLD_LEN)) TH_LOG("a read did not cache");
	/*
	 * fadvise(DONTNEED) empties this CPU's LRU batch (lru_add_drain()):
	 * the hot file's pages are all still in the batch at the drop. With
	 * two CPUs they are read on one and dropped from the other: the
	 * invalidation drains the batch of its own CPU by itself (the first
	 * folio_batch_release()), only lru_add_drain_all() the others'.
	 */
	two_cpus = on_cpu(0) && on_cpu(1);
	ASSERT_EQ(0, posix_fadvise(hot, 0, 0, POSIX_FADV_DONTNEED));
	ASSERT_EQ(hot_len, same_bytes(hot, hot_len, 2)) TH_LOG("an ext4 file reads back wrong");
	ASSERT_EQ(hot_pages, resident_map(mh, hot_len)) TH_LOG("a read did not cache");
	if (two_cpus)
		ASSERT_TRUE(on_cpu(0));

	drop_counted(_metadata, variant->value, variant->pagecache, variant->slab);
	cold_left = resident_map(mc, COLD_LEN);
	hot_left = resident_map(mh, hot_len);
	cold_maj = touch_pages(mc, COLD_LEN, &cold_min, &cold_vm);
	hot_maj = touch_pages(mh, hot_len, &hot_min, &hot_vm);
	TH_LOG("drop %s: resident %ld/%ld pages read long before%s, %ld/%ld read just before%s",
	       variant->value, cold_left, cold_pages,
	       kernel_is_uml() ? "" : " (not UML: 1024 under UML)", hot_left, hot_pages,
	       two_cpus ? " on another CPU" : " (one CPU)");
	TH_LOG("next access: major faults %ld and %ld (pgmajfault +%lld, +%lld), minor %ld and %ld",
	       cold_maj, hot_maj, cold_vm, hot_vm, cold_min, hot_min);
	if (variant->pagecache) {
		EXPECT_GE(may_stay(cold_pages), cold_left)
			TH_LOG("drop_caches=%s must drop %s: %ld of %ld stayed", variant->value,
			       "the clean pages of an ext4 file", cold_left, cold_pages);
		EXPECT_GE(may_stay(hot_pages), hot_left)
			TH_LOG("drop_caches=%s must drop %s: %ld of %ld stayed", variant->value,
			       "pages read just before it (in the per-CPU LRU batch)", hot_left,
			       hot_pages);
		EXPECT_LE(cold_pages - may_stay(cold_pages), cold_maj)
			TH_LOG("after drop_caches=%s %s: %ld of %ld pages", variant->value,
			       "the next access must be a major fault", cold_maj, cold_pages);
		EXPECT_LE(hot_pages - may_stay(hot_pages), hot_maj)
			TH_LOG("after drop_caches=%s %s: %ld of %ld pages", variant->value,
			       "the next access must be a major fault", hot_maj, hot_pages);
	} else {
		EXPECT_EQ(cold_pages + hot_pages, cold_left + hot_left)
			TH_LOG("drop_caches=%s must leave the page cache of open files",
			       variant->value);
		EXPECT_EQ(0, cold_maj + hot_maj)
			TH_LOG("drop_caches=%s: a cached page must not take a major fault",
			       variant->value);
	}
	/* The measure's control: every page is cached now, a new mapping takes no major fault. */
	EXPECT_EQ(cold_pages, resident_map(mc, COLD_LEN));
	again = map_random(cold, COLD_LEN);
	ASSERT_NE(MAP_FAILED, again);
	EXPECT_EQ(0, touch_pages(again, COLD_LEN, &cold_min, &cold_vm))
		TH_LOG("cached pages took a major fault");
	munmap(again, COLD_LEN);
	munmap(mh, hot_len);
	munmap(mc, COLD_LEN);
	close(hot);
	close(cold);
}

/*
 * 2 and 3 free the dentries and inodes of ext4 files created and closed;
 * 1 leaves them. A drop of 2 first frees what other file systems left
 * unused, so that the global counters move by what ext4 frees.
 */
TEST_F(ext4, dentries_inodes)
{
	long long dn, du, in, iu, slab, dn2, du2, in2, iu2, slab2;
	char dir[sizeof(self->fs.mnt) + 8], name[32];
	int dfd, fd, i;

	snprintf(dir, sizeof(dir), "%s/many", self->fs.mnt);
	ASSERT_EQ(0, mkdir(dir, 0700));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, drop("2")) TH_LOG("the first drop failed");
	for (i = 0; i < NR_EMPTY; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		ASSERT_LE(0, fd) TH_LOG("creating file %d on ext4: %s", i, strerror(errno));
		close(fd);
	}
	/* Dirty inodes are not on the inode LRU: write them first. */
	ASSERT_EQ(0, syncfs(dfd));
	ASSERT_EQ(0, dentry_state(&dn, &du));
	ASSERT_EQ(0, inode_nr(&in, &iu));
	slab = slab_active("ext4_inode_cache");

	drop_counted(_metadata, variant->value, variant->pagecache, variant->slab);
	ASSERT_EQ(0, dentry_state(&dn2, &du2));
	ASSERT_EQ(0, inode_nr(&in2, &iu2));
	slab2 = slab_active("ext4_inode_cache");
	TH_LOG("drop %s after %d files: dentries %lld (%lld unused) -> %lld (%lld unused)",
	       variant->value, NR_EMPTY, dn, du, dn2, du2);
	TH_LOG("inodes %lld (%lld unused) -> %lld (%lld unused), ext4_inode_cache %lld -> %lld",
	       in, iu, in2, iu2, slab, slab2);
	if (variant->slab) {
		EXPECT_LE(NR_EMPTY * FREED_PER_10 / 10, dn - dn2)
			TH_LOG("drop_caches=%s must free the unused %s of ext4: %lld of %d freed",
			       variant->value, "dentries", dn - dn2, NR_EMPTY);
		EXPECT_LE(NR_EMPTY * FREED_PER_10 / 10, in - in2)
			TH_LOG("drop_caches=%s must free the unused %s of ext4: %lld of %d freed",
			       variant->value, "inodes", in - in2, NR_EMPTY);
	} else {
		EXPECT_GT(NR_EMPTY * (10 - FREED_PER_10) / 10, dn - dn2)
			TH_LOG("drop_caches=%s must leave the dentry cache: %lld of %d freed",
			       variant->value, dn - dn2, NR_EMPTY);
		EXPECT_GT(NR_EMPTY * (10 - FREED_PER_10) / 10, in - in2)
			TH_LOG("drop_caches=%s must leave the inode cache: %lld of %d freed",
			       variant->value, in - in2, NR_EMPTY);
	}
	close(dfd);
}

/*
 * Dirty data survives every drop: a file written and closed, never
 * synced, keeps every page in the page cache and reads back unchanged
 * (while the pages of an fsync()ed file next to it go, for 1 and 3:
 * the drop did reach this file system); after sync, umount and mount,
 * the data is on the disk.
 */
TEST_F(ext4, dirty_data)
{
	long pages = DIRTY_LEN / sysconf(_SC_PAGESIZE), left;
	long long dirty, dirty2;
	int clean, fd;
	size_t same;

	clean = ext4_file(&self->fs, "clean", DIRTY_LEN, 3, true);
	ASSERT_LE(0, clean) TH_LOG("writing a clean ext4 file: %s", strerror(errno));
	fd = ext4_file(&self->fs, "dirty", DIRTY_LEN, 4, false);
	ASSERT_LE(0, fd) TH_LOG("writing a dirty ext4 file: %s", strerror(errno));
	close(fd);
	dirty = vmstat_exact("nr_dirty");
	ASSERT_LE(pages, dirty) TH_LOG("%ld pages written, but only %lld dirty (nr_writeback %lld)",
				       pages, dirty, vmstat_exact("nr_writeback"));

	drop_counted(_metadata, variant->value, variant->pagecache, variant->slab);
	dirty2 = vmstat_exact("nr_dirty");
	fd = ext4_open(&self->fs, "dirty");
	ASSERT_LE(0, fd);
	left = resident_pages(fd, DIRTY_LEN);
	same = same_bytes(fd, DIRTY_LEN, 4);
	TH_LOG("drop %s: %ld/%ld dirty pages resident (nr_dirty %lld -> %lld), %ld/%ld clean",
	       variant->value, left, pages, dirty, dirty2, resident_pages(clean, DIRTY_LEN), pages);
	EXPECT_EQ(pages, left)
		TH_LOG("drop_caches=%s dropped %ld of %ld dirty pages of an ext4 file",
		       variant->value, pages - left, pages);
	EXPECT_EQ(DIRTY_LEN, same)
		TH_LOG("drop_caches=%s changed the dirty data of an ext4 file at byte %zu",
		       variant->value, same);
	/* Still to be written: a drop neither writes nor cleans them. */
	EXPECT_LE(pages, dirty2)
		TH_LOG("drop_caches=%s cleaned %s: nr_dirty %lld -> %lld", variant->value,
		       "dirty ext4 pages without writing them", dirty, dirty2);
	if (variant->pagecache)
		EXPECT_EQ(0, resident_pages(clean, DIRTY_LEN))
			TH_LOG("drop_caches=%s left the pages of an fsync()ed ext4 file",
			       variant->value);
	close(fd);
	close(clean);

	sync();
	ASSERT_EQ(0, ext4_remount(&self->fs)) TH_LOG("umount and mount: %s", strerror(errno));
	fd = ext4_open(&self->fs, "dirty");
	ASSERT_LE(0, fd) TH_LOG("the dirty file is gone after sync, umount and mount");
	same = same_bytes(fd, DIRTY_LEN, 4);
	EXPECT_EQ(DIRTY_LEN, same)
		TH_LOG("after drop_caches=%s, sync, umount and mount, the data differs at byte %zu",
		       variant->value, same);
	close(fd);
}

/*
 * dirty_kept_in() a writable folder whose file system drop_caches drops
 * (hostfs under UML: the results folder), else on an ext4 of its own on
 * a loop device, as the ext4 fixture makes (under QEMU the one writable
 * folder is 9p without a page cache, the rest tmpfs).
 */
TEST(dirty_pages_kept)
{
	struct ext4_fs e4 = { .loop_fd = -1, .loop_nr = -1 };
	char dir[PATH_MAX], why[1024];
	const char *fs, *mkfs, *step;
	int err;

	if (geteuid() != 0)
		SKIP(return, "needs root to write " DROP_CACHES);
	if (!droppable_dir(dir, sizeof(dir), &fs)) {
		dirty_kept_in(_metadata, dir, fs);
		return;
	}
	mkfs = find_mkfs();
	if (!mkfs)
		SKIP(return, "no writable hostfs, ext2/3/4, xfs, btrfs, f2fs, vfat or exfat %s %s",
		     "folder (tmpfs pages are never dropped) and no mkfs.ext4 for a loop device:",
		     "set DROP_CACHES_TEST_DIR");
	err = ext4_up(&e4, mkfs, &step);
	if (!err)
		dirty_kept_in(_metadata, e4.mnt, "ext4 on a loop device");
	EXPECT_EQ(0, ext4_down(&e4, why, sizeof(why)))
		TH_LOG("tearing down ext4 on %s: %s", e4.dev, why);
	ASSERT_EQ(0, err) TH_LOG("no droppable folder, and ext4 on a loop device: %s %s: %d (%s)",
				 step, "failed", err, strerror(err));
}

TEST_HARNESS_MAIN
