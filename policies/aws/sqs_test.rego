package tfgate.test.aws.sqs

import rego.v1

import data.tfgate.aws.sqs
import data.tfgate.fixtures as fx

test_kms_queue_encrypted if {
	count(sqs.encryption) == 0 with input as fx.plan([fx.rc("aws_sqs_queue", "q", {"sqs_managed_sse_enabled": false, "kms_master_key_id": "alias/aws/sqs"})])
}

test_public_with_condition_is_fine if {
	d := json.marshal({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:::t"}}}]})
	count(sqs.public_policy) == 0 with input as fx.plan([fx.rc("aws_sqs_queue_policy", "p", {"policy": d})])
}
