/* The boot command line: blank-separated words, looked up as "key=value". */
#include "internal.h"

/*
 * The line stays in the registers page, which is resident anyway: the
 * module writes it before the VM starts and never again. The page is
 * the guest's to write, so the NUL at its end is made certain here.
 */
const char *dn_cmdline(void)
{
	volatile struct denali_regs *r = dn_regs();

	r->cmdline[DENALI_REGS_CMDLINE_MAX - 1] = '\0';
	return (const char *)r->cmdline;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The value of the last "key=value" word for @key, its length in *len; NULL if none. */
static const char *lookup(const char *key, size_t *len)
{
	const char *p = dn_cmdline(), *word, *found = NULL;
	size_t klen = strlen(key);

	while (*p) {
		while (is_blank(*p))
			p++;
		word = p;
		while (*p && !is_blank(*p))
			p++;
		if ((size_t)(p - word) > klen && !memcmp(word, key, klen) && word[klen] == '=') {
			found = word + klen + 1;
			*len = p - found;
		}
	}
	return found;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Parses [-]digits or [-]0xhex that fill all @len bytes into *out; 0 or DN_EINVAL. */
static int parse_long(const char *s, size_t len, long *out)
{
	unsigned long v = 0, limit;
	unsigned int base = 10;
	int neg = 0, d;
	size_t i = 0;

	if (i < len && s[i] == '-') {
		neg = 1;
		i++;
	}
	if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	if (i == len)
		return DN_EINVAL;
	limit = neg ? (unsigned long)__LONG_MAX__ + 1 : __LONG_MAX__;
	for (; i < len; i++) {
		d = digit_value(s[i]);
		if (d >= (int)base || v > (limit - d) / base)
			return DN_EINVAL;
		v = v * base + d;
	}
	*out = neg ? (long)(0 - v) : (long)v;
	return 0;
}

long dn_cmdline_int(const char *key, long dflt)
{
	const char *val;
	size_t len;
	long v;

	val = lookup(key, &len);
	if (!val || parse_long(val, len, &v))
		return dflt;
	return v;
}

int dn_cmdline_str(const char *key, char *buf, size_t size)
{
	const char *val;
	size_t len, n;

	val = lookup(key, &len);
	if (!val)
		return DN_ENOENT;
	if (size) {
		n = len < size - 1 ? len : size - 1;
		memcpy(buf, val, n);
		buf[n] = '\0';
	}
	return (int)len;
}
