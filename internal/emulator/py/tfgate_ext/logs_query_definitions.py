"""CloudWatch Logs PutQueryDefinition / DescribeQueryDefinitions / DeleteQueryDefinition.

moto 5.2 raises NotImplementedError for all three; aws_cloudwatch_query_definition uses them.
"""

import time
import uuid

from . import core

core.extension("logs-query-definitions")

SERVICE = "logs"
DEFS = {}  # queryDefinitionId -> definition (with "region")


@core.on_reset
def _reset():
    DEFS.clear()


@core.inventory
def _inventory():
    return [("logs", "QueryDefinition", d["queryDefinitionId"]) for d in DEFS.values()]


@core.handles(SERVICE, "PutQueryDefinition")
def _put(req):
    body = req.json()
    if not body.get("name") or not body.get("queryString"):
        return core.json_error("InvalidParameterException", "name and queryString are required")
    qid = body.get("queryDefinitionId") or str(uuid.uuid4())
    if body.get("queryDefinitionId") and qid not in DEFS:
        return core.json_error("ResourceNotFoundException", "Query definition %s not found" % qid)
    DEFS[qid] = {
        "region": req.region,
        "queryDefinitionId": qid,
        "name": body["name"],
        "queryString": body["queryString"],
        "logGroupNames": list(body.get("logGroupNames") or []),
        "queryLanguage": body.get("queryLanguage") or "CWLI",
        "lastModified": int(time.time() * 1000),
    }
    return core.json_response({"queryDefinitionId": qid})


@core.handles(SERVICE, "DescribeQueryDefinitions")
def _describe(req):
    body = req.json()
    prefix = body.get("queryDefinitionNamePrefix") or ""
    out = []
    for d in DEFS.values():
        if d["region"] != req.region or not d["name"].startswith(prefix):
            continue
        item = {k: v for k, v in d.items() if k != "region"}
        if not item["logGroupNames"]:
            del item["logGroupNames"]
        out.append(item)
    return core.json_response({"queryDefinitions": out})


@core.handles(SERVICE, "DeleteQueryDefinition")
def _delete(req):
    qid = req.json().get("queryDefinitionId", "")
    if DEFS.get(qid, {}).get("region") != req.region:
        return core.json_error("ResourceNotFoundException", "Query definition %s not found" % qid)
    del DEFS[qid]
    return core.json_response({"success": True})
