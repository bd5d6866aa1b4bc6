"""CodePipeline and CodeDeploy: epoch timestamps, and CodeDeploy's missing deletes/updates.

* moto 5.2 returns pipeline metadata.created/updated and CodeDeploy createTime/startTime/... as
  ISO-8601 strings; the APIs (and the Go SDK the provider uses) want epoch seconds, so every read
  failed to deserialize. Rewritten on the way out.
* GetDeploymentGroup reported unset blocks as {} and alarmConfiguration always as {}.
* CreatePipeline rejected a role whose trust policy lists several service principals
  (Principal.Service as a list, as IAM allows); the check now accepts lists.
* CodeDeploy DeleteApplication, DeleteDeploymentGroup, UpdateApplication and
  UpdateDeploymentGroup raise NotImplementedError in moto 5.2; destroy failed.
"""

import datetime
import json

from . import core

core.extension("codepipeline-codedeploy")

_TIME_KEYS = {"created", "updated", "createTime", "startTime", "completeTime", "pollingDisabledAt",
              "lastUpdateTime", "lastStatusChange"}


def _epoch(value):
    try:
        dt = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


def _fix(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in _TIME_KEYS and isinstance(v, str):
                obj[k] = _epoch(v)
            else:
                _fix(v)
    elif isinstance(obj, list):
        for v in obj:
            _fix(v)


@core.after("codepipeline", "*")
@core.after("codedeploy", "*")
def _timestamps(req, status, headers, body):
    if status != 200 or not body:
        return status, headers, body
    try:
        data = json.loads(body)
    except ValueError:
        return status, headers, body
    _fix(data)
    return status, headers, json.dumps(data).encode()


def _backend(req):
    from moto.codedeploy.models import codedeploy_backends

    return codedeploy_backends[core.ACCOUNT_ID][req.region]


def _app_missing(name):
    return core.json_error("ApplicationDoesNotExistException", "No application found for name: %s" % name)


@core.handles("codedeploy", "DeleteApplication")
def _delete_application(req):
    name = req.json().get("applicationName", "")
    backend = _backend(req)
    if name not in backend.applications:
        return core.json_response({})  # AWS answers success for an unknown application
    del backend.applications[name]
    backend.deployment_groups.pop(name, None)
    return core.json_response({})


@core.handles("codedeploy", "UpdateApplication")
def _update_application(req):
    body = req.json()
    backend = _backend(req)
    old, new = body.get("applicationName", ""), body.get("newApplicationName")
    if old not in backend.applications:
        return _app_missing(old)
    if new and new != old:
        app = backend.applications.pop(old)
        app.application_name = new
        backend.applications[new] = app
        if old in backend.deployment_groups:
            backend.deployment_groups[new] = backend.deployment_groups.pop(old)
    return core.json_response({})


@core.handles("codedeploy", "DeleteDeploymentGroup")
def _delete_group(req):
    body = req.json()
    app, group = body.get("applicationName", ""), body.get("deploymentGroupName", "")
    backend = _backend(req)
    if app not in backend.applications:
        return _app_missing(app)
    groups = backend.deployment_groups.get(app, {})
    groups.pop(group, None)
    return core.json_response({"hooksNotCleanedUp": []})


_GROUP_FIELDS = {
    "deploymentConfigName": "deployment_config_name",
    "ec2TagFilters": "ec2_tag_filters",
    "onPremisesInstanceTagFilters": "on_premises_instance_tag_filters",
    "autoScalingGroups": "auto_scaling_groups",
    "serviceRoleArn": "service_role_arn",
    "triggerConfigurations": "trigger_configurations",
    "autoRollbackConfiguration": "auto_rollback_configuration",
    "outdatedInstancesStrategy": "outdated_instances_strategy",
    "deploymentStyle": "deployment_style",
    "blueGreenDeploymentConfiguration": "blue_green_deployment_configuration",
    "loadBalancerInfo": "load_balancer_info",
    "ec2TagSet": "ec2_tag_set",
    "ecsServices": "ecs_services",
    "onPremisesTagSet": "on_premises_tag_set",
    "terminationHookEnabled": "termination_hook_enabled",
}


@core.handles("codedeploy", "UpdateDeploymentGroup")
def _update_group(req):
    body = req.json()
    app, current = body.get("applicationName", ""), body.get("currentDeploymentGroupName", "")
    backend = _backend(req)
    if app not in backend.applications:
        return _app_missing(app)
    groups = backend.deployment_groups.get(app, {})
    group = groups.get(current)
    if group is None:
        return core.json_error("DeploymentGroupDoesNotExistException",
                               "No Deployment Group found for name: %s" % current)
    for key, attr in _GROUP_FIELDS.items():
        if key in body:
            setattr(group, attr, body[key])
    if "alarmConfiguration" in body:
        group.tfgate_alarm_configuration = body["alarmConfiguration"]
    new = body.get("newDeploymentGroupName")
    if new and new != current:
        groups[new] = groups.pop(current)
        group.deployment_group_name = new
    return core.json_response({"hooksNotCleanedUp": []})


# GetDeploymentGroup reports alarmConfiguration as {} (a moto TODO); report what was set.
@core.after("codedeploy", "CreateDeploymentGroup")
def _remember_alarms(req, status, headers, body):
    if status == 200 and "alarmConfiguration" in req.json():
        app = req.json().get("applicationName", "")
        group = _backend(req).deployment_groups.get(app, {}).get(req.json().get("deploymentGroupName", ""))
        if group is not None:
            group.tfgate_alarm_configuration = req.json()["alarmConfiguration"]
    return status, headers, body


@core.after("codedeploy", "GetDeploymentGroup", "BatchGetDeploymentGroups")
def _report_alarms(req, status, headers, body):
    if status != 200:
        return status, headers, body
    data = json.loads(body)
    infos = [data["deploymentGroupInfo"]] if "deploymentGroupInfo" in data else data.get("deploymentGroupsInfo", [])
    groups = _backend(req).deployment_groups
    for info in infos:
        # moto reports unset blocks as {}; AWS omits them and the provider reads {} as a block
        # that is present (load_balancer_info drifted).
        for key in [k for k, v in info.items() if v == {}]:
            del info[key]
        group = groups.get(info.get("applicationName"), {}).get(info.get("deploymentGroupName"))
        alarms = getattr(group, "tfgate_alarm_configuration", None)
        if alarms is not None:
            info["alarmConfiguration"] = alarms
    return status, headers, json.dumps(data).encode()


def _create_pipeline(self, pipeline, tags):
    """moto's CodePipelineBackend.create_pipeline with the trust-policy check fixed for
    Principal.Service given as a list (or a statement without a service principal)."""
    from moto.codepipeline.exceptions import InvalidStructureException
    from moto.codepipeline.models import CodePipeline
    from moto.iam.exceptions import NotFoundException as IAMNotFoundException

    name = pipeline["name"]
    if name in self.pipelines:
        raise InvalidStructureException(
            f"A pipeline with the name '{name}' already exists in account '{self.account_id}'")
    trusted = False
    try:
        role = self.iam_backend.get_role_by_arn(pipeline["roleArn"])
        statements = json.loads(role.assume_role_policy_document)["Statement"]
        if isinstance(statements, dict):
            statements = [statements]
        for st in statements:
            service = (st.get("Principal") or {}).get("Service", []) if isinstance(st.get("Principal"), dict) else []
            services = service if isinstance(service, list) else [service]
            if "codepipeline.amazonaws.com" in services:
                trusted = True
    except IAMNotFoundException:
        trusted = False
    if not trusted:
        raise InvalidStructureException(
            f"CodePipeline is not authorized to perform AssumeRole on role {pipeline['roleArn']}")
    if len(pipeline["stages"]) < 2:
        raise InvalidStructureException(
            "Pipeline has only 1 stage(s). There should be a minimum of 2 stages in a pipeline")
    self.pipelines[name] = CodePipeline(self.account_id, self.region_name, pipeline)
    if tags is not None:
        self.pipelines[name].validate_tags(tags)
        self.pipelines[name].tags.update({tag["key"]: tag["value"] for tag in tags})
    else:
        tags = []
    return pipeline, sorted(tags, key=lambda i: i["key"])


def _install():
    from moto.codepipeline.models import CodePipelineBackend

    CodePipelineBackend.create_pipeline = _create_pipeline


_install()
