/*
 * rtpload: RTP/SRTP load generator for scripts/bench-media.
 *
 * Sends one G.711 stream per table entry (PCMU, 160-byte payload, one packet
 * every 20 ms, RTP timestamp += 160) from a few local UDP sockets towards a
 * relay, receives what the relay forwards back on the same sockets, and
 * measures loss, delay and added jitter per stream.
 *
 *   rtpload --table FILE --warmup SECONDS --duration SECONDS [--verify-calls N]
 *
 * Table (whitespace separated, '#' comments):
 *   sock   <index> <local port>
 *   stream <id> <sock index> <dest port> <expect sock index> <tx key|-> <arrival key|->
 *
 * A stream is one direction of one call: packets leave from socket <sock>
 * towards 127.0.0.1:<dest port> (a port of the relay) with SSRC 0x5EED0000+id
 * and must come back out of the relay on socket <expect sock> (the other
 * side of the call).  <tx key>: base64 SDES key+salt (30 bytes,
 * AES_CM_128_HMAC_SHA1_80) used to protect what this stream sends (the relay
 * leg it enters is SRTP); <arrival key>: the key the relay protects this
 * stream with when it leaves on an SRTP leg.  Arriving SRTP is counted by its
 * cleartext RTP header; those of the first N calls (--verify-calls, default
 * all; stream ids < 2N) are also unprotected with the arrival key and
 * authentication failures are counted.  (libsrtp2 on Debian uses NSS, about
 * 4.6 us per packet here, so verifying everything at 1,500 calls would cost
 * the generator a third of a core.)
 *
 * Pacing: a 1 ms tick; stream id s sends in slot s % 20 of each 20 ms, so
 * the load is spread over the period (as independent calls would be).  All
 * packets of a slot that leave the same socket go in one sendmmsg (one
 * mmsghdr per destination).  After each tick every socket is drained with
 * recvmmsg; arrival times are the kernel's receive timestamps
 * (SO_TIMESTAMPNS), so how late the generator reads does not count.
 *
 * Measurement: packets with sequence numbers sent during the window
 * [warmup, warmup + duration) are counted.  Delay = kernel arrival time -
 * time just before the sendmmsg that carried the packet.  Jitter is RFC 3550
 * interarrival jitter computed with the real send times instead of the RTP
 * timestamp, i.e. the jitter the relay added (the generator's own scheduling
 * jitter cancels out).  On stdout: "WINDOW_START" and "WINDOW_END" lines at
 * the window's edges (the orchestrator samples CPU there), then one JSON
 * line "RESULT {...}".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef WITH_SRTP
#include <srtp2/srtp.h>
#endif

#define MAX_SOCKS 64
#define RING 256                /* send times remembered per stream (5 s) */
#define PAYLOAD 160
#define RTP_LEN (12 + PAYLOAD)
#define BUF_LEN 256             /* room for the SRTP tag */
#define RX_BATCH 256
#define HIST_US 200000          /* delay histogram: 1 us buckets up to 200 ms */
#define SSRC_BASE 0x5EED0000u

struct stream {
    int sock, expect_sock;
    struct sockaddr_in dest;
    uint64_t send_ns[RING];
    uint16_t send_seq[RING];
    /* receive side (this stream's packets arriving back) */
    uint8_t *seen;              /* bitmap over the window's sequence numbers */
    uint64_t received, dup, wrong_sock, late_or_unknown, srtp_fail;
    int have_transit;
    double last_transit, jitter;
    uint64_t max_delay_ns;
#ifdef WITH_SRTP
    srtp_t tx, rx;
#endif
    int has_tx_key, has_rx_key;
};

static struct stream *streams;
static int nstreams;
static int socks[MAX_SOCKS];
static int sock_port[MAX_SOCKS];
static int nsocks;
static uint64_t hist[HIST_US + 1];
static uint64_t rx_ovfl[MAX_SOCKS];
static uint64_t send_errors, foreign_packets;
static int verify_streams = -1;   /* -1: all */

static uint64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *msg)
{
    fprintf(stderr, "rtpload: %s: %s\n", msg, strerror(errno));
    exit(2);
}

