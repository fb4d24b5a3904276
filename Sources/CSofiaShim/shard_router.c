// Signalling shards: several Legato processes, each with its own sofia loop,
// share every SIP listener's address and port (SO_REUSEPORT), and every
// datagram of a dialog is handled by the one process that owns its Call-ID.
//
// The kernel spreads datagrams over the shards by source address and port, so
// a trunk (one address, one port) lands on one shard. That shard's wire gate
// (recvmsg in wire_gate.c) hashes the Call-ID; a datagram owned by another
// shard is sent on, with its source address, to that shard's inbox: a UDP
// socket on 127.0.0.1 that the supervisor opened before starting the shards
// (so every shard knows every inbox's port, and an inbox only takes datagrams
// sent from another shard's inbox port). The owner's sofia reads it as if it
// had arrived on its own listener socket:
//
// - epoll_ctl: when sofia registers its listener socket with its loop's epoll,
//   the inbox is registered too, with the same event data, so sofia wakes for
//   either;
// - ioctl(FIONREAD), which sofia asks before every datagram read, reports the
//   inbox's next datagram when there is one, and the recvmsg that follows on
//   that thread reads it, with the original source address in msg_name.
//
// Replies leave from the owner's own listener socket, which is bound to the
// same address and port, so peers see one address. Legato's own outbound
// dialogs get Call-IDs that hash to the shard that made them.
//
// With one shard (the default) nothing here does anything but pass calls on.
#define _GNU_SOURCE
#include "CSofiaShim.h"
#include "shard_router.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SHARD_MAX_FD 65536
#define SHARD_MAGIC 0x4c474853u  // "LGHS"

static int shard_index = 0;
static _Atomic int shard_count = 1;
static _Atomic unsigned char shard_reuse_port[65536];

struct shard_link {
    int inbox;
    int count;
    uint16_t ports[LEGATO_SHARD_MAX];  // every shard's inbox port, host order
    int fds[LEGATO_SHARD_MAX];         // every shard's inbox socket (read only for its queue depth), or -1
    int epfd;
    int mirrored;
};

// Per listener fd; set on the signalling thread (attach, detach), read by
// whichever thread calls ioctl/epoll_ctl/recvmsg on a descriptor.
static _Atomic(struct shard_link *) shard_links[SHARD_MAX_FD];

static struct shard_link *shard_link_of(int fd) {
    return fd >= 0 && fd < SHARD_MAX_FD ? atomic_load_explicit(&shard_links[fd], memory_order_acquire) : NULL;
}

// The last epoll registration of each fd (any thread registers its own fds).
struct shard_epoll {
    int epfd;
    uint32_t events;
    uint64_t data;
    int active;
};
static struct shard_epoll shard_epoll_of[SHARD_MAX_FD];

// Set by ioctl(FIONREAD) when the next read of that fd is the inbox's datagram.
static __thread int shard_pending_fd = -1;
// The owner of the datagram being read on this thread (legato_shard_prepare), or -1.
static __thread int shard_current_owner = -1;
static __thread struct shard_link *shard_current_link;

struct shard_header {
    uint32_t magic;
    uint32_t namelen;
    struct sockaddr_storage peer;
};

void legato_shard_configure(int index, int count) {
    if (count < 1) count = 1;
    if (count > LEGATO_SHARD_MAX) count = LEGATO_SHARD_MAX;
    shard_index = index >= 0 && index < count ? index : 0;
    atomic_store(&shard_count, count);
}

int legato_shard_index(void) { return shard_index; }
int legato_shard_count(void) { return atomic_load(&shard_count); }

void legato_shard_reuse_port(int port) {
    if (port > 0 && port < 65536) atomic_store(&shard_reuse_port[port], 1);
}

// --- Call-ID ----------------------------------------------------------------

#define SHARD_FNV_BASIS 2166136261u

// One byte of FNV-1a (32 bits).
static uint32_t shard_fnv(uint32_t h, unsigned char c) { return (h ^ c) * 16777619u; }

unsigned int legato_shard_hash(unsigned char const *bytes, size_t len) {
    uint32_t h = SHARD_FNV_BASIS;
    for (size_t i = 0; i < len; i++) h = shard_fnv(h, bytes[i]);
    return h;
}

