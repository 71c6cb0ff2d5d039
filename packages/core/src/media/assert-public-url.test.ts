import { describe, expect, it } from 'vitest'
import { assertPublicUrl } from './assert-public-url.js'
import { expectAnimatorError } from '../testing/index.js'

describe('assertPublicUrl', () => {
  it.each([
    ['http://127.0.0.1/a.jpg', '127.0.0.1'],
    ['http://[::1]:8080/a.jpg', '::1'],
    ['https://10.0.0.1/a.jpg', '10.0.0.1'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://0.0.0.0:3000/', '0.0.0.0'],
    ['http://2130706433/', '127.0.0.1'], // decimal spelling, normalised by the URL parser
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://[fd12:3456::1]/', 'fd12:3456::1'],
    ['http://100.64.12.1/', '100.64.12.1'],
  ])('rejects %s without any DNS or network call', async (url, address) => {
    const error = await expectAnimatorError(assertPublicUrl(url, { field: 'image' }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'private-address', actual: address })
    expect(error.message).toContain('allowPrivateNetwork')
  })

  it('rejects a host name that resolves to loopback (localhost)', async () => {
    const error = await expectAnimatorError(assertPublicUrl('http://localhost:9/portrait.jpg', { field: 'motion.video' }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'motion.video', rule: 'private-address' })
    expect(String(error.actual)).toMatch(/^localhost resolves to (127\.0\.0\.1|::1)$/)
  })

  it.each(['file:///etc/passwd', 'ftp://example.com/a.jpg', 'javascript:alert(1)', 'gopher://example.com/', 'data:image/png;base64,AAAA'])('rejects the scheme of %s', async (url) => {
    const error = await expectAnimatorError(assertPublicUrl(new URL(url), { field: 'image' }))
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image', rule: 'url-scheme', limit: 'http: or https:' })
  })

  it('rejects a string that is not a URL', async () => {
    const error = await expectAnimatorError(assertPublicUrl('not a url', { field: 'image' }))
    expect(error).toMatchObject({ rule: 'url-scheme', actual: 'not a valid URL' })
  })

  it('lets private hosts through when allowPrivateNetwork is true, and returns the parsed URL', async () => {
    const url = await assertPublicUrl('http://localhost:8080/a.jpg?sig=1', { field: 'image', allowPrivateNetwork: true })
    expect(url).toBeInstanceOf(URL)
    expect(url.href).toBe('http://localhost:8080/a.jpg?sig=1')
    await expect(assertPublicUrl('http://169.254.169.254/', { field: 'image', allowPrivateNetwork: true })).resolves.toBeInstanceOf(URL)
  })

  it('accepts a public IP literal without resolving anything', async () => {
    const url = await assertPublicUrl(new URL('https://93.184.216.34/a.jpg'), { field: 'image' })
    expect(url.hostname).toBe('93.184.216.34')
  })

  it('never shows the query string in its messages', async () => {
    const error = await expectAnimatorError(assertPublicUrl('http://10.1.2.3/a.jpg?X-Amz-Signature=topsecretvalue', { field: 'image' }))
    expect(error.message).not.toContain('topsecretvalue')
    expect(JSON.stringify(error)).not.toContain('topsecretvalue')
  })
})
