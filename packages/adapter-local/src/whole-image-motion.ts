import type { ControlMesh } from './face-mesh.js'
import type { Deformer } from './face-rig.js'

/** Deepest zoom of the whole-image fallback (3.5 %). */
const ZOOM = 0.035

/**
 * The gentle motion used when no face is found and the caller allowed a fallback: the whole
 * picture slowly zooms in and back out around its centre. Vertices on or inside the image move;
 * the enclosing corners outside it do not.
 */
export function createWholeImageMotion(mesh: ControlMesh): Deformer {
  const centerX = mesh.width / 2
  const centerY = mesh.height / 2
  return {
    sample(_state, time, sourceX, sourceY) {
      const scale = 1 / (1 + ZOOM * (0.5 - 0.5 * Math.cos(2 * Math.PI * time)))
      for (let vertex = 0; vertex < mesh.xs.length; vertex++) {
        const x = mesh.xs[vertex]!
        const y = mesh.ys[vertex]!
        const inside = isInsideImage(mesh, vertex)
        sourceX[vertex] = inside ? centerX + (x - centerX) * scale : x
        sourceY[vertex] = inside ? centerY + (y - centerY) * scale : y
      }
    },
  }
}

/** Whether a vertex lies on or inside the image rectangle. */
export function isInsideImage(mesh: ControlMesh, vertex: number): boolean {
  const x = mesh.xs[vertex]!
  const y = mesh.ys[vertex]!
  return x >= 0 && y >= 0 && x <= mesh.width && y <= mesh.height
}
