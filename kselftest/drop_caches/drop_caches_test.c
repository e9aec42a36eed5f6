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
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define DROP_CACHES	"/proc/sys/vm/drop_caches"
/* Read at most this much to fill the page cache. */
#define FILL_BUDGET	(48UL << 20)
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
 * /proc/sys/fs/dentry-state: dentries allocated and unused. SReclaimable
 * is not a robust measure of a slab drop: with KASAN the freed dentries
 * sit in the quarantine and their slab pages stay.
 */
static int dentry_state(long long *nr, long long *unused)
{
	FILE *f = fopen("/proc/sys/fs/dentry-state", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%lld %lld", nr, unused);
	fclose(f);
	return n == 2 ? 0 : -1;
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
	return 0;
}

/*
 * Read files until the budget is spent; the bytes read. Then stat every
 * entry of /sys, whose kernfs dentries and inodes stay cached unused,
 * as reclaimable slab.
 */
static size_t fill_caches(void)
{
	size_t i;

	fill_read = 0;
	for (i = 0; i < ARRAY_SIZE(fill_trees); i++)
		if (fill_read < FILL_BUDGET && fill_nfds < FILL_FILES)
			nftw(fill_trees[i], fill_one, 16, FTW_PHYS | FTW_MOUNT);
	nftw("/sys", stat_one, 16, FTW_PHYS | FTW_MOUNT);
	return fill_read;
}

FIXTURE(drop) {
	long long cached;	/* Cached after the fill */
	long long added;	/* what the fill added to Cached */
};

FIXTURE_SETUP(drop)
{
	long long before;

	if (geteuid() != 0)
		SKIP(return, "needs root to write " DROP_CACHES);
	if (access(DROP_CACHES, F_OK))
		SKIP(return, DROP_CACHES " missing: needs CONFIG_PROC_SYSCTL");
	sync();
	ASSERT_EQ(0, drop("3")) TH_LOG("the first drop failed");
	before = meminfo_bytes("Cached");
	ASSERT_LE(0, before);
	fill_caches();
	self->cached = meminfo_bytes("Cached");
	self->added = self->cached - before;
	TH_LOG("read %zu MiB, Cached %lld -> %lld MiB", fill_read >> 20, before >> 20,
	       self->cached >> 20);
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
 * File systems whose clean page cache drop_caches really drops, by
 * statfs() magic: tmpfs and ramfs pages live only in the page cache and
 * are never dropped, so a dirty page kept there proves nothing.
 */
static const struct {
	long magic;
	const char *name;
} droppable_fs[] = {
	{ 0x00c0ffee, "hostfs" }, { 0xef53, "ext2/3/4" }, { 0x58465342, "xfs" },
	{ 0x9123683e, "btrfs" }, { 0xf2f52010, "f2fs" }, { 0x4d44, "vfat" },
	{ 0x2011bab0, "exfat" },
};

/* The name of @dir's file system if drop_caches drops its pages and it is writable, or NULL. */
static const char *droppable(const char *dir)
{
	struct statfs sf;
	size_t i;

	if (!dir || !*dir || statfs(dir, &sf) || access(dir, W_OK))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(droppable_fs); i++)
		if ((long)sf.f_type == droppable_fs[i].magic)
			return droppable_fs[i].name;
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
	unsigned char vec[(DIRTY_LEN >> 12) + 1];
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
 * did reach that file system.
 */
TEST(dirty_pages_kept)
{
	size_t len = DIRTY_LEN, pages = len / sysconf(_SC_PAGESIZE), i;
	char dir[PATH_MAX];
	unsigned char *buf;
	const char *fs;
	int fd, clean;

	if (geteuid() != 0)
		SKIP(return, "needs root to write " DROP_CACHES);
	if (droppable_dir(dir, sizeof(dir), &fs))
		SKIP(return, "no writable hostfs, ext2/3/4, xfs, btrfs, f2fs, vfat or exfat %s",
		     "folder (tmpfs pages are never dropped): set DROP_CACHES_TEST_DIR");
	TH_LOG("scratch files in %s (%s)", dir, fs);
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

TEST_HARNESS_MAIN
