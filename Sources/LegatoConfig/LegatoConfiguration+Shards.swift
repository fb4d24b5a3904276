extension LegatoConfiguration {
    /// The configuration shard `index` of `count` runs (`signalling.shards`).
    ///
    /// Every shard takes the same listeners, routes and policies; what is
    /// shared out so that the shards together keep the conf's limits:
    /// - `signalling.max_calls` and each trunk's `max_calls` and `max_cps`:
    ///   an equal share each, rounded up (0 stays "no limit");
    /// - the media port range: an equal slice each, even-sized so that RTP
    ///   stays on the parity the conf starts with;
    /// - `admin.metrics`: shard N listens on the conf's port + N;
    ///   `admin.control`: shard N's socket is the conf's path + `.N`;
    /// - trunk registrations (`register: true`) run on shard 0 only.
    ///
    /// With `count` 1 the configuration is returned as it is.
    public func forShard(_ index: Int, of count: Int) -> LegatoConfiguration {
        guard count > 1, (0..<count).contains(index) else { return self }
        var shard = self
        shard.signalling.maxCalls = Self.share(signalling.maxCalls, of: count)
        for (name, trunk) in trunks {
            var trunk = trunk
            trunk.maxCalls = Self.share(trunk.maxCalls, of: count)
            trunk.maxCPS = Self.share(trunk.maxCPS, of: count)
            if index > 0 { trunk.register = false }
            shard.trunks[name] = trunk
        }
        shard.media.portRange = Self.portSlice(media.portRange, index: index, of: count)
        if admin.metricsPort > 0 && index > 0 { shard.admin.metricsPort = admin.metricsPort + index }
        if let control = admin.control, index > 0 { shard.admin.control = "\(control).\(index)" }
        return shard
    }

    /// A limit's share for one of `count` shards, rounded up; 0 (no limit) stays 0.
    static func share(_ limit: Int, of count: Int) -> Int {
        limit > 0 ? (limit + count - 1) / count : 0
    }

    /// Slice `index` of `count` of `range`, every slice the same even size.
    static func portSlice(_ range: ClosedRange<Int>, index: Int, of count: Int) -> ClosedRange<Int> {
        let size = (range.count / count) & ~1
        let low = range.lowerBound + index * size
        return low...(low + max(size, 1) - 1)
    }
}

extension ConfigLoader {
    /// `signalling.shards` > 1 needs: UDP listeners on distinct ports (a
    /// shard's inbox belongs to one listener port), media slices of at least
    /// two RTP/RTCP pairs, and metrics ports that stay in range.
    static func checkShards(_ configuration: LegatoConfiguration, _ section: MappingReader) {
        let count = configuration.signalling.shards
        guard count > 1 else { return }
        let udpPorts = configuration.listeners.filter { $0.transports.contains(.udp) }.map(\.port)
        if Set(udpPorts).count != udpPorts.count {
            section.report("shards > 1 needs every UDP listener on its own port (found \(udpPorts.map(String.init).joined(separator: ", ")))",
                           key: "shards")
        }
        let slice = (configuration.media.portRange.count / count) & ~1
        if slice < 4 {
            section.report("shards: \(count) leaves \(slice) media ports per shard (media.port_min…port_max holds "
                           + "\(configuration.media.portRange.count)); each shard needs at least 4", key: "shards")
        }
        if configuration.admin.metricsPort > 0 && configuration.admin.metricsPort + count - 1 > 65535 {
            section.report("shards: \(count) puts shard metrics ports past 65535 (admin.metrics port "
                           + "\(configuration.admin.metricsPort) + shard)", key: "shards")
        }
    }
}
