/* Shared helpers of denalictl: size parsing and formatting, JSON strings, error messages. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/denali.h>

#include "util.h"

bool opt_json;
bool opt_verbose;

/*
 * Parse a size: decimal digits, then optionally K, M or G (any case),
 * optionally followed by "iB" or "B". Suffixes are binary (16M = 16 MiB).
 * A bare "B" means bytes. Returns 0, or -1 on bad syntax or overflow.
 */
int parse_size(const char *s, uint64_t *out)
{
	uint64_t val = 0, mult = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned int d = *p - '0';

		if (val > (UINT64_MAX - d) / 10)
			return -1;
		val = val * 10 + d;
	}
	switch (toupper((unsigned char)*p)) {
	case 'K':
		mult = 1ULL << 10;
		p++;
		break;
	case 'M':
		mult = 1ULL << 20;
		p++;
		break;
	case 'G':
		mult = 1ULL << 30;
		p++;
		break;
	}
	if (mult != 1 && (p[0] == 'i' || p[0] == 'I') && (p[1] == 'B' || p[1] == 'b'))
		p += 2;
	else if (*p == 'B' || *p == 'b')
		p++;
	if (*p)
		return -1;
	if (val > UINT64_MAX / mult)
		return -1;
	*out = val * mult;
	return 0;
}

/* Parse a decimal number: digits only (no sign, no blanks). Returns 0, or -1 on bad syntax or overflow. */
int parse_u32(const char *s, uint32_t *out)
{
	uint32_t val = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned int d = *s - '0';

		if (!isdigit((unsigned char)*s) || val > (UINT32_MAX - d) / 10)
			return -1;
		val = val * 10 + d;
	}
	*out = val;
	return 0;
}

/* "16 MiB" when exact in GiB, MiB or KiB, else "N bytes". */
const char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "GiB", "MiB", "KiB" };
	static const unsigned int shifts[] = { 30, 20, 10 };
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint64_t mask = (1ULL << shifts[i]) - 1;

		if (bytes && !(bytes & mask)) {
			snprintf(buf, len, "%llu %s", (unsigned long long)(bytes >> shifts[i]),
				 units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
	return buf;
}

/* enum denali_vm_state as a lowercase word; "unknown(N)" for values we do not know. */
const char *vm_state_name(uint32_t state, char *buf, size_t len)
{
	static const char *const names[] = {
		[DENALI_VM_STATE_CREATED] = "created", [DENALI_VM_STATE_RUNNING] = "running",
		[DENALI_VM_STATE_HALTED] = "halted",   [DENALI_VM_STATE_CRASHED] = "crashed",
		[DENALI_VM_STATE_STOPPED] = "stopped",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	snprintf(buf, len, "unknown(%u)", state);
	return buf;
}

/*
 * The length of the well-formed UTF-8 sequence at p (2 to 4 bytes, no
 * overlong forms, no surrogates, at most U+10FFFF), or 0 if there is none.
 */
static size_t utf8_len(const unsigned char *p)
{
	size_t n, i;
	uint32_t c;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/* Write s as a JSON string literal, quotes included. */
void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', f);
	while (*p) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
			} else if (*p < 0x80) {
				fputc(*p, f);
			} else {
				/* UTF-8 goes through; any other byte is U+FFFD, so the output stays JSON. */
				n = utf8_len(p);
				if (n) {
					fwrite(p, 1, n, f);
					p += n;
					continue;
				}
				fputs("\\ufffd", f);
			}
		}
		p++;
	}
	fputc('"', f);
}

/* A number member after a comma: ,"key":val, or ,"key":null when the kernel did not say. */
void json_num(const char *key, bool has, uint64_t val)
{
	printf(",\"%s\":", key);
	if (has)
		printf("%llu", (unsigned long long)val);
	else
		printf("null");
}

/* A number for text output in @buf, or "-" when the kernel did not send it. */
const char *text_num(bool has, uint64_t val, char *buf, size_t len)
{
	if (!has)
		return "-";
	snprintf(buf, len, "%llu", (unsigned long long)val);
	return buf;
}

/* One line on stderr: "denalictl: OBJECT: REASON". */
void err_msg(const char *object, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG_NAME ": %s: ", object);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void err_errno(const char *object, int errnum)
{
	err_msg(object, "%s", strerror(errnum));
}

/*
 * A usage error: "denalictl: CMD: REASON", then the usage line (which
 * starts with CMD). Returns EXIT_USAGE.
 */
int usage_err(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG_NAME ": %.*s: ", (int)strcspn(usage, " "), usage);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: " PROG_NAME " %s\n", usage);
	return EXIT_USAGE;
}

/*
 * Arguments of the simple subcommands: -h, -j when json is allowed, and
 * exactly one positional argument named what (or none when what is NULL,
 * arg may then be NULL). Returns -1 to go on, else the exit status.
 */
int simple_args(int argc, char **argv, const char *usage, bool json, const char *what,
		const char **arg)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 0;
	/* Without json, the table starts after its "json" entry. */
	while ((c = getopt_long(argc, argv, json ? ":jh" : ":h", json ? options : options + 1,
				NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			break;
		case 'h':
			printf("Usage: " PROG_NAME " %s\n", usage);
			return EXIT_OK;
		default:
			return usage_err(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (what && optind >= argc)
		return usage_err(usage, "missing %s", what);
	if (optind + (what ? 1 : 0) < argc)
		return usage_err(usage, "unexpected argument '%s'", argv[optind + (what ? 1 : 0)]);
	if (what)
		*arg = argv[optind];
	return -1;
}