#ifdef WITH_SRTP
static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

static int b64decode(const char *in, uint8_t *out, int max)
{
    int n = 0, bits = 0, acc = 0;
    for (; *in && *in != '='; in++) {
        int v = b64val((unsigned char)*in);
        if (v < 0) return -1;
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= max) return -1;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    return n;
}

static void make_session(srtp_t *s, const char *b64, int outbound)
{
    uint8_t key[64];
    int n = b64decode(b64, key, sizeof key);
    if (n != 30) {
        fprintf(stderr, "rtpload: key '%s' is not 30 bytes of base64\n", b64);
        exit(2);
    }
    srtp_policy_t p;
    memset(&p, 0, sizeof p);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
    p.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    p.key = key;
    p.window_size = 1024;
    p.allow_repeat_tx = 0;
    if (srtp_create(s, &p) != srtp_err_status_ok) {
        fprintf(stderr, "rtpload: srtp_create failed\n");
        exit(2);
    }
}
#endif

static void load_table(const char *path, int window_packets)
{
    FILE *f = fopen(path, "r");
    if (!f) die(path);
    char line[512];
    int cap = 1024;
    streams = calloc(cap, sizeof *streams);
    while (fgets(line, sizeof line, f)) {
        char kind[16], txk[128], rxk[128];
        int a, b, c, d;
        if (line[0] == '#' || sscanf(line, "%15s", kind) != 1) continue;
        if (!strcmp(kind, "sock")) {
            if (sscanf(line, "%*s %d %d", &a, &b) != 2 || a != nsocks || a >= MAX_SOCKS) {
                fprintf(stderr, "rtpload: bad sock line: %s", line);
                exit(2);
            }
            sock_port[nsocks++] = b;
        } else if (!strcmp(kind, "stream")) {
            if (sscanf(line, "%*s %d %d %d %d %127s %127s", &a, &b, &c, &d, txk, rxk) != 6 || a != nstreams ||
                b >= nsocks || d >= nsocks) {
                fprintf(stderr, "rtpload: bad stream line: %s", line);
                exit(2);
            }
            if (nstreams == cap) {
                cap *= 2;
                streams = realloc(streams, cap * sizeof *streams);
                memset(streams + nstreams, 0, (cap - nstreams) * sizeof *streams);
            }
            struct stream *s = &streams[nstreams++];
            s->sock = b;
            s->expect_sock = d;
            s->dest.sin_family = AF_INET;
            s->dest.sin_port = htons((uint16_t)c);
            s->dest.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            s->seen = calloc((window_packets + 7) / 8 + 1, 1);
            for (int i = 0; i < RING; i++) s->send_seq[i] = 0xFFFF;
            s->has_tx_key = strcmp(txk, "-") != 0;
            s->has_rx_key = strcmp(rxk, "-") != 0;
#ifdef WITH_SRTP
            if (s->has_tx_key) make_session(&s->tx, txk, 1);
            if (s->has_rx_key) make_session(&s->rx, rxk, 0);
#else
            if (s->has_tx_key || s->has_rx_key) {
                fprintf(stderr, "rtpload: built without SRTP (-DWITH_SRTP -lsrtp2)\n");
                exit(2);
            }
#endif
        }
    }
    fclose(f);
    if (!nsocks || !nstreams) {
        fprintf(stderr, "rtpload: empty table\n");
        exit(2);
    }
}

static void open_sockets(void)
{
    for (int i = 0; i < nsocks; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) die("socket");
        int big = 64 << 20, one = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
        big = 16 << 20;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) < 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
        setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
        setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)sock_port[i]),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
            fprintf(stderr, "rtpload: bind 127.0.0.1:%d: %s\n", sock_port[i], strerror(errno));
            exit(2);
        }
        socks[i] = fd;
    }
}

/* ------------------------------------------------------------------ receive */

static int win_lo, win_hi;      /* window's sequence numbers [lo, hi) */
static uint64_t rx_total_window, rx_total;

