import CSRTP
@testable import LegatoMedia

/// libsrtp2 (as Debian builds it) as the reference implementation the SRTP
/// transforms are checked against: one wildcard-SSRC session per direction.
final class LibSRTPReference {
    private static let initialized: Bool = srtp_init() == srtp_err_status_ok

    private var session: srtp_t?

    /// Whether libsrtp2 can run `suite` here (GCM needs a GCM-capable backend).
    static func supports(_ suite: SRTPSuite) -> Bool {
        guard initialized else { return false }
        let keys = try! SRTPKeyMaterial(suite: suite, bytes: [UInt8](repeating: 1, count: suite.keyMaterialLength))
        return LibSRTPReference(keys: keys, inbound: false) != nil
    }

    init?(keys: SRTPKeyMaterial, inbound: Bool) {
        guard Self.initialized else { return nil }
        var policy = srtp_policy_t()
        switch keys.suite {
        case .aesCM128HMACSHA1_80:
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aesCM128HMACSHA1_32:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        }
        policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound
        policy.window_size = 128
        var key = keys.bytes
        var created: srtp_t?
        let status = key.withUnsafeMutableBufferPointer { key in
            policy.key = key.baseAddress
            return srtp_create(&created, &policy)
        }
        guard status == srtp_err_status_ok, let created else { return nil }
        session = created
    }

    deinit { if let session { _ = srtp_dealloc(session) } }

    /// Runs one libsrtp2 operation on `packet` in place; false when libsrtp2 refuses it.
    private func run(_ packet: inout SRTPTestPacket,
                     _ operation: (srtp_t?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> srtp_err_status_t)
        -> Bool {
        var length = Int32(packet.length)
        let status = packet.storage.withUnsafeMutableBytes { operation(session, $0.baseAddress, &length) }
        guard status == srtp_err_status_ok else { return false }
        packet.length = Int(length)
        return true
    }

    func protect(_ packet: inout SRTPTestPacket) -> Bool { run(&packet, srtp_protect) }
    func unprotect(_ packet: inout SRTPTestPacket) -> Bool { run(&packet, srtp_unprotect) }
    func protectRTCP(_ packet: inout SRTPTestPacket) -> Bool { run(&packet, srtp_protect_rtcp) }
    func unprotectRTCP(_ packet: inout SRTPTestPacket) -> Bool { run(&packet, srtp_unprotect_rtcp) }
}
