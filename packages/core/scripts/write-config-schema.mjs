#!/usr/bin/env node
// Regenerates config.schema.json from the zod schema (run after `npm run build`).
// A test fails when the shipped file and the schema drift apart.
import { writeFileSync } from 'node:fs'
import { configJsonSchema } from '@portrait-animator/core'

const target = new URL('../config.schema.json', import.meta.url)
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`)
console.log(`wrote ${target.pathname}`)
