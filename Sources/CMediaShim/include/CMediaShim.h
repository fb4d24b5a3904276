// C shim for the media workers: the few Linux calls Swift's Glibc module does
// not export (eventfd, recvmmsg/sendmmsg and struct mmsghdr), kept as thin
// wrappers. Nothing here allocates per packet: a packet batch is allocated once
// per worker and reused for every receive.
#ifndef LEGATO_CMEDIASHIM_H
#define LEGATO_CMEDIASHIM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

// --- eventfd (worker wake-up) ---------------------------------------------

/// eventfd(0, EFD_NONBLOCK|EFD_CLOEXEC); -1 with errno on failure.
int legato_media_eventfd(void);
/// Adds 1 to the counter (wakes the reader). Thread-safe, async-signal-safe.
void legato_media_eventfd_signal(int fd);
/// Reads (and so clears) the counter.
void legato_media_eventfd_drain(int fd);

/// Names the calling thread (at most 15 characters are kept).
void legato_media_set_thread_name(const char *name);

// --- packet batches (recvmmsg / sendmmsg) ------------------------------------

/// Number of send groups a batch can hold: packets marked in the same group
/// leave through the same socket in one sendmmsg.
#define LEGATO_MMSG_GROUPS 2

/// A fixed set of `count` packet buffers of `capacity` bytes each, with the
/// msghdr/iovec/sockaddr arrays recvmmsg and sendmmsg need. Opaque to Swift.
typedef struct legato_mmsg_batch legato_mmsg_batch;

/// Allocates a batch; NULL on failure. `receive_limit` (<= capacity) is how
/// many bytes a receive may fill, leaving the rest as tail room for processing
/// that grows a packet (e.g. an SRTP auth tag).
legato_mmsg_batch *legato_mmsg_batch_create(unsigned count, unsigned capacity, unsigned receive_limit);
void legato_mmsg_batch_destroy(legato_mmsg_batch *batch);

/// recvmmsg(fd, ..., MSG_DONTWAIT) into the batch (all send marks cleared
/// first). Returns the number of packets received (0 when nothing was
/// pending), or -1 with errno for a real error.
int legato_mmsg_receive(int fd, legato_mmsg_batch *batch);

/// Buffer of packet `index` (capacity bytes).
uint8_t *legato_mmsg_buffer(legato_mmsg_batch *batch, unsigned index);
/// Length of packet `index` as received (or as set by legato_mmsg_set_length).
unsigned legato_mmsg_length(const legato_mmsg_batch *batch, unsigned index);
/// Changes the length of packet `index` before it is sent (<= capacity).
void legato_mmsg_set_length(legato_mmsg_batch *batch, unsigned index, unsigned length);
/// Source address of packet `index`.
const struct sockaddr_storage *legato_mmsg_source(const legato_mmsg_batch *batch, unsigned index);
socklen_t legato_mmsg_source_length(const legato_mmsg_batch *batch, unsigned index);

/// Marks packet `index` to be sent in `group` (0 or 1) to `destination`
/// (which must stay valid until legato_mmsg_send for that group).
void legato_mmsg_mark(legato_mmsg_batch *batch, unsigned group, unsigned index,
                      const struct sockaddr_storage *destination, socklen_t destination_length);
/// Number of packets marked in `group`.
unsigned legato_mmsg_marked(const legato_mmsg_batch *batch, unsigned group);

/// sendmmsg of every packet marked in `group` from `fd`, then clears the
/// group. Packets the kernel refuses (EAGAIN, or any per-packet error) are
/// skipped. Returns the number of packets sent; `*bytes_sent` gets their
/// total size.
unsigned legato_mmsg_send(int fd, legato_mmsg_batch *batch, unsigned group, uint64_t *bytes_sent);

// --- addresses ------------------------------------------------------------

/// 1 when both addresses have the same family, address and port.
int legato_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

#endif
