// The bad-input table shared by bad-input.test.ts and no-token-leak.test.ts, assembled from its three parts.
import type { BadCase } from './bad-case.js'
import { JWT_CASES } from './bad-input-jwt.js'
import { POLICY_CASES } from './bad-input-policy.js'
import { SOURCE_CASES } from './bad-input-sources.js'

export { type BadCase, BROKER, type CaseContext, contextFor } from './bad-case.js'

export const BAD_CASES: BadCase[] = [...SOURCE_CASES, ...JWT_CASES, ...POLICY_CASES]
