// Local servers for the TLS and proxy checks, on 127.0.0.1: an HTTPS server
// (OpenSSL's `s_server -HTTP`, its certificate from the test CA of
// tests/fixtures/tls) and a CONNECT proxy (POSIX sockets) that records its
// tunnels. Foundation has no server of its own on Linux.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A socket bound to 127.0.0.1 on a free port, and that port.
private func listenLoopback() throws -> (fd: Int32, port: UInt16) {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard bound else { close(fd); throw POSIXError(.EADDRINUSE) }
    return (fd, UInt16(bigEndian: addr.sin_port))
}

/// A port nothing listens on right now.
func freePort() throws -> UInt16 {
    let (fd, port) = try listenLoopback()
    close(fd)
    return port
}

/// A TCP connection to 127.0.0.1:`port`, or nil.
private func connectLoopback(_ host: String, _ port: UInt16) -> Int32? {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr(host)
    addr.sin_port = port.bigEndian
    let ok = withUnsafePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
    if ok { return fd }
    close(fd)
    return nil
}

/// Copies from one socket to the other until either end closes.
private func pump(_ from: Int32, _ to: Int32) {
    var buf = [UInt8](repeating: 0, count: 16_384)
    while true {
        let n = read(from, &buf, buf.count)
        if n <= 0 { break }
        var sent = 0
        while sent < n {
            let w = buf[sent..<n].withUnsafeBytes { write(to, $0.baseAddress, n - sent) }
            if w <= 0 { return }
            sent += w
        }
    }
    shutdown(to, Int32(SHUT_WR))
}

/// A CONNECT-only HTTP proxy on 127.0.0.1; `tunnels` and `authorizations` record what it saw.
final class ConnectProxy: @unchecked Sendable {
    private let fd: Int32
    let port: UInt16
    private let lock = NSLock()
    private var _tunnels: [String] = []
    private var _authorizations: [String?] = []
    var tunnels: [String] { lock.lock(); defer { lock.unlock() }; return _tunnels }
    var authorizations: [String?] { lock.lock(); defer { lock.unlock() }; return _authorizations }

    init() throws {
        // A tunnel writing to a peer that hung up must not end the test process.
        signal(SIGPIPE, SIG_IGN)
        (fd, port) = try listenLoopback()
        let listener = fd
        Thread.detachNewThread { [weak self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                guard let self else { close(client); return }
                Thread.detachNewThread { self.tunnel(client) }
            }
        }
    }

    private func tunnel(_ client: Int32) {
        defer { close(client) }
        // The request head, byte by byte up to the blank line (nothing follows it before our answer).
        var head = [UInt8]()
        var byte: UInt8 = 0
        while read(client, &byte, 1) == 1 {
            head.append(byte)
            if head.count >= 4 && head.suffix(4).elementsEqual([13, 10, 13, 10]) { break }
        }
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let request = lines.first?.split(separator: " ").map(String.init) ?? []
        guard request.count >= 2, request[0] == "CONNECT" else { return }
        let auth = lines.dropFirst().first { $0.lowercased().hasPrefix("proxy-authorization:") }
            .map { $0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces) }
        lock.lock(); _tunnels.append(request[1]); _authorizations.append(auth); lock.unlock()
        let target = request[1].split(separator: ":")
        guard target.count == 2, let port = UInt16(target[1]), let upstream = connectLoopback(String(target[0]), port) else { return }
        defer { close(upstream) }
        let ok = Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)
        _ = ok.withUnsafeBytes { write(client, $0.baseAddress, ok.count) }
        let back = Thread { pump(upstream, client) }
        back.start()
        pump(client, upstream)
        while !back.isFinished { usleep(10_000) }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

/// An HTTPS server on 127.0.0.1 answering `GET /api/v2/partners/abcPA/webhook_url`
/// with a webhook URL body and an `x-request-id` header; its certificate is
/// the test CA's. OpenSSL's `s_server -HTTP` sends each file as a whole HTTP response.
final class TLSServer: @unchecked Sendable {
    let port: UInt16
    private let process = Process()
    private let dir: URL

    init(fixtures: URL) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        let route = dir.appendingPathComponent("api/v2/partners/abcPA")
        try FileManager.default.createDirectory(at: route, withIntermediateDirectories: true)
        let body = #"{"webhook_url":"https://example.com/events"}"#
        let response = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: swift-tls-1\r\n"
            + "content-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n\(body)"
        try response.write(to: route.appendingPathComponent("webhook_url"), atomically: true, encoding: .utf8)
        port = try freePort()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-quiet", "-HTTP", "-accept", "127.0.0.1:\(port)",
                             "-cert", fixtures.appendingPathComponent("server.pem").path,
                             "-key", fixtures.appendingPathComponent("server.key").path]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if let fd = connectLoopback("127.0.0.1", port) { close(fd); return }
            usleep(50_000)
        }
        stop()
        throw POSIXError(.ETIMEDOUT)
    }

    func stop() {
        // SIGKILL, not terminate(): the child inherits the calling thread's
        // blocked signals (SIGTERM among them on a Swift concurrency thread).
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: dir)
    }
}
