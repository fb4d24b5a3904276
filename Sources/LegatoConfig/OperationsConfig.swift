/// `cdr:` — call detail records, one JSON object per line.
public struct CDRConfig: Sendable, Equatable {
    /// The file CDR lines are appended to; nil writes none.
    public var path: String?
    /// Most records waiting for the writer thread; beyond it records are dropped (and counted).
    public var queueSize: Int = 10_000

    /// No CDRs.
    public init(path: String? = nil, queueSize: Int = 10_000) {
        self.path = path
        self.queueSize = queueSize
    }
}

/// `admin:` — the operator's endpoints: Prometheus metrics and the `legato ctl` socket.
public struct AdminConfig: Sendable, Equatable {
    /// `host:port` of the metrics HTTP endpoint (path `/metrics`); nil: no endpoint.
    public var metrics: (host: String, port: Int)? {
        get { metricsHost.map { ($0, metricsPort) } }
        set { metricsHost = newValue?.host; metricsPort = newValue?.port ?? 0 }
    }
    /// The host part of `admin.metrics`.
    public var metricsHost: String?
    /// The port part of `admin.metrics`.
    public var metricsPort: Int = 0
    /// The Unix socket `legato ctl` talks to (created mode 0600); nil: no control socket.
    public var control: String?

    /// No admin endpoints.
    public init(metricsHost: String? = nil, metricsPort: Int = 0, control: String? = nil) {
        self.metricsHost = metricsHost
        self.metricsPort = metricsPort
        self.control = control
    }
}
