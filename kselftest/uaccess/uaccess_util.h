/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the uaccess kselftests: opening the probe device,
 * one-line wrappers around its ioctls, guard-page mappings, and the
 * table of known kernel deviations, each with the exact outcome its
 * kernel gives, that turns exactly that outcome into an expected failure
 * (XFAIL) on the kernels where it is known.
 */
#ifndef _UACCESS_UTIL_H
#define _UACCESS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "allocsuite_kernel.h"
#include "uaccess_probe.h"

/* Page size of the machine under test. */
static inline size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Where the module shows itself once loaded. */
#define UACCESS_PROBE_SYSFS	"/sys/module/uaccess_probe"

/*
 * Open the probe; returns the fd, or -1 with @why set to the reason to
 * skip (not root, module not loaded), or -2 with @why set to the reason
 * to fail: the module is loaded but its device is missing, or another
 * error. The runner loads the module before each program, so for it a
 * missing device is always a failure; a user who runs a program by hand
 * without the module gets a skip that says what to load.
 */
static inline int probe_open(const char **why)
{
	int fd;

	if (geteuid() != 0) {
		*why = "needs root (CAP_SYS_ADMIN) to open " UACCESS_PROBE_DEVICE;
		return -1;
	}
	fd = open(UACCESS_PROBE_DEVICE, O_RDWR);
	if (fd < 0 && errno == ENOENT) {
		if (access(UACCESS_PROBE_SYSFS, F_OK)) {
			*why = "uaccess_probe is not loaded: load uaccess_probe.ko";
			return -1;
		}
		*why = "uaccess_probe is loaded (" UACCESS_PROBE_SYSFS ") but "
		       UACCESS_PROBE_DEVICE " is missing";
		return -2;
	}
	if (fd < 0) {
		*why = strerror(errno);
		return -2;
	}
	return fd;
}

/*
 * In a FIXTURE_SETUP: open the probe into *@fd. False when the test
 * cannot go on: it was skipped with the reason (the probe cannot be used
 * here); a failure to open it where it should work fails the test.
 */
static inline bool probe_setup_fd(struct __test_metadata *_metadata, int *fd)
{
	const char *why = "";

	*fd = probe_open(&why);
	if (*fd == -1)
		SKIP(return false, "%s", why);
	ASSERT_LE(0, *fd) TH_LOG("open %s: %s", UACCESS_PROBE_DEVICE, why);
	return true;
}

