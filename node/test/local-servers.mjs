// Servers the TLS and proxy tests start on 127.0.0.1, from Node's own modules:
// an HTTPS server whose certificate comes from the test CA in tests/fixtures/tls,
// and an HTTP CONNECT proxy (Node's documented 'connect' pattern) that records
// its tunnels.
import { readFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { connect } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const tls = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'fixtures', 'tls')
export const CA = join(tls, 'ca.pem')

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))
}

export async function startTlsServer() {
  const server = createHttpsServer(
    { cert: readFileSync(join(tls, 'server.pem')), key: readFileSync(join(tls, 'server.key')) },
    (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'node-tls-1' })
      res.end(JSON.stringify({ webhook_url: 'https://example.com/events' }))
    },
  )
  const port = await listen(server)
  return { baseUrl: `https://127.0.0.1:${port}`, port, close: () => new Promise((r) => server.close(r)) }
}

export async function startConnectProxy() {
  const tunnels = []
  const authorizations = []
  const sockets = new Set()
  const server = createHttpServer((req, res) => res.writeHead(405).end())
  server.on('connect', (req, client, head) => {
    tunnels.push(req.url)
    authorizations.push(req.headers['proxy-authorization'] ?? null)
    const [host, port] = [req.url.slice(0, req.url.lastIndexOf(':')), Number(req.url.slice(req.url.lastIndexOf(':') + 1))]
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => sockets.delete(s))
    }
  })
  const port = await listen(server)
  return {
    port,
    tunnels,
    authorizations,
    close: () => {
      for (const s of sockets) s.destroy()
      return new Promise((r) => server.close(r))
    },
  }
}
