"""application-autoscaling ListTagsForResource / TagResource / UntagResource.

moto 5.2 ignores `Tags` on RegisterScalableTarget and has no tag APIs; the aws provider calls
ListTagsForResource on every refresh of aws_appautoscaling_target, so without this the target is
created, then every later plan fails (HTTP 500, retried for minutes).
"""

import json

from . import core

core.extension("application-autoscaling-tags")

SERVICE = "application-autoscaling"
TAGS = {}  # scalable target ARN -> {key: value}


@core.on_reset
def _reset():
    TAGS.clear()


def _target_exists(region, arn):
    from moto.applicationautoscaling.models import applicationautoscaling_backends

    backend = applicationautoscaling_backends[core.ACCOUNT_ID][region]
    for by_id in backend.targets.values():
        for target in by_id.values():
            if target.arn == arn:
                return True
    return False


def _not_found(arn):
    return core.json_error("ResourceNotFoundException", "No scalable target found for %s" % arn)


@core.after(SERVICE, "RegisterScalableTarget")
def _register(req, status, headers, body):
    if status == 200:
        arn = json.loads(body or b"{}").get("ScalableTargetARN")
        tags = req.json().get("Tags")
        if arn and tags:
            TAGS.setdefault(arn, {}).update(tags)
    return status, headers, body


@core.after(SERVICE, "DeregisterScalableTarget")
def _deregister(req, status, headers, body):
    if status == 200:
        for arn in list(TAGS):
            if not _target_exists(req.region, arn):
                del TAGS[arn]
    return status, headers, body


@core.handles(SERVICE, "ListTagsForResource")
def _list(req):
    arn = req.json().get("ResourceARN", "")
    if not _target_exists(req.region, arn):
        return _not_found(arn)
    return core.json_response({"Tags": TAGS.get(arn, {})})


@core.handles(SERVICE, "TagResource")
def _tag(req):
    arn = req.json().get("ResourceARN", "")
    if not _target_exists(req.region, arn):
        return _not_found(arn)
    TAGS.setdefault(arn, {}).update(req.json().get("Tags") or {})
    return core.json_response({})


@core.handles(SERVICE, "UntagResource")
def _untag(req):
    arn = req.json().get("ResourceARN", "")
    if not _target_exists(req.region, arn):
        return _not_found(arn)
    for key in req.json().get("TagKeys") or []:
        TAGS.get(arn, {}).pop(key, None)
    return core.json_response({})
