/* lwIP's compiler and platform port for Ilwaco: freestanding x86-64, printf and panic from the library. */
#ifndef ILWACO_LWIP_ARCH_CC_H
#define ILWACO_LWIP_ARCH_CC_H

#include <ilwaco.h>

/*
 * No libc: no <inttypes.h>, <ctype.h> (lwIP then uses its own ctype
 * macros) or <limits.h> (GCC's wants the libc's behind it).
 */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#if !__STDC_HOSTED__ /* tests/hostnet.c builds the same sources with a libc */
#define LWIP_NO_LIMITS_H 1
#define INT_MAX __INT_MAX__
#endif

/* Formats for Ilwaco's printf: u32_t is unsigned int, size_t unsigned long. */
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "lu"

#define BYTE_ORDER LITTLE_ENDIAN

/* One instruction each instead of lwIP's portable shifts. */
#define lwip_htons(x) ((u16_t)__builtin_bswap16(x))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32(x))

#define LWIP_PLATFORM_DIAG(x) \
	do {                  \
		printf x;     \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) \
	dn_panic("lwip: assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)

/* sys_arch.c: a xorshift generator seeded from the TSC and the MAC (DHCP xids, ports, TCP ISNs). */
unsigned int dn_net_rand(void);
#define LWIP_RAND() ((u32_t)dn_net_rand())

#endif /* ILWACO_LWIP_ARCH_CC_H */
