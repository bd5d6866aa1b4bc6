package tfgate.test.aws.cloudfront

import rego.v1

import data.tfgate.aws.cloudfront
import data.tfgate.fixtures as fx

dist(default_policy, ordered, cert) := fx.rc("aws_cloudfront_distribution", "cdn", {
	"default_cache_behavior": [{"viewer_protocol_policy": default_policy}],
	"ordered_cache_behavior": ordered,
	"viewer_certificate": [cert],
})

default_cert := {"cloudfront_default_certificate": true, "minimum_protocol_version": "TLSv1"}

test_https_only if {
	p := fx.plan([dist("redirect-to-https", [{"viewer_protocol_policy": "https-only"}], default_cert)])
	count(cloudfront.viewer_https | cloudfront.viewer_tls) == 0 with input as p
}

test_allow_all_default if {
	some f in cloudfront.viewer_https with input as fx.plan([dist("allow-all", null, default_cert)])
	f.id == "CF-001"
	f.attribute == "default_cache_behavior.viewer_protocol_policy"
}

test_allow_all_ordered if {
	some f in cloudfront.viewer_https with input as fx.plan([dist("https-only", [{"viewer_protocol_policy": "allow-all"}], default_cert)])
	f.attribute == "ordered_cache_behavior.viewer_protocol_policy"
}

test_custom_cert_old_tls if {
	cert := {"cloudfront_default_certificate": false, "acm_certificate_arn": "arn:cert", "minimum_protocol_version": "TLSv1.1_2016"}
	some f in cloudfront.viewer_tls with input as fx.plan([dist("https-only", [], cert)])
	f.id == "CF-002"
}

test_custom_cert_tls12 if {
	cert := {"cloudfront_default_certificate": false, "acm_certificate_arn": "arn:cert", "minimum_protocol_version": "TLSv1.2_2021"}
	count(cloudfront.viewer_tls) == 0 with input as fx.plan([dist("https-only", [], cert)])
}
