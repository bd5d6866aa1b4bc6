"""X-Ray CreateSamplingRule / GetSamplingRules / UpdateSamplingRule / DeleteSamplingRule and
TagResource / UntagResource / ListTagsForResource for sampling rules (REST-JSON, POST /<Op>).

moto 5.2's X-Ray routes only traces and segments, so aws_xray_sampling_rule got a 404.
"""

import time

from . import core

core.extension("xray-sampling-rules")

SERVICE = "xray"
RULES = {}  # RuleName -> SamplingRuleRecord
TAGS = {}  # rule ARN -> {key: value}
_UPDATABLE = ("ResourceARN", "Priority", "FixedRate", "ReservoirSize", "Host", "ServiceName",
              "ServiceType", "HTTPMethod", "URLPath", "Attributes", "SamplingRateBoost")


@core.on_reset
def _reset():
    RULES.clear()
    TAGS.clear()


@core.inventory
def _inventory():
    return [("xray", "SamplingRule", r["SamplingRule"]["RuleARN"]) for r in RULES.values()]


def _json(data):
    return core.json_response(data, content_type="application/json")


def _find(body):
    name = body.get("RuleName")
    arn = body.get("RuleARN")
    for rec in RULES.values():
        rule = rec["SamplingRule"]
        if (name and rule["RuleName"] == name) or (arn and rule["RuleARN"] == arn):
            return rec
    return None


def _invalid(msg):
    return core.json_error("InvalidRequestException", msg)


@core.handles_rest(SERVICE, "POST", r"/CreateSamplingRule", "CreateSamplingRule")
def _create(req):
    body = req.json()
    rule = dict(body.get("SamplingRule") or {})
    name = rule.get("RuleName")
    if not name:
        return _invalid("RuleName is required")
    if name in RULES:
        return _invalid("Sampling rule %s already exists" % name)
    rule["RuleARN"] = "arn:aws:xray:%s:%s:sampling-rule/%s" % (req.region, core.ACCOUNT_ID, name)
    rule.setdefault("Attributes", {})
    now = time.time()
    RULES[name] = {"SamplingRule": rule, "CreatedAt": now, "ModifiedAt": now}
    tags = body.get("Tags") or []
    if tags:
        TAGS[rule["RuleARN"]] = {t["Key"]: t.get("Value", "") for t in tags}
    return _json({"SamplingRuleRecord": RULES[name]})


@core.handles_rest(SERVICE, "POST", r"/GetSamplingRules", "GetSamplingRules")
def _get(req):
    return _json({"SamplingRuleRecords": list(RULES.values())})


@core.handles_rest(SERVICE, "POST", r"/UpdateSamplingRule", "UpdateSamplingRule")
def _update(req):
    upd = req.json().get("SamplingRuleUpdate") or {}
    rec = _find(upd)
    if rec is None:
        return _invalid("Sampling rule not found")
    for key in _UPDATABLE:
        if key in upd:
            rec["SamplingRule"][key] = upd[key]
    rec["ModifiedAt"] = time.time()
    return _json({"SamplingRuleRecord": rec})


@core.handles_rest(SERVICE, "POST", r"/DeleteSamplingRule", "DeleteSamplingRule")
def _delete(req):
    rec = _find(req.json())
    if rec is None:
        return _invalid("Sampling rule not found")
    del RULES[rec["SamplingRule"]["RuleName"]]
    TAGS.pop(rec["SamplingRule"]["RuleARN"], None)
    return _json({"SamplingRuleRecord": rec})


def _rule_arn(arn):
    return any(r["SamplingRule"]["RuleARN"] == arn for r in RULES.values())


@core.handles_rest(SERVICE, "POST", r"/TagResource", "TagResource")
def _tag(req):
    body = req.json()
    arn = body.get("ResourceARN", "")
    if not _rule_arn(arn):
        return None  # not ours: let moto answer (or 501)
    TAGS.setdefault(arn, {}).update({t["Key"]: t.get("Value", "") for t in body.get("Tags") or []})
    return _json({})


@core.handles_rest(SERVICE, "POST", r"/UntagResource", "UntagResource")
def _untag(req):
    body = req.json()
    arn = body.get("ResourceARN", "")
    if not _rule_arn(arn):
        return None
    for key in body.get("TagKeys") or []:
        TAGS.get(arn, {}).pop(key, None)
    return _json({})


@core.handles_rest(SERVICE, "POST", r"/ListTagsForResource", "ListTagsForResource")
def _list_tags(req):
    arn = req.json().get("ResourceARN", "")
    if not _rule_arn(arn):
        return core.json_error("ResourceNotFoundException", "Resource %s not found" % arn, status=404)
    tags = [{"Key": k, "Value": v} for k, v in TAGS.get(arn, {}).items()]
    return _json({"Tags": tags})
