"""ECS CreateService: keep what moto 5.2 drops.

healthCheckGracePeriodSeconds, enableExecuteCommand, availabilityZoneRebalancing (and
enableECSManagedTags, deploymentConfiguration, capacityProviderStrategy) were not stored on
create, so aws_ecs_service drifted on every plan. (UpdateService already stores every parameter.)
"""

from moto.ecs import responses as ecs_responses

from . import core

core.extension("ecs-service-attributes")

_KEPT = {
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "enableExecuteCommand": "enable_execute_command",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "deploymentConfiguration": "deployment_configuration",
    "capacityProviderStrategy": "capacity_provider_strategy",
}

_orig_create = ecs_responses.EC2ContainerServiceResponse.create_service


def create_service(self):
    result = _orig_create(self)
    service = result.result.get("service") if hasattr(result, "result") else None
    if service is not None:
        for param, attr in _KEPT.items():
            value = self._get_param(param)
            if value is not None:
                setattr(service, attr, value)
        if getattr(service, "availability_zone_rebalancing", None) is None:
            service.availability_zone_rebalancing = "DISABLED"
    return result


ecs_responses.EC2ContainerServiceResponse.create_service = create_service