/* The module's buffer size, from its parameter; 0 if unreadable. */
static inline size_t probe_buf_size(void)
{
	unsigned long v = 0;
	FILE *f = fopen(UACCESS_PROBE_BUF_SIZE_PARAM, "r");

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* Run one xfer ioctl; the primitive's result, or -errno of the ioctl. */
static inline long long probe_xfer(int fd, unsigned long cmd, const void *uptr, __u64 offset,
				   __u64 len)
{
	struct uaccess_probe_xfer x = {
		.user_addr = (uintptr_t)uptr,
		.offset = offset,
		.len = len,
		.result = LLONG_MIN,
	};

	if (ioctl(fd, cmd, &x))
		return -errno;
	return x.result;
}

/* get_user()/put_user() of @size bytes; result, or -errno of the ioctl. */
static inline long long probe_scalar(int fd, unsigned long cmd, const void *uptr,
				     __u64 offset, __u32 size)
{
	struct uaccess_probe_scalar s = {
		.user_addr = (uintptr_t)uptr,
		.offset = offset,
		.size = size,
		.result = LLONG_MIN,
	};

	if (ioctl(fd, cmd, &s))
		return -errno;
	return s.result;
}

/* copy_struct_from_user() into buf + @offset; result, or -errno of the ioctl. */
static inline long long probe_struct(int fd, const void *uptr, __u64 offset, __u64 ksize,
				     __u64 usize)
{
	struct uaccess_probe_struct s = {
		.user_addr = (uintptr_t)uptr,
		.offset = offset,
		.ksize = ksize,
		.usize = usize,
		.result = LLONG_MIN,
	};

	if (ioctl(fd, UACCESS_PROBE_COPY_STRUCT_FROM_USER, &s))
		return -errno;
	return s.result;
}

/*
 * A primitive on a user range given by its address as a number; result,
 * or -errno of the ioctl. @task_size, if not NULL, gets TASK_SIZE_MAX.
 */
static inline long long probe_range(int fd, unsigned long cmd, __u64 addr, __u64 len,
				    __u64 *task_size)
{
	struct uaccess_probe_range r = { .user_addr = addr, .len = len, .result = LLONG_MIN };

	if (ioctl(fd, cmd, &r))
		return -errno;
	if (task_size)
		*task_size = r.task_size;
	return r.result;
}

/*
 * A memdup_user() family call; 0 when the ioctl ran (the primitive's
 * result in @d->result, the bytes copied back in @d->copied), or -errno
 * of the ioctl.
 */
static inline int probe_dup(int fd, unsigned long cmd, const void *uptr, __u64 offset,
			    __u64 len, struct uaccess_probe_dup *d)
{
	*d = (struct uaccess_probe_dup){
		.user_addr = (uintptr_t)uptr,
		.offset = offset,
		.len = len,
		.copied = ULLONG_MAX,
		.result = LLONG_MIN,
	};
	return ioctl(fd, cmd, d) ? -errno : 0;
}

/* memset() of the kernel buffer; 0 or -errno. */
static inline int probe_fill(int fd, __u64 offset, __u64 len, unsigned int byte)
{
	struct uaccess_probe_fill f = { .offset = offset, .len = len, .byte = byte };

	return ioctl(fd, UACCESS_PROBE_FILL, &f) ? -errno : 0;
}

/* Read back @len bytes of the kernel buffer; 0 or -errno. */
static inline int probe_read(int fd, void *dst, __u64 offset, __u64 len)
{
	return (int)probe_xfer(fd, UACCESS_PROBE_READ, dst, offset, len);
}

/*
 * Map @pages read-write pages followed by one PROT_NONE guard page;
 * returns the first page, or MAP_FAILED. Unmap with guard_unmap().
 */
static inline unsigned char *guard_map(size_t pages)
{
	size_t ps = page_size();
	unsigned char *p = mmap(NULL, (pages + 1) * ps, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return p;
	if (mprotect(p + pages * ps, ps, PROT_NONE)) {
		munmap(p, (pages + 1) * ps);
		return MAP_FAILED;
	}
	return p;
}

static inline void guard_unmap(unsigned char *p, size_t pages)
{
	munmap(p, (pages + 1) * page_size());
}

/* The probe and one page that ends at a PROT_NONE guard page. */
struct edge_ctx {
	int fd;
	unsigned char *map;	/* the page */
	unsigned char *edge;	/* the guard page right after it */
};

/* In a FIXTURE_SETUP: open the probe into @c and map its page; as probe_setup_fd(). */
static inline bool edge_setup(struct __test_metadata *_metadata, struct edge_ctx *c)
{
	if (!probe_setup_fd(_metadata, &c->fd))
		return false;
	c->map = guard_map(1);
	ASSERT_NE(MAP_FAILED, c->map);
	c->edge = c->map + page_size();
	return true;
}

static inline void edge_teardown(struct edge_ctx *c)
{
	if (c->fd < 0)
		return;
	guard_unmap(c->map, 1);
	close(c->fd);
}

/* The byte a pattern gives at index @i: never 0, so strings end only where asked. */
static inline unsigned char pattern_byte(size_t i)
{
	return (unsigned char)(i * 13 % 251 + 1);
}

/**
 * string_at_edge() - @len pattern bytes, then a NUL if @nul, ending at @edge
 * @edge: the first byte of the guard page
 * @len: how many pattern bytes
 * @nul: whether a NUL follows them
 *
 * Return: where the string starts.
 */
static inline char *string_at_edge(unsigned char *edge, size_t len, bool nul)
{
	char *s = (char *)edge - len - nul;
	size_t i;

	for (i = 0; i < len; i++)
		s[i] = (char)pattern_byte(i);
	if (nul)
		s[len] = '\0';
	return s;
}

/* Index of the first byte of @p[0..len) that is not @byte, or @len. */
static inline size_t first_not(const unsigned char *p, size_t len, unsigned char byte)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != byte)
			break;
	return i;
}

/*
 * Known kernel deviations. The key is the architecture and the kernel's
 * major.minor version; UML is recognized by kernel_is_uml().
 */
/* Whether the running kernel is @arch ("um" or uname -m) at version @ver ("6.12"). */
static inline bool kernel_is(const char *arch, const char *ver)
{
	struct utsname u;
	size_t n = strlen(ver);

	if (uname(&u))
		return false;
	/* "6.12" matches 6.12, 6.12.117 and 6.12-rc1, not 6.120. */
	if (strncmp(u.release, ver, n) || !strchr(".-", u.release[n]))
		return false;
	if (!strcmp(arch, "um"))
		return kernel_is_uml();
	return !kernel_is_uml() && !strcmp(u.machine, arch);
}

