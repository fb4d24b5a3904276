/// What the admission chain checks, from the configuration.
public struct AdmissionPolicy: Sendable {
    /// One listener's ACL.
    public struct ListenerACL: Sendable, Equatable {
        /// When not empty, only these sources get an answer.
        public var allowFrom: [CIDR]
        /// These sources never get an answer (checked before `allowFrom`).
        public var denyFrom: [CIDR]
        /// An ACL from the two lists.
        public init(allowFrom: [CIDR] = [], denyFrom: [CIDR] = []) {
            self.allowFrom = allowFrom
            self.denyFrom = denyFrom
        }
    }

    /// What to do with a scanner's request.
    public enum ScannerAction: String, Sendable, Equatable {
        /// No answer at all.
        case drop
        /// 403 Forbidden.
        case forbid = "403"
    }

    /// ACL per listener index (a missing index has no ACL).
    public var listeners: [Int: ListenerACL]
    /// Sources exempt from the rate limit.
    public var trusted: [CIDR]
    /// Trunk name → its source blocks (`trunks.NAME.sources`); exempt from the rate limit.
    public var trunkSources: [(name: String, sources: [CIDR])]
    /// Scanner user agents.
    public var scanners: ScannerMatcher?
    /// Drop (default) or 403.
    public var scannerAction: ScannerAction
    /// New dialogs per second per source (0: no limit).
    public var perSourceCPS: Int
    /// Seconds a source that exceeded `perSourceCPS` is blocked.
    public var blockSeconds: Double

    /// A policy that admits everything (no ACL, no scanner list, no limit).
    public init(listeners: [Int: ListenerACL] = [:], trusted: [CIDR] = [], trunkSources: [(name: String, sources: [CIDR])] = [],
                scanners: ScannerMatcher? = nil, scannerAction: ScannerAction = .drop,
                perSourceCPS: Int = 0, blockSeconds: Double = 60) {
        self.listeners = listeners
        self.trusted = trusted
        self.trunkSources = trunkSources
        self.scanners = scanners
        self.scannerAction = scannerAction
        self.perSourceCPS = perSourceCPS
        self.blockSeconds = blockSeconds
    }

    /// The trunk whose `sources` contain `address`, if any.
    public func trunk(for address: IPAddress) -> String? {
        trunkSources.first { $0.sources.containsAddress(address) }?.name
    }
}
