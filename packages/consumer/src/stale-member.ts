import { setTimeout as sleep } from 'node:timers/promises'
import type { Kafka } from 'kafkajs'

/** The calls used here of kafkajs's internal cluster (kafkajs is pinned at 2.2.4, where they exist). */
interface InternalCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  findGroupCoordinator(req: { groupId: string }): Promise<{
    leaveGroup(req: { groupId: string; memberId: string }): Promise<unknown>
  }>
}

type ClusterFactory = (options: { allowAutoTopicCreation: boolean }) => InternalCluster

/**
 * kafkajs's own cluster factory of `kafka` (same brokers, TLS, SASL and logs), or `undefined` if this kafkajs
 * does not have it. kafkajs has no public LeaveGroup for a member id other than the running one.
 */
function clusterFactory(kafka: Kafka): ClusterFactory | undefined {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster')
  const factory = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key]
  return typeof factory === 'function' ? (factory as ClusterFactory) : undefined
}

/**
 * Remove this consumer's own dead member `memberId` from group `groupId` with a LeaveGroup request to the group's
 * current coordinator, retried until it is answered, `until` passes, or `cancelled()` says to stop.
 *
 * Why: when the coordinator dies, kafkajs gives up on it and restarts its consumer, which joins as a new member;
 * the old member could not leave (its LeaveGroup went to the dead broker), so the new coordinator holds the join
 * until the old member's session times out. Removing it lets the join complete as soon as the coordinator has
 * moved. The member is this process's own, so removing it takes nothing from anyone else. Resolves `true` when
 * the member is gone (removed now, or already unknown to the coordinator).
 *
 * @example
 * ```ts
 * await leaveStaleMember(kafka, 'my-group', oldMemberId, Date.now() + 15_000, () => joinedAgain)
 * ```
 */
export async function leaveStaleMember(
  kafka: Kafka,
  groupId: string,
  memberId: string,
  until: number,
  cancelled: () => boolean,
): Promise<boolean> {
  const create = clusterFactory(kafka)
  if (create === undefined) return false
  while (!cancelled() && Date.now() < until) {
    const cluster = create({ allowAutoTopicCreation: false })
    try {
      await cluster.connect()
      if (cancelled()) return false
      const coordinator = await cluster.findGroupCoordinator({ groupId })
      if (cancelled()) return false
      await coordinator.leaveGroup({ groupId, memberId })
      return true
    } catch (err) {
      if ((err as { type?: unknown }).type === 'UNKNOWN_MEMBER_ID') return true
    } finally {
      await cluster.disconnect().catch(() => {})
    }
    await sleep(Math.min(500, Math.max(0, until - Date.now())))
  }
  return false
}
