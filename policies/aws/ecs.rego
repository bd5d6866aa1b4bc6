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
#   controls: ["ECS.12"]
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

container_insights_violations contains v if {
	some v in lib.unknown_violations(lib.live("aws_ecs_cluster"), "setting")
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
#   controls: ["ECS.8"]
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
	some v in lib.unknown_violations(task_defs, "container_definitions")
}

# METADATA
# title: No privileged containers
# description: Containers do not run privileged (Fargate rejects it; on EC2 it is host root).
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security
# custom:
#   id: ECS-003
#   controls: ["ECS.4"]
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

privileged_violations contains v if {
	some v in lib.unknown_violations(task_defs, "container_definitions")
}

# METADATA
# title: Container logs shipped to CloudWatch
# description: Every container has a logConfiguration so its output is retained and searchable.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
# custom:
#   id: ECS-004
#   controls: ["ECS.9"]
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

logging_violations contains v if {
	some v in lib.unknown_violations(task_defs, "container_definitions")
}

# METADATA
# title: ECS services without public IPs
# description: Tasks run in private subnets behind the load balancer; they get no public IP.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
# custom:
#   id: ECS-005
#   controls: ["ECS.2", "ECS.16"]
#   severity: high
#   remediation: Set network_configuration { assign_public_ip = false } and use private subnets.
public_ip contains f if {
	some v in public_ip_violations
	f := lib.finding(rego.metadata.rule(), v)
}

public_ip_p := ["network_configuration", 0, "assign_public_ip"]

services := lib.resources(["aws_ecs_service", "aws_ecs_task_set"])

public_ip_violations contains v if {
	some rc in services
	lib.known(rc, public_ip_p)
	lib.after(rc, public_ip_p) == true
	v := lib.violation(rc, "network_configuration.assign_public_ip", sprintf("%s: tasks must not get a public IP", [rc.address]))
}

public_ip_violations contains v if {
	some v in lib.unknown_violations(services, public_ip_p)
}

# METADATA
# title: Containers have a read-only root filesystem
# description: A read-only root filesystem stops an intruder from changing the container's binaries; writable paths are explicit volumes.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_storage
# custom:
#   id: ECS-006
#   severity: medium
#   controls: ["ECS.5"]
#   enforcement: {dev: advisory, staging: advisory, production: advisory}
#   remediation: Set readonlyRootFilesystem = true and mount a volume for the paths the application writes (e.g. /tmp).
read_only_root contains f if {
	some v in read_only_root_violations
	f := lib.finding(rego.metadata.rule(), v)
}

read_only_root_violations contains v if {
	some rc in task_defs
	some c in containers(rc)
	object.get(c, "readonlyRootFilesystem", false) != true
	v := lib.violation(rc, "container_definitions", sprintf("%s: container %q has a writable root filesystem", [rc.address, c.name]))
}

read_only_root_violations contains v if {
	some v in lib.unknown_violations(task_defs, "container_definitions")
}

# METADATA
# title: Tasks do not share the host's process namespace
# description: pid_mode = "host" lets a container see and signal every process on the host.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_definition_pidmode
# custom:
#   id: ECS-007
#   severity: high
#   controls: ["ECS.3"]
#   remediation: Remove pid_mode = "host" (use "task" to share within the task).
host_pid contains f if {
	some v in host_pid_violations
	f := lib.finding(rego.metadata.rule(), v)
}

host_pid_violations contains v if {
	some rc in task_defs
	lib.known(rc, "pid_mode")
	lib.after(rc, "pid_mode") == "host"
	v := lib.violation(rc, "pid_mode", sprintf("%s: task shares the host's process namespace (pid_mode = host)", [rc.address]))
}

host_pid_violations contains v if {
	some v in lib.unknown_violations(task_defs, "pid_mode")
}

# METADATA
# title: Host networking only for non-root, unprivileged containers
# description: A task in network_mode "host" shares the host's network stack; its containers must then run as a non-root user and unprivileged.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html
# custom:
#   id: ECS-008
#   severity: high
#   controls: ["ECS.1"]
#   remediation: Use network_mode = "awsvpc", or set user to a non-root user and privileged = false.
host_network contains f if {
	some v in host_network_violations
	f := lib.finding(rego.metadata.rule(), v)
}

root_user(c) if not c.user

root_user(c) if c.user == null

root_user(c) if c.user in {"root", "0", "0:0"}

root_user(c) if {
	is_string(c.user)
	startswith(c.user, "root:")
}

host_network_violations contains v if {
	some rc in task_defs
	lib.known(rc, "network_mode")
	lib.after(rc, "network_mode") == "host"
	some c in containers(rc)
	root_user(c)
	v := lib.violation(rc, "network_mode", sprintf("%s: container %q runs as root on the host network", [rc.address, c.name]))
}

host_network_violations contains v if {
	some v in lib.unknown_violations(task_defs, "network_mode")
}

host_network_violations contains v if {
	some v in lib.unknown_violations([rc | some rc in task_defs; lib.after(rc, "network_mode") == "host"], "container_definitions")
}

# METADATA
# title: Fargate services on the latest platform version
# description: The LATEST Fargate platform version carries the current kernel and runtime security fixes.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-fargate.html
# custom:
#   id: ECS-009
#   severity: medium
#   controls: ["ECS.10"]
#   remediation: Leave platform_version unset or "LATEST".
platform_version contains f if {
	some v in platform_version_violations
	f := lib.finding(rego.metadata.rule(), v)
}

fargate_services := [rc | some rc in lib.live("aws_ecs_service"); lib.after(rc, "launch_type") == "FARGATE"]

platform_version_violations contains v if {
	some rc in fargate_services
	lib.known(rc, "platform_version")
	not lib.after(rc, "platform_version") in {"LATEST", null}
	v := lib.violation(rc, "platform_version", sprintf("%s: Fargate platform version is pinned to %v", [rc.address, lib.after(rc, "platform_version")]))
}

platform_version_violations contains v if {
	some v in lib.unknown_violations(fargate_services, "platform_version")
}
