import LegatoSIP

/// INFO and MESSAGE across the bridge: a request from one side's remote goes
/// to the other side with its body, content type and the X-headers the
/// sender's policy lets cross; the far side's final response is returned
/// (by the call that sent it on, `Call.relayInDialogResponse`).
extension CallBridge {
    /// Sends `request` from `call`'s remote on to the other side; false when
    /// the other side is not connected (the caller then answers 200 itself).
    func relay(_ request: SIPServerRequest, isInfo: Bool, from call: Call) -> Bool {
        guard let side = side(of: call) else { return false }
        let other = self[side.other]
        guard other.state == .connected else { return false }
        logger.info("call.relay-request", metadata: ["sip.method": "\(isInfo ? "INFO" : "MESSAGE")",
                                                     "call.peer": "\(other.id)"])
        let headers = call.crossing(request.message.headers)
        if isInfo {
            other.send(info: request.message.body, headers: headers, answering: request)
        } else {
            other.send(message: request.message.body, headers: headers, answering: request)
        }
        return true
    }
}
