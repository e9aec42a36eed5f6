// SPDX-License-Identifier: GPL-2.0
/*
 * get_user() and put_user() of 1, 2, 4 and 8 bytes, seen from user space
 * through /dev/uaccess_probe.
 *
 * The probe's get_user ioctl presets its kernel variable from the kernel
 * buffer and stores it back whatever get_user() returned, so a test sees
 * both the return value and what get_user() left in the variable; the
 * put_user ioctl stores the value found in the buffer. Faults come from a
 * PROT_NONE guard page, read-only mappings being covered in uaccess_test.
 */
#include "kselftest_harness.h"
#include "uaccess_util.h"

/* What the kernel variable holds before get_user(). */
#define KERN_FILL	0xee

FIXTURE(scalar) {
	struct edge_ctx c;
};

FIXTURE_VARIANT(scalar) {
	unsigned int size;
};

FIXTURE_VARIANT_ADD(scalar, u8) { .size = 1 };
FIXTURE_VARIANT_ADD(scalar, u16) { .size = 2 };
FIXTURE_VARIANT_ADD(scalar, u32) { .size = 4 };
FIXTURE_VARIANT_ADD(scalar, u64) { .size = 8 };

FIXTURE_SETUP(scalar)
{
	if (!edge_setup(_metadata, &self->c))
		return;
}

FIXTURE_TEARDOWN(scalar)
{
	edge_teardown(&self->c);
}

/* The sizes that can straddle a page edge: all but the 1-byte one. */
FIXTURE(straddle) {
	struct edge_ctx c;
};

FIXTURE_VARIANT(straddle) {
	unsigned int size;
};

FIXTURE_VARIANT_ADD(straddle, u16) { .size = 2 };
FIXTURE_VARIANT_ADD(straddle, u32) { .size = 4 };
FIXTURE_VARIANT_ADD(straddle, u64) { .size = 8 };

FIXTURE_SETUP(straddle)
{
	if (!edge_setup(_metadata, &self->c))
		return;
}

FIXTURE_TEARDOWN(straddle)
{
	edge_teardown(&self->c);
}

/* get_user() reads the value at every misalignment, exactly @size bytes. */
TEST_F(scalar, get_user_round_trip)
{
	unsigned char back[16];
	size_t mis, i;

	for (mis = 0; mis < 8; mis++) {
		unsigned char *u = self->c.map + 64 + mis;

		for (i = 0; i < variant->size; i++)
			u[i] = pattern_byte(mis * 8 + i);
		ASSERT_EQ(0, probe_fill(self->c.fd, 0, sizeof(back), KERN_FILL));
		EXPECT_EQ(0, probe_scalar(self->c.fd, UACCESS_PROBE_GET_USER, u, 4, variant->size))
			TH_LOG("get_user at misalignment %zu", mis);
		ASSERT_EQ(0, probe_read(self->c.fd, back, 0, sizeof(back)));
		EXPECT_EQ(0, memcmp(back + 4, u, variant->size))
			TH_LOG("get_user at misalignment %zu read a wrong value", mis);
		EXPECT_EQ(4UL, first_not(back, 4, KERN_FILL));
		i = 12 - variant->size;
		EXPECT_EQ(i, first_not(back + 4 + variant->size, i, KERN_FILL))
			TH_LOG("get_user wrote past its variable");
	}
}

/* put_user() writes the value at every misalignment, exactly @size bytes. */
TEST_F(scalar, put_user_round_trip)
{
	unsigned char want[8];
	size_t mis, i;

	for (mis = 0; mis < 8; mis++) {
		unsigned char *u = self->c.map + 64 + mis;

		for (i = 0; i < variant->size; i++)
			want[i] = pattern_byte(mis * 8 + i + 1);
		ASSERT_EQ(0, probe_xfer(self->c.fd, UACCESS_PROBE_COPY_FROM_USER, want, 0,
					variant->size));
		memset(u - 4, 0xcc, 16);
		EXPECT_EQ(0, probe_scalar(self->c.fd, UACCESS_PROBE_PUT_USER, u, 0, variant->size))
			TH_LOG("put_user at misalignment %zu", mis);
		EXPECT_EQ(0, memcmp(u, want, variant->size))
			TH_LOG("put_user at misalignment %zu wrote a wrong value", mis);
		EXPECT_EQ(4UL, first_not(u - 4, 4, 0xcc));
		i = 12 - variant->size;
		EXPECT_EQ(i, first_not(u + variant->size, i, 0xcc))
			TH_LOG("put_user wrote past its value");
	}
}

/* get_user() of an unmapped value: -EFAULT and the variable set to zero. */
TEST_F(scalar, get_user_fault)
{
	unsigned char back[8];

	ASSERT_EQ(0, probe_fill(self->c.fd, 0, 8, KERN_FILL));
	EXPECT_EQ(-EFAULT, probe_scalar(self->c.fd, UACCESS_PROBE_GET_USER, self->c.edge, 0,
					variant->size));
	ASSERT_EQ(0, probe_read(self->c.fd, back, 0, 8));
	EXPECT_EQ(variant->size, first_not(back, variant->size, 0))
		TH_LOG("on error get_user() must set the variable to zero");
}

/* put_user() of an unmapped value: -EFAULT. */
TEST_F(scalar, put_user_fault)
{
	EXPECT_EQ(-EFAULT, probe_scalar(self->c.fd, UACCESS_PROBE_PUT_USER, self->c.edge, 0,
					variant->size));
}

/*
 * A value that straddles into the guard page, 1..size-1 bytes mapped:
 * get_user() returns -EFAULT and sets the variable to zero (the contract
 * of get_user() in arch/x86/include/asm/uaccess.h, "On error, the
 * variable @x is set to zero"). UML's asm-generic get_user() copies into
 * a zeroed temporary with raw_copy_from_user() and assigns it whatever
 * happened, leaving the mapped bytes in the variable and zeroes after
 * them: a known deviation, recorded byte for byte.
 */
TEST_F(straddle, get_user)
{
	struct contract c = {
		.what = "get_user() returns -EFAULT and sets the variable to zero",
	};
	struct outcome want = { .result = -EFAULT, .nbytes = variant->size }, got;
	unsigned int mapped;
	char kase[24];

	for (mapped = 1; mapped < variant->size; mapped++) {
		memset(self->c.edge - mapped, 0x41, mapped);
		ASSERT_EQ(0, probe_fill(self->c.fd, 0, 8, KERN_FILL));
		got.result = probe_scalar(self->c.fd, UACCESS_PROBE_GET_USER,
					  self->c.edge - mapped, 0, variant->size);
		got.nbytes = variant->size;
		ASSERT_EQ(0, probe_read(self->c.fd, got.bytes, 0, variant->size));
		snprintf(kase, sizeof(kase), "%u mapped", mapped);
		CONTRACT_CHECK(&c, kase, &want, &got);
	}
	CONTRACT_END(&c);
}

/* put_user() straddling into the guard page: -EFAULT. */
TEST_F(straddle, put_user)
{
	unsigned int mapped;

	for (mapped = 1; mapped < variant->size; mapped++)
		EXPECT_EQ(-EFAULT, probe_scalar(self->c.fd, UACCESS_PROBE_PUT_USER,
						self->c.edge - mapped, 0, variant->size))
			TH_LOG("put_user with %u of %u bytes mapped", mapped, variant->size);
}

TEST_HARNESS_MAIN
