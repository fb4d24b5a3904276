// The wire gate: admission before sofia parses anything. sofia-sip 1.12
// answers every INVITE with 100 Trying before nua reports it, and nta can only
// free an unanswered server transaction by answering it (500), so a request
// that must get no answer at all has to be refused before it reaches nta.
// sofia reads its UDP sockets with recvmsg(2) (su_vrecv) and takes TCP/TLS
// connections with accept(2): Legato's executable defines those two symbols,
// which the dynamic linker binds sofia's calls to; for the file descriptors
// Legato registered (its SIP listeners) the datagram or connection is shown to
// the filter first, and a refused one is consumed and reported as EAGAIN
// (sofia's "nothing to read"). Every other descriptor goes straight to the
// system call, so media workers pay one table look-up.
#define _GNU_SOURCE
#include "CSofiaShim.h"
#include "shard_router.h"

#include <errno.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LEGATO_WIRE_MAX_FD 65536

// listener index + 1 per watched fd (0: not watched); bit 16 set: stream listener.
static _Atomic int legato_wire_watch[LEGATO_WIRE_MAX_FD];
static _Atomic(legato_wire_filter) legato_wire_callback;

void legato_wire_set_filter(legato_wire_filter filter) { atomic_store(&legato_wire_callback, filter); }

// The datagram being filtered on this thread: its socket and source, for
// legato_wire_reply and legato_wire_current_queue (valid during the filter's call).
static __thread int legato_wire_current_fd = -1;
static __thread struct sockaddr_storage legato_wire_current_peer;
static __thread socklen_t legato_wire_current_peer_len;

void legato_wire_watch_fd(int fd, int listener, int stream) {
    if (fd < 0 || fd >= LEGATO_WIRE_MAX_FD) return;
    atomic_store(&legato_wire_watch[fd], listener < 0 ? 0 : ((listener + 1) | (stream ? 0x10000 : 0)));
}

// Unpacks a sockaddr into address bytes and port; returns the byte count (4, 16) or 0.
static int legato_wire_address(struct sockaddr const *sa, socklen_t len, unsigned char out[16], int *port) {
    if (!sa) return 0;
    if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in const *in = (struct sockaddr_in const *)sa;
        memcpy(out, &in->sin_addr, 4);
        *port = ntohs(in->sin_port);
        return 4;
    }
    if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 const *in6 = (struct sockaddr_in6 const *)sa;
        memcpy(out, &in6->sin6_addr, 16);
        *port = ntohs(in6->sin6_port);
        return 16;
    }
    return 0;
}

// recvmsg(2) as sofia sees it: refused datagrams on watched sockets vanish,
// and with several shards, datagrams another shard owns are passed on.
ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
    // A datagram another shard passed on (shard_router.c): already through
    // that shard's gate; its source is the original one.
    if (legato_shard_take_pending(fd)) return legato_shard_read_inbox(fd, msg);
    ssize_t n = syscall(SYS_recvmsg, fd, msg, flags);
    if (n < 0 || fd < 0 || fd >= LEGATO_WIRE_MAX_FD || (flags & (MSG_PEEK | MSG_ERRQUEUE))) return n;
    if (!msg || msg->msg_iovlen < 1) return n;
    size_t first = msg->msg_iov[0].iov_len < (size_t)n ? msg->msg_iov[0].iov_len : (size_t)n;
    int watch = atomic_load_explicit(&legato_wire_watch[fd], memory_order_relaxed);
    legato_wire_filter filter = atomic_load_explicit(&legato_wire_callback, memory_order_relaxed);
    legato_shard_prepare(fd, (char const *)msg->msg_iov[0].iov_base, first);
    if (watch && filter) {
        unsigned char addr[16];
        int port = 0;
        int alen = legato_wire_address((struct sockaddr const *)msg->msg_name, msg->msg_namelen, addr, &port);
        if (!alen) return n;
        legato_wire_current_fd = fd;
        legato_wire_current_peer_len = msg->msg_namelen < sizeof legato_wire_current_peer
            ? msg->msg_namelen : (socklen_t)sizeof legato_wire_current_peer;
        memcpy(&legato_wire_current_peer, msg->msg_name, legato_wire_current_peer_len);
        int refused = filter((watch & 0xffff) - 1, addr, alen, port, 0, (char const *)msg->msg_iov[0].iov_base, first);
        legato_wire_current_fd = -1;
        if (refused) {
            // Refused: consumed without trace. Non-blocking sockets report
            // "nothing more"; a blocking caller (none in sofia) reads on.
            errno = EAGAIN;
            return -1;
        }
    }
    // Owned by another shard: passed on, and nothing to read here.
    if (!legato_shard_route(fd, msg, (size_t)n)) return n;
    errno = EAGAIN;
    return -1;
}

