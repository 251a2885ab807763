/** The analysis groups the stand-in knows (GraceDB's). */
export const STANDIN_GROUPS: readonly string[] = ['CBC', 'Burst', 'Detchar', 'External', 'Test']

/** The pipelines the stand-in knows by default. */
export const STANDIN_PIPELINES: readonly string[] = [
  'gstlal',
  'pycbc',
  'MBTA',
  'spiir',
  'CWB',
  'oLIB',
  'MLy',
  'aframe',
  'Fermi',
  'Swift',
  'SNEWS',
]

/** The searches the stand-in knows. */
export const STANDIN_SEARCHES: readonly string[] = [
  'AllSky',
  'LowMass',
  'HighMass',
  'BBH',
  'IMBH',
  'EarlyWarning',
  'SSM',
  'MDC',
  'GRB',
  'Supernova',
]

/** The labels the stand-in knows. */
export const STANDIN_LABELS: readonly string[] = [
  'INJ',
  'DQV',
  'EM_READY',
  'PE_READY',
  'ADVREQ',
  'ADVOK',
  'ADVNO',
]

/** The API root document, shaped like GraceDB's, with URLs under `root` (e.g. `http://localhost:1234/api/v2/`). */
export function serviceInfoDocument(
  root: string,
  lists: { groups: readonly string[]; pipelines: readonly string[] },
): Record<string, unknown> {
  return {
    'api-versions': ['v1', 'v2'],
    'api-default': 'v2',
    'server-version': 'gracedb-kafka-testkit-standin',
    links: {
      self: root,
      events: `${root}events/`,
      superevents: `${root}superevents/`,
      'user-info': `${root}user-info/`,
    },
    templates: {
      'event-detail-template': `${root}events/{graceid}`,
      'event-reserve-template': `${root}events/reserve/`,
      'event-upload-template': `${root}events/{graceid}/upload/`,
    },
    groups: [...lists.groups],
    pipelines: [...lists.pipelines],
    searches: [...STANDIN_SEARCHES],
    labels: [...STANDIN_LABELS],
  }
}
