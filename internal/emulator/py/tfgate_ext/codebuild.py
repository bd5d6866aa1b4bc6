"""CodeBuild: DeleteProject by ARN, and CODEPIPELINE / NO_SOURCE projects without a location.

* The aws provider deletes aws_codebuild_project by ARN; moto 5.2 only looks the name up, ignores
  the ARN and answers success, so projects leaked after destroy.
* CreateProject ignored encryptionKey and always reported alias/aws/s3.
* moto 5.2 demands source.location and artifacts.location for every type; AWS does not for
  CODEPIPELINE / NO_SOURCE sources and CODEPIPELINE artifacts (the pipeline supplies them).
"""

import json

from moto.codebuild import responses as cb_responses

from . import core

_orig_source = cb_responses._validate_required_params_source
_orig_artifacts = cb_responses._validate_required_params_artifacts


def _validate_source(source):
    if source.get("type") in ("CODEPIPELINE", "NO_SOURCE") and not source.get("location"):
        return
    _orig_source(source)


def _validate_artifacts(artifacts):
    if artifacts.get("type") == "CODEPIPELINE" and not artifacts.get("location"):
        return
    _orig_artifacts(artifacts)


cb_responses._validate_required_params_source = _validate_source
cb_responses._validate_required_params_artifacts = _validate_artifacts

core.extension("codebuild-delete-by-arn")


@core.handles("codebuild", "DeleteProject")
def _delete(req):
    from moto.codebuild.models import codebuild_backends

    name = req.json().get("name", "")
    if not name.startswith("arn:"):
        return None  # moto handles names
    backend = codebuild_backends[core.ACCOUNT_ID][req.region]
    for project_name, project in list(backend.codebuild_projects.items()):
        if project.arn == name:
            backend.delete_project(project_name)
    return core.json_response({})


@core.after("codebuild", "CreateProject")
def _keep_encryption_key(req, status, headers, body):
    key = req.json().get("encryptionKey")
    if status != 200 or not key:
        return status, headers, body
    from moto.codebuild.models import codebuild_backends

    project = codebuild_backends[core.ACCOUNT_ID][req.region].codebuild_projects.get(req.json().get("name"))
    if project is not None:
        project.project_metadata["encryptionKey"] = key
    data = json.loads(body)
    if "project" in data:
        data["project"]["encryptionKey"] = key
    return status, headers, json.dumps(data).encode()
