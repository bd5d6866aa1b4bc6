"""RDS: keep what CreateDBInstance / ModifyDBInstance set but moto 5.2 drops, and make
DescribeDBParameters honour `Source`.

* MonitoringInterval, MonitoringRoleArn, PerformanceInsights* and DatabaseInsightsMode were not
  stored on create (and EnablePerformanceInsights was stored under a name DescribeDBInstances never
  reads), so aws_db_instance drifted on every plan.
* DescribeDBParameters ignored Source=user, and returned parameters without Source/ApplyType
  (see _describe_params below).
"""

from moto.rds import models as rds_models
from moto.rds import responses as rds_responses

from . import core

core.extension("rds-attributes")

# request parameter -> (attribute DescribeDBInstances serialises, type)
_KEPT = {
    "MonitoringInterval": ("monitoring_interval", int),
    "MonitoringRoleArn": ("monitoring_role_arn", str),
    "EnablePerformanceInsights": ("performance_insights_enabled", bool),
    "PerformanceInsightsKMSKeyId": ("performance_insights_kms_key_id", str),
    "PerformanceInsightsRetentionPeriod": ("performance_insights_retention_period", int),
    "DatabaseInsightsMode": ("database_insights_mode", str),
}


def _convert(value, typ):
    if typ is bool and isinstance(value, str):
        return value.lower() == "true"
    if typ is int and isinstance(value, str):
        return int(value)
    return value


def _keep(resp, database):
    for param, (attr, typ) in _KEPT.items():
        value = resp._get_param(param)
        if value is not None:
            setattr(database, attr, _convert(value, typ))
    if getattr(database, "performance_insights_enabled", False):
        # AWS defaults: 7 days, the account's aws/rds key.
        if not getattr(database, "performance_insights_retention_period", None):
            database.performance_insights_retention_period = 7
    if getattr(database, "monitoring_interval", 0) and getattr(database, "monitoring_role_arn", None):
        database.enhanced_monitoring_resource_arn = "arn:aws:logs:%s:%s:log-group:RDSOSMetrics:log-stream:%s" % (
            resp.region, resp.current_account, database.dbi_resource_id)


def _wrap(name):
    orig = getattr(rds_responses.RDSResponse, name)

    def wrapped(self):
        result = orig(self)
        database = result.result.get("DBInstance") if hasattr(result, "result") else None
        if database is not None:
            _keep(self, database)
        return result

    wrapped.__name__ = name
    setattr(rds_responses.RDSResponse, name, wrapped)


_wrap("create_db_instance")
_wrap("modify_db_instance")


def _describe_params(self):
    """DescribeDBParameters with Source filtering. Parameters set through Create/Modify are
    reported as Source=user with the fields the provider compares (ApplyType, IsModifiable), so
    aws_db_parameter_group's `parameter` blocks read back as set."""
    from moto.rds.exceptions import DBParameterGroupNotFoundError
    from moto.core.responses import ActionResult

    name = self._get_param("DBParameterGroupName")
    groups = self.backend.describe_db_parameter_groups({"db_parameter_group_name": name})
    if not groups:
        raise DBParameterGroupNotFoundError(name)
    source = self._get_param("Source")
    params = []
    for p in groups[0].parameters.values():
        item = dict(p)
        item.setdefault("Source", "user")
        item.setdefault("ApplyType", "dynamic")
        item.setdefault("IsModifiable", True)
        item.setdefault("ApplyMethod", "immediate")
        if source and item["Source"] != source:
            continue
        params.append(item)
    return ActionResult({"Parameters": params})


rds_responses.RDSResponse.describe_db_parameters = _describe_params
