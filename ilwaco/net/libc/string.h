/* <string.h> for lwIP's sources: Ilwaco's string functions (lib/string.c). */
#ifndef ILWACO_LWIP_STRING_H
#define ILWACO_LWIP_STRING_H

#include <ilwaco.h>

#endif /* ILWACO_LWIP_STRING_H */