/*
 * Contracts with known deviations.
 *
 * A test states what the contract says (@want) and what the kernel gave
 * (@got), both as an outcome: the primitive's result and, where they
 * matter, the bytes it left behind. A known deviation is recorded below
 * with the exact outcome its kernel is known to produce, measured on that
 * kernel. On a kernel with an entry for the test: exactly that outcome is
 * an expected failure (XFAIL); the contract kept is an unexpected pass
 * (XPASS: the entry can go, and the runner fails the run); anything else
 * is a FAIL that states the contract, the deviation and what was seen.
 * Elsewhere the contract is an ordinary expectation.
 *
 * The harness's XFAIL_ADD() cannot serve: it turns any failure of a test
 * into XFAIL. Instead the test ends with the harness's XFAIL or XPASS exit
 * code and reason, which __wait_for_test() and __run_test() report as
 * "ok N name # XFAIL reason" (6.12). A harness without XFAIL (6.1) reports
 * a known deviation as a skip with its reason, and a gone one as a FAIL.
 */
struct outcome {
	long long result;
	unsigned int nbytes;		/* how many of @bytes matter */
	unsigned char bytes[40];
};

/*
 * @test, its full name as the harness prints it, with @kase the case
 * within it ("" for a test that checks one case), breaks its contract on
 * @arch (uname -m, or "um") @ver (major.minor) in exactly one way: @seen.
 */
struct deviation {
	const char *arch, *ver, *test, *kase;
	const char *reason;
	struct outcome seen;
};

/*
 * UML's strnlen_user() (arch/um/kernel/skas/uaccess.c) returns -EFAULT
 * when access_ok() refuses the address, lib/strnlen_user.c returns 0.
 */
#define UM_BAD_ADDR_STRNLEN(v) { "um", "6.12", "bad_addr." #v ".strnlen_user", "",	\
	"strnlen_user() returns -EFAULT instead of 0 when access_ok() fails",		\
	{ .result = -EFAULT } }
/*
 * include/asm-generic/uaccess.h get_user() copies into a zeroed temporary
 * with raw_copy_from_user(), which copies the mapped bytes before it
 * faults, and assigns the temporary whatever happened: the variable holds
 * the @m mapped bytes (0x41, the test's) and zeroes.
 */
#define UM_STRADDLE(sz, m, ...) { "um", "6.12", "straddle.u" #sz ".get_user",		\
	#m " mapped",									\
	"get_user() straddling into an unmapped page leaves the mapped bytes in the variable", \
	{ .result = -EFAULT, .nbytes = (sz) / 8, .bytes = { __VA_ARGS__ } } }

/*
 * lib/usercopy.c check_zeroed_user() lines 53-54, "from -= align; size
 * += align;" before user_read_access_begin() (line 56): a size of
 * SIZE_MAX from an address @a bytes past a word wraps to a - 1, which
 * access_ok() accepts, and no byte is checked: the one word read has its
 * first @a bytes masked off (line 61) and the rest masked to a - 1 bytes
 * (line 74), so 1 instead of -EFAULT. The code is generic: measured
 * alike on UML and on x86_64, whose __access_ok()
 * (arch/x86/include/asm/uaccess_64.h lines 98-107) checks the wrapped
 * size a - 1 like the generic one.
 */
#define CZU_WRAP(arch, a) { arch, "6.12", "zeroed.align_" #a ".size_overflow", "size max", \
	"check_zeroed_user(p, SIZE_MAX) wraps size + alignment and returns 1",		\
	{ .result = 1 } }
/*
 * The same wrap through copy_struct_from_user() (include/linux/uaccess.h
 * lines 390-401): rest = SIZE_MAX - 1 from a tail 7 bytes past a word.
 */
#define CSTRUCT_WRAP(arch) { arch, "6.12", "cstruct.ksize_1.usize_overflow",		\
	"unaligned tail, usize max",							\
	"copy_struct_from_user(ksize 1, usize SIZE_MAX) returns 0 through check_zeroed_user()", \
	{ .result = 0 } }
/*
 * arch/um/include/asm/uaccess.h lines 13-15, __under_task_size(): the end
 * must be below TASK_SIZE ("addr + size < TASK_SIZE"), so a range that ends
 * exactly at TASK_SIZE is refused; the generic __access_ok() accepts it.
 */
