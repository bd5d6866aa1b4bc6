"""CodeStar Connections (and its successor name CodeConnections): CreateConnection,
GetConnection, ListConnections, DeleteConnection, TagResource, UntagResource, ListTagsForResource.

moto 5.2 has no such service; aws_codestarconnections_connection failed outright. A connection
stays PENDING, as a real one does until a human completes the hand-shake in the console.
"""

import uuid

from . import core

core.extension("codestar-connections")

SERVICES = ("codestar-connections", "codeconnections")
CONNECTIONS = {}  # ARN -> connection
TAGS = {}  # ARN -> [{"Key","Value"}]


@core.on_reset
def _reset():
    CONNECTIONS.clear()
    TAGS.clear()


@core.inventory
def _inventory():
    return [("codestar-connections", "Connection", arn) for arn in CONNECTIONS]


def _json(data):
    return core.json_response(data, content_type="application/x-amz-json-1.0")


def _not_found(arn):
    return core.json_error("ResourceNotFoundException", "Connection %s does not exist" % arn)


def _create(req):
    body = req.json()
    name = body.get("ConnectionName")
    if not name:
        return core.json_error("ValidationException", "ConnectionName is required")
    for c in CONNECTIONS.values():
        if c["ConnectionName"] == name:
            return core.json_error("ResourceUnavailableException", "Connection %s already exists" % name)
    arn = "arn:aws:%s:%s:%s:connection/%s" % (req.service, req.region, core.ACCOUNT_ID, uuid.uuid4())
    conn = {"ConnectionName": name, "ConnectionArn": arn, "OwnerAccountId": core.ACCOUNT_ID,
            "ConnectionStatus": "PENDING"}
    if body.get("ProviderType"):
        conn["ProviderType"] = body["ProviderType"]
    if body.get("HostArn"):
        conn["HostArn"] = body["HostArn"]
    CONNECTIONS[arn] = conn
    TAGS[arn] = list(body.get("Tags") or [])
    return _json({"ConnectionArn": arn, "Tags": TAGS[arn]})


def _get(req):
    arn = req.json().get("ConnectionArn", "")
    if arn not in CONNECTIONS:
        return _not_found(arn)
    return _json({"Connection": CONNECTIONS[arn]})


def _list(req):
    body = req.json()
    out = [c for c in CONNECTIONS.values()
           if not body.get("ProviderTypeFilter") or c.get("ProviderType") == body["ProviderTypeFilter"]]
    return _json({"Connections": out})


def _delete(req):
    arn = req.json().get("ConnectionArn", "")
    if arn not in CONNECTIONS:
        return _not_found(arn)
    del CONNECTIONS[arn]
    TAGS.pop(arn, None)
    return _json({})


def _tag(req):
    body = req.json()
    arn = body.get("ResourceArn", "")
    if arn not in CONNECTIONS:
        return _not_found(arn)
    tags = {t["Key"]: t.get("Value", "") for t in TAGS.get(arn, [])}
    tags.update({t["Key"]: t.get("Value", "") for t in body.get("Tags") or []})
    TAGS[arn] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return _json({})


def _untag(req):
    body = req.json()
    arn = body.get("ResourceArn", "")
    if arn not in CONNECTIONS:
        return _not_found(arn)
    drop = set(body.get("TagKeys") or [])
    TAGS[arn] = [t for t in TAGS.get(arn, []) if t["Key"] not in drop]
    return _json({})


def _list_tags(req):
    arn = req.json().get("ResourceArn", "")
    if arn not in CONNECTIONS:
        return _not_found(arn)
    return _json({"Tags": TAGS.get(arn, [])})


for _service in SERVICES:
    core.handles(_service, "CreateConnection")(_create)
    core.handles(_service, "GetConnection")(_get)
    core.handles(_service, "ListConnections")(_list)
    core.handles(_service, "DeleteConnection")(_delete)
    core.handles(_service, "TagResource")(_tag)
    core.handles(_service, "UntagResource")(_untag)
    core.handles(_service, "ListTagsForResource")(_list_tags)
