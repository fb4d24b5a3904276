import LegatoSIP

/// What one signalling shard (`signalling.shards`) is: its index, the shard
/// count, and per UDP listener (by index in the conf) every shard's inbox.
/// The supervisor (shard 0) makes it; the other shards read it from their
/// environment (`LEGATO_SHARD`, `LEGATO_SHARD_INBOXES`).
struct ShardRole: Sendable, Equatable {
    /// This shard's index, 0 ..< count.
    let index: Int
    /// How many shards share the listeners.
    let count: Int
    /// Per UDP listener (conf index): every shard's inbox, in shard order.
    let inboxes: [Int: [SignallingShards.Inbox]]

    static let indexVariable = "LEGATO_SHARD"
    static let inboxesVariable = "LEGATO_SHARD_INBOXES"

    /// This shard's own inbox for listener `listener`.
    func ownInbox(listener: Int) -> SignallingShards.Inbox? {
        guard let all = inboxes[listener], all.indices.contains(index) else { return nil }
        return all[index]
    }

    /// The environment entries that make a process shard `index` of this set.
    func environment(for index: Int) -> [String: String] {
        let boxes = inboxes.keys.sorted().map { listener in
            "\(listener)=" + inboxes[listener]!.map { "\($0.descriptor):\($0.port)" }.joined(separator: ",")
        }
        return [Self.indexVariable: "\(index)/\(count)", Self.inboxesVariable: boxes.joined(separator: ";")]
    }

    /// The role the environment gives (nil: not a shard started by a supervisor).
    static func fromEnvironment(_ environment: [String: String]) -> ShardRole? {
        guard let shard = environment[indexVariable] else { return nil }
        return parse(index: shard, inboxes: environment[inboxesVariable] ?? "")
    }

    /// Parses `INDEX/COUNT` and `LISTENER=FD:PORT,FD:PORT;…`; nil when malformed.
    static func parse(index text: String, inboxes: String) -> ShardRole? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              (2...SignallingShards.maximum).contains(count), (0..<count).contains(index) else { return nil }
        var boxes: [Int: [SignallingShards.Inbox]] = [:]
        for entry in inboxes.split(separator: ";") {
            let pair = entry.split(separator: "=")
            guard pair.count == 2, let listener = Int(pair[0]) else { return nil }
            var list: [SignallingShards.Inbox] = []
            for item in pair[1].split(separator: ",") {
                let fields = item.split(separator: ":")
                guard fields.count == 2, let fd = Int32(fields[0]), let port = Int(fields[1]),
                      fd >= 0, (1...65535).contains(port) else { return nil }
                list.append(SignallingShards.Inbox(descriptor: fd, port: port))
            }
            guard list.count == count else { return nil }
            boxes[listener] = list
        }
        return ShardRole(index: index, count: count, inboxes: boxes)
    }
}
