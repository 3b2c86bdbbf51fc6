// Not part of what a user writes: the app's checks, and the HTTP server their
// framework (Vapor, Hummingbird, ...) would be. Foundation has none on Linux,
// so `Listener` reads one HTTP/1.1 request per connection on 127.0.0.1 with
// POSIX sockets and hands its headers and raw body to the receiver.
import Foundation
import PartnerWebhooks
#if canImport(Glibc)
import Glibc
#endif

/// What the app checked; `finish()` exits 1 when anything failed.
final class Checks: @unchecked Sendable {
    private let lock = NSLock()
    private var failed: [String] = []

    func expect(_ ok: Bool, _ what: String) {
        print(ok ? "ok: \(what)" : "FAILED: \(what)")
        if !ok { lock.lock(); failed.append(what); lock.unlock() }
    }

    func finish() -> Never {
        lock.lock(); let count = failed.count; lock.unlock()
        print(count == 0 ? "swift app: every check passed" : "swift app: \(count) failed")
        exit(count == 0 ? 0 : 1)
    }
}

final class Listener: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32

    /// Answers each request with `receiver.receive`; a delivered `channel_live` must verify.
    init(receiver: WebhookReceiver, checks: Checks) throws {
        let handle: @Sendable ([(name: String, value: String)], Data) -> Int = { headers, body in
            let status = receiver.receive(headers: headers, body: body)
            if let event = try? parseEvent(body: body), case .channelLive(let data) = event.payload {
                checks.expect(status == 200 && data.id != nil, "a delivered channel_live verified and narrowed to .channelLive")
            }
            return status
        }
        // Answering a peer that hung up must not end the app.
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        self.fd = fd
        port = UInt16(bigEndian: addr.sin_port)
        let listening = fd
        Thread.detachNewThread {
            while true {
                let client = accept(listening, nil, nil)
                if client < 0 { return }
                Listener.serve(client, handle)
            }
        }
    }

    private static func serve(_ client: Int32, _ handle: ([(name: String, value: String)], Data) -> Int) {
        defer { close(client) }
        var data = Data()
        var buf = [UInt8](repeating: 0, count: 65_536)
        var headEnd: Range<Data.Index>? = nil
        while headEnd == nil {
            let n = read(client, &buf, buf.count)
            if n <= 0 { return }
            data.append(contentsOf: buf[0..<n])
            headEnd = data.range(of: Data("\r\n\r\n".utf8))
        }
        let lines = String(decoding: data[..<headEnd!.lowerBound], as: UTF8.self).components(separatedBy: "\r\n").dropFirst()
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
        var body = Data(data[headEnd!.upperBound...])
        while body.count < length {
            let n = read(client, &buf, buf.count)
            if n <= 0 { return }
            body.append(contentsOf: buf[0..<n])
        }
        let status = handle(headers, body)
        let reply = Array("HTTP/1.1 \(status) OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".utf8)
        _ = reply.withUnsafeBytes { write(client, $0.baseAddress, reply.count) }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
