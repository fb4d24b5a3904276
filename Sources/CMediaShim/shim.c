#define _GNU_SOURCE
#include "CMediaShim.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

int legato_media_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

void legato_media_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t r;
    do { r = write(fd, &one, sizeof one); } while (r < 0 && errno == EINTR);
}

void legato_media_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t r;
    do { r = read(fd, &value, sizeof value); } while (r < 0 && errno == EINTR);
}

void legato_media_set_thread_name(const char *name) {
    char buffer[16];
    strncpy(buffer, name, sizeof buffer - 1);
    buffer[sizeof buffer - 1] = 0;
    pthread_setname_np(pthread_self(), buffer);
}

struct legato_mmsg_batch {
    unsigned count;
    unsigned capacity;
    unsigned receive_limit;
    uint8_t *buffers;                     // count * capacity
    struct iovec *receive_iov;            // count
    struct mmsghdr *receive_msgs;         // count
    struct sockaddr_storage *sources;     // count
    struct iovec *send_iov;               // GROUPS * count
    struct mmsghdr *send_msgs;            // GROUPS * count
    unsigned marked[LEGATO_MMSG_GROUPS];
};

legato_mmsg_batch *legato_mmsg_batch_create(unsigned count, unsigned capacity, unsigned receive_limit) {
    if (count == 0 || capacity == 0 || receive_limit == 0 || receive_limit > capacity) return NULL;
    legato_mmsg_batch *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->count = count;
    b->capacity = capacity;
    b->receive_limit = receive_limit;
    b->buffers = calloc(count, capacity);
    b->receive_iov = calloc(count, sizeof *b->receive_iov);
    b->receive_msgs = calloc(count, sizeof *b->receive_msgs);
    b->sources = calloc(count, sizeof *b->sources);
    b->send_iov = calloc((size_t)LEGATO_MMSG_GROUPS * count, sizeof *b->send_iov);
    b->send_msgs = calloc((size_t)LEGATO_MMSG_GROUPS * count, sizeof *b->send_msgs);
    if (!b->buffers || !b->receive_iov || !b->receive_msgs || !b->sources || !b->send_iov || !b->send_msgs) {
        legato_mmsg_batch_destroy(b);
        return NULL;
    }
    for (unsigned i = 0; i < count; i++) {
        b->receive_iov[i].iov_base = b->buffers + (size_t)i * capacity;
        b->receive_iov[i].iov_len = receive_limit;
        b->receive_msgs[i].msg_hdr.msg_iov = &b->receive_iov[i];
        b->receive_msgs[i].msg_hdr.msg_iovlen = 1;
        b->receive_msgs[i].msg_hdr.msg_name = &b->sources[i];
    }
    for (unsigned i = 0; i < LEGATO_MMSG_GROUPS * count; i++) {
        b->send_msgs[i].msg_hdr.msg_iov = &b->send_iov[i];
        b->send_msgs[i].msg_hdr.msg_iovlen = 1;
    }
    return b;
}

void legato_mmsg_batch_destroy(legato_mmsg_batch *b) {
    if (!b) return;
    free(b->buffers);
    free(b->receive_iov);
    free(b->receive_msgs);
    free(b->sources);
    free(b->send_iov);
    free(b->send_msgs);
    free(b);
}

int legato_mmsg_receive(int fd, legato_mmsg_batch *b) {
    for (unsigned g = 0; g < LEGATO_MMSG_GROUPS; g++) b->marked[g] = 0;
    for (unsigned i = 0; i < b->count; i++) {
        b->receive_msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
        b->receive_msgs[i].msg_hdr.msg_controllen = 0;
        b->receive_msgs[i].msg_hdr.msg_flags = 0;
        b->receive_msgs[i].msg_len = 0;
    }
    int n;
    do { n = recvmmsg(fd, b->receive_msgs, b->count, MSG_DONTWAIT, NULL); } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    return n;
}

uint8_t *legato_mmsg_buffer(legato_mmsg_batch *b, unsigned index) {
    return b->buffers + (size_t)index * b->capacity;
}

unsigned legato_mmsg_length(const legato_mmsg_batch *b, unsigned index) {
    return b->receive_msgs[index].msg_len;
}

void legato_mmsg_set_length(legato_mmsg_batch *b, unsigned index, unsigned length) {
    b->receive_msgs[index].msg_len = length <= b->capacity ? length : b->capacity;
}

const struct sockaddr_storage *legato_mmsg_source(const legato_mmsg_batch *b, unsigned index) {
    return &b->sources[index];
}

socklen_t legato_mmsg_source_length(const legato_mmsg_batch *b, unsigned index) {
    return b->receive_msgs[index].msg_hdr.msg_namelen;
}

void legato_mmsg_mark(legato_mmsg_batch *b, unsigned group, unsigned index,
                      const struct sockaddr_storage *destination, socklen_t destination_length) {
    if (group >= LEGATO_MMSG_GROUPS || index >= b->count) return;
    if (b->marked[group] >= b->count) return;
    unsigned slot = group * b->count + b->marked[group];
    b->send_iov[slot].iov_base = legato_mmsg_buffer(b, index);
    b->send_iov[slot].iov_len = b->receive_msgs[index].msg_len;
    b->send_msgs[slot].msg_hdr.msg_name = (void *)destination;
    b->send_msgs[slot].msg_hdr.msg_namelen = destination_length;
    b->send_msgs[slot].msg_len = 0;
    b->marked[group]++;
}

unsigned legato_mmsg_marked(const legato_mmsg_batch *b, unsigned group) {
    return group < LEGATO_MMSG_GROUPS ? b->marked[group] : 0;
}

unsigned legato_mmsg_send(int fd, legato_mmsg_batch *b, unsigned group, uint64_t *bytes_sent) {
    uint64_t bytes = 0;
    unsigned sent = 0;
    if (group >= LEGATO_MMSG_GROUPS) { if (bytes_sent) *bytes_sent = 0; return 0; }
    struct mmsghdr *msgs = b->send_msgs + (size_t)group * b->count;
    unsigned total = b->marked[group];
    unsigned offset = 0;
    while (offset < total) {
        int r = sendmmsg(fd, msgs + offset, total - offset, MSG_DONTWAIT);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) break;  // socket full: drop the rest
            offset++;  // this packet could not be sent (EAGAIN, unreachable...): skip it
            continue;
        }
        if (r == 0) break;
        for (int i = 0; i < r; i++) bytes += msgs[offset + i].msg_len;
        sent += (unsigned)r;
        offset += (unsigned)r;
    }
    b->marked[group] = 0;
    if (bytes_sent) *bytes_sent = bytes;
    return sent;
}

int legato_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
    if (a->ss_family != b->ss_family) return 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const struct sockaddr_in *)a, *y = (const struct sockaddr_in *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a, *y = (const struct sockaddr_in6 *)b;
        return x->sin6_port == y->sin6_port
            && memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0
            && x->sin6_scope_id == y->sin6_scope_id;
    }
    return 0;
}
