"""json.dumps(json.loads(text)) for each JSON text: what the reference producer writes for that dict.

stdin: a JSON list of JSON texts. stdout: a JSON list of the serialised strings.
"""

import json
import sys

print(json.dumps([json.dumps(json.loads(text)) for text in json.load(sys.stdin)]))
