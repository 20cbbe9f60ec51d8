/* SPDX-License-Identifier: GPL-2.0 */
/* VMCS access: typed, width-checked accessors over the one place that runs vmread/vmwrite. */
#ifndef _DENALI_VMCS_H
#define _DENALI_VMCS_H

#include <linux/types.h>
#include <linux/build_bug.h>
#include <asm/vmx.h>

/*
 * Bits 14:13 of a field encoding give its width (SDM Vol. 3 Appendix B):
 * 0 16-bit, 1 64-bit, 2 32-bit, 3 natural width. Bit 0 set on a 64-bit
 * field selects its high half, which this module never uses.
 */
#define VMCS_WIDTH(f)		(((f) >> 13) & 3)
#define VMCS_W16		0
#define VMCS_W64		1
#define VMCS_W32		2
#define VMCS_WNAT		3

void denali_vmx_insn_failed(const char *insn, unsigned long field);

/*
 * The raw instructions. A VMfail (CF or ZF set) on vmread/vmwrite means the
 * module used the VMCS wrongly: report it once, never trust the value.
 */
static __always_inline unsigned long __vmcs_readl(unsigned long field)
{
	unsigned long value;
	bool fail;

	asm volatile("vmread %[field], %[value]\n\tsetna %[fail]"
		     : [value] "=rm"(value), [fail] "=qm"(fail)
		     : [field] "r"(field)
		     : "cc");
	if (unlikely(fail))
		denali_vmx_insn_failed("vmread", field);
	return value;
}

static __always_inline void __vmcs_writel(unsigned long field, unsigned long value)
{
	bool fail;

	asm volatile("vmwrite %[value], %[field]\n\tsetna %[fail]"
		     : [fail] "=qm"(fail)
		     : [field] "r"(field), [value] "rm"(value)
		     : "cc", "memory");
	if (unlikely(fail))
		denali_vmx_insn_failed("vmwrite", field);
}

/*
 * The typed accessors: a constant field of the wrong width, or the high
 * half of a 64-bit field, does not compile.
 */
#define VMCS_CHECK(field, width) \
	BUILD_BUG_ON(__builtin_constant_p(field) && !vmcs_width_ok(field, width))

static __always_inline bool vmcs_width_ok(unsigned long field, unsigned int width)
{
	return VMCS_WIDTH(field) == width && !(field & 1);
}

static __always_inline u16 vmcs_read16(unsigned long field)
{
	VMCS_CHECK(field, VMCS_W16);
	return __vmcs_readl(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	VMCS_CHECK(field, VMCS_W32);
	return __vmcs_readl(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	VMCS_CHECK(field, VMCS_W64);
	return __vmcs_readl(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	VMCS_CHECK(field, VMCS_WNAT);
	return __vmcs_readl(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	VMCS_CHECK(field, VMCS_W16);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	VMCS_CHECK(field, VMCS_W32);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	VMCS_CHECK(field, VMCS_W64);
	__vmcs_writel(field, value);
}

static __always_inline void vmcs_writel(unsigned long field, unsigned long value)
{
	VMCS_CHECK(field, VMCS_WNAT);
	__vmcs_writel(field, value);
}

#endif /* _DENALI_VMCS_H */
