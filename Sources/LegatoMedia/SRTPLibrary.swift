internal import CSRTP

/// Process-wide libsrtp2 state: `srtp_init()` exactly once, the GCM probe,
/// and building policies. Swift runs the initialiser of a `static let` once,
/// thread-safely, on first use.
enum SRTPLibrary {
    /// The status of the one `srtp_init()` call.
    private static let initStatus: UInt32 = srtp_init().rawValue

    /// Runs `srtp_init()` on first call; throws if it failed.
    static func ensureInitialized() throws(SRTPError) {
        let status = initStatus
        guard status == srtp_err_status_ok.rawValue else { throw .other(code: Int32(bitPattern: status)) }
    }

    /// Whether an `AEAD_AES_128_GCM` session can be created: libsrtp2 defines
    /// the GCM policy setter even without a GCM backend, so this creates (and
    /// frees) a throwaway session with a zero key.
    static let isGCMSupported: Bool = {
        guard (try? ensureInitialized()) != nil else { return false }
        var policy = makePolicy(suite: .aeadAES128GCM, inbound: false)
        var key = [UInt8](repeating: 0, count: SRTPSuite.aeadAES128GCM.keyMaterialLength)
        var session: srtp_t?
        let status = key.withUnsafeMutableBufferPointer { key in
            policy.key = key.baseAddress
            return srtp_create(&session, &policy)
        }
        if let session { _ = srtp_dealloc(session) }
        return status == srtp_err_status_ok
    }()

    /// A policy for a wildcard-SSRC session (`ssrc_any_inbound` for unprotect,
    /// `ssrc_any_outbound` for protect); the key pointer is left for the caller.
    static func makePolicy(suite: SRTPSuite, inbound: Bool, replayWindow: Int = 128) -> srtp_policy_t {
        var policy = srtp_policy_t()
        switch suite {
        case .aesCM128HMACSHA1_80:
            srtp_crypto_policy_set_rtp_default(&policy.rtp) // = aes_cm_128_hmac_sha1_80 (a macro)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aesCM128HMACSHA1_32:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp)
            // RFC 4568 6.2.2: SRTCP keeps the 80-bit tag with the _32 suite.
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        }
        policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound
        policy.ssrc.value = 0
        policy.window_size = UInt(replayWindow)
        policy.allow_repeat_tx = 0
        policy.next = nil
        return policy
    }
}
