import { connect } from 'node:net'

/** What a raw-socket client saw: the status line's code (if any answer came), the body, and whether the server closed the connection. */
export interface RawOutcome {
  readonly status?: number
  readonly body: string
  readonly closedByServer: boolean
}

/**
 * A client on a raw socket that sends `head`, then one `piece` every `everyMs`, at most `times`
 * times. It resolves when the server closes the connection, or (bounded) once it runs out of pieces.
 */
export function trickler(url: string, head: string, piece: string, everyMs: number, times: number): { outcome: Promise<RawOutcome>; sent: () => number; open: () => boolean } {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  let sent = 0
  let open = true
  let received = ''
  const outcome = new Promise<RawOutcome>((resolve) => {
    let timer: NodeJS.Timeout | undefined
    const done = (closedByServer: boolean) => {
      clearInterval(timer)
      open = false
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]
      resolve({ ...(status ? { status: Number(status) } : {}), body: received.slice(received.indexOf('\r\n\r\n') + 4), closedByServer })
      socket.destroy()
    }
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk))
    socket.on('error', () => {}).on('close', () => done(true))
    socket.on('connect', () => {
      socket.write(head)
      timer = setInterval(() => {
        if (sent >= times) return done(false)
        sent++
        socket.write(piece)
      }, everyMs)
    })
  })
  return { outcome, sent: () => sent, open: () => open }
}

/** Headers of a live-photo POST whose body follows in chunks. */
export const CHUNKED_HEAD = (key: string) =>
  `POST /api/portrait/effects/live-photo HTTP/1.1\r\nHost: localhost\r\nailabapi-api-key: ${key}\r\nContent-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n`
/** One byte of body, as an HTTP chunk. */
export const ONE_BYTE_CHUNK = '1\r\n-\r\n'
