import { createHash } from 'node:crypto'

/**
 * Maps a key to a number in [0, 1), the same for the same key on every machine and run
 * (SHA-256 of `salt:key`, first 48 bits). Used for sticky A/B assignment.
 */
export function stickyFraction(key: string, salt: string): number {
  const digest = createHash('sha256').update(`${salt}:${key}`).digest()
  return digest.readUIntBE(0, 6) / 2 ** 48
}

/** Picks the arm whose cumulative weight covers `fraction`. Arms with weight 0 are never picked. */
export function pickWeighted<Arm extends { readonly weight: number }>(arms: readonly Arm[], fraction: number): Arm {
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0)
  let threshold = fraction * total
  for (const arm of arms) {
    if (arm.weight <= 0) continue
    if (threshold < arm.weight) return arm
    threshold -= arm.weight
  }
  return arms.findLast((arm) => arm.weight > 0) ?? arms[0]!
}
