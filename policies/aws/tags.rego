# METADATA
# title: Tags
# description: |
#   Every taggable resource carries the tags the project's cost and incident
#   tooling rely on. Which tags is the project's convention, not the
#   library's: they come from tfgate.yaml (`required_tags:`), and with none
#   configured the rule does not run.
package tfgate.aws.tags

import rego.v1

import data.tfgate.lib

required := [k | some k in object.get(object.get(input, "tfgate", {}), "required_tags", []); is_string(k)]

# Taggable resources are those whose planned state has tags or tags_all
# (or tags_all unknown until apply). A list, not a set: a set of resource
# objects compares them whole to deduplicate, the most expensive part of this
# rule on large plans; the findings are a set anyway.
taggable := [rc |
	count(required) > 0
	some t, _ in lib.by_type
	some rc in lib.live(t)
	has_tags(rc)
]

has_tags(rc) if {
	some k in ["tags_all", "tags"]
	object.get(rc.change.after, k, "absent") != "absent"
}

has_tags(rc) if lib.unknown(rc, "tags_all")

# The provider's default_tags (every aws provider block, aliases too): the
# keys when written as constants; unresolved when built from variables
# (their values only show in tags_all, which is then usually known).
aws_providers := [pc | some pc in object.get(object.get(input, "configuration", {}), "provider_config", {}); pc.name == "aws"]

default_tag_keys contains k if {
	some pc in aws_providers
	some dt in object.get(pc, ["expressions", "default_tags"], [])
	some k, _ in object.get(dt, ["tags", "constant_value"], {})
}

default_tags_unresolved if {
	some pc in aws_providers
	some dt in object.get(pc, ["expressions", "default_tags"], [])
	not is_object(object.get(dt, ["tags", "constant_value"], null))
}

# effective_tags(rc): the tag keys rc will have, when they can be known now:
# tags_all when known; else the resource's own tags plus the provider's
# constant default_tags (tags_all is computed when no default_tags exist,
# which must not turn an untagged resource into an "unknown").
effective_tags(rc) := {k | some k, _ in object.get(rc.change.after, "tags_all", {})} if {
	lib.known(rc, "tags_all")
	is_object(lib.after(rc, "tags_all"))
} else := {k | some k, _ in lib.get(rc.change.after, "tags", {}); is_object(lib.after(rc, "tags"))} | default_tag_keys if {
	lib.known(rc, "tags")
	not default_tags_unresolved
}

# METADATA
# title: Required tags
# description: The tags listed in tfgate.yaml `required_tags:` are set on every taggable resource (provider default_tags count, through tags_all); a resource with no tags at all is a violation. Without required_tags the rule does not run.
# related_resources:
#   - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/resource-tagging
# custom:
#   id: TAG-001
#   severity: medium
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set the tags in the provider's default_tags block.
required_tags contains f if {
	some v in required_tags_violations
	f := lib.finding(rego.metadata.rule(), v)
}

required_tags_violations contains v if {
	some rc in taggable
	have := effective_tags(rc)
	missing := [k | some k in required; not k in have]
	count(missing) > 0
	v := lib.violation(rc, "tags", message(rc, have, missing))
}

message(rc, have, _) := sprintf("%s: has no tags at all (required: %s)", [rc.address, concat(", ", required)]) if count(have) == 0

message(rc, have, missing) := sprintf("%s: missing required tags: %s", [rc.address, concat(", ", missing)]) if count(have) > 0

required_tags_violations contains v if {
	some v in lib.unknown_violations([rc | some rc in taggable; not effective_tags(rc)], "tags_all")
}
