# METADATA
# title: ECS
# description: ECS clusters are observable and task definitions keep secrets out of plain environment variables.
package tfgate.aws.ecs

import rego.v1

import data.tfgate.lib

# METADATA
# title: ECS Container Insights enabled
# description: Cluster-level Container Insights collects the task metrics alarms and dashboards rely on.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights.html
# custom:
#   id: ECS-001
#   severity: medium
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Add setting { name = "containerInsights", value = "enabled" } to the aws_ecs_cluster.
container_insights contains f if {
	some v in container_insights_violations
	f := lib.finding(rego.metadata.rule(), v)
}

container_insights_violations contains v if {
	some rc in lib.live("aws_ecs_cluster")
	lib.known(rc, "setting")
	not insights_on(rc)
	v := lib.violation(rc, "setting", sprintf("%s: Container Insights must be enabled", [rc.address]))
}

insights_on(rc) if {
	some s in lib.after(rc, "setting")
	s.name == "containerInsights"
	s.value in {"enabled", "enhanced"}
}

task_defs := lib.live("aws_ecs_task_definition")

# The container definitions, [] unless a JSON list of objects.
containers(rc) := [c | some c in lib.json_attr(rc, "container_definitions"); is_object(c)]

# METADATA
# title: No plaintext secrets in task definitions
# description: |
#   Environment variables named like secrets (*_KEY, *_SECRET, *PASSWORD*,
#   *TOKEN*, DATABASE_URL) must come from `secrets` (SSM / Secrets Manager),
#   never from `environment`, where they are stored in clear in the task definition.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
# custom:
#   id: ECS-002
#   severity: critical
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Move the variable to the container's `secrets` with valueFrom = an SSM SecureString parameter ARN.
plaintext_secrets contains f if {
	some v in plaintext_secrets_violations
	f := lib.finding(rego.metadata.rule(), v)
}

plaintext_secrets_violations contains v if {
	some rc in task_defs
	some c in containers(rc)
	some e in lib.list(object.get(c, "environment", []))
	lib.secret_name(e.name)
	v := lib.violation(rc, "container_definitions", sprintf("%s: container %q sets %s in plain environment; use secrets", [rc.address, c.name, e.name]))
}

# A sensitive value inlined in container_definitions is a secret in the
# task definition by construction (secrets are referenced by ARN).
plaintext_secrets_violations contains v if {
	some rc in task_defs
	lib.sensitive(rc, "container_definitions")
	v := lib.violation(rc, "container_definitions", sprintf("%s: container_definitions embeds a sensitive value; pass it through secrets", [rc.address]))
}

plaintext_secrets_violations contains v if {
	some rc in task_defs
	lib.unknown(rc, "container_definitions")
	v := lib.unknown_violation(rc, "container_definitions")
}

# METADATA
# title: No privileged containers
# description: Containers do not run privileged (Fargate rejects it; on EC2 it is host root).
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security
# custom:
#   id: ECS-003
#   severity: high
#   remediation: Remove privileged = true from the container definition.
privileged contains f if {
	some v in privileged_violations
	f := lib.finding(rego.metadata.rule(), v)
}

privileged_violations contains v if {
	some rc in task_defs
	some c in containers(rc)
	c.privileged == true
	v := lib.violation(rc, "container_definitions", sprintf("%s: container %q must not be privileged", [rc.address, c.name]))
}

# METADATA
# title: Container logs shipped to CloudWatch
# description: Every container has a logConfiguration so its output is retained and searchable.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
# custom:
#   id: ECS-004
#   severity: medium
#   remediation: Set logConfiguration { logDriver = "awslogs", options = {...} } on every container.
logging contains f if {
	some v in logging_violations
	f := lib.finding(rego.metadata.rule(), v)
}

logging_violations contains v if {
	some rc in task_defs
	some c in containers(rc)
	not c.logConfiguration.logDriver
	v := lib.violation(rc, "container_definitions", sprintf("%s: container %q has no logConfiguration", [rc.address, c.name]))
}

# METADATA
# title: ECS services without public IPs
# description: Tasks run in private subnets behind the load balancer; they get no public IP.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
# custom:
#   id: ECS-005
#   severity: medium
#   remediation: Set network_configuration { assign_public_ip = false } and use private subnets.
public_ip contains f if {
	some v in public_ip_violations
	f := lib.finding(rego.metadata.rule(), v)
}

public_ip_violations contains v if {
	some rc in lib.live("aws_ecs_service")
	lib.after(rc, ["network_configuration", 0, "assign_public_ip"]) == true
	v := lib.violation(rc, "network_configuration.assign_public_ip", sprintf("%s: tasks must not get a public IP", [rc.address]))
}
