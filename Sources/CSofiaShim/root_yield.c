// su_root_yield(3) as sofia-sip 1.12.11 sees it: a no-op.
//
// nta and nua call su_root_yield() in the middle of their timer routines "to
// handle received packets": nta after every fifth client retransmission in one
// run of its agent timer, nua once per handle in its one-second stack timer.
// In Debian's sofia-sip (1.12.11+20110422) that nesting corrupts nta's clock:
// agent_timer() caches the time in `sa_millisec` for the transaction timers,
// a datagram read during the yield runs agent_recv_message(), which sets and
// then *clears* the same cache, and the incoming-transaction pass that follows
// reads `now == 0`. Every server transaction whose deadline (a 32-bit
// millisecond counter) has its top bit set - half of each 49.7-day cycle of
// the wall clock - then counts as expired at once: Timer H ends answered
// calls with "ACK Timeout" and a BYE two seconds after the 200, Timers I and J
// drop transactions that should absorb retransmissions, Timer G resends every
// 2xx. It needs only a loaded loop (five client retransmissions due in one
// timer run, a datagram waiting). The FreeSWITCH fork fixed it in 2013
// (FS-5527) by reading the clock in each timer pass; the Debian package has
// no such patch. nua's per-handle yield also walks its handle list while the
// nested dispatch may destroy the next handle, and costs one epoll_wait per
// handle per second.
//
// Legato's executable defines the symbol, so the dynamic linker binds
// sofia's calls (they go through its PLT, like recvmsg for the wire gate) to
// this one: the timer run finishes first and the datagrams are read when the
// loop next waits, a few milliseconds later at most (nta caps a run at 30
// retransmissions). Legato itself never calls su_root_yield.
#include <sofia-sip/su_wait.h>
#include "CSofiaShim.h"

#include <stdatomic.h>

static _Atomic unsigned long legato_root_yields;

int su_root_yield(su_root_t *root) {
    (void)root;
    atomic_fetch_add_explicit(&legato_root_yields, 1, memory_order_relaxed);
    return 0;
}

unsigned long legato_root_yields_skipped(void) {
    return atomic_load_explicit(&legato_root_yields, memory_order_relaxed);
}
