"""application-autoscaling DeleteScalingPolicy / DeregisterScalableTarget / DeleteScheduledAction
answer a missing object as AWS does, and are atomic.

AWS answers ObjectNotFoundException, which the aws provider takes as "already deleted". moto 5.2
answers ValidationException ("No scaling policy found ..."), which fails the destroy. That turns
any retried delete into a failure: when the SDK resends a DeleteScalingPolicy whose first attempt
was carried out but whose answer was lost (a connection reset or a client-side timeout on a loaded
machine), the resend finds nothing. Measured once in 6 up/down cycles: `down` failed with
"DeleteScalingPolicy ... ValidationException: No scaling policy found" for saprism-dev-ws-cpu.

moto's delete is also check-then-act without a lock: two concurrent deletes of the same policy can
both pass the check, and the second `del` raises KeyError (an EmulatorError 501 here). These
handlers run under core.LOCK, so exactly one delete succeeds and the others see ObjectNotFound.
"""

from . import core

core.extension("application-autoscaling-deletes")

SERVICE = "application-autoscaling"


def _backend(region):
    from moto.applicationautoscaling.models import applicationautoscaling_backends

    return applicationautoscaling_backends[core.ACCOUNT_ID][region]


def _not_found(msg):
    return core.json_error("ObjectNotFoundException", msg)


@core.handles(SERVICE, "DeleteScalingPolicy")
def _delete_policy(req):
    from moto.applicationautoscaling.models import FakeApplicationAutoscalingPolicy

    body = req.json()
    ns, rid = body.get("ServiceNamespace"), body.get("ResourceId")
    dim, name = body.get("ScalableDimension"), body.get("PolicyName")
    backend = _backend(req.region)
    key = FakeApplicationAutoscalingPolicy.formulate_key(ns, rid, dim, name)
    policy = backend.policies.get(key)
    if policy is None:
        return _not_found("No scaling policy found for service namespace: %s, resource ID: %s, "
                          "scalable dimension: %s, policy name: %s" % (ns, rid, dim, name))
    policy.delete_alarms(backend.account_id, backend.region_name)
    del backend.policies[key]
    return core.json_response({})


@core.handles(SERVICE, "DeregisterScalableTarget")
def _deregister(req):
    from . import appautoscaling_tags

    body = req.json()
    ns, rid, dim = body.get("ServiceNamespace"), body.get("ResourceId"), body.get("ScalableDimension")
    backend = _backend(req.region)
    target = backend.targets.get(dim, {}).get(rid)
    if target is None:
        return _not_found("No scalable target registered for service namespace: %s, resource ID: %s, "
                          "scalable dimension: %s" % (ns, rid, dim))
    del backend.targets[dim][rid]
    appautoscaling_tags.TAGS.pop(target.arn, None)
    return core.json_response({})


@core.handles(SERVICE, "DeleteScheduledAction")
def _delete_scheduled(req):
    body = req.json()
    ns, name = body.get("ServiceNamespace"), body.get("ScheduledActionName")
    rid, dim = body.get("ResourceId"), body.get("ScalableDimension")
    backend = _backend(req.region)
    keep = [a for a in backend.scheduled_actions
            if not (a.service_namespace == ns and a.scheduled_action_name == name
                    and a.resource_id == rid and a.scalable_dimension == dim)]
    if len(keep) == len(backend.scheduled_actions):
        return _not_found("No scheduled action found for service namespace: %s, resource ID: %s, "
                          "scheduled action name: %s" % (ns, rid, name))
    backend.scheduled_actions = keep
    return core.json_response({})
