"""Run ligo-gracedb's topic utilities over a table, in one process.

stdin: JSON {"derive": [url, ...], "make": [[instance, pipeline], ...], "parse": [topic, ...]}.
stdout: the same shape, each entry {"ok": result} or {"error": "<ExceptionType>: <message>"}.
"""

import json
import sys

from ligo.gracedb.kafka.utils import derive_instance_name, make_topic_name, parse_topic_name


def attempt(fn, *args):
    try:
        return {"ok": fn(*args)}
    except Exception as e:  # the table records what the reference raises
        return {"error": f"{type(e).__name__}: {e}"}


table = json.load(sys.stdin)
print(json.dumps({
    "derive": [attempt(derive_instance_name, u) for u in table["derive"]],
    "make": [attempt(make_topic_name, i, p) for i, p in table["make"]],
    "parse": [attempt(parse_topic_name, t) for t in table["parse"]],
}))
