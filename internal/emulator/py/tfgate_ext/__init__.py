"""tfgate's in-process extensions to moto 5.2 (see core.py for how they plug in).

Each module completes one AWS API that the tfgate stack needs and moto lacks or answers wrongly.
"""

import importlib

from . import core

MODULES = [
    "appautoscaling_tags",
    "appautoscaling_deletes",
    "backup_selections",
    "cognito_identity_roles",
    "logs_query_definitions",
    "xray_sampling",
    "rds_attributes",
    "rds_proxy",
    "ecs_service_attributes",
    "cloudfront_oac",
    "codestar_connections",
    "codepipeline_codedeploy",
    "codebuild",
    "ec2_fixes",
]


def load_all():
    core.install_backend_hooks()
    for name in MODULES:
        importlib.import_module("." + name, __name__)