static int shard_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// Matches a header name (case-insensitive) at p, then optional SP/HT and ':'.
// Returns the offset just past the colon, or 0.
static size_t shard_name(char const *p, size_t left, char const *name) {
    size_t n = strlen(name), i;
    if (left <= n) return 0;
    for (i = 0; i < n; i++)
        if (shard_lower((unsigned char)p[i]) != name[i]) return 0;
    while (i < left && (p[i] == ' ' || p[i] == '\t')) i++;
    return i < left && p[i] == ':' ? i + 1 : 0;
}

int legato_shard_call_id_hash(char const *data, size_t len, unsigned int *hash) {
    if (!data || !hash) return 0;
    size_t i = 0;
    // Skip the start line.
    while (i < len && data[i] != '\n') i++;
    i++;
    while (i < len) {
        if (data[i] == '\r' || data[i] == '\n') return 0;  // end of the headers
        size_t colon = shard_name(data + i, len - i, "call-id");
        if (!colon) colon = shard_name(data + i, len - i, "i");
        if (colon) {
            uint32_t h = SHARD_FNV_BASIS;
            size_t count = 0;
            for (size_t j = i + colon; j < len; j++) {
                unsigned char c = (unsigned char)data[j];
                if (c == '\n') {
                    // A line that goes on with SP/HT is the same header (RFC 3261 LWS).
                    if (j + 1 < len && (data[j + 1] == ' ' || data[j + 1] == '\t')) continue;
                    break;
                }
                if (c == ' ' || c == '\t' || c == '\r') continue;
                h = shard_fnv(h, c);
                count++;
            }
            if (!count) return 0;
            *hash = h;
            return 1;
        }
        while (i < len && data[i] != '\n') i++;
        i++;
    }
    return 0;
}

int legato_shard_owner_of(char const *data, size_t len, int count) {
    uint32_t h;
    if (count <= 1 || !legato_shard_call_id_hash(data, len, &h)) return -1;
    return (int)(h % (uint32_t)count);
}

int legato_shard_make_call_id(char *out, size_t cap, int index, int count) {
    static char const alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    if (!out || cap < 25) return 0;
    if (count <= 1) count = 1;
    for (int attempt = 0; attempt < 100000; attempt++) {
        unsigned char random[24];
        if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random) {
            for (size_t k = 0; k < sizeof random; k++) random[k] = (unsigned char)rand();
        }
        for (size_t k = 0; k < 24; k++) out[k] = alphabet[random[k] % 36];
        out[24] = 0;
        if (count == 1 || legato_shard_hash((unsigned char const *)out, 24) % (uint32_t)count == (uint32_t)index)
            return 1;
    }
    return 0;
}

// --- inboxes ------------------------------------------------------------------

int legato_shard_inbox_open(int buffer_bytes, int *port) {
    // Not close-on-exec: the supervisor opens every shard's inbox before it
    // starts the other shards, which inherit them.
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = 0 };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (syscall(SYS_bind, fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    if (buffer_bytes > 0) {
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes, sizeof buffer_bytes) != 0)
            (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer_bytes, sizeof buffer_bytes) != 0)
            (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
    }
    socklen_t len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(addr.sin_port);
    return fd;
}

static void shard_mirror(struct shard_link *link, struct shard_epoll const *rec) {
    if (!rec->active) {
        if (link->mirrored) syscall(SYS_epoll_ctl, link->epfd, EPOLL_CTL_DEL, link->inbox, NULL);
        link->mirrored = 0;
        return;
    }
    struct epoll_event e;
    memset(&e, 0, sizeof e);
    e.events = rec->events & (EPOLLIN | EPOLLPRI);
    e.data.u64 = rec->data;
    if (link->mirrored && link->epfd == rec->epfd) {
        syscall(SYS_epoll_ctl, link->epfd, EPOLL_CTL_MOD, link->inbox, &e);
        return;
    }
    if (link->mirrored) syscall(SYS_epoll_ctl, link->epfd, EPOLL_CTL_DEL, link->inbox, NULL);
    link->epfd = rec->epfd;
    link->mirrored = syscall(SYS_epoll_ctl, rec->epfd, EPOLL_CTL_ADD, link->inbox, &e) == 0;
}

int legato_shard_attach(int fd, int inbox, unsigned short const *ports, int const *fds, int count) {
    if (fd < 0 || fd >= SHARD_MAX_FD || inbox < 0 || !ports || !fds || count < 1 || count > LEGATO_SHARD_MAX) return -1;
    if (shard_link_of(fd)) return -1;
    struct shard_link *link = calloc(1, sizeof *link);
    if (!link) return -1;
    link->inbox = inbox;
    link->count = count;
    memcpy(link->ports, ports, sizeof(uint16_t) * (size_t)count);
    memcpy(link->fds, fds, sizeof(int) * (size_t)count);
    atomic_store_explicit(&shard_links[fd], link, memory_order_release);
    shard_mirror(link, &shard_epoll_of[fd]);
    return link->mirrored ? 0 : -1;
}

