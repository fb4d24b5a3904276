/*
 * floor-relay: the simplest RTP relay that can do the job, as a floor for
 * scripts/bench-media's CPU-per-packet comparison.
 *
 *   floor-relay --table FILE --base PORT
 *
 * One thread, one epoll (level-triggered), two UDP sockets per call (leg A,
 * leg B) on fixed ports from PORT upwards (a port that is taken is skipped),
 * plain recvfrom/sendto, one packet per readiness event.  A packet received
 * on one leg is sent from the other leg's socket to that leg's remote.
 * Symmetric: the source of what a leg receives becomes that leg's remote.
 *
 * Table lines: "call <index> <remote port A> <remote port B> [<key in B> <key out B>]"
 * (remotes on 127.0.0.1).  With the two keys (base64 SDES key+salt,
 * AES_CM_128_HMAC_SHA1_80; needs -DWITH_SRTP -lsrtp2) leg B is SRTP:
 * packets received on B are unprotected with <key in B>, packets sent on B
 * are protected with <key out B> - the SRTP floor for RTP<->SRTP.
 *
 * Prints "call <index> <port A> <port B>" per call, then "READY", then runs
 * until SIGTERM/SIGINT and prints "STATS relayed=N dropped=M".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef WITH_SRTP
#include <srtp2/srtp.h>
#endif

struct leg {
    int fd;
    struct sockaddr_in remote;
#ifdef WITH_SRTP
    srtp_t in, out;             /* SRTP leg: unprotect what arrives, protect what leaves */
#endif
    int srtp;
};

static struct leg *legs;        /* call i: legs[2i] = A, legs[2i+1] = B */
static int ncalls;
static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void)sig; stop = 1; }

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

static void session(srtp_t *s, const char *b64, int outbound)
{
    uint8_t key[64];
    int n = 0, bits = 0, acc = 0;
    for (; *b64 && *b64 != '=' && n < (int)sizeof key; b64++) {
        int v = b64val((unsigned char)*b64);
        if (v < 0) break;
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8) { bits -= 8; key[n++] = (uint8_t)(acc >> bits); }
    }
    if (n != 30) { fprintf(stderr, "floor-relay: bad key\n"); exit(2); }
    srtp_policy_t p;
    memset(&p, 0, sizeof p);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
    p.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    p.key = key;
    p.window_size = 1024;
    if (srtp_create(s, &p) != srtp_err_status_ok) { fprintf(stderr, "floor-relay: srtp_create\n"); exit(2); }
}
#endif

static int bind_from(int *port)
{
    for (; *port < 65535; (*port)++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) { perror("socket"); exit(2); }
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)*port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0) return fd;
        close(fd);
    }
    fprintf(stderr, "floor-relay: out of ports\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *table = NULL;
    int port = 50000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--table") && i + 1 < argc) table = argv[++i];
        else if (!strcmp(argv[i], "--base") && i + 1 < argc) port = atoi(argv[++i]);
        else { fprintf(stderr, "usage: floor-relay --table FILE --base PORT\n"); return 2; }
    }
    if (!table) { fprintf(stderr, "floor-relay: --table is required\n"); return 2; }
#ifdef WITH_SRTP
    srtp_init();
#endif
    FILE *f = fopen(table, "r");
    if (!f) { perror(table); return 2; }
    int cap = 1024;
    legs = calloc((size_t)cap * 2, sizeof *legs);
    char line[512];
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    while (fgets(line, sizeof line, f)) {
        int idx, ra, rb;
        char kin[128], kout[128];
        int n = sscanf(line, "call %d %d %d %127s %127s", &idx, &ra, &rb, kin, kout);
        if (n < 3) continue;
        if (ncalls == cap) {
            cap *= 2;
            legs = realloc(legs, (size_t)cap * 2 * sizeof *legs);
        }
        struct leg *a = &legs[2 * ncalls], *b = a + 1;
        memset(a, 0, 2 * sizeof *a);
        int ports[2];
        for (int k = 0; k < 2; k++) {
            struct leg *l = a + k;
            l->fd = bind_from(&port);
            ports[k] = port++;
            l->remote.sin_family = AF_INET;
            l->remote.sin_port = htons((uint16_t)(k ? rb : ra));
            l->remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)(2 * ncalls + k)};
            if (epoll_ctl(epfd, EPOLL_CTL_ADD, l->fd, &ev) < 0) { perror("epoll_ctl"); return 2; }
        }
        if (n == 5) {
#ifdef WITH_SRTP
            session(&b->in, kin, 0);
            session(&b->out, kout, 1);
            b->srtp = 1;
#else
            fprintf(stderr, "floor-relay: built without SRTP\n");
            return 2;
#endif
        }
        printf("call %d %d %d\n", idx, ports[0], ports[1]);
        ncalls++;
    }
    fclose(f);
    printf("READY\n");
    fflush(stdout);

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    unsigned long long relayed = 0, dropped = 0;
    struct epoll_event ev[256];
    uint8_t buf[2048];
    while (!stop) {
        int n = epoll_wait(epfd, ev, 256, 200);
        for (int i = 0; i < n; i++) {
            uint32_t li = ev[i].data.u32;
            struct leg *in = &legs[li], *out = &legs[li ^ 1];
            struct sockaddr_in src;
            socklen_t sl = sizeof src;
            ssize_t len = recvfrom(in->fd, buf, sizeof buf - 64, 0, (struct sockaddr *)&src, &sl);
            if (len <= 0) continue;
            if (src.sin_port != in->remote.sin_port || src.sin_addr.s_addr != in->remote.sin_addr.s_addr)
                in->remote = src;
            int l = (int)len;
#ifdef WITH_SRTP
            if (in->srtp && srtp_unprotect(in->in, buf, &l) != srtp_err_status_ok) { dropped++; continue; }
            if (out->srtp && srtp_protect(out->out, buf, &l) != srtp_err_status_ok) { dropped++; continue; }
#endif
            if (sendto(out->fd, buf, (size_t)l, 0, (struct sockaddr *)&out->remote, sizeof out->remote) < 0)
                dropped++;
            else
                relayed++;
        }
    }
    printf("STATS relayed=%llu dropped=%llu\n", relayed, dropped);
    return 0;
}
