import type { FaceImage } from '@portrait-animator/adapter-local'

/** Scores an output picture (encoded image bytes or raw RGBA) against one input portrait, 0..1. */
export type IdentityScorer = (output: FaceImage) => Promise<number>

/**
 * Identity similarity between an input portrait and pictures of an output: the cosine-style
 * similarity of Human's face description vectors (`human.match.similarity`, via adapter-local's
 * `describeFace`/`descriptorSimilarity`), 0 (another person) .. 1 (the same face). Above about 0.5
 * is usually the same person. The input's face is described once, on first use, and reused for
 * every target.
 *
 * Failures reject with adapter-local's `PortraitAnimatorError`: `no_face` when either picture has
 * no face the model finds.
 *
 * @example
 * ```ts
 * const score = createIdentityScorer(await readFile('me.jpg'))
 * await score(middleFrameRgba) // 0.83
 * ```
 */
export function createIdentityScorer(input: Uint8Array): IdentityScorer {
  let inputDescriptor: Promise<number[]> | undefined
  return async (output) => {
    // Loaded on first use: Human and its models cost a second or two, which `--help` need not pay.
    const { describeFace, descriptorSimilarity } = await import('@portrait-animator/adapter-local')
    inputDescriptor ??= describeFace(input, 'the input image')
    const first = await inputDescriptor
    const second = await describeFace(output, 'the output')
    return descriptorSimilarity(first, second)
  }
}
