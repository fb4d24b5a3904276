// Umbrella header for libevent 2.1 (pkg-config: libevent). Used by the media workers.
#include <event2/event.h>
#include <event2/util.h>
