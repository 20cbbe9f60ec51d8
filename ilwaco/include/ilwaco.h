/* Ilwaco: the library OS that Denali guest applications link against. */
#ifndef ILWACO_H
#define ILWACO_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <linux/denali_guest.h>

/* Hypercalls (hypercall.c): number in RAX, arguments in RDI, RSI, RDX, R10, R8. */
long dn_hypercall(long nr, long a0, long a1, long a2, long a3, long a4);
__attribute__((noreturn)) void dn_halt(int code);
long dn_console_write(const void *buf, size_t len);
long dn_idle(uint64_t timeout_ns);

/* The virtual registers page. */
static inline volatile struct denali_regs *dn_regs(void)
{
	return (volatile struct denali_regs *)(uintptr_t)DENALI_REGS_GPA;
}

/* Console output (console.c, printf.c). */
int puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Strings (string.c). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* The application's entry, called by start.S; its return value is the halt code. */
int main(void);

#endif /* ILWACO_H */
