// OpenSSL's libcrypto (pkg-config: libcrypto) for the SRTP backend: AES-CTR and
// AES-GCM through EVP, SHA-1 block state for HMAC. The low-level SHA1_* calls are
// deprecated in OpenSSL 3 but exported and allocation-free (a SHA_CTX is a plain
// struct that can be copied by value), which is what a per-packet HMAC wants.
// Also MD5/SHA-256 (EVP_Digest) and one-shot HMAC for SIP digest authentication.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
// getrandom(2): the secure RNG for SRTP master keys (not exported by Swift's Glibc module).
#include <sys/random.h>
