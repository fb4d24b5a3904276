import Logging
import LegatoConfig
import LegatoSIP

extension Daemon {
    /// Makes this daemon shard `role.index` of `role.count`: it runs its share
    /// of the configuration (`LegatoConfiguration.forShard`) and logs with a
    /// `shard` key. Call it before `start`.
    func useShard(_ role: ShardRole) {
        shard = role
        configuration = configuration.forShard(role.index, of: role.count)
        logger[metadataKey: "shard"] = "\(role.index)"
    }

    /// Before any listener is bound: this process is a shard, and the
    /// listeners' ports are shared (SO_REUSEPORT) with the other shards.
    func shareListeners(_ role: ShardRole) {
        SignallingShards.configure(index: role.index, count: role.count)
        for listener in configuration.listeners {
            SignallingShards.shareListener(port: listener.port)
            if listener.transports.contains(.tls) { SignallingShards.shareListener(port: listener.tlsPort) }
        }
    }

    /// Joins the listener's UDP socket to this shard's inbox, so that the
    /// datagrams other shards pass on reach this shard's sofia.
    func attachInbox(_ role: ShardRole, listener: ListenerConfig, index: Int) throws {
        guard listener.transports.contains(.udp), let all = role.inboxes[index], let own = role.ownInbox(listener: index),
              let socket = WireGate.udpSockets(port: listener.port).first(where: { !shardAttached.contains($0) }) else { return }
        guard SignallingShards.attach(listener: socket, inbox: own.descriptor, all: all) else {
            throw ShardStartError(listener: index, port: listener.port)
        }
        shardAttached.append(socket)
        logger.info("legato.shard-inbox", metadata: [
            "listener.port": "\(listener.port)", "shard.count": "\(role.count)", "inbox.port": "\(own.port)"])
    }

    /// Before the endpoints stop: other shards' datagrams no longer reach this one.
    func detachInboxes() {
        for socket in shardAttached { SignallingShards.detach(listener: socket) }
        shardAttached.removeAll()
    }
}

/// A listener's socket could not be joined to the shard's inbox.
struct ShardStartError: Error, CustomStringConvertible {
    let listener: Int
    let port: Int
    var description: String { "cannot join listener \(listener) (port \(port)) to its shard inbox" }
}
