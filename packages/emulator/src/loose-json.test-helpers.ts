/**
 * A parsed response body in tests, read field by field (`body.error_detail.code`). Tests assert the
 * shape with `toMatchObject`, so a static type would only repeat them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseJson = Record<string, any>