static int legato_wire_accept_filter(int fd, int conn, struct sockaddr *addr, socklen_t *len) {
    if (conn < 0 || fd < 0 || fd >= LEGATO_WIRE_MAX_FD) return conn;
    int watch = atomic_load_explicit(&legato_wire_watch[fd], memory_order_relaxed);
    legato_wire_filter filter = atomic_load_explicit(&legato_wire_callback, memory_order_relaxed);
    if (!watch || !filter) return conn;
    struct sockaddr_storage peer;
    socklen_t peer_len = sizeof peer;
    if (getpeername(conn, (struct sockaddr *)&peer, &peer_len) != 0) return conn;
    unsigned char bytes[16];
    int port = 0;
    int alen = legato_wire_address((struct sockaddr const *)&peer, peer_len, bytes, &port);
    if (!alen || filter((watch & 0xffff) - 1, bytes, alen, port, 1, NULL, 0) == 0) return conn;
    close(conn);
    (void)addr; (void)len;
    errno = EAGAIN;
    return -1;
}

// accept(2)/accept4(2) as sofia sees them: refused sources' connections are closed at once.
int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    int conn = (int)syscall(SYS_accept4, fd, addr, len, 0);
    return legato_wire_accept_filter(fd, conn, addr, len);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    int conn = (int)syscall(SYS_accept4, fd, addr, len, flags);
    return legato_wire_accept_filter(fd, conn, addr, len);
}

int legato_wire_reply(char const *data, size_t len) {
    if (legato_wire_current_fd < 0 || !data) return -1;
    ssize_t sent = sendto(legato_wire_current_fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL,
                          (struct sockaddr const *)&legato_wire_current_peer, legato_wire_current_peer_len);
    return sent == (ssize_t)len ? 0 : -1;
}

int legato_wire_current_queue(int *queued, int *capacity) {
    if (legato_wire_current_fd < 0) return -1;
    if (legato_socket_queue(legato_wire_current_fd, queued, capacity) != 0) return -1;
    // Owned by another shard: its inbox's backlog counts too (the fuller of
    // the two queues, against the smaller buffer).
    int owner_queued = 0, owner_capacity = 0;
    if (legato_shard_owner_queue(&owner_queued, &owner_capacity) == 0) {
        if (owner_queued > *queued) *queued = owner_queued;
        if (owner_capacity < *capacity) *capacity = owner_capacity;
    }
    return 0;
}

// --- socket buffers -----------------------------------------------------------

int legato_socket_queue(int fd, int *queued, int *capacity) {
    // SO_MEMINFO: the socket's whole receive queue as the kernel accounts it
    // (sk_rmem_alloc, every queued datagram's truesize), and the buffer it is
    // held against. FIONREAD/SIOCINQ on UDP gives the next datagram only.
    unsigned int info[SK_MEMINFO_VARS];
    socklen_t len = sizeof info;
    if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info, &len) != 0 || len < sizeof info) return -1;
    *queued = (int)info[SK_MEMINFO_RMEM_ALLOC];
    *capacity = (int)info[SK_MEMINFO_RCVBUF];
    return 0;
}

int legato_socket_find_udp(char const *unused, int port, int *fds, int max) {
    (void)unused;
    int found = 0;
    for (int fd = 0; fd < 4096 && found < max; fd++) {
        int type = 0;
        socklen_t tlen = sizeof type;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 || type != SOCK_DGRAM) continue;
        struct sockaddr_storage ss;
        socklen_t slen = sizeof ss;
        if (getsockname(fd, (struct sockaddr *)&ss, &slen) != 0) continue;
        unsigned char bytes[16];
        int p = 0;
        if (!legato_wire_address((struct sockaddr const *)&ss, slen, bytes, &p) || p != port) continue;
        fds[found++] = fd;
    }
    return found;
}

int legato_socket_find_listening(int port, int *fds, int max) {
    int found = 0;
    for (int fd = 0; fd < 4096 && found < max; fd++) {
        int type = 0, listening = 0;
        socklen_t tlen = sizeof type, llen = sizeof listening;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 || type != SOCK_STREAM) continue;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &llen) != 0 || !listening) continue;
        struct sockaddr_storage ss;
        socklen_t slen = sizeof ss;
        if (getsockname(fd, (struct sockaddr *)&ss, &slen) != 0) continue;
        unsigned char bytes[16];
        int p = 0;
        if (!legato_wire_address((struct sockaddr const *)&ss, slen, bytes, &p) || p != port) continue;
        fds[found++] = fd;
    }
    return found;
}

int legato_socket_set_buffers(int fd, int bytes, int *achieved_rcv, int *achieved_snd) {
    int forced = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
        forced = 0;
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    }
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes) != 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
    socklen_t len = sizeof *achieved_rcv;
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, achieved_rcv, &len) != 0) *achieved_rcv = -1;
    len = sizeof *achieved_snd;
    if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, achieved_snd, &len) != 0) *achieved_snd = -1;
    return forced;
}
