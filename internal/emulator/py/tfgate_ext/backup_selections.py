"""AWS Backup Create/Get/Delete/ListBackupSelections (REST-JSON under /backup/plans/{id}/selections/),
ListTags for paths without a trailing slash, and ListRecoveryPointsByBackupVault.

moto 5.2 has vaults and plans but no selections, so aws_backup_selection got a 501. A selection
belongs to a live plan: creating one under a missing or deleted plan, and reading or deleting a
missing one, answer ResourceNotFoundException as AWS does (the provider treats that as gone).
Deleting a plan that still has selections is refused with InvalidRequestException, as in AWS.

moto's ListTags takes the ARN from the second-to-last path segment (it expects /tags/{arn}/); the
Go SDK sends /tags/{arn}, so every vault and plan read back no tags and drifted on each plan.

The emulator never runs a backup job, so a vault holds no recovery points; listing them (the
provider does before deleting a force_destroy vault) answers an empty list instead of a 404.
"""

import time
import uuid
from urllib.parse import unquote

from . import core

core.extension("backup-selections")

SERVICE = "backup"
SELECTIONS = {}  # (region, plan id) -> {selection id: record}
_PREFIX = r"/backup/plans/(?P<plan>[^/]+)/selections"


@core.on_reset
def _reset():
    SELECTIONS.clear()


@core.inventory
def _inventory():
    return [("backup", "BackupSelection", sid) for by_id in SELECTIONS.values() for sid in by_id]


def _json(data):
    return core.json_response(data, content_type="application/json")


def _not_found(msg):
    return core.json_error("ResourceNotFoundException", msg)


def _live_plan(region, plan_id):
    from moto.backup.models import backup_backends

    plan = backup_backends[core.ACCOUNT_ID][region].plans.get(plan_id)
    if plan is None or plan.deletion_date:
        return None
    return plan


@core.handles_rest(SERVICE, "PUT", _PREFIX, "CreateBackupSelection")
def _create(req):
    plan_id = req.match.group("plan")
    if _live_plan(req.region, plan_id) is None:
        return _not_found("Backup plan %s not found" % plan_id)
    body = req.json()
    sel = dict(body.get("BackupSelection") or {})
    if not sel.get("SelectionName") or not sel.get("IamRoleArn"):
        return core.json_error("InvalidParameterValueException", "SelectionName and IamRoleArn are required")
    sid = str(uuid.uuid4())
    now = time.time()
    SELECTIONS.setdefault((req.region, plan_id), {})[sid] = {
        "BackupSelection": sel,
        "SelectionId": sid,
        "BackupPlanId": plan_id,
        "CreationDate": now,
        "CreatorRequestId": body.get("CreatorRequestId") or "",
    }
    return _json({"SelectionId": sid, "BackupPlanId": plan_id, "CreationDate": now})


def _find(req):
    plan_id = req.match.group("plan")
    sid = req.match.group("sel")
    rec = SELECTIONS.get((req.region, plan_id), {}).get(sid)
    return plan_id, sid, rec


@core.handles_rest(SERVICE, "GET", _PREFIX + r"/(?P<sel>[^/]+)", "GetBackupSelection")
def _get(req):
    plan_id, sid, rec = _find(req)
    if rec is None:
        return _not_found("Backup selection %s of plan %s not found" % (sid, plan_id))
    return _json(rec)


@core.handles_rest(SERVICE, "DELETE", _PREFIX + r"/(?P<sel>[^/]+)", "DeleteBackupSelection")
def _delete(req):
    plan_id, sid, rec = _find(req)
    if rec is None:
        return _not_found("Backup selection %s of plan %s not found" % (sid, plan_id))
    del SELECTIONS[(req.region, plan_id)][sid]
    if not SELECTIONS[(req.region, plan_id)]:
        del SELECTIONS[(req.region, plan_id)]
    return _json({})


@core.handles_rest(SERVICE, "GET", _PREFIX, "ListBackupSelections")
def _list(req):
    plan_id = req.match.group("plan")
    if _live_plan(req.region, plan_id) is None:
        return _not_found("Backup plan %s not found" % plan_id)
    out = []
    for rec in SELECTIONS.get((req.region, plan_id), {}).values():
        sel = rec["BackupSelection"]
        out.append({"SelectionId": rec["SelectionId"], "SelectionName": sel.get("SelectionName"),
                    "BackupPlanId": plan_id, "CreationDate": rec["CreationDate"],
                    "CreatorRequestId": rec["CreatorRequestId"], "IamRoleArn": sel.get("IamRoleArn")})
    return _json({"BackupSelectionsList": out})


@core.handles_rest(SERVICE, "DELETE", r"/backup/plans/(?P<plan>[^/]+)", "DeleteBackupPlan")
def _delete_plan(req):
    plan_id = req.match.group("plan")
    if SELECTIONS.get((req.region, plan_id)):
        return core.json_error("InvalidRequestException",
                               "Related backup plan selections must be deleted prior to backup plan deletion")
    return None  # moto deletes the plan


@core.handles_rest(SERVICE, "GET", r"/tags/(?P<arn>arn:.+)", "ListTags")
def _list_tags(req):
    from moto.backup.models import backup_backends

    arn = unquote(req.match.group("arn")).rstrip("/")
    tags = backup_backends[core.ACCOUNT_ID][req.region].list_tags(resource_arn=arn)
    return _json({"Tags": tags})


@core.handles_rest(SERVICE, "GET", r"/backup-vaults/(?P<vault>[^/]+)/recovery-points", "ListRecoveryPointsByBackupVault")
def _recovery_points(req):
    from moto.backup.models import backup_backends

    name = unquote(req.match.group("vault"))
    if name not in backup_backends[core.ACCOUNT_ID][req.region].vaults:
        return _not_found("Backup vault %s not found" % name)
    return _json({"RecoveryPoints": []})
