// Stands in for Next.js's server (a Next build is not part of the tests):
// turns each node:http request into a fetch Request, as Next does, and calls
// the route handler of next-route.mjs.
import { createServer } from 'node:http'
import { Readable } from 'node:stream'
import { port } from './common.mjs'
import { POST } from './next-route.mjs'

createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhook') return res.writeHead(404).end()
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: 'POST',
    headers: Object.entries(req.headers).flatMap(([n, v]) => (Array.isArray(v) ? v.map((x) => [n, x]) : [[n, v]])),
    body: Readable.toWeb(req),
    duplex: 'half',
  })
  const response = await POST(request)
  res.writeHead(response.status).end(Buffer.from(await response.arrayBuffer()))
}).listen(port, '127.0.0.1')
