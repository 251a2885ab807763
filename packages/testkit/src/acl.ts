import { setTimeout as sleep } from 'node:timers/promises'
import type { AclEntry, Admin } from 'kafkajs'
import kafkajs from 'kafkajs'

/** Operations an {@link AclRule} can allow (or deny). */
export type AclOperation =
  | 'all'
  | 'read'
  | 'write'
  | 'create'
  | 'delete'
  | 'alter'
  | 'describe'
  | 'describe-configs'
  | 'alter-configs'
  | 'idempotent-write'
  | 'cluster-action'

/**
 * One ACL for the StandardAuthorizer. The broker's principal for a SASL_SSL client is `User:<sub>` of its token.
 * With `acls` set, only the PLAINTEXT/controller principal (`User:ANONYMOUS`) is a super user: a token subject
 * can do only what rules allow.
 */
export interface AclRule {
  /** Token subject (`sub` claim); the broker principal is `User:<subject>`. `*` matches every user. */
  subject: string
  /** Resource kind; default `topic`. */
  resource?: 'topic' | 'group' | 'cluster' | 'transactional-id'
  /** Resource name; default `*` (every resource of that kind). Ignored for `cluster`. */
  name?: string
  /** Match `name` as a prefix instead of literally; default false. */
  prefixed?: boolean
  /** The operations the rule covers. */
  operations: AclOperation[]
  /** `allow` (default) or `deny`. */
  permission?: 'allow' | 'deny'
}

const OPERATIONS: Record<AclOperation, number> = {
  all: kafkajs.AclOperationTypes.ALL,
  read: kafkajs.AclOperationTypes.READ,
  write: kafkajs.AclOperationTypes.WRITE,
  create: kafkajs.AclOperationTypes.CREATE,
  delete: kafkajs.AclOperationTypes.DELETE,
  alter: kafkajs.AclOperationTypes.ALTER,
  describe: kafkajs.AclOperationTypes.DESCRIBE,
  'describe-configs': kafkajs.AclOperationTypes.DESCRIBE_CONFIGS,
  'alter-configs': kafkajs.AclOperationTypes.ALTER_CONFIGS,
  'idempotent-write': kafkajs.AclOperationTypes.IDEMPOTENT_WRITE,
  'cluster-action': kafkajs.AclOperationTypes.CLUSTER_ACTION,
}

const RESOURCES: Record<NonNullable<AclRule['resource']>, number> = {
  topic: kafkajs.AclResourceTypes.TOPIC,
  group: kafkajs.AclResourceTypes.GROUP,
  cluster: kafkajs.AclResourceTypes.CLUSTER,
  'transactional-id': kafkajs.AclResourceTypes.TRANSACTIONAL_ID,
}

/**
 * Expand rules into kafkajs ACL entries (one per operation).
 *
 * @example
 * ```ts
 * toAclEntries([{ subject: 'alice', name: 'gracedb-test.', prefixed: true, operations: ['write'] }])
 * ```
 */
export function toAclEntries(rules: AclRule[]): AclEntry[] {
  return rules.flatMap((rule) => {
    const resource = rule.resource ?? 'topic'
    return rule.operations.map(
      (op): AclEntry => ({
        resourceType: RESOURCES[resource],
        resourceName: resource === 'cluster' ? 'kafka-cluster' : (rule.name ?? '*'),
        resourcePatternType: rule.prefixed
          ? kafkajs.ResourcePatternTypes.PREFIXED
          : kafkajs.ResourcePatternTypes.LITERAL,
        principal: `User:${rule.subject}`,
        host: '*',
        operation: OPERATIONS[op],
        permissionType:
          rule.permission === 'deny' ? kafkajs.AclPermissionTypes.DENY : kafkajs.AclPermissionTypes.ALLOW,
      }),
    )
  })
}

/** One identity string per ACL entry, to compare what was created with what the broker describes. */
function aclKey(e: AclEntry): string {
  return [
    e.resourceType,
    e.resourceName,
    e.resourcePatternType,
    e.principal,
    e.host,
    e.operation,
    e.permissionType,
  ].join('\u0000')
}

/**
 * Create the rules through `admin` and wait until the broker describes every one of them (each entry by its
 * resource, pattern, principal, host, operation and permission, so rules already in the cluster do not count).
 *
 * @example
 * ```ts
 * await createAcls(admin, [{ subject: 'alice', operations: ['read'] }])
 * ```
 */
export async function createAcls(admin: Admin, rules: AclRule[], timeoutMs = 15_000): Promise<void> {
  const entries = toAclEntries(rules)
  if (entries.length === 0) return
  await admin.createAcls({ acl: entries })
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = await admin.describeAcls({
      resourceType: kafkajs.AclResourceTypes.ANY,
      resourcePatternType: kafkajs.ResourcePatternTypes.ANY,
      operation: kafkajs.AclOperationTypes.ANY,
      permissionType: kafkajs.AclPermissionTypes.ANY,
    })
    const visible = new Set(
      found.resources.flatMap((r) =>
        r.acls.map((a) =>
          aclKey({
            resourceType: r.resourceType,
            resourceName: r.resourceName,
            resourcePatternType: r.resourcePatternType,
            ...a,
          }),
        ),
      ),
    )
    const missing = entries.filter((e) => !visible.has(aclKey(e)))
    if (missing.length === 0) return
    if (Date.now() > deadline)
      throw new Error(
        `testkit: ${missing.length} of ${entries.length} ACLs not visible after ${timeoutMs} ms`,
      )
    await sleep(100)
  }
}
