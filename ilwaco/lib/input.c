/* Console input for threads: a byte or a line at a time, idle until input comes. */
#include "internal.h"

/*
 * Console input read ahead for dn_getc(): one CONSOLE_READ takes what
 * waits, up to the buffer. The CONSOLE bit comes when input arrives, so
 * a reader waits for it only after a read found nothing: then input
 * that arrives later raises the bit, and a bit that came before the
 * read at worst wakes it once for nothing.
 */
static char in_buf[256];
static size_t in_pos, in_len;

int dn_getc(void)
{
	long n;

	while (in_pos == in_len) {
		n = dn_console_read(in_buf, sizeof(in_buf));
		if (n < 0)
			return -1;
		if (n == 0) {
			dn_irq_wait(DENALI_IRQ_CONSOLE);
			continue;
		}
		in_pos = 0;
		in_len = (size_t)n < sizeof(in_buf) ? (size_t)n : sizeof(in_buf);
	}
	return (unsigned char)in_buf[in_pos++];
}

long dn_readline(char *buf, size_t size)
{
	size_t n = 0;
	int c;

	if (!size)
		return DN_EINVAL;
	while (n + 1 < size) {
		c = dn_getc();
		if (c < 0) {
			if (!n)
				return -1;
			break;
		}
		if (c == '\n')
			break;
		if (c != '\r')
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return (long)n;
}