#define UM_ACCESS_END(k) { "um", "6.12", "access.end_at_task_size", k,		\
	"access_ok() refuses a range that ends exactly at TASK_SIZE", { .result = 0 } }

static const struct deviation known_deviations[] = {
	UM_BAD_ADDR_STRNLEN(kernel_direct_map),
	UM_BAD_ADDR_STRNLEN(kernel_text),
	UM_BAD_ADDR_STRNLEN(top_page),
	UM_BAD_ADDR_STRNLEN(noncanonical_low),
	UM_BAD_ADDR_STRNLEN(noncanonical_high),
	UM_STRADDLE(16, 1, 0x41, 0),
	UM_STRADDLE(32, 1, 0x41, 0, 0, 0),
	UM_STRADDLE(32, 2, 0x41, 0x41, 0, 0),
	UM_STRADDLE(32, 3, 0x41, 0x41, 0x41, 0),
	UM_STRADDLE(64, 1, 0x41, 0, 0, 0, 0, 0, 0, 0),
	UM_STRADDLE(64, 2, 0x41, 0x41, 0, 0, 0, 0, 0, 0),
	UM_STRADDLE(64, 3, 0x41, 0x41, 0x41, 0, 0, 0, 0, 0),
	UM_STRADDLE(64, 4, 0x41, 0x41, 0x41, 0x41, 0, 0, 0, 0),
	UM_STRADDLE(64, 5, 0x41, 0x41, 0x41, 0x41, 0x41, 0, 0, 0),
	UM_STRADDLE(64, 6, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0, 0),
	UM_STRADDLE(64, 7, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0),
	CZU_WRAP("um", 1), CZU_WRAP("um", 2), CZU_WRAP("um", 3), CZU_WRAP("um", 4),
	CZU_WRAP("um", 5), CZU_WRAP("um", 6), CZU_WRAP("um", 7),
	CSTRUCT_WRAP("um"),
	/* The one deviation of x86_64 6.12: the generic check_zeroed_user()'s wrap. */
	CZU_WRAP("x86_64", 1), CZU_WRAP("x86_64", 2), CZU_WRAP("x86_64", 3),
	CZU_WRAP("x86_64", 4), CZU_WRAP("x86_64", 5), CZU_WRAP("x86_64", 6),
	CZU_WRAP("x86_64", 7),
	CSTRUCT_WRAP("x86_64"),
	UM_ACCESS_END("two pages"),
	UM_ACCESS_END("whole"),
	UM_ACCESS_END("empty at the end"),
	/*
	 * mm/util.c strndup_user() lines 277-285 take UML's strnlen_user()
	 * -EFAULT (access_ok() refused the address) for a length and pass it
	 * to memdup_user() as (size_t)-14, whose allocation fails: -ENOMEM.
	 */
	{ "um", "6.12", "strndup.bad_addr", "kernel",
	  "strndup_user() of a kernel address returns ERR_PTR(-ENOMEM): strnlen_user() gave -EFAULT",
	  { .result = -ENOMEM } },
	/* UML's strnlen_user() walks zero bytes and returns 0 + 1. */
	{ "um", "6.12", "string.strnlen_user_zero_limit", "",
	  "strnlen_user(p, 0) returns 1 instead of 0", { .result = 1 } },
	/*
	 * UML's own strncpy_from_user() has no should_fail_usercopy(): the
	 * string "aaaaaaaaaa" is copied with strncpy(), which pads with NULs
	 * up to the limit (32); the bytes past the limit stay untouched.
	 */
	{ "um", "6.12", "inject.strncpy_from_user", "",
	  "strncpy_from_user() ignores fail_usercopy",
	  { .result = 10, .nbytes = 34,
	    .bytes = "aaaaaaaaaa\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\xee\xee" } },
};

/* The deviation recorded for @test @kase on the running kernel, or NULL. */
static inline const struct deviation *known_deviation(const char *test, const char *kase)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known_deviations); i++) {
		const struct deviation *d = &known_deviations[i];

		if (!strcmp(d->test, test) && !strcmp(d->kase, kase) && kernel_is(d->arch, d->ver))
			return d;
	}
	return NULL;
}

static inline bool outcome_eq(const struct outcome *a, const struct outcome *b)
{
	return a->result == b->result && a->nbytes == b->nbytes &&
	       !memcmp(a->bytes, b->bytes, a->nbytes);
}

