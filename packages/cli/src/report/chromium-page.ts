import type { Page } from 'playwright-core'

/** Flags for a headless Chromium that decodes and never reaches the network. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
/** A page origin that never resolves: its one document is served from memory (`page.route`), and https makes it a secure context, which WebCodecs needs. */
const PAGE_URL = 'https://decoder.portrait-animator.invalid/'

/**
 * Starts a headless Chromium, opens an empty page that can reach nothing, runs `use` on it and
 * closes the browser, also when `signal` aborts.
 *
 * @example
 * ```ts
 * const supported = await withDecoderPage('/usr/bin/chromium', undefined, (page) => page.evaluate(() => typeof VideoDecoder))
 * ```
 */
export async function withDecoderPage<T>(executablePath: string, signal: AbortSignal | undefined, use: (page: Page) => Promise<T>): Promise<T> {
  const { chromium } = await import('playwright-core')
  signal?.throwIfAborted()
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS })
  const close = () => void browser.close().catch(() => undefined)
  signal?.addEventListener('abort', close, { once: true })
  try {
    const page = await browser.newPage()
    await page.route('**/*', (route) =>
      route.request().url() === PAGE_URL ? route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>decoder</title>' }) : route.abort(),
    )
    await page.goto(PAGE_URL)
    return await use(page)
  } finally {
    signal?.removeEventListener('abort', close)
    await browser.close().catch(() => undefined)
  }
}
