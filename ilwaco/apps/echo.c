/* echo: writes console input back as it arrives, idle in between; the line "quit" ends it. */
#include <ilwaco.h>

/* Long enough to tell "quit" from the lines that start with it. */
#define LINE_MAX 8

int main(void)
{
	char buf[256], line[LINE_MAX];
	size_t len = 0;
	long n, i;

	puts("echo ready");
	for (;;) {
		n = dn_console_read(buf, sizeof(buf));
		if (n < 0) {
			printf("echo: CONSOLE_READ failed with %ld\n", n);
			return 1;
		}
		if (n == 0) {
			/* Only after a read found nothing: see dn_getc(). */
			dn_irq_wait(DENALI_IRQ_CONSOLE);
			continue;
		}
		/* The bytes go back once scanned: all, or up to the line "quit". */
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				if (len == 4 && !memcmp(line, "quit", 4)) {
					dn_console_write(buf, i + 1);
					puts("echo bye");
					return 0;
				}
				len = 0;
			} else if (buf[i] != '\r') {
				if (len < LINE_MAX)
					line[len] = buf[i];
				len++;
			}
		}
		dn_console_write(buf, n);
	}
}
