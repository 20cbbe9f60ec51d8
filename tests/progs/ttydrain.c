// SPDX-License-Identifier: GPL-2.0
/*
 * ttydrain: wait until everything written to standard output, when it is a
 * terminal (the test VM's serial console), has left the UART.
 *
 * The kernel writes its own messages to the serial console at once, but
 * what a process writes waits in the terminal's buffer for the UART's
 * transmit interrupt. A marker echoed just before a deliberate kernel
 * report can therefore reach the log after the report's first lines.
 * Cases that bracket reports call this after each marker.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	fflush(stdout);
	if (tcdrain(STDOUT_FILENO) < 0 && errno != ENOTTY && errno != EINVAL) {
		fprintf(stderr, "ttydrain: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
