/// The To tag of the wire gate's stateless responses, and recognising the ACK
/// that answers one.
///
/// A shed INVITE gets a 503 from the gate, not from sofia, so sofia holds no
/// transaction for it; the caller's ACK for that 503 (RFC 3261 §17.1.1.3: same
/// Call-ID, CSeq number, top Via and From, the 503's To tag) would reach nua
/// as a "strange ACK": parsed, logged at sofia's default level, dropped, and
/// all of it while the loop is past capacity. The gate absorbs it instead.
public enum StatelessTag {
    /// The same tag for an INVITE and its retransmissions (RFC 3261 §8.2.7):
    /// a hash of the transaction key and From, seeded per process.
    public static func tag(for request: TransactionHeaders) -> String {
        var hasher = Hasher()
        hasher.combine(request.transactionKey)
        hasher.combine(request.from)
        return "sl" + String(UInt(bitPattern: hasher.finalize()), radix: 36)
    }

    /// True when `request` is an ACK whose To tag is the one `tag(for:)` gave
    /// its INVITE's stateless response.
    public static func isAckOfStatelessResponse(_ request: TransactionHeaders) -> Bool {
        guard request.cseqMethod == "ACK", let toTag = request.toTag, toTag.starts(with: [115, 108]) else {
            return false
        }
        return toTag == Array(tag(for: request).utf8)
    }
}
