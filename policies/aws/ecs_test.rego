package tfgate.test.aws.ecs

import rego.v1

import data.tfgate.aws.ecs
import data.tfgate.fixtures as fx

container(over) := object.union(
	{
		"name": "app", "image": "app:1", "essential": true,
		"environment": [{"name": "NODE_ENV", "value": "production"}, {"name": "PORT", "value": "5000"}],
		"secrets": [{"name": "DATABASE_URL", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/app/database_url"}],
		"logConfiguration": {"logDriver": "awslogs", "options": {}},
	},
	over,
)

taskdef(containers) := fx.rc("aws_ecs_task_definition", "app", {"container_definitions": json.marshal(containers)})

test_clean_task_definition if {
	count(((ecs.plaintext_secrets | ecs.privileged) | ecs.logging)) == 0 with input as fx.plan([taskdef([container({})])])
}

test_secret_in_plain_environment if {
	every name in ["OPENAI_API_KEY", "CLIENT_SECRET", "DB_PASSWORD", "GITHUB_TOKEN", "DATABASE_URL", "database_url"] {
		some f in ecs.plaintext_secrets with input as fx.plan([taskdef([container({"environment": [{"name": name, "value": "x"}]})])])
		f.id == "ECS-002"
		f.address == "aws_ecs_task_definition.app"
		f.attribute == "container_definitions"
		contains(f.message, name)
		not contains(f.message, "\"x\"")
	}
}

test_sensitive_container_definitions if {
	r := fx.rc("aws_ecs_task_definition", "app", {"container_definitions": "(sensitive)"})
	p := fx.plan([object.union(r, {"change": {"after_sensitive": {"container_definitions": true}}})])
	some f in ecs.plaintext_secrets with input as p
	not f.unknown
}

test_unknown_container_definitions if {
	p := fx.plan([fx.rc_unknown("aws_ecs_task_definition", "app", {}, {"container_definitions": true})])
	some f in ecs.plaintext_secrets with input as p
	f.unknown
}

test_privileged if {
	some f in ecs.privileged with input as fx.plan([taskdef([container({"privileged": true})])])
	f.id == "ECS-003"
}

test_no_log_configuration if {
	some f in ecs.logging with input as fx.plan([taskdef([object.remove(container({}), ["logConfiguration"])])])
	f.id == "ECS-004"
}

test_container_insights if {
	on := fx.rc("aws_ecs_cluster", "main", {"setting": [{"name": "containerInsights", "value": "enabled"}]})
	count(ecs.container_insights) == 0 with input as fx.plan([on])
	off := fx.rc("aws_ecs_cluster", "main", {"setting": [{"name": "containerInsights", "value": "disabled"}]})
	some f in ecs.container_insights with input as fx.plan([off])
	f.id == "ECS-001"
}

svc(v) := fx.rc("aws_ecs_service", "app", {"network_configuration": [{"assign_public_ip": v}]})

test_public_ip if {
	some f in ecs.public_ip with input as fx.plan([svc(true)])
	f.id == "ECS-005"
	count(ecs.public_ip) == 0 with input as fx.plan([svc(false)])
}
