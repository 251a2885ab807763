/**
 * gracedb-kafka: the whole public API of the gracedb-kafka packages in one import.
 *
 * @example
 * ```ts
 * import { GraceDb, GraceDbKafkaProducer, GraceDbKafkaConsumer, KafkaError } from 'gracedb-kafka'
 * ```
 * @packageDocumentation
 */
export * from '@gracedb-kafka/auth'
export * from '@gracedb-kafka/consumer'
export * from '@gracedb-kafka/core'
export * from '@gracedb-kafka/producer'
export * from '@gracedb-kafka/rest'
export * from '@gracedb-kafka/topics'
