// Umbrella header for libsrtp2 (pkg-config: libsrtp2). Used by the media engine.
#include <srtp2/srtp.h>
// getrandom(2): the secure RNG for SRTP master keys (not exported by Swift's Glibc module).
#include <sys/random.h>
