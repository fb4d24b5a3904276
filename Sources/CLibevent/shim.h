// Umbrella header for libevent 2.1 (pkg-config: libevent; links event_core).
// Used by the media workers.
//
// event2/event-config.h defines _GNU_SOURCE, which would give the system
// headers it includes (sys/select.h's fd_set, ...) a different shape from the
// one in Swift's Glibc module. Including those headers first, without
// _GNU_SOURCE, keeps one definition; their include guards then skip them.
#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <errno.h>
#include <netdb.h>
#include <time.h>

#include <event2/event.h>
#include <event2/util.h>
