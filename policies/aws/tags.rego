# METADATA
# title: Tags
# description: Every taggable resource carries the ownership tags cost and incident tooling rely on.
package tfgate.aws.tags

import rego.v1

import data.tfgate.lib

required := ["Project", "Environment", "ManagedBy"]

# Taggable resources are those whose planned state has tags or tags_all.
taggable contains rc if {
	some t, _ in lib.by_type
	some rc in lib.live(t)
	some k in ["tags_all", "tags"]
	object.get(rc.change.after, k, "absent") != "absent"
}

# METADATA
# title: Required tags
# description: Project, Environment and ManagedBy are set on every taggable resource (provider default_tags count, through tags_all).
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
	lib.known(rc, "tags_all")
	tags := lib.tags(rc)
	missing := [k | some k in required; not tags[k]]
	count(missing) > 0
	v := lib.violation(rc, "tags", sprintf("%s: missing required tags: %s", [rc.address, concat(", ", missing)]))
}

required_tags_violations contains v if {
	some rc in taggable
	lib.unknown(rc, "tags_all")
	v := lib.unknown_violation(rc, "tags_all")
}
