import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The operator's endpoints on one small NIO event loop, away from the
/// signalling and media threads: the Prometheus endpoint (HTTP GET
/// `/metrics`) and the `legato ctl` Unix socket (one command line in, the
/// answer out, then close).
package final class AdminServer: Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channels = NIOLockedValueBoxShim<[any Channel]>([])

    package init() {}

    /// Serves `GET /metrics` on `host:port` with what `render` returns.
    package func startMetrics(host: String, port: Int, render: @escaping @Sendable () async -> String) throws {
        let channel = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(MetricsHTTPHandler(render: render))
                }
            }
            .bind(host: host, port: port).wait()
        channels.append(channel)
    }

    /// Serves the control protocol on the Unix socket `path` (mode 0600;
    /// a stale socket file is replaced): each connection sends one line and
    /// gets `handle`'s answer.
    package func startControl(path: String, handle: @escaping @Sendable (String) async -> String) throws {
        unlink(path)
        let old = umask(0o177)
        defer { umask(old) }
        let channel = try ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(ControlLineHandler(handle: handle))
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
        chmod(path, 0o600)
        channels.append(channel)
    }

    /// Closes the endpoints and stops the loop.
    package func shutdown() {
        for channel in channels.drain() { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
    }
}

/// A tiny locked array (the admin server's channels).
private final class NIOLockedValueBoxShim<T: Sendable>: @unchecked Sendable {
    private let lock = NIOLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func append<E>(_ element: E) where T == [E] { lock.withLock { value.append(element) } }
    func drain<E>() -> [E] where T == [E] { lock.withLock { let v = value; value = []; return v } }
}

/// `GET /metrics` → the exposition text; anything else → 404.
private final class MetricsHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private let render: @Sendable () async -> String
    private var head: HTTPRequestHead?

    init(render: @escaping @Sendable () async -> String) { self.render = render }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
            let keepAlive = head.isKeepAlive
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            if head.method == .GET && path == "/metrics" {
                let render = self.render
                let promise = loop.makePromise(of: String.self)
                promise.completeWithTask { await render() }
                promise.futureResult.whenSuccess { text in
                    let (handler, context) = bound.value
                    handler.respond(context: context, status: .ok, body: text, keepAlive: keepAlive,
                                    contentType: "text/plain; version=0.0.4; charset=utf-8")
                }
            } else {
                respond(context: context, status: .notFound, body: "not found\n", keepAlive: keepAlive,
                        contentType: "text/plain")
            }
        }
    }

    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, body: String,
                         keepAlive: Bool, contentType: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                      promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// Reads one line (up to 4 KiB), answers it, closes.
private final class ControlLineHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let handle: @Sendable (String) async -> String
    private var line = ""
    private var answered = false

    init(handle: @escaping @Sendable (String) async -> String) { self.handle = handle }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        var buffer = unwrapInboundIn(data)
        line += buffer.readString(length: buffer.readableBytes) ?? ""
        if let newline = line.firstIndex(of: "\n") {
            answer(context: context, command: String(line[..<newline]))
        } else if line.utf8.count > 4096 {
            answer(context: context, command: "")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        context.fireChannelInactive()
    }

    private func answer(context: ChannelHandlerContext, command: String) {
        answered = true
        let handle = self.handle
        let channel = context.channel
        let promise = context.eventLoop.makePromise(of: String.self)
        promise.completeWithTask { await handle(command) }
        promise.futureResult.whenSuccess { text in
            var buffer = channel.allocator.buffer(capacity: text.utf8.count)
            buffer.writeString(text)
            channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
