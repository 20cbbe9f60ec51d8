/* <stdlib.h> for lwIP's sources: the one function they use, atoi() (sys_arch.c). */
#ifndef ILWACO_LWIP_STDLIB_H
#define ILWACO_LWIP_STDLIB_H

int atoi(const char *s);

#endif /* ILWACO_LWIP_STDLIB_H */
