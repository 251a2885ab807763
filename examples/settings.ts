// Where the examples connect. The spec's examples use the LIGO development deployment; these read the same
// settings from the environment (as `gracedb-kafka dev` prints them), falling back to the spec's values.
export const bootstrapServers: string =
  process.env.GRACEDB_KAFKA_BOOTSTRAP_SERVERS ?? 'kafka-dev.ligo.org:9092'
export const serviceUrl: string = process.env.GRACEDB_SERVICE_URL ?? 'https://gracedb-dev.ligo.org/api/'
/** The Python examples use certifi.where(); here: the CA bundle of the broker (the system bundle by default). */
export const caCertPath: string =
  process.env.GRACEDB_KAFKA_CA_CERT_PATH ?? '/etc/ssl/certs/ca-certificates.crt'
/** The event file the upload examples send (the Python examples read coinc.xml from disk). */
export const coincXml: string =
  '<?xml version="1.0"?><LIGO_LW><Table Name="coinc_inspiral:table"/></LIGO_LW>\n'
