// Internal to CSofiaShim: the shard router's hooks in the wire gate's recvmsg.
#ifndef LEGATO_SHARD_ROUTER_H
#define LEGATO_SHARD_ROUTER_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#define LEGATO_SHARD_MAX_IOV 16

/// True (once) when ioctl(FIONREAD) on `fd` answered for its inbox's next
/// datagram on this thread: the recvmsg that follows must read the inbox.
int legato_shard_take_pending(int fd);
/// Reads the inbox datagram of listener socket `fd` into `msg` (payload into
/// its iovecs, original source into msg_name). -1 with errno set when none.
ssize_t legato_shard_read_inbox(int fd, struct msghdr *msg);
/// Before the gate decides on a datagram read from `fd`: finds the shard
/// that owns its Call-ID (`data`, `data_len`: its first bytes).
void legato_shard_prepare(int fd, char const *data, size_t data_len);
/// During the gate's decision: the receive queue of the owner's inbox when
/// another shard owns the datagram (0), else -1.
int legato_shard_owner_queue(int *queued, int *capacity);
/// After the gate let the datagram of `len` bytes in `msg` through: when
/// another shard owns it (legato_shard_prepare), sends it to that shard's
/// inbox and returns 1 (the datagram is consumed); else 0.
int legato_shard_route(int fd, struct msghdr const *msg, size_t len);

#endif