void legato_shard_detach(int fd) {
    struct shard_link *link = shard_link_of(fd);
    if (!link) return;
    atomic_store_explicit(&shard_links[fd], NULL, memory_order_release);
    if (link->mirrored) syscall(SYS_epoll_ctl, link->epfd, EPOLL_CTL_DEL, link->inbox, NULL);
    close(link->inbox);
    free(link);
}

// True when `from` is another shard's inbox (127.0.0.1, one of the known ports).
static int shard_trusted(struct shard_link const *link, struct sockaddr_in const *from, socklen_t len) {
    if (len < sizeof *from || from->sin_family != AF_INET || from->sin_addr.s_addr != htonl(INADDR_LOOPBACK))
        return 0;
    uint16_t port = ntohs(from->sin_port);
    for (int k = 0; k < link->count; k++)
        if (link->ports[k] == port && k != shard_index) return 1;
    return 0;
}

// The payload size of the inbox's next valid datagram (0: none). Datagrams
// from anyone but another shard, and runts, are consumed and dropped.
static int shard_inbox_next(struct shard_link const *link) {
    for (;;) {
        struct shard_header header;
        struct sockaddr_in from;
        struct iovec iov = { &header, sizeof header };
        struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n = syscall(SYS_recvmsg, link->inbox, &m, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        if (n < 0) return 0;
        if (n > (ssize_t)sizeof header && header.magic == SHARD_MAGIC && shard_trusted(link, &from, m.msg_namelen))
            return (int)(n - (ssize_t)sizeof header);
        char sink[1];
        (void)syscall(SYS_recvfrom, link->inbox, sink, sizeof sink, MSG_DONTWAIT, NULL, NULL);
    }
}

int legato_shard_take_pending(int fd) {
    if (shard_pending_fd != fd || fd < 0) return 0;
    shard_pending_fd = -1;
    return 1;
}

ssize_t legato_shard_read_inbox(int fd, struct msghdr *msg) {
    struct shard_link *link = shard_link_of(fd);
    if (!link || !msg) {
        errno = EAGAIN;
        return -1;
    }
    struct shard_header header;
    struct sockaddr_in from;
    struct iovec iov[LEGATO_SHARD_MAX_IOV + 1];
    size_t parts = msg->msg_iovlen < LEGATO_SHARD_MAX_IOV ? msg->msg_iovlen : LEGATO_SHARD_MAX_IOV;
    iov[0].iov_base = &header;
    iov[0].iov_len = sizeof header;
    for (size_t k = 0; k < parts; k++) iov[k + 1] = msg->msg_iov[k];
    struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = iov, .msg_iovlen = parts + 1 };
    ssize_t n = syscall(SYS_recvmsg, link->inbox, &m, MSG_DONTWAIT);
    if (n < 0) return -1;
    if (n <= (ssize_t)sizeof header || header.magic != SHARD_MAGIC || !shard_trusted(link, &from, m.msg_namelen)) {
        errno = EAGAIN;
        return -1;
    }
    if (msg->msg_name) {
        socklen_t copy = header.namelen < msg->msg_namelen ? header.namelen : msg->msg_namelen;
        if (copy > sizeof header.peer) copy = sizeof header.peer;
        memcpy(msg->msg_name, &header.peer, copy);
        msg->msg_namelen = copy;
    }
    msg->msg_flags = m.msg_flags;
    msg->msg_controllen = 0;
    return n - (ssize_t)sizeof header;
}

void legato_shard_prepare(int fd, char const *data, size_t data_len) {
    shard_current_owner = -1;
    shard_current_link = NULL;
    if (atomic_load_explicit(&shard_count, memory_order_relaxed) <= 1) return;
    struct shard_link *link = shard_link_of(fd);
    if (!link) return;
    shard_current_link = link;
    shard_current_owner = legato_shard_owner_of(data, data_len, link->count);
}

int legato_shard_owner_queue(int *queued, int *capacity) {
    struct shard_link *link = shard_current_link;
    int owner = shard_current_owner;
    if (!link || owner < 0 || owner == shard_index || link->fds[owner] < 0) return -1;
    return legato_socket_queue(link->fds[owner], queued, capacity);
}

