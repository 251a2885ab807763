#!/usr/bin/env node
import { run } from './program.js'

const code = await run(process.argv.slice(2), { streams: process, env: process.env })
process.exitCode = code