/* @o as text: "result -14, bytes 41 00 00 00". */
static inline const char *outcome_str(const struct outcome *o, char *buf, size_t n)
{
	size_t len = snprintf(buf, n, "result %lld", o->result);
	unsigned int i;

	for (i = 0; i < o->nbytes && len < n; i++)
		len += snprintf(buf + len, n - len, "%s%02x", i ? " " : ", bytes ", o->bytes[i]);
	return buf;
}

/* The full name of the running test, "fixture.variant.test", as the harness prints it. */
static inline void test_full_name(const struct __test_metadata *m, const void *variant,
				  char *buf, size_t n)
{
	const struct __fixture_variant_metadata *v;
	const char *vname = "";

	for (v = m->fixture->variant; v; v = v->next)
		if (v->data == variant) {
			vname = v->name;
			break;
		}
	snprintf(buf, n, "%s%s%s.%s", m->fixture->name, *vname ? "." : "", vname, m->name);
}

/* One contract of a test, judged over one or more cases. */
struct contract {
	const char *what;		/* the contract, as a sentence */
	unsigned int deviated;		/* cases that gave exactly the known deviation */
	unsigned int gone;		/* cases with a deviation entry that kept the contract */
	const struct deviation *dev;	/* the last of those entries */
};

/* Judge case @kase of contract @c: the kernel gave @got, the contract says @want. */
static inline void contract_check(struct __test_metadata *_metadata, const void *variant,
				  struct contract *c, const char *kase,
				  const struct outcome *want, const struct outcome *got)
{
	const struct deviation *dev;
	bool seen_is_contract_or_known_deviation;
	char name[256], w[96], d[96], g[96];

	test_full_name(_metadata, variant, name, sizeof(name));
	dev = known_deviation(name, kase);
	if (outcome_eq(got, want)) {
		if (dev) {
			c->gone++;
			c->dev = dev;
			TH_LOG("%s%s%s: the contract holds (%s): %s on %s %s is gone",
			       name, *kase ? " " : "", kase, c->what, "the known deviation",
			       dev->arch, dev->ver);
		}
		return;
	}
	seen_is_contract_or_known_deviation = dev && outcome_eq(got, &dev->seen);
	if (seen_is_contract_or_known_deviation) {
		c->deviated++;
		c->dev = dev;
		return;
	}
	if (dev)
		outcome_str(&dev->seen, d, sizeof(d));
	EXPECT_TRUE(seen_is_contract_or_known_deviation)
		TH_LOG("%s%s%s: contract: %s: %s; known deviation%s%s%s%s: %s; seen: %s",
		       name, *kase ? " " : "", kase, c->what, outcome_str(want, w, sizeof(w)),
		       dev ? " on " : "", dev ? dev->arch : "", dev ? " " : "",
		       dev ? dev->ver : "", dev ? d : "none recorded for this kernel",
		       outcome_str(got, g, sizeof(g)));
}

/*
 * End a test whose last check is contract @c: a known deviation met is
 * XFAIL, one gone is XPASS, unless the test has already failed.
 */
static inline void contract_end(struct __test_metadata *_metadata, const struct contract *c)
{
	if (_metadata->exit_code != KSFT_PASS || !c->dev)
		return;
#ifdef KSELFTEST_PRIO_XFAIL
	if (c->gone)
		snprintf(_metadata->results->reason, sizeof(_metadata->results->reason),
			 "known deviation on %s %s: %s: the known deviation is gone, the entry can go",
			 c->dev->arch, c->dev->ver, c->dev->reason);
	else
		snprintf(_metadata->results->reason, sizeof(_metadata->results->reason),
			 "known deviation on %s %s: %s", c->dev->arch, c->dev->ver,
			 c->dev->reason);
	_metadata->exit_code = c->gone ? KSFT_XPASS : KSFT_XFAIL;
#else
	EXPECT_EQ(0U, c->gone)
		TH_LOG("known deviation on %s %s: %s: it is gone, the entry can go",
		       c->dev->arch, c->dev->ver, c->dev->reason);
	if (!c->gone)
		SKIP(return, "known deviation on %s %s: %s (this harness has no XFAIL)",
		     c->dev->arch, c->dev->ver, c->dev->reason);
#endif
}

/* The same, in a TEST_F. */
#define CONTRACT_CHECK(c, kase, want, got) \
	contract_check(_metadata, variant, (c), (kase), (want), (got))
#define CONTRACT_END(c) contract_end(_metadata, (c))

#endif /* _UACCESS_UTIL_H */
