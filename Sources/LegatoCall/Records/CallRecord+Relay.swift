import LegatoMedia

extension CallRecord.LegMedia {
    /// A relayed leg's CDR counters from the relay's RTP stream counters:
    /// packets each way, RFC 3550 loss (a number whenever the relay existed:
    /// nothing received is nothing lost) and interarrival jitter (a number once
    /// the relay saw RTP from the leg: 0 after a single packet, the A.8 estimate
    /// after two; null when no RTP arrived).
    public init(relayed rtp: RelayStreamStats) {
        let jitter = rtp.jitterMilliseconds ?? (rtp.packetsIn > 0 ? 0 : nil)
        self.init(packetsIn: rtp.packetsIn, packetsOut: rtp.packetsOut, lost: rtp.packetsLost,
                  jitterMilliseconds: jitter)
    }
}
