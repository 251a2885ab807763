export {
  STANDIN_GROUPS,
  STANDIN_LABELS,
  STANDIN_PIPELINES,
  STANDIN_SEARCHES,
  serviceInfoDocument,
} from './service-info.js'
export {
  type GraceDbStandIn,
  type GraceDbStandInOptions,
  type StandInEndpoint,
  type StandInFault,
  type StandInKafka,
  type StandInRequestLog,
  startGraceDbStandIn,
} from './standin.js'
export type { ArrivalVia, Reservation, StoredEvent, SupervisedMessage } from './store.js'
