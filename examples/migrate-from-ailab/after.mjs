// AFTER: the same job through portrait-animator. One call; the router skips the retired API and
// serves from whichever configured target works (fal, Magic Hour, or the offline animator).
import { createRouter } from '@portrait-animator/router'

export async function livePhoto(imagePath, outPath, { config } = {}) {
  const router = await createRouter(config) // a config object, a JSON file path, or nothing for the default
  const result = await router.animate({ image: imagePath, motion: { type: 'preset', preset: 'live-photo' } })
  await result.output.save(outPath)
  return result
}
