// Umbrella header for libsrtp2 (pkg-config: libsrtp2). Used by the media engine.
#include <srtp2/srtp.h>
