// Spec: "Topic namespacing" — the three topic utilities.
import { deriveInstanceName, makeTopicName, parseTopicName } from 'gracedb-kafka'

console.log(deriveInstanceName('https://gracedb-dev.ligo.org/api/'))
// => "gracedb-dev"
console.log(makeTopicName('gracedb-dev', 'gstlal'))
// => "gracedb-dev.gstlal"
console.log(parseTopicName('gracedb-dev.gstlal'))
// => [ 'gracedb-dev', 'gstlal' ]
