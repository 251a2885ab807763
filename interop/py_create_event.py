"""Create an event with ligo-gracedb: GraceDb(service_url, api_version='v2').create_event(..., kafka=producer).

stdin: JSON {"group", "pipeline", "filename", "filecontents" (text), "search"?, "labels"?,
"skip_supervisor"?, "gracedb_upload"?}. stdout: {"reservation": <response JSON or null>}.
"""

import json
import sys

from ligo.gracedb.kafka.producer import GraceDbKafkaProducer
from ligo.gracedb.rest import GraceDb

from peer_common import emit, env, producer_options

args = json.load(sys.stdin)
client = GraceDb(service_url=env("GK_SERVICE_URL"), api_version="v2")
producer = GraceDbKafkaProducer(**producer_options())
response = client.create_event(
    args["group"], args["pipeline"], args["filename"], filecontents=args["filecontents"],
    search=args.get("search"), labels=args.get("labels"), kafka=producer,
    skip_supervisor=args.get("skip_supervisor", False), gracedb_upload=args.get("gracedb_upload", True),
)
producer.close()
emit({"reservation": response.json() if response is not None else None})