static void on_packet(int sock, uint8_t *p, int len, uint64_t arrival_ns)
{
    rx_total++;
    if (len < 12 || (p[0] & 0xC0) != 0x80) {
        foreign_packets++;
        return;
    }
    uint16_t seq = (uint16_t)(p[2] << 8 | p[3]);
    uint32_t ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
    uint32_t id = ssrc - SSRC_BASE;
    if (ssrc < SSRC_BASE || id >= (uint32_t)nstreams) {
        foreign_packets++;
        return;
    }
    struct stream *s = &streams[id];
    if (sock != s->expect_sock) s->wrong_sock++;
#ifdef WITH_SRTP
    if (s->has_rx_key && (verify_streams < 0 || (int)id < 2 * verify_streams)) {
        int l = len;
        if (srtp_unprotect(s->rx, p, &l) != srtp_err_status_ok) s->srtp_fail++;
    }
#endif
    if (seq < win_lo || seq >= win_hi) return;
    int bit = seq - win_lo;
    if (s->seen[bit >> 3] & (1 << (bit & 7))) {
        s->dup++;
        return;
    }
    s->seen[bit >> 3] |= (uint8_t)(1 << (bit & 7));
    s->received++;
    rx_total_window++;
    int slot = seq % RING;
    if (s->send_seq[slot] != seq || !arrival_ns) {
        s->late_or_unknown++;
        return;
    }
    double transit = (double)arrival_ns - (double)s->send_ns[slot];
    uint64_t d = transit > 0 ? (uint64_t)transit : 0;
    if (d > s->max_delay_ns) s->max_delay_ns = d;
    uint64_t us = d / 1000;
    hist[us > HIST_US ? HIST_US : us]++;
    if (s->have_transit) {
        double D = fabs(transit - s->last_transit);
        s->jitter += (D - s->jitter) / 16.0;
    }
    s->have_transit = 1;
    s->last_transit = transit;
}

static uint8_t rxbuf[RX_BATCH][2048];
static char rxctl[RX_BATCH][256];

static void drain(int si)
{
    struct mmsghdr m[RX_BATCH];
    struct iovec iov[RX_BATCH];
    for (;;) {
        for (int i = 0; i < RX_BATCH; i++) {
            iov[i].iov_base = rxbuf[i];
            iov[i].iov_len = sizeof rxbuf[i];
            memset(&m[i].msg_hdr, 0, sizeof m[i].msg_hdr);
            m[i].msg_hdr.msg_iov = &iov[i];
            m[i].msg_hdr.msg_iovlen = 1;
            m[i].msg_hdr.msg_control = rxctl[i];
            m[i].msg_hdr.msg_controllen = sizeof rxctl[i];
        }
        int n = recvmmsg(socks[si], m, RX_BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) return;
        for (int i = 0; i < n; i++) {
            uint64_t ts = 0;
            for (struct cmsghdr *c = CMSG_FIRSTHDR(&m[i].msg_hdr); c; c = CMSG_NXTHDR(&m[i].msg_hdr, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                    struct timespec t;
                    memcpy(&t, CMSG_DATA(c), sizeof t);
                    ts = (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
                } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
                    uint32_t drops;
                    memcpy(&drops, CMSG_DATA(c), sizeof drops);
                    if (drops > rx_ovfl[si]) rx_ovfl[si] = drops;
                }
            }
            on_packet(si, rxbuf[i], (int)m[i].msg_len, ts);
        }
        if (n < RX_BATCH) return;
    }
}

/* ------------------------------------------------------------------ send */

static int *slot_streams[20];
static int slot_count[20];

