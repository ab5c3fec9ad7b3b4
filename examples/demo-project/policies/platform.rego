# The platform team's own rule, in Rego as Conftest reads it (`conftest test -p policies`
# gives the same result): every serving workload names the team that is paged for it.
package main

import rego.v1

serving_kinds := {"Deployment", "StatefulSet", "InferenceService"}

deny_missing_team contains msg if {
	input.kind in serving_kinds
	not input.metadata.labels.team
	msg := sprintf("%s %s has no `team` label: nobody can be paged for it", [input.kind, input.metadata.name])
}