int legato_shard_route(int fd, struct msghdr const *msg, size_t len) {
    struct shard_link *link = shard_current_link;
    int owner = shard_current_owner;
    shard_current_link = NULL;
    shard_current_owner = -1;
    if (!link || link != shard_link_of(fd) || owner < 0 || owner == shard_index) return 0;
    struct shard_header header;
    memset(&header, 0, sizeof header);
    header.magic = SHARD_MAGIC;
    header.namelen = msg->msg_namelen < sizeof header.peer ? msg->msg_namelen : (uint32_t)sizeof header.peer;
    if (msg->msg_name) memcpy(&header.peer, msg->msg_name, header.namelen);
    struct iovec iov[LEGATO_SHARD_MAX_IOV + 1];
    iov[0].iov_base = &header;
    iov[0].iov_len = sizeof header;
    size_t parts = 0, left = len;
    for (size_t k = 0; k < msg->msg_iovlen && parts < LEGATO_SHARD_MAX_IOV && left > 0; k++) {
        size_t take = msg->msg_iov[k].iov_len < left ? msg->msg_iov[k].iov_len : left;
        iov[++parts] = (struct iovec){ msg->msg_iov[k].iov_base, take };
        left -= take;
    }
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(link->ports[owner]) };
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct msghdr out = { .msg_name = &to, .msg_namelen = sizeof to, .msg_iov = iov, .msg_iovlen = parts + 1 };
    // A full inbox drops the datagram, as a full socket would: the peer retransmits.
    (void)syscall(SYS_sendmsg, link->inbox, &out, MSG_DONTWAIT | MSG_NOSIGNAL);
    return 1;
}

// --- system calls as sofia sees them ------------------------------------------

// ioctl(2): FIONREAD on a listener socket reports the inbox's next datagram first.
int ioctl(int fd, unsigned long request, ...) {
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    struct shard_link *link = request == FIONREAD && arg ? shard_link_of(fd) : NULL;
    if (link) {
        int size = shard_inbox_next(link);
        if (size > 0) {
            shard_pending_fd = fd;
            *(int *)arg = size;
            return 0;
        }
        shard_pending_fd = -1;
    }
    return (int)syscall(SYS_ioctl, fd, request, arg);
}

// epoll_ctl(2): remembers registrations, and mirrors a listener's onto its inbox.
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) {
    int result = (int)syscall(SYS_epoll_ctl, epfd, op, fd, event);
    if (result != 0 || fd < 0 || fd >= SHARD_MAX_FD || atomic_load_explicit(&shard_count, memory_order_relaxed) <= 1)
        return result;
    struct shard_epoll *rec = &shard_epoll_of[fd];
    if (op == EPOLL_CTL_DEL) {
        rec->active = 0;
    } else if (event) {
        rec->epfd = epfd;
        rec->events = event->events;
        rec->data = event->data.u64;
        rec->active = 1;
    }
    struct shard_link *link = shard_link_of(fd);
    if (link) shard_mirror(link, rec);
    return result;
}

// bind(2): listener ports are shared by every shard (SO_REUSEPORT).
int bind(int fd, struct sockaddr const *addr, socklen_t len) {
    if (addr && atomic_load_explicit(&shard_count, memory_order_relaxed) > 1) {
        int port = 0;
        if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
            port = ntohs(((struct sockaddr_in const *)addr)->sin_port);
        else if (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
            port = ntohs(((struct sockaddr_in6 const *)addr)->sin6_port);
        if (port > 0 && atomic_load(&shard_reuse_port[port])) {
            int one = 1;
            (void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        }
    }
    return (int)syscall(SYS_bind, fd, addr, len);
}

void legato_cloexec_all_but(int const *keep, int count) {
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return;
    int self = dirfd(dir);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        char *end;
        long fd = strtol(entry->d_name, &end, 10);
        if (*end || end == entry->d_name || fd <= 2 || fd == self) continue;
        int kept = 0;
        for (int k = 0; k < count && !kept; k++) kept = keep[k] == fd;
        if (kept) continue;
        int flags = fcntl((int)fd, F_GETFD);
        if (flags >= 0 && !(flags & FD_CLOEXEC)) (void)fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC);
    }
    closedir(dir);
}

void legato_set_parent_death_signal(int signo) { (void)prctl(PR_SET_PDEATHSIG, signo, 0, 0, 0); }