static void send_slot(int slot, uint16_t seq)
{
    static uint8_t (*buf)[BUF_LEN];
    static struct mmsghdr *m;
    static struct iovec *iov;
    static int cap;
    int n = slot_count[slot];
    if (n > cap) {
        cap = n;
        buf = realloc(buf, (size_t)cap * BUF_LEN);
        m = realloc(m, (size_t)cap * sizeof *m);
        iov = realloc(iov, (size_t)cap * sizeof *iov);
    }
    for (int si = 0; si < nsocks; si++) {
        int k = 0;
        uint64_t t = now_ns(CLOCK_REALTIME);
        for (int j = 0; j < n; j++) {
            int id = slot_streams[slot][j];
            struct stream *s = &streams[id];
            if (s->sock != si) continue;
            uint8_t *p = buf[k];
            uint32_t ts = (uint32_t)seq * 160u, ssrc = SSRC_BASE + (uint32_t)id;
            p[0] = 0x80;
            p[1] = 0;           /* PT 0 PCMU */
            p[2] = seq >> 8;
            p[3] = seq & 0xFF;
            p[4] = ts >> 24; p[5] = ts >> 16; p[6] = ts >> 8; p[7] = ts;
            p[8] = ssrc >> 24; p[9] = ssrc >> 16; p[10] = ssrc >> 8; p[11] = ssrc;
            memset(p + 12, 0xFF, PAYLOAD);
            int len = RTP_LEN;
#ifdef WITH_SRTP
            if (s->has_tx_key && srtp_protect(s->tx, p, &len) != srtp_err_status_ok) {
                fprintf(stderr, "rtpload: srtp_protect failed\n");
                exit(2);
            }
#endif
            s->send_ns[seq % RING] = t;
            s->send_seq[seq % RING] = seq;
            iov[k].iov_base = p;
            iov[k].iov_len = (size_t)len;
            memset(&m[k].msg_hdr, 0, sizeof m[k].msg_hdr);
            m[k].msg_hdr.msg_name = &s->dest;
            m[k].msg_hdr.msg_namelen = sizeof s->dest;
            m[k].msg_hdr.msg_iov = &iov[k];
            m[k].msg_hdr.msg_iovlen = 1;
            k++;
        }
        int off = 0;
        while (off < k) {
            int r = sendmmsg(socks[si], m + off, (unsigned)(k - off), 0);
            if (r < 0) {
                if (errno == EINTR) continue;
                send_errors++;      /* skip the packet at the head and go on */
                off++;
                continue;
            }
            off += r;
        }
    }
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    const char *table = NULL;
    double warmup = 2, duration = 10;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--table") && i + 1 < argc) table = argv[++i];
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = atof(argv[++i]);
        else if (!strcmp(argv[i], "--duration") && i + 1 < argc) duration = atof(argv[++i]);
        else if (!strcmp(argv[i], "--verify-calls") && i + 1 < argc) verify_streams = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: rtpload --table FILE [--warmup S] [--duration S] [--verify-calls N]\n");
            return 2;
        }
    }
    if (!table) {
        fprintf(stderr, "rtpload: --table is required\n");
        return 2;
    }
    int warm_pk = (int)(warmup * 50), win_pk = (int)(duration * 50);
    if (warm_pk < 1 || win_pk < 1 || warm_pk + win_pk + 100 > 65000) {
        fprintf(stderr, "rtpload: warmup + duration must stay under 1,300 s\n");
        return 2;
    }
    win_lo = warm_pk;
    win_hi = warm_pk + win_pk;
#ifdef WITH_SRTP
    if (srtp_init() != srtp_err_status_ok) {
        fprintf(stderr, "rtpload: srtp_init failed\n");
        return 2;
    }
