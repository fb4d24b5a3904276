internal import CLibcrypto
#if canImport(Glibc)
import Glibc
#endif

/// The secure random source for SRTP master keys: `getrandom(2)` with no
/// flags (the kernel CSPRNG; blocks only until it is seeded at boot).
enum SRTPRandom {
    /// Fills `count` bytes from the kernel CSPRNG.
    static func bytes(_ count: Int) throws(SRTPKeyError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        var failure: Int32 = 0
        out.withUnsafeMutableBytes { buffer in
            while filled < count {
                let n = getrandom(buffer.baseAddress! + filled, count - filled, 0)
                if n > 0 {
                    filled += n
                } else if n < 0, errno == EINTR {
                    continue
                } else {
                    failure = n < 0 ? errno : EIO
                    return
                }
            }
        }
        guard failure == 0 else { throw .randomSourceFailed(errno: failure) }
        return out
    }
}
