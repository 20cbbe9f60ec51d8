/* Console output on top of CONSOLE_WRITE. */
#include <ilwaco.h>

int puts(const char *s)
{
	size_t len = strlen(s);

	if (dn_console_write(s, len) < 0 || dn_console_write("\n", 1) < 0)
		return -1;
	return (int)len + 1;
}

int printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	return dn_console_write(buf, n) < 0 ? -1 : n;
}