#endif
    load_table(table, win_pk);
    open_sockets();
    for (int s = 0; s < 20; s++) slot_streams[s] = malloc(sizeof(int) * (size_t)(nstreams / 20 + 1));
    for (int id = 0; id < nstreams; id++) {
        int s = id % 20;
        slot_streams[s][slot_count[s]++] = id;
    }

    /* one tick per ms; sequence number k is sent at ticks 20k .. 20k+19 */
    long total_ticks = (long)(warm_pk + win_pk) * 20;
    uint64_t start = now_ns(CLOCK_MONOTONIC) + 5000000ull;
    uint64_t max_late = 0, late_ticks = 0;
    long tick = 0;
    while (tick < total_ticks) {
        uint64_t due = start + (uint64_t)tick * 1000000ull;
        struct timespec ts = {.tv_sec = (time_t)(due / 1000000000ull), .tv_nsec = (long)(due % 1000000000ull)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
        uint64_t now = now_ns(CLOCK_MONOTONIC);
        /* catch up on every tick that is due (late ticks are counted) */
        while (tick < total_ticks && start + (uint64_t)tick * 1000000ull <= now) {
            uint64_t late = now - (start + (uint64_t)tick * 1000000ull);
            if (late > max_late) max_late = late;
            if (late > 2000000ull) late_ticks++;
            if (tick == (long)warm_pk * 20) {
                printf("WINDOW_START\n");
                fflush(stdout);
            }
            send_slot((int)(tick % 20), (uint16_t)(tick / 20));
            tick++;
        }
        for (int si = 0; si < nsocks; si++) drain(si);
    }
    printf("WINDOW_END\n");
    fflush(stdout);
    /* the window's last packets are still in flight: keep draining 500 ms */
    uint64_t until = now_ns(CLOCK_MONOTONIC) + 500000000ull;
    while (now_ns(CLOCK_MONOTONIC) < until) {
        for (int si = 0; si < nsocks; si++) drain(si);
        usleep(1000);
    }

    uint64_t expected = (uint64_t)win_pk * (uint64_t)nstreams, received = 0, dup = 0, wrong = 0, unknown = 0,
             srtp_fail = 0, streams_with_loss = 0, ovfl = 0;
    double jsum = 0, jmax = 0;
    uint64_t dmax = 0;
    for (int i = 0; i < nstreams; i++) {
        struct stream *s = &streams[i];
        received += s->received;
        dup += s->dup;
        wrong += s->wrong_sock;
        unknown += s->late_or_unknown;
        srtp_fail += s->srtp_fail;
        if (s->received < (uint64_t)win_pk) streams_with_loss++;
        jsum += s->jitter;
        if (s->jitter > jmax) jmax = s->jitter;
        if (s->max_delay_ns > dmax) dmax = s->max_delay_ns;
    }
    for (int si = 0; si < nsocks; si++) ovfl += rx_ovfl[si];
    uint64_t counted = 0;
    for (int i = 0; i <= HIST_US; i++) counted += hist[i];
    double pct[3] = {0.5, 0.99, 0.999};
    long pval[3] = {-1, -1, -1};
    uint64_t acc = 0;
    int pi = 0;
    for (int i = 0; i <= HIST_US && pi < 3; i++) {
        acc += hist[i];
        while (pi < 3 && counted && acc >= (uint64_t)ceil(pct[pi] * (double)counted)) pval[pi++] = i;
    }
    printf("RESULT {\"streams\": %d, \"window_s\": %.3f, \"expected\": %llu, \"received\": %llu, "
           "\"lost\": %lld, \"streams_with_loss\": %llu, \"duplicates\": %llu, \"wrong_socket\": %llu, "
           "\"no_send_time\": %llu, \"srtp_auth_fail\": %llu, \"srtp_verified_calls\": %d, \"foreign\": %llu, "
           "\"send_errors\": %llu, \"generator_rx_drops\": %llu, \"jitter_mean_us\": %.2f, "
           "\"jitter_max_us\": %.2f, \"delay_p50_us\": %ld, \"delay_p99_us\": %ld, \"delay_p999_us\": %ld, "
           "\"delay_max_us\": %.1f, \"generator_late_ticks\": %llu, \"generator_max_late_us\": %.1f, "
           "\"rx_total\": %llu}\n",
           nstreams, duration, (unsigned long long)expected, (unsigned long long)received,
           (long long)expected - (long long)received, (unsigned long long)streams_with_loss,
           (unsigned long long)dup, (unsigned long long)wrong, (unsigned long long)unknown,
           (unsigned long long)srtp_fail, verify_streams, (unsigned long long)foreign_packets,
           (unsigned long long)send_errors, (unsigned long long)ovfl, jsum / nstreams / 1000.0, jmax / 1000.0,
           pval[0], pval[1], pval[2], dmax / 1000.0, (unsigned long long)late_ticks, max_late / 1000.0,
           (unsigned long long)rx_total);
    fflush(stdout);
    return 0;
}
